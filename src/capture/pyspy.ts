import { type ChildProcess, spawn } from "node:child_process";
import { execa } from "execa";
import { signalGroup, trackGroup, untrackGroup } from "../session/reaper.js";

/**
 * py-spy attached to a running interpreter and its subprocesses
 * (`record -p PID --subprocesses -f raw --nonblocking`), stopped with SIGINT
 * so it writes its file. Used by the Python driver (python.ts).
 */

/** Milliseconds to wait for py-spy to attach, and to write its file after SIGINT. */
const PYSPY_ATTACH_MS = 10_000;
export const PYSPY_STOP_MS = 30_000;

export interface PySpy {
  child: ChildProcess;
  out: string;
  output: () => string;
  exited: Promise<number | null>;
  /** Set by stopPySpy when py-spy outlived PYSPY_STOP_MS after the signal and was killed. */
  killedAfterGrace?: boolean;
}

/** Starts py-spy on `pid` and its descendants; resolves once it samples, or with the reason it could not. */
export async function startPySpy(
  exe: string,
  pid: number,
  hz: number,
  out: string,
  /** Only the thread holding the GIL (sampling.python-threads: gil). */
  gil = false,
): Promise<{ ok: true; spy: PySpy } | { ok: false; reason: string }> {
  // Own process group, so a Ctrl-C meant for flamegate does not end it
  // early; tracked by the reaper so it cannot outlive flamegate.
  const child = spawn(
    exe,
    [
      "record",
      "-p",
      String(pid),
      "-r",
      String(hz),
      "-f",
      "raw",
      "-o",
      out,
      "--nonblocking",
      // Pre-forked workers (gunicorn, multiprocessing) do the service's work,
      // not the process flamegate started; py-spy follows new ones as they appear.
      "--subprocesses",
      ...(gil ? ["--gil"] : []),
    ],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.on("error", (err) => {
      output += err.message;
      resolve(-1);
    });
  });
  if (child.pid !== undefined) trackGroup(child.pid);
  const sampling = new Promise<boolean>((resolve) => {
    // py-spy prints its progress on stdout and its errors on stderr; both are kept.
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes("Sampling process")) resolve(true);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then(() => resolve(false));
    setTimeout(() => resolve(false), PYSPY_ATTACH_MS).unref();
  });
  const spy: PySpy = { child, out, output: () => output, exited };
  if (await sampling) return { ok: true, spy };
  await stopPySpy(spy, "SIGKILL");
  let reason = lastMessage(output) ?? `no output within ${PYSPY_ATTACH_MS / 1000}s`;
  if (reason.startsWith("Error: No python processes found")) {
    // With --subprocesses py-spy 0.4.3 says only this, whatever kept it out of
    // each process; a one-shot dump of the process itself says why (e.g.
    // "Permission Denied: …" when ptrace is refused).
    const dump = await execa(exe, ["dump", "-p", String(pid), "--nonblocking"], {
      reject: false,
      timeout: PYSPY_ATTACH_MS,
    });
    if (dump.exitCode !== 0) reason = lastMessage(`${dump.stdout}\n${dump.stderr}`) ?? reason;
  }
  return { ok: false, reason };
}

/** The last line of py-spy's output that is not part of a Rust backtrace (RUST_BACKTRACE=1). */
function lastMessage(output: string): string | undefined {
  const lines = output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const messages: string[] = [];
  let inBacktrace = false;
  for (const line of lines) {
    if (line === "Stack backtrace:") inBacktrace = true;
    else if (!inBacktrace || !/^(\d+: |at )/.test(line)) {
      inBacktrace = false;
      messages.push(line);
    }
  }
  return messages.pop();
}

export async function stopPySpy(spy: PySpy, signal: NodeJS.Signals): Promise<void> {
  const pid = spy.child.pid;
  if (pid === undefined) return;
  signalGroup(pid, signal);
  const timer = setTimeout(() => {
    spy.killedAfterGrace = signal !== "SIGKILL";
    signalGroup(pid, "SIGKILL");
  }, PYSPY_STOP_MS);
  try {
    await spy.exited;
  } finally {
    clearTimeout(timer);
    untrackGroup(pid);
  }
}

const PROCESS_FRAME = /^process (\d+):"/;
const NEXT_PROCESS = /^process \d+:"/;
/** A py-spy Python frame, `name (file:line)`. */
const PYTHON_FRAME = / \(.*:\d+\)$/;

/**
 * Where the `process PID:"command line"` frame at the start of `stack`
 * ends: at the first `";` followed by another process frame or a Python
 * frame. py-spy does not escape the command line, which may itself hold
 * `";` (`sh -c 'python3 app.py; …'` holds `;`); a frame boundary must be
 * followed by something that looks like a frame. Returns the index of the
 * rest of the stack ("" when only process frames were on it).
 */
function endOfProcessFrame(stack: string): number {
  const openQuote = stack.indexOf('"');
  let first = -1;
  for (let at = stack.indexOf('";', openQuote + 1); at >= 0; at = stack.indexOf('";', at + 1)) {
    if (first < 0) first = at;
    const rest = stack.slice(at + 2);
    const next = rest.split(";", 1)[0] ?? "";
    if (NEXT_PROCESS.test(rest) || PYTHON_FRAME.test(next)) return at + 2;
  }
  if (stack.endsWith('"')) return stack.length;
  return first >= 0 ? first + 2 : stack.length;
}

/**
 * py-spy's raw output with `--subprocesses` roots every stack at one
 * `process PID:"command line"` frame per process, from the attached one
 * down to the one sampled (checked with py-spy 0.4.3 on a forking program:
 * `process 20072:"…/python3 fork.py";process 20158:"…/python3 fork.py";<module> (fork.py:13);…`).
 * Those frames are removed, so the same code aggregates across workers and
 * across rounds (pids differ every time); lines and counts stay otherwise
 * as py-spy wrote them. `samplesByPid`: samples per sampled process (the
 * innermost process frame).
 */
export function stripProcessFrames(raw: string): {
  text: string;
  samplesByPid: Map<number, number>;
} {
  const samplesByPid = new Map<number, number>();
  const lines = raw.split("\n").map((line) => {
    if (!PROCESS_FRAME.test(line)) return line;
    const trimmed = line.trimEnd();
    const cut = trimmed.lastIndexOf(" ");
    const count = Number(trimmed.slice(cut + 1));
    let stack = trimmed.slice(0, cut);
    let pid: number | undefined;
    for (let m = PROCESS_FRAME.exec(stack); m; m = PROCESS_FRAME.exec(stack)) {
      pid = Number(m[1]);
      stack = stack.slice(endOfProcessFrame(stack));
    }
    if (pid !== undefined && Number.isSafeInteger(count))
      samplesByPid.set(pid, (samplesByPid.get(pid) ?? 0) + count);
    // An empty stack stays " N", as py-spy writes samples with no Python frame.
    return `${stack} ${trimmed.slice(cut + 1)}`;
  });
  return { text: lines.join("\n"), samplesByPid };
}

/**
 * Leaf frames, `file:function` as py-spy names them (paths relative to
 * sys.path, the last part of the qualified name), at which a thread sleeps
 * in the kernel waiting for input or another thread, not running.
 *
 * With --nonblocking py-spy cannot ask the OS which thread runs
 * (benfred/py-spy#480) and drops only a few waits of its own (threading's
 * wait, selectors' select). A threaded server's keep-alive connections wait
 * in SocketIO.readinto: on the Python fixture under 4 connections that was
 * 12–32 % of a window's samples, and one real A/A run showed it as its top
 * CPU frame at +62.6 %. What a read itself spends once data is there
 * (copying, TLS decryption) is left out with the wait. A user module named
 * like a stdlib one (socket.py) would match too.
 */
const IDLE_LEAVES = new Set([
  "socket.py:readinto",
  "socket.py:accept",
  "ssl.py:read",
  "selectors.py:select",
  "threading.py:wait",
  "threading.py:_wait_for_tstate_lock",
  "subprocess.py:_try_wait",
  "multiprocessing/connection.py:_recv",
  // SimpleQueue.get is C code, so the waiting pool thread's leaf is _worker itself.
  "concurrent/futures/thread.py:_worker",
]);

/** `Class.method (path/file.py:123)` → whether a thread whose innermost frame it is waits. */
export function isIdleLeaf(frame: string): boolean {
  const m = /^(\S+) \((.+):\d+\)$/.exec(frame);
  if (!m) return false;
  const name = m[1]!.slice(m[1]!.lastIndexOf(".") + 1);
  return IDLE_LEAVES.has(`${m[2]}:${name}`);
}

/**
 * py-spy's raw lines without the samples of waiting threads (see
 * IDLE_LEAVES), as V8's (idle) is left out of a Node CPU profile.
 * `total`: all samples; `idle`: samples left out per wait, `Class.method (file)`.
 */
export function dropIdleSamples(raw: string): {
  text: string;
  total: number;
  idle: Map<string, number>;
} {
  let total = 0;
  const idle = new Map<string, number>();
  const kept = raw.split("\n").filter((line) => {
    const cut = line.trimEnd().lastIndexOf(" ");
    const count = Number(line.slice(cut + 1));
    if (cut < 0 || !Number.isSafeInteger(count)) return true;
    total += count;
    const stack = line.slice(0, cut);
    const leaf = stack.slice(stack.lastIndexOf(";") + 1);
    if (!isIdleLeaf(leaf)) return true;
    const where = leaf.replace(/:\d+\)$/, ")");
    idle.set(where, (idle.get(where) ?? 0) + count);
    return false;
  });
  return { text: kept.join("\n"), total, idle };
}
