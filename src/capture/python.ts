import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import type { Kind } from "../model/kinds.js";
import type { CaptureContext, CaptureWindow, PreparedStart, RuntimeDriver } from "./driver.js";
import { commandName, descendantsOf, executableOf, isRunning, onPath } from "./proc-tree.js";

import { type Hello, readHellos, topmostAgent, waitHellos } from "./python-agents.js";
import {
  AGENT_DIR,
  HELLO_WAIT_MS,
  type PyWindow,
  chooseAlloc,
  closeWindow,
  controlDir,
  openAgents,
  openCpu,
} from "./python-window.js";

/** Re-exported for the tests and callers that know it from here. */
export { onPath } from "./proc-tree.js";

/**
 * Python: CPU with py-spy attached to the running interpreter and its
 * subprocesses for exactly the window (`record -p PID --subprocesses
 * --nonblocking`, stopped with SIGINT), and allocations with memray (or
 * tracemalloc) switched on and off inside every Python process of the
 * service by flamegate's agent.
 *
 * The agent (agents/python/sitecustomize.py + flamegate_agent.py) is put
 * first on PYTHONPATH by prepare(). It loads in every Python process of the
 * service (spawned children inherit the environment; forked children
 * restart it), writes its pid, version and a loopback control port to
 * <workDir>/py-agent/agent-<pid>.json, and then idles until flamegate opens
 * a window. The outermost one is the process py-spy attaches to, so a shell
 * or launcher in front of Python does not matter; its Python descendants
 * (gunicorn's pre-forked workers, multiprocessing's children) are the
 * workers, sampled by py-spy and traced by their own agents, and the
 * profiles of all of them are summed.
 *
 * Why attach rather than `py-spy record -- cmd`: a wrapped py-spy samples
 * from boot on and its raw output has no timestamps, so warm-up could not
 * be cut off; attaching starts and ends sampling with the load. When py-spy
 * is not on PATH or may not ptrace the service (ptrace_scope, containers),
 * the agents' built-in sampler runs instead, and the notes say so.
 */

const SUPPORTS: readonly Kind[] = ["cpu", "alloc"];

/**
 * The Python process under `pid` (the service's shell) when no agent
 * announced itself: `pid` or its first descendant whose command looks like
 * Python, else `pid` itself. Linux /proc only.
 */
export function findPythonPid(pid: number): number {
  return [pid, ...descendantsOf(pid)].find((p) => /python/i.test(commandName(p) ?? "")) ?? pid;
}

/** Python processes below `pid` running the same interpreter: its workers. */
function pythonWorkers(pid: number): number[] {
  const exe = executableOf(pid);
  return exe === undefined ? [] : descendantsOf(pid).filter((p) => executableOf(p) === exe);
}

/** The service's outermost running agent (the first to announce itself may take HELLO_WAIT_MS), or undefined. */
async function rootAgent(ctx: CaptureContext, pid: number): Promise<Hello | undefined> {
  const hellos = await waitHellos(controlDir(ctx), HELLO_WAIT_MS, (hs) => hs.length > 0);
  return topmostAgent(
    pid,
    hellos.filter((h) => isRunning(h.pid)),
  );
}

/**
 * A window's target before anything starts: the outermost running agent
 * (the root), its control token, the process py-spy attaches to and that
 * process's Python workers.
 */
async function findTarget(
  ctx: CaptureContext,
  pid: number,
  kinds: readonly Kind[],
): Promise<PyWindow> {
  const control = controlDir(ctx);
  const notes: string[] = [];
  const skipped = kinds.filter((k) => !SUPPORTS.includes(k));
  if (skipped.length > 0) notes.push(`python: ${skipped.join(", ")} not captured for Python`);
  const root = await rootAgent(ctx, pid);
  if (!root)
    notes.push(
      "python: flamegate's agent did not load (PYTHONPATH replaced, python -S/-I, or not a Python service); allocations cannot be captured",
    );
  const tokenFile = join(control, "token");
  const target = root?.pid ?? findPythonPid(pid);
  return {
    ctx,
    root,
    token: existsSync(tokenFile) ? readFileSync(tokenFile, "utf8") : "",
    target,
    workers: pythonWorkers(target),
    hz: ctx.service.sampling.cpuHz,
    notes,
    profilers: {},
    spy: undefined,
    builtinHz: null,
    alloc: null,
    agents: [],
    opened: 0n,
  };
}

function interpreterOf(start: string): string {
  const first = start.trim().split(/\s+/)[0] ?? "";
  return /python[\d.]*$/.test(first) ? first : "python3";
}

/**
 * Why Linux perf cannot name the service's Python functions, or undefined
 * when it can: the outermost agent's interpreter has its perf trampolines on
 * (Python 3.12+ with PYTHONPERFSUPPORT=1, which writes /tmp/perf-PID.map) and
 * was built with frame pointers, which perf follows between trampolines.
 */
export async function perfUnfitReason(
  ctx: CaptureContext,
  pid: number,
): Promise<string | undefined> {
  const root = await rootAgent(ctx, pid);
  if (!root) return "flamegate's agent did not load, so the interpreter is unknown";
  if (!root.perf?.trampoline)
    return `Python ${root.python} has no perf trampolines (Python 3.12 or later names its functions to perf)`;
  if (!root.perf.frame_pointers)
    return `Python ${root.python} at ${root.executable} was built without frame pointers, which perf needs to walk its stack`;
  return undefined;
}

export const pythonDriver: RuntimeDriver = {
  supports: SUPPORTS,
  // memray (and tracemalloc) cost about 2x CPU per request and hit
  // allocation-heavy frames hardest: in py-spy's window they would distort the
  // CPU profile and the latency figures, so allocations get their own window.
  separateWindows: ["alloc"],
  // Seconds: memray records every allocation, so a few hundred requests give
  // bytes per request without sampling noise, while exporting the records takes
  // several times as long as the window; a longer window buys only waiting.
  separateWindowSeconds: 2,
  async version(ctx: CaptureContext): Promise<string> {
    const hello = readHellos(controlDir(ctx))[0];
    if (hello) return hello.python;
    const r = await execa(
      interpreterOf(ctx.service.start),
      ["-c", "import sys; print(sys.version.split()[0])"],
      { cwd: ctx.cwd, env: ctx.service.env, reject: false, timeout: 30_000, shell: false },
    );
    return r.exitCode === 0 ? r.stdout.trim() : "unknown (python3 not on PATH)";
  },

  prepare(ctx: CaptureContext): Promise<PreparedStart> {
    const control = controlDir(ctx);
    mkdirSync(control, { recursive: true });
    const token = randomBytes(16).toString("hex");
    writeFileSync(join(control, "token"), token, { mode: 0o600 });
    const existing = ctx.service.env.PYTHONPATH ?? process.env.PYTHONPATH;
    return Promise.resolve({
      command: ctx.service.start,
      env: {
        PYTHONPATH: existing ? `${AGENT_DIR()}${delimiter}${existing}` : AGENT_DIR(),
        FLAMEGATE_PY_AGENT: control,
        FLAMEGATE_PY_AGENT_TOKEN: token,
      },
    });
  },

  async startWindow(
    ctx: CaptureContext,
    pid: number,
    _seconds: number,
    kinds: readonly Kind[] = ctx.service.profiles,
  ): Promise<CaptureWindow> {
    const wanted = kinds.filter((k) => SUPPORTS.includes(k));
    const w = await findTarget(ctx, pid, kinds);
    if (wanted.includes("cpu")) await openCpu(w, onPath("py-spy"));
    if (wanted.includes("alloc")) w.alloc = chooseAlloc(w, wanted.includes("cpu"));
    await openAgents(w);
    w.opened = process.hrtime.bigint();
    return { stop: () => closeWindow(w) };
  },
};
