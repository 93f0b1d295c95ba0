import { type ChildProcess, spawn } from "node:child_process";
import autocannon from "autocannon";
import type { Profile } from "pprof-format";
import { aggregateFunctions } from "../../src/compare/aggregate.js";
import { type Kind, sampleIndexFor } from "../../src/model/kinds.js";
import { sleep } from "../../src/session/process.js";
import { waitReady as sessionWaitReady } from "../../src/session/ready.js";
import { groupMembers, signalGroup } from "../../src/session/reaper.js";

export { freePort } from "../../src/session/ready.js";

/**
 * Test support shared by the Go and Python capture tests: boot a fixture
 * service in its own process group, wait for it, load it, read a profile by
 * function, and make sure nothing survives.
 */

export interface Running {
  /** The shell's pid, which is also the process group id. */
  pid: number;
  output(): string;
  /** SIGTERM to the group, SIGKILL after 3 s; resolves when no member is left. */
  stop(): Promise<void>;
}

export function startService(
  command: string,
  cwd: string,
  env: Record<string, string | undefined>,
): Running {
  const child: ChildProcess = spawn("sh", ["-c", command], {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot spawn ${command}`);
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  return {
    pid,
    output: () => out,
    async stop() {
      signalGroup(pid, "SIGTERM");
      for (let i = 0; i < 60 && groupMembers(pid).length > 0; i++) {
        if (i === 30) signalGroup(pid, "SIGKILL");
        await sleep(100);
      }
    },
  };
}

/** Waits with the session's own readiness probe; a test failure carries the service's output. */
export async function waitReady(url: string, running: Running, timeoutS = 30): Promise<void> {
  const outcome = await sessionWaitReady(
    url,
    timeoutS,
    () => groupMembers(running.pid).length === 0,
  );
  if (outcome === "exited") throw new Error(`service exited before ready:\n${running.output()}`);
  if (outcome === "timeout")
    throw new Error(`not ready after ${timeoutS}s: ${url}\n${running.output()}`);
}

/** Closed-loop load for `seconds`; returns completed 2xx requests. */
export async function load(url: string, seconds: number, connections = 4): Promise<number> {
  const result = await autocannon({ url, connections, duration: seconds });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`load errors: ${result.errors} errors, ${result.non2xx} non-2xx`);
  return result.requests.total;
}

/** Cumulative value of each function name (with its file) in a profile of `kind`. */
export function cumByFunction(
  profile: Profile,
  kind: Kind,
): { total: number; cum: Map<string, { value: number; file: string }> } {
  const index = sampleIndexFor(profile, kind);
  if (index < 0) throw new Error(`profile has no sample type for ${kind}`);
  const table = aggregateFunctions(profile, index);
  const cum = new Map<string, { value: number; file: string }>();
  table.functions.forEach((f, i) => {
    const prev = cum.get(f.name);
    cum.set(f.name, { value: (prev?.value ?? 0) + (table.cum[i] ?? 0), file: f.file });
  });
  return { total: table.total, cum };
}
