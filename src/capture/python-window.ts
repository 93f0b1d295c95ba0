import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { FlamegateError } from "../errors.js";
import { agentsDir } from "../paths.js";
import type { Kind } from "../model/kinds.js";
import type { CaptureContext, CapturedProfiles } from "./driver.js";
import { isRunning } from "./proc-tree.js";
import { type PySpy, startPySpy, stopPySpy } from "./pyspy.js";
import { readPySpy } from "./pyspy-read.js";
import { type AgentReplies, type Hello, rpcAll, waitHellos } from "./python-agents.js";
import {
  type AgentSamples,
  type ProcessSamples,
  mergeProcesses,
  processesNote,
} from "./python-merge.js";

/**
 * One Python capture window, opened by the driver's startWindow (python.ts)
 * and closed by its stop(): py-spy (or the agents' built-in sampler) for
 * CPU, memray or tracemalloc inside every agent for allocations.
 */

/** flamegate's Python agent: sitecustomize.py, flamegate_agent.py, memray_export.py. */
export const AGENT_DIR = (): string => join(agentsDir(), "python");

/** Milliseconds to wait for the agents' hellos (workers boot after the master). */
export const HELLO_WAIT_MS = 3000;

export type AllocTracer = "memray" | "tracemalloc";

/** What a window needs from its opening to its close. */
export interface PyWindow {
  ctx: CaptureContext;
  /** The service's outermost agent, undefined when none loaded. */
  root: Hello | undefined;
  token: string;
  /** The process py-spy attaches to: root's pid, or the first Python process. */
  target: number;
  /** Python processes below target running its interpreter. */
  workers: number[];
  hz: number;
  notes: string[];
  profilers: Partial<Record<Kind, string>>;
  spy: PySpy | undefined;
  /** Set when the agents' built-in sampler stands in for py-spy. */
  builtinHz: number | null;
  alloc: AllocTracer | null;
  /** Agents whose window opened. */
  agents: Hello[];
  opened: bigint;
}

/** Where the agents announce themselves (agent-<pid>.json) and find their token. */
export function controlDir(ctx: CaptureContext): string {
  return join(ctx.workDir, "py-agent");
}

/** Where the agent in `pid` writes this round's files. */
export function processDir(ctx: CaptureContext, pid: number): string {
  return join(ctx.workDir, `py-${pid}`);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "es"}`;
}

let pySpyVersion: Promise<string> | undefined;

/**
 * Starts py-spy (`exe`, undefined when not on PATH) on the window's target;
 * without it the agents' built-in sampler is chosen, and the notes say why.
 * Throws when neither can run.
 */
export async function openCpu(w: PyWindow, exe: string | undefined): Promise<void> {
  let fallback =
    "python: py-spy is not on PATH; the built-in sampler ran instead (pip install py-spy for a lower-overhead profiler)";
  if (exe) {
    const gil = w.ctx.service.sampling.pythonThreads === "gil";
    const started = await startPySpy(
      exe,
      w.target,
      w.hz,
      join(w.ctx.workDir, "cpu.pyspy.txt"),
      gil,
    );
    if (started.ok) {
      w.spy = started.spy;
      pySpyVersion ??= execa(exe, ["--version"], { reject: false }).then(
        (r) => r.stdout.trim() || "py-spy",
      );
      w.profilers.cpu = `${await pySpyVersion} @ ${w.hz} Hz (--nonblocking${gil ? " --gil" : ""})`;
      return;
    }
    fallback = `python: py-spy could not attach to pid ${w.target} (${started.reason}); the built-in sampler ran instead`;
  }
  if (!w.root)
    throw new FlamegateError(
      `python: cannot profile pid ${w.target}: py-spy is unavailable and flamegate's agent did not load; install py-spy or keep PYTHONPATH for the service`,
    );
  w.notes.push(fallback);
  w.builtinHz = w.hz;
  w.profilers.cpu = `flamegate built-in sampler @ ${w.hz} Hz (threads with CPU progress)`;
}

/** memray when the root agent has it, else tracemalloc; with its notes. */
export function chooseAlloc(w: PyWindow, withCpu: boolean): AllocTracer | null {
  if (!w.root) return null;
  const alloc = w.root.memray ? "memray" : "tracemalloc";
  w.profilers.alloc =
    alloc === "memray"
      ? `memray ${w.root.memray} (every allocation, Python allocators traced)`
      : "tracemalloc (blocks live at window end)";
  if (alloc === "memray" && withCpu)
    w.notes.push(
      "python: memray recorded every allocation in this window (about 2x CPU per request on flamegate's fixture), so the CPU profile of the same window over-weights allocation-heavy frames; both sides of a comparison carry the same bias",
    );
  if (alloc === "tracemalloc")
    w.notes.push(
      "python: memray is not installed for the service's interpreter; tracemalloc ran instead: it sees only blocks still live at window end (allocations freed inside the window are missed) and slows allocation-heavy code several times",
    );
  return alloc;
}

/**
 * The agents to open a window on: every running one, once each worker of
 * `root` has announced itself (or HELLO_WAIT_MS passed). Throws when `root`
 * has workers and none runs an agent: the profile would hold only the
 * master, which does no work.
 */
async function windowAgents(w: PyWindow, root: Hello, what: string): Promise<Hello[]> {
  const control = controlDir(w.ctx);
  const workers = w.workers;
  const hellos = await waitHellos(control, HELLO_WAIT_MS, (hs) =>
    workers.every((p) => hs.some((h) => h.pid === p)),
  );
  const running = hellos.filter((h) => isRunning(h.pid));
  const reached = new Set(running.map((h) => h.pid));
  const unreached = workers.filter((p) => !reached.has(p));
  const fix =
    "keep PYTHONPATH, FLAMEGATE_PY_AGENT and FLAMEGATE_PY_AGENT_TOKEN in the workers' environment and do not start them with python -I or -S";
  if (workers.length > 0 && unreached.length === workers.length)
    throw new FlamegateError(
      `python: pid ${root.pid} runs ${plural(workers.length, "worker process")} (pids ${workers.join(", ")}) and flamegate's agent loaded in none of them, so their ${what} cannot be captured; ${fix}`,
    );
  if (unreached.length > 0)
    w.notes.push(
      `python: flamegate's agent did not load in ${unreached.length} of ${plural(workers.length, "worker process")}; their ${what} are missing (${fix})`,
    );
  const exited = hellos.length - running.length;
  if (exited > 0)
    w.notes.push(
      `python: ${plural(exited, "Python process")} of the service had exited before the window (short-lived helpers?); nothing was captured from them`,
    );
  return running;
}

/** Runs `body` on every agent; `failure`: what failed, or that `root` is gone (the service exited). */
async function onAllAgents(
  agents: readonly Hello[],
  root: Hello,
  token: string,
  body: (hello: Hello) => object,
): Promise<AgentReplies> {
  const r = await rpcAll(agents, token, body);
  if (r.failure === undefined && !r.replies.some((x) => x.hello.pid === root.pid))
    return {
      ...r,
      failure: new FlamegateError(`python agent in pid ${root.pid} is gone; did the service exit?`),
    };
  return r;
}

/**
 * Opens the window in every agent when an agent-side profiler runs (the
 * built-in sampler, memray, tracemalloc). On failure py-spy is killed too,
 * so nothing keeps sampling after flamegate gave up.
 */
export async function openAgents(w: PyWindow): Promise<void> {
  const root = w.root;
  if (!root || (w.builtinHz === null && w.alloc === null)) return;
  const what = [w.alloc !== null ? "allocations" : "", w.builtinHz !== null ? "CPU samples" : ""]
    .filter((s) => s !== "")
    .join(" and ");
  try {
    const candidates = await windowAgents(w, root, what);
    const windows = await onAllAgents(candidates, root, w.token, (h) => {
      mkdirSync(processDir(w.ctx, h.pid), { recursive: true });
      return { cmd: "start", cpu_hz: w.builtinHz, alloc: w.alloc, out: processDir(w.ctx, h.pid) };
    });
    w.agents = windows.replies.map((r) => r.hello);
    if (windows.failure !== undefined) {
      // Close what did open, so no agent keeps tracing after flamegate gave up.
      await rpcAll(w.agents, w.token, () => ({ cmd: "stop" }));
      throw windows.failure;
    }
    if (windows.gone > 0)
      w.notes.push(
        `python: ${plural(windows.gone, "Python process")} of the service exited as the window opened; nothing was captured from them`,
      );
  } catch (err) {
    if (w.spy) await stopPySpy(w.spy, "SIGKILL");
    throw err;
  }
}

/** Closes the agents' windows and stops py-spy (always); the agents' replies. */
async function closeAgents(w: PyWindow): Promise<AgentReplies["replies"]> {
  let replies: AgentReplies["replies"] = [];
  try {
    if (w.root && w.agents.length > 0) {
      const closed = await onAllAgents(w.agents, w.root, w.token, () => ({ cmd: "stop" }));
      if (closed.failure !== undefined) throw closed.failure;
      replies = closed.replies;
      if (closed.gone > 0)
        w.notes.push(
          `python: ${plural(closed.gone, "worker process")} exited during the window (a worker restart?); what they ran is missing`,
        );
    }
  } finally {
    if (w.spy) await stopPySpy(w.spy, "SIGINT");
  }
  // The same note from several workers is said once.
  w.notes.push(
    ...new Set(replies.flatMap(({ reply }) => (reply.notes ?? []).map((n) => `python: ${n}`))),
  );
  return replies;
}

/** Each agent's samples of one file kind. */
function agentParts(replies: AgentReplies["replies"], file: "cpu" | "alloc"): ProcessSamples[] {
  return replies
    .filter(({ reply }) => reply.files?.[file] !== undefined)
    .map(({ hello, reply }) => ({
      pid: hello.pid,
      doc: JSON.parse(readFileSync(reply.files![file]!, "utf8")) as AgentSamples,
      sysPath: reply.sys_path ?? hello.sys_path,
    }));
}

/** Ends the window: the CPU and allocation profiles of every process, merged. */
export async function closeWindow(w: PyWindow): Promise<CapturedProfiles> {
  const durationNanos = Number(process.hrtime.bigint() - w.opened);
  const out: CapturedProfiles = { profiles: {}, profilers: w.profilers, notes: w.notes };
  const replies = await closeAgents(w);
  // py-spy counts every thread that is not idle, those waiting for the GIL
  // included, so its samples say where threads are, not how much CPU they used.
  if (w.spy || w.builtinHz !== null) out.cpuCountsThreads = true;
  if (w.spy) {
    const window = { target: w.target, workers: w.workers.length, durationNanos, hz: w.hz };
    out.profiles.cpu = readPySpy(w.spy, window, w.notes);
  } else if (w.builtinHz !== null && w.root) {
    const merged = mergeProcesses(
      agentParts(replies, "cpu"),
      [{ type: "samples", unit: "count" }],
      {
        periodType: { type: "cpu", unit: "nanoseconds" },
        period: Math.round(1e9 / w.hz),
        durationNanos,
      },
    );
    out.profiles.cpu = merged.profile;
    const note = processesNote("the built-in sampler's samples", w.root.pid, merged.totals);
    if (note) w.notes.push(note);
  }
  const root = w.root;
  if (w.alloc !== null && root) {
    // memray's export reads the captures only (5–9 s of CPU a window): the session runs it later.
    const memray = w.alloc === "memray";
    out.later = async () => {
      if (memray) await exportMemray(replies);
      const merged = mergeProcesses(
        agentParts(replies, "alloc"),
        [
          { type: "alloc_space", unit: "bytes" },
          { type: "alloc_objects", unit: "count" },
        ],
        { durationNanos },
      );
      out.profiles.alloc = merged.profile;
      const note = processesNote("allocations", root.pid, merged.totals);
      if (note) w.notes.push(note);
    };
  }
  return out;
}

/**
 * Turns each process's memray capture into the agent's JSON sample list
 * (reply.files.alloc then names the JSON). One process at a time, with the
 * service's own interpreter: every allocation is recorded, a capture can be
 * hundreds of MB, and the exporters would otherwise compete with each other
 * and the next window for the machine's cores.
 */
async function exportMemray(replies: AgentReplies["replies"]): Promise<void> {
  for (const { hello, reply } of replies) {
    const capture = reply.files?.alloc;
    if (capture === undefined) continue;
    const json = capture.replace(/\.bin$/, ".memray.json");
    const r = await execa(
      hello.executable,
      [join(AGENT_DIR(), "memray_export.py"), capture, json],
      { reject: false, timeout: 300_000 },
    );
    if (r.exitCode !== 0)
      throw new FlamegateError(
        `python: exporting memray's capture of pid ${hello.pid} failed: ${r.stderr.trim().split("\n").pop() ?? r.exitCode}`,
      );
    rmSync(capture, { force: true });
    reply.files!.alloc = json;
  }
}
