import { randomBytes } from "node:crypto";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import { FlamegateError } from "../errors.js";
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
import { commandName, descendantsOf, executableOf, isRunning } from "./proc-tree.js";
import { type PySpy, dropIdleSamples, startPySpy, stopPySpy, stripProcessFrames } from "./pyspy.js";
import {
  type AgentReplies,
  type Hello,
  readHellos,
  rpcAll,
  topmostAgent,
  waitHellos,
} from "./python-agents.js";
import {
  type AgentSamples,
  type ProcessSamples,
  mergeProcesses,
  processesNote,
} from "./python-merge.js";

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

const AGENT_DIR = (): string => join(agentsDir(), "python");
/** Milliseconds to wait for the agents' hellos (workers boot after the master). */
const HELLO_WAIT_MS = 3000;

function controlDir(ctx: CaptureContext): string {
  return join(ctx.workDir, "py-agent");
}

/** Where the agent in `pid` writes this round's files. */
function processDir(ctx: CaptureContext, pid: number): string {
  return join(ctx.workDir, `py-${pid}`);
}

/** An executable named `name` on PATH, or undefined. */
export function onPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "es"}`;
}

/**
 * The agents to open a window on: every running one, once each worker of
 * `root` has announced itself (or HELLO_WAIT_MS passed). Throws when `root`
 * has workers and none runs an agent: the profile would hold only the
 * master, which does no work.
 */
async function windowAgents(
  control: string,
  root: Hello,
  workers: readonly number[],
  what: string,
  notes: string[],
): Promise<Hello[]> {
  const hellos = await waitHellos(control, HELLO_WAIT_MS, (hs) =>
    workers.every((w) => hs.some((h) => h.pid === w)),
  );
  const running = hellos.filter((h) => isRunning(h.pid));
  const reached = new Set(running.map((h) => h.pid));
  const unreached = workers.filter((w) => !reached.has(w));
  const fix =
    "keep PYTHONPATH, FLAMEGATE_PY_AGENT and FLAMEGATE_PY_AGENT_TOKEN in the workers' environment and do not start them with python -I or -S";
  if (workers.length > 0 && unreached.length === workers.length)
    throw new FlamegateError(
      `python: pid ${root.pid} runs ${plural(workers.length, "worker process")} (pids ${workers.join(", ")}) and flamegate's agent loaded in none of them, so their ${what} cannot be captured; ${fix}`,
    );
  if (unreached.length > 0)
    notes.push(
      `python: flamegate's agent did not load in ${unreached.length} of ${plural(workers.length, "worker process")}; their ${what} are missing (${fix})`,
    );
  const exited = hellos.length - running.length;
  if (exited > 0)
    notes.push(
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

function interpreterOf(start: string): string {
  const first = start.trim().split(/\s+/)[0] ?? "";
  return /python[\d.]*$/.test(first) ? first : "python3";
}

let pySpyVersion: Promise<string> | undefined;

export const pythonDriver: RuntimeDriver = {
  supports: ["cpu", "alloc"],
  // memray (and tracemalloc) cost about 2x CPU per request and hit
  // allocation-heavy frames hardest: in py-spy's window they would distort the
  // CPU profile and the latency figures, so allocations get their own window.
  separateWindows: ["alloc"],
  // memray records every allocation: a few hundred requests give bytes per request
  // without sampling noise, and exporting the records takes longer than the window
  // (10-13 s after a 3 s window on a busy 2-core machine).
  separateWindowSeconds: 3,
  // py-spy samples 2.27x the service's CPU on the fixture (docs/capture.md).
  cpuSamplesCountThreads: true,

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
    const control = controlDir(ctx);
    const hz = ctx.service.sampling.cpuHz;
    const notes: string[] = [];
    const wanted = kinds.filter((k) => pythonDriver.supports.includes(k));
    const skipped = kinds.filter((k) => !pythonDriver.supports.includes(k));
    if (skipped.length > 0) notes.push(`python: ${skipped.join(", ")} not captured for Python`);
    const hellos = await waitHellos(control, HELLO_WAIT_MS, (hs) => hs.length > 0);
    const root = topmostAgent(
      pid,
      hellos.filter((h) => isRunning(h.pid)),
    );
    if (!root)
      notes.push(
        "python: flamegate's agent did not load (PYTHONPATH replaced, python -S/-I, or not a Python service); allocations cannot be captured",
      );
    const token = existsSync(join(control, "token"))
      ? readFileSync(join(control, "token"), "utf8")
      : "";
    const target = root?.pid ?? findPythonPid(pid);
    const workers = pythonWorkers(target);
    const profilers: Partial<Record<Kind, string>> = {};

    let spy: PySpy | undefined;
    let builtinHz: number | null = null;
    if (wanted.includes("cpu")) {
      const exe = onPath("py-spy");
      let fallback: string;
      if (exe) {
        const started = await startPySpy(exe, target, hz, join(ctx.workDir, "cpu.pyspy.txt"));
        if (started.ok) {
          spy = started.spy;
          pySpyVersion ??= execa(exe, ["--version"], { reject: false }).then(
            (r) => r.stdout.trim() || "py-spy",
          );
          profilers.cpu = `${await pySpyVersion} @ ${hz} Hz (--nonblocking)`;
        }
        fallback = started.ok
          ? ""
          : `python: py-spy could not attach to pid ${target} (${started.reason}); the built-in sampler ran instead`;
      } else {
        fallback =
          "python: py-spy is not on PATH; the built-in sampler ran instead (pip install py-spy for a lower-overhead profiler)";
      }
      if (!spy) {
        if (!root)
          throw new FlamegateError(
            `python: cannot profile pid ${target}: py-spy is unavailable and flamegate's agent did not load; install py-spy or keep PYTHONPATH for the service`,
          );
        notes.push(fallback);
        builtinHz = hz;
        profilers.cpu = `flamegate built-in sampler @ ${hz} Hz (threads with CPU progress)`;
      }
    }
    let alloc: "memray" | "tracemalloc" | null = null;
    if (wanted.includes("alloc") && root) {
      alloc = root.memray ? "memray" : "tracemalloc";
      profilers.alloc =
        alloc === "memray"
          ? `memray ${root.memray} (every allocation, Python allocators traced)`
          : "tracemalloc (blocks live at window end)";
      if (alloc === "memray" && wanted.includes("cpu"))
        notes.push(
          "python: memray recorded every allocation in this window (about 2x CPU per request on flamegate's fixture), so the CPU profile of the same window over-weights allocation-heavy frames; both sides of a comparison carry the same bias",
        );
      if (alloc === "tracemalloc")
        notes.push(
          "python: memray is not installed for the service's interpreter; tracemalloc ran instead: it sees only blocks still live at window end (allocations freed inside the window are missed) and slows allocation-heavy code several times",
        );
    }
    let agents: Hello[] = [];
    if (root && (builtinHz !== null || alloc !== null)) {
      const what = [alloc !== null ? "allocations" : "", builtinHz !== null ? "CPU samples" : ""]
        .filter((w) => w !== "")
        .join(" and ");
      try {
        const candidates = await windowAgents(control, root, workers, what, notes);
        const windows = await onAllAgents(candidates, root, token, (h) => {
          mkdirSync(processDir(ctx, h.pid), { recursive: true });
          return { cmd: "start", cpu_hz: builtinHz, alloc, out: processDir(ctx, h.pid) };
        });
        agents = windows.replies.map((r) => r.hello);
        if (windows.failure !== undefined) {
          // Close what did open, so no agent keeps tracing after flamegate gave up.
          await rpcAll(agents, token, () => ({ cmd: "stop" }));
          throw windows.failure;
        }
        if (windows.gone > 0)
          notes.push(
            `python: ${plural(windows.gone, "Python process")} of the service exited as the window opened; nothing was captured from them`,
          );
      } catch (err) {
        if (spy) await stopPySpy(spy, "SIGKILL");
        throw err;
      }
    }
    const opened = process.hrtime.bigint();

    return {
      async stop(): Promise<CapturedProfiles> {
        const durationNanos = Number(process.hrtime.bigint() - opened);
        const out: CapturedProfiles = { profiles: {}, profilers, notes };
        let replies: AgentReplies["replies"] = [];
        try {
          if (root && agents.length > 0) {
            const closed = await onAllAgents(agents, root, token, () => ({ cmd: "stop" }));
            if (closed.failure !== undefined) throw closed.failure;
            replies = closed.replies;
            if (closed.gone > 0)
              notes.push(
                `python: ${plural(closed.gone, "worker process")} exited during the window (a worker restart?); what they ran is missing`,
              );
          }
        } finally {
          if (spy) await stopPySpy(spy, "SIGINT");
        }
        // The same note from several workers is said once.
        notes.push(
          ...new Set(
            replies.flatMap(({ reply }) => (reply.notes ?? []).map((n) => `python: ${n}`)),
          ),
        );
        const parts = (file: "cpu" | "alloc"): ProcessSamples[] =>
          replies
            .filter(({ reply }) => reply.files?.[file] !== undefined)
            .map(({ hello, reply }) => ({
              pid: hello.pid,
              doc: JSON.parse(readFileSync(reply.files![file]!, "utf8")) as AgentSamples,
              sysPath: reply.sys_path ?? hello.sys_path,
            }));
        if (spy) {
          out.profiles.cpu = readPySpy(spy, target, workers.length, durationNanos, hz, notes);
        } else if (builtinHz !== null && root) {
          const merged = mergeProcesses(parts("cpu"), [{ type: "samples", unit: "count" }], {
            periodType: { type: "cpu", unit: "nanoseconds" },
            period: Math.round(1e9 / hz),
            durationNanos,
          });
          out.profiles.cpu = merged.profile;
          const note = processesNote("the built-in sampler's samples", root.pid, merged.totals);
          if (note) notes.push(note);
        }
        if (alloc !== null && root) {
          if (alloc === "memray") await exportMemray(replies);
          const merged = mergeProcesses(
            parts("alloc"),
            [
              { type: "alloc_space", unit: "bytes" },
              { type: "alloc_objects", unit: "count" },
            ],
            { durationNanos },
          );
          out.profiles.alloc = merged.profile;
          const note = processesNote("allocations", root.pid, merged.totals);
          if (note) notes.push(note);
        }
        return out;
      },
    };
  },
};

/**
 * py-spy's profile of `target` and its subprocesses, their process frames
 * removed. Throws when `target` has workers and py-spy sampled none of them
 * while `target` itself stayed idle: that profile would be empty, not fast.
 */
function readPySpy(
  spy: PySpy,
  target: number,
  workers: number,
  durationNanos: number,
  hz: number,
  notes: string[],
): CapturedProfiles["profiles"]["cpu"] {
  const output = spy.output();
  if (!existsSync(spy.out))
    throw new FlamegateError(
      `python: py-spy wrote no profile for pid ${target}: ${output.trim().split("\n").pop() ?? ""}`,
    );
  const m = /Samples: (\d+) Errors: (\d+)/.exec(output);
  if (m && Number(m[2]) > 0.01 * Number(m[1]))
    notes.push(`python: py-spy could not read ${m[2]} of ${m[1]} samples`);
  const { text, samplesByPid } = stripProcessFrames(readFileSync(spy.out, "utf8"));
  const fromWorkers = [...samplesByPid].filter(([p, n]) => p !== target && n > 0).length;
  // 1 % of what one busy thread yields over the window, in samples.
  const idle = 0.01 * (durationNanos / 1e9) * hz;
  if (workers > 0 && fromWorkers === 0 && (samplesByPid.get(target) ?? 0) <= idle)
    throw new FlamegateError(
      `python: pid ${target} runs ${plural(workers, "worker process")} but py-spy sampled none of them (${output.trim().split("\n").pop() ?? "no output"}); run flamegate as the workers' user, or allow ptrace (kernel.yama.ptrace_scope)`,
    );
  const note = processesNote("py-spy's samples", target, samplesByPid);
  if (note) notes.push(note);
  const busy = dropIdleSamples(text);
  const waited = [...busy.idle.values()].reduce((a, b) => a + b, 0);
  if (busy.total > 0 && waited === busy.total)
    throw new FlamegateError(
      `python: every py-spy sample of pid ${target} was a thread waiting in ${[...busy.idle.keys()].join(", ")}; no Python code ran in the window (check that the load reached the service)`,
    );
  // Named once per wait, not counted, so the same note from every round is one line of the report.
  const waits = [...busy.idle]
    .filter(([, n]) => n >= 0.01 * busy.total)
    .map(([where]) => where)
    .sort();
  if (waits.length > 0)
    notes.push(
      `python: py-spy samples of threads waiting in ${waits.join(", ")} (each ≥ 1 % of the samples) were left out as idle`,
    );
  return importProfile(Buffer.from(busy.text), "py-spy output").profile;
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
