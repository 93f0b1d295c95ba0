import { type ChildProcess, spawn } from "node:child_process";
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
import { connect } from "node:net";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import type { Profile } from "pprof-format";
import { FlamegateError } from "../errors.js";
import { importProfile } from "../import/index.js";
import { type Frame, ProfileBuilder } from "../model/builder.js";
import type { Kind, SampleTypeName } from "../model/kinds.js";
import { agentsDir } from "../paths.js";
import { signalGroup, trackGroup, untrackGroup } from "../session/reaper.js";
import type {
  CaptureContext,
  CaptureWindow,
  CapturedProfiles,
  PreparedStart,
  RuntimeDriver,
} from "./driver.js";

/**
 * Python: CPU with py-spy attached to the running interpreter for exactly
 * the window (`record -p PID --nonblocking`, stopped with SIGINT), and
 * allocations with memray (or tracemalloc) switched on and off inside the
 * service by flamegate's agent.
 *
 * The agent (agents/python/sitecustomize.py + flamegate_agent.py) is put
 * first on PYTHONPATH by prepare(). It activates only in the first Python
 * process that imports it (the env variables are consumed), writes its pid,
 * version and a loopback control port to <workDir>/py-agent/agent.json, and
 * then idles until flamegate opens a window. Its pid is the one py-spy
 * attaches to, so a shell or launcher in front of Python does not matter.
 *
 * Why attach rather than `py-spy record -- cmd`: a wrapped py-spy samples
 * from boot on and its raw output has no timestamps, so warm-up could not
 * be cut off; attaching starts and ends sampling with the load. When py-spy
 * is not on PATH or may not ptrace the service (ptrace_scope, containers),
 * the agent's built-in sampler runs instead, and the notes say so.
 */

const AGENT_DIR = (): string => join(agentsDir(), "python");
/** Milliseconds to wait for the agent's hello or for py-spy to attach. */
const HELLO_WAIT_MS = 3000;
const PYSPY_ATTACH_MS = 10_000;
/** Milliseconds py-spy may take to write its file after SIGINT. */
const PYSPY_STOP_MS = 30_000;

interface Hello {
  pid: number;
  port: number;
  python: string;
  implementation: string;
  executable: string;
  sys_path: string[];
  cwd: string;
  memray: string | null;
}

interface AgentSamples {
  samples: Array<{ stack: Array<[string, string, number]>; values: number[] }>;
}

interface AgentReply {
  ok: boolean;
  error?: string;
  files?: Partial<Record<"cpu" | "alloc", string>>;
  notes?: string[];
  sys_path?: string[];
}

function controlDir(ctx: CaptureContext): string {
  return join(ctx.workDir, "py-agent");
}

function readHello(control: string): Hello | undefined {
  const path = join(control, "agent.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Hello) : undefined;
}

async function waitHello(control: string, ms: number): Promise<Hello | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hello = readHello(control);
    if (hello || Date.now() >= deadline) return hello;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One request to the agent: a JSON line in, a JSON line out, over loopback TCP. */
function rpc(hello: Hello, token: string, body: object): Promise<AgentReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: hello.port });
    let data = "";
    socket.setTimeout(60_000, () =>
      socket.destroy(new Error("no answer from the agent within 60 s")),
    );
    socket.on("connect", () => socket.write(`${JSON.stringify({ ...body, token })}\n`));
    socket.on("data", (d: Buffer) => (data += d.toString()));
    socket.on("error", (err) =>
      reject(
        new FlamegateError(
          `python agent in pid ${hello.pid} did not answer (${err.message}); did the service exit?`,
        ),
      ),
    );
    socket.on("end", () => {
      try {
        const reply = JSON.parse(data) as AgentReply;
        if (!reply.ok)
          reject(
            new FlamegateError(`python agent in pid ${hello.pid}: ${reply.error ?? "failed"}`),
          );
        else resolve(reply);
      } catch {
        reject(new FlamegateError(`python agent in pid ${hello.pid}: unreadable reply ${data}`));
      }
    });
  });
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
 * The Python process under `pid` (the service's shell) when the agent did
 * not announce itself: the first descendant whose executable looks like
 * Python, else `pid` itself. Linux /proc only.
 */
export function findPythonPid(pid: number): number {
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    try {
      const comm = readFileSync(`/proc/${p}/comm`, "utf8").trim();
      if (/python/i.test(comm)) return p;
      for (const task of readFileSync(`/proc/${p}/task/${p}/children`, "utf8").trim().split(/\s+/))
        if (task !== "") queue.push(Number(task));
    } catch {
      // gone, or no /proc
    }
  }
  return pid;
}

/**
 * py-spy shortens file names by the interpreter's sys.path (…/json/encoder.py
 * -> json/encoder.py, the script's directory -> app.py); the agent's and
 * memray's frames get the same treatment so every Python profile names
 * files alike.
 */
export function shortenPath(file: string, sysPath: readonly string[]): string {
  let best = "";
  for (const p of sysPath) {
    const prefix = p.endsWith("/") ? p : `${p}/`;
    if (file.startsWith(prefix) && prefix.length > best.length) best = prefix;
  }
  return best === "" ? file : file.slice(best.length);
}

function buildProfile(
  doc: AgentSamples,
  sampleTypes: SampleTypeName[],
  sysPath: readonly string[],
  extra: { periodType?: SampleTypeName; period?: number; durationNanos: number },
): Profile {
  const builder = new ProfileBuilder({ sampleTypes, ...extra });
  for (const s of doc.samples) {
    const stack: Frame[] = s.stack.map(([name, file, line]) => ({
      name,
      file: shortenPath(file, sysPath),
      line,
    }));
    builder.addSample(stack, s.values);
  }
  return builder.build();
}

let pySpyVersion: Promise<string> | undefined;

interface PySpy {
  child: ChildProcess;
  out: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts py-spy on `pid`; resolves once it samples, or with the reason it could not. */
async function startPySpy(
  exe: string,
  pid: number,
  hz: number,
  out: string,
): Promise<{ ok: true; spy: PySpy } | { ok: false; reason: string }> {
  // Own process group, so a Ctrl-C meant for flamegate does not end it
  // early; tracked by the reaper so it cannot outlive flamegate.
  const child = spawn(
    exe,
    ["record", "-p", String(pid), "-r", String(hz), "-f", "raw", "-o", out, "--nonblocking"],
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
  const reason =
    output
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "")
      .pop() ?? `no output within ${PYSPY_ATTACH_MS / 1000}s`;
  return { ok: false, reason };
}

async function stopPySpy(spy: PySpy, signal: NodeJS.Signals): Promise<void> {
  const pid = spy.child.pid;
  if (pid === undefined) return;
  signalGroup(pid, signal);
  const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), PYSPY_STOP_MS);
  try {
    await spy.exited;
  } finally {
    clearTimeout(timer);
    untrackGroup(pid);
  }
}

function interpreterOf(start: string): string {
  const first = start.trim().split(/\s+/)[0] ?? "";
  return /python[\d.]*$/.test(first) ? first : "python3";
}

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

  async version(ctx: CaptureContext): Promise<string> {
    const hello = readHello(controlDir(ctx));
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
    const hello = await waitHello(control, HELLO_WAIT_MS);
    if (!hello)
      notes.push(
        "python: flamegate's agent did not load (PYTHONPATH replaced, python -S/-I, or not a Python service); allocations cannot be captured",
      );
    const token = existsSync(join(control, "token"))
      ? readFileSync(join(control, "token"), "utf8")
      : "";
    const target = hello?.pid ?? findPythonPid(pid);
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
        if (!hello)
          throw new FlamegateError(
            `python: cannot profile pid ${target}: py-spy is unavailable and flamegate's agent did not load; install py-spy or keep PYTHONPATH for the service`,
          );
        notes.push(fallback);
        builtinHz = hz;
        profilers.cpu = `flamegate built-in sampler @ ${hz} Hz (threads with CPU progress)`;
      }
    }
    let alloc: "memray" | "tracemalloc" | null = null;
    if (wanted.includes("alloc") && hello) {
      alloc = hello.memray ? "memray" : "tracemalloc";
      profilers.alloc =
        alloc === "memray"
          ? `memray ${hello.memray} (every allocation, Python allocators traced)`
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
    if (hello && (builtinHz !== null || alloc !== null)) {
      try {
        await rpc(hello, token, { cmd: "start", cpu_hz: builtinHz, alloc, out: ctx.workDir });
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
        let reply: AgentReply = { ok: true };
        try {
          if (hello && (builtinHz !== null || alloc !== null))
            reply = await rpc(hello, token, { cmd: "stop" });
        } finally {
          if (spy) await stopPySpy(spy, "SIGINT");
        }
        notes.push(...(reply.notes ?? []).map((n) => `python: ${n}`));
        const sysPath = reply.sys_path ?? hello?.sys_path ?? [];
        if (spy) {
          const output = spy.output();
          if (!existsSync(spy.out))
            throw new FlamegateError(
              `python: py-spy wrote no profile for pid ${target}: ${output.trim().split("\n").pop() ?? ""}`,
            );
          const m = /Samples: (\d+) Errors: (\d+)/.exec(output);
          if (m && Number(m[2]) > 0.01 * Number(m[1]))
            notes.push(`python: py-spy could not read ${m[2]} of ${m[1]} samples`);
          out.profiles.cpu = importProfile(readFileSync(spy.out), "py-spy output").profile;
        } else if (reply.files?.cpu) {
          out.profiles.cpu = buildProfile(
            JSON.parse(readFileSync(reply.files.cpu, "utf8")) as AgentSamples,
            [{ type: "samples", unit: "count" }],
            sysPath,
            {
              periodType: { type: "cpu", unit: "nanoseconds" },
              period: Math.round(1e9 / hz),
              durationNanos,
            },
          );
        }
        const allocTypes: SampleTypeName[] = [
          { type: "alloc_space", unit: "bytes" },
          { type: "alloc_objects", unit: "count" },
        ];
        if (alloc === "memray" && reply.files?.alloc && hello) {
          const json = join(ctx.workDir, "alloc.memray.json");
          const r = await execa(
            hello.executable,
            [join(AGENT_DIR(), "memray_export.py"), reply.files.alloc, json],
            { reject: false, timeout: 300_000 },
          );
          if (r.exitCode !== 0)
            throw new FlamegateError(
              `python: exporting memray's capture failed: ${r.stderr.trim().split("\n").pop() ?? r.exitCode}`,
            );
          // Every allocation is recorded: the capture can be hundreds of MB.
          rmSync(reply.files.alloc, { force: true });
          out.profiles.alloc = buildProfile(
            JSON.parse(readFileSync(json, "utf8")) as AgentSamples,
            allocTypes,
            sysPath,
            { durationNanos },
          );
        } else if (alloc === "tracemalloc" && reply.files?.alloc) {
          out.profiles.alloc = buildProfile(
            JSON.parse(readFileSync(reply.files.alloc, "utf8")) as AgentSamples,
            allocTypes,
            sysPath,
            { durationNanos },
          );
        }
        return out;
      },
    };
  },
};
