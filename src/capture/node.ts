import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { type Profile, ValueType } from "pprof-format";
import { FlamegateError, errorMessage } from "../errors.js";
import { importProfile } from "../import/index.js";
import type { Kind } from "../model/kinds.js";
import { agentsDir } from "../paths.js";
import type {
  CaptureContext,
  CaptureWindow,
  CapturedProfiles,
  PreparedStart,
  RuntimeDriver,
} from "./driver.js";

/**
 * Node: the agent (agents/node-agent.cjs) is injected with
 * NODE_OPTIONS=--require, because Node 20 refuses --cpu-prof inside
 * NODE_OPTIONS and writes nothing when the process dies of a signal
 * (docs/capture.md, "Node"). The agent listens on 127.0.0.1 and drives node:inspector in
 * the service; this driver talks to it and imports what it returns.
 */

interface AgentInfo {
  pid: number;
  port: number;
  token: string;
  node: string;
  /** process.argv[1] of the process the agent runs in. */
  script: string;
}

interface AgentProfiles {
  cpu?: unknown;
  alloc?: unknown;
  heap?: unknown;
  /** Samples the agent dropped because V8 listed them under a node missing from the tree. */
  droppedSamples?: { alloc?: number; heap?: number };
}

/** How long to wait for agent.json once the service is ready, in ms. */
const AGENT_WAIT_MS = 5_000;
/** Time limit of one control request, in ms (stop serialises the profiles). */
const AGENT_REQUEST_MS = 60_000;

function agentFile(ctx: CaptureContext): string {
  return join(ctx.workDir, "agent.json");
}

function readAgent(ctx: CaptureContext): AgentInfo | undefined {
  const file = agentFile(ctx);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as AgentInfo;
}

/**
 * The pid of the service's process that runs the agent, once it has written
 * agent.json (at its start): V8's perf map is named after it.
 */
export function agentPid(ctx: CaptureContext): number | undefined {
  try {
    return readAgent(ctx)?.pid;
  } catch {
    return undefined;
  }
}

async function waitAgent(ctx: CaptureContext): Promise<AgentInfo> {
  const deadline = Date.now() + AGENT_WAIT_MS;
  for (;;) {
    const info = readAgent(ctx);
    if (info) return info;
    if (Date.now() > deadline)
      throw new FlamegateError(
        `service '${ctx.service.name}': the flamegate Node agent did not start in the service; is 'start' a Node process, and does it keep NODE_OPTIONS (it must not override or clear it)?`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

function callAgent(info: AgentInfo, path: string, body: object): Promise<unknown> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: info.port,
        path,
        method: "POST",
        agent: false,
        timeout: AGENT_REQUEST_MS,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
          "x-flamegate-token": info.token,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) {
            reject(new Error(`agent ${path} answered ${res.statusCode}: ${text.slice(0, 200)}`));
            return;
          }
          try {
            resolve(JSON.parse(text) as unknown);
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`agent ${path} timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/** V8's sampling interval in µs from the configured rate in Hz (1000 Hz -> 1000 µs). */
export function cpuIntervalUs(cpuHz: number): number {
  return Math.max(1, Math.round(1_000_000 / cpuHz));
}

function importJson(ctx: CaptureContext, kind: Kind, json: unknown) {
  const where = `service '${ctx.service.name}' round ${ctx.round} ${kind} profile from the Node agent`;
  return importProfile(Buffer.from(JSON.stringify(json)), where).profile;
}

/**
 * V8's heap sampler takes one sample per `bytes` allocated on average (its
 * samplingInterval), but a .heapprofile does not say so. Recording it as
 * pprof's period (space/bytes, as Go's allocs profiles do) tells the gate
 * what one sample is worth, so its Poisson term is right.
 */
function withSamplingInterval(profile: Profile, bytes: number): Profile {
  profile.periodType = new ValueType({
    type: profile.stringTable.dedup("space"),
    unit: profile.stringTable.dedup("bytes"),
  });
  profile.period = bytes;
  return profile;
}

export const nodeDriver: RuntimeDriver = {
  supports: ["cpu", "alloc", "heap"],
  // The allocation profile (HeapProfiler sampling with collected objects kept)
  // does its work inside the allocating code and the GC: with it on, the CPU
  // profile's (garbage collector) share rose ×1.36 and the fixture's CPU per
  // request ~30 % (docs/capture.md, "Node"). In its own window it cannot tint
  // the CPU profile, and it counts the same bytes per request: they do not
  // depend on how fast the service runs.
  separateWindows: ["alloc"],

  version(ctx: CaptureContext): Promise<string> {
    // The agent reports the service's own Node (it may differ from ours).
    const info = readAgent(ctx);
    return Promise.resolve(info?.node ?? process.version);
  },

  prepare(ctx: CaptureContext): Promise<PreparedStart> {
    const agent = join(agentsDir(), "node-agent.cjs");
    const inherited = ctx.service.env.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? "";
    const env: Record<string, string> = {
      // NODE_OPTIONS takes double-quoted values, so paths with spaces survive.
      NODE_OPTIONS: `${inherited} --require "${agent}"`.trim(),
      FLAMEGATE_AGENT_DIR: ctx.workDir,
    };
    if (ctx.service.profiles.includes("heap"))
      env.FLAMEGATE_AGENT_HEAP = String(ctx.service.sampling.allocBytes);
    if (ctx.service.sampling.nodeInlining === "off") env.FLAMEGATE_AGENT_NO_INLINING = "1";
    // The CPU profile runs from boot, and the window keeps its own samples:
    // code V8 compiled before a profile starts is partly unknown to it.
    if (ctx.service.profiles.includes("cpu"))
      env.FLAMEGATE_AGENT_CPU = String(cpuIntervalUs(ctx.service.sampling.cpuHz));
    return Promise.resolve({ command: ctx.service.start, env });
  },

  async startWindow(
    ctx: CaptureContext,
    _pid: number,
    _seconds: number,
    kinds: readonly Kind[] = ctx.service.profiles,
  ): Promise<CaptureWindow> {
    const info = await waitAgent(ctx);
    ctx.log(
      `${ctx.service.name} r${ctx.round}: node agent in pid ${info.pid} (${info.script || "no script"})`,
    );
    const interval = cpuIntervalUs(ctx.service.sampling.cpuHz);
    const allocBytes = ctx.service.sampling.allocBytes;
    try {
      await callAgent(info, "/start", {
        cpuIntervalUs: kinds.includes("cpu") ? interval : 0,
        allocBytes: kinds.includes("alloc") ? allocBytes : 0,
      });
    } catch (err) {
      throw new FlamegateError(
        `service '${ctx.service.name}': cannot start the Node profilers through the agent (${errorMessage(err)})`,
      );
    }
    return {
      async stop(): Promise<CapturedProfiles> {
        let raw: AgentProfiles;
        try {
          raw = (await callAgent(info, "/stop", {})) as AgentProfiles;
        } catch (err) {
          throw new FlamegateError(
            `service '${ctx.service.name}': cannot collect the Node profiles from the agent (${errorMessage(err)})`,
          );
        }
        const out: CapturedProfiles = { profiles: {}, profilers: {}, notes: [] };
        if (raw.cpu !== undefined) {
          out.profiles.cpu = importJson(ctx, "cpu", raw.cpu);
          out.profilers.cpu = `node:inspector Profiler @ ${interval} µs`;
        }
        if (raw.alloc !== undefined) {
          out.profiles.alloc = withSamplingInterval(
            importJson(ctx, "alloc", raw.alloc),
            allocBytes,
          );
          out.profilers.alloc = `node:inspector HeapProfiler sampling @ ${allocBytes} B, collected objects included`;
        }
        if (raw.heap !== undefined) {
          out.profiles.heap = withSamplingInterval(importJson(ctx, "heap", raw.heap), allocBytes);
          out.profilers.heap = `node:inspector HeapProfiler sampling @ ${allocBytes} B, live objects from start to window start`;
        }
        for (const [kind, n] of Object.entries(raw.droppedSamples ?? {})) {
          if (n > 0)
            out.notes.push(
              `node: V8 listed ${n} ${kind} samples under nodes missing from its tree; their bytes are kept, their object counts dropped`,
            );
        }
        return out;
      },
    };
  },
};
