import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import type { Profile } from "pprof-format";
import { FlamegateError } from "../errors.js";
import { TransientCaptureError, lastLine } from "./driver.js";
import { groupMembers, signalGroup, trackGroup, untrackGroup } from "../session/reaper.js";
import { parsePerfScript, perfProfile } from "./perf-script.js";
import { onPath } from "./python.js";

/**
 * Linux perf as the on-CPU sampler: `perf record -e task-clock -F HZ -g -p
 * PIDS` over the service's process group for the capture window, then
 * `perf script` turned into pprof (perf-script.ts). task-clock is a software
 * event, so it works in VMs without a hardware PMU, as on hosted runners; it
 * counts CPU time only, so a thread that waits for a core is not charged.
 * Needs kernel.perf_event_paranoid ≤ 1 or root. perf-driver.ts decides
 * per round whether it runs, and falls back to the runtime's own profiler.
 */

/** Milliseconds perf may take to write its file after SIGINT before it is killed. */
const PERF_STOP_MS = 20_000;
/** Milliseconds perf may take to attach and turn its events on. */
const PERF_ENABLE_MS = 15_000;
/** Milliseconds `perf script` may take to symbolise a window. */
const PERF_SCRIPT_MS = 120_000;

export type PerfProbe = { ok: true; exe: string; version: string } | { ok: false; reason: string };

let probed: Promise<PerfProbe> | undefined;

/**
 * Whether perf is on PATH and may record here: a task-clock recording of
 * `true` with call graphs and the window's control FIFOs, once per flamegate
 * process. `exe` overrides the
 * lookup and the cache (tests).
 */
export function probePerf(exe?: string): Promise<PerfProbe> {
  if (exe === undefined && probed) return probed;
  const run = async (): Promise<PerfProbe> => {
    const path = exe ?? onPath("perf");
    if (path === undefined) return { ok: false, reason: "perf is not on PATH" };
    const dir = mkdtempSync(join(tmpdir(), "flamegate-perf-probe-"));
    try {
      // With the window's control FIFOs (perf 5.9+), so a perf without them falls back here.
      const [ctl, ack] = [join(dir, "ctl"), join(dir, "ack")];
      await execa("mkfifo", [ctl, ack]);
      const r = await execa(
        path,
        [...recordArgs(ctl, ack, 99, join(dir, "probe.data")), "--", "true"],
        { reject: false, timeout: 15_000 },
      );
      if (r.exitCode !== 0) {
        const last = `${r.stderr}`
          .split("\n")
          .find((l) => /paranoid|permission|not permitted|error/i.test(l));
        return {
          ok: false,
          reason: `perf record is refused here (${(last ?? r.stderr.split("\n")[0] ?? `exit ${r.exitCode}`).trim()}); allow it with sudo sysctl kernel.perf_event_paranoid=1`,
        };
      }
      const v = await execa(path, ["--version"], { reject: false, timeout: 15_000 });
      return { ok: true, exe: path, version: v.stdout.trim() || "perf" };
    } catch (err) {
      return { ok: false, reason: `perf could not run (${(err as Error).message})` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const p = run();
  if (exe === undefined) probed = p;
  return p;
}

export interface PerfRecording {
  /**
   * Ends the recording; resolves to its conversion into the window's CPU profile
   * (perf script: 1.5–2.4 s of CPU a window), which needs only the recording.
   */
  stop(): Promise<() => Promise<Profile>>;
}

/**
 * `perf record`'s arguments but what it records: task-clock at `hz` with call
 * graphs, its events off until enabled through the FIFOs.
 */
function recordArgs(ctl: string, ack: string, hz: number, out: string): string[] {
  // -N: no copy of every binary hit into ~/.debug (perf script reads them where they are).
  // Not -q: its last line says how many samples it wrote (recordedSamples).
  return [
    "record",
    "-N",
    "-D",
    "-1",
    "--control",
    `fifo:${ctl},${ack}`,
    "-e",
    "task-clock",
    "-F",
    String(hz),
    "-g",
    "-o",
    out,
  ];
}

/** Starts `perf record` on every live member of process group `pgid`. */
export async function startPerfRecord(
  exe: string,
  pgid: number,
  hz: number,
  out: string,
): Promise<PerfRecording> {
  const pids = groupMembers(pgid);
  if (pids.length === 0)
    throw new FlamegateError(`perf: the service's process group ${pgid} has no live process`);
  // perf starts with its events off and turns them on when told, then acks:
  // the window's load starts once perf counts. From its start to counting,
  // perf took 90-320 ms on a loaded 2-core machine, more than the fixed
  // 150 ms the window used to wait.
  const ctl = join(dirname(out), "perf-ctl.fifo");
  const ack = join(dirname(out), "perf-ack.fifo");
  await execa("mkfifo", [ctl, ack]);
  // Own process group, so a Ctrl-C meant for flamegate does not end it
  // early; tracked by the reaper so it cannot outlive flamegate.
  const child: ChildProcess = spawn(exe, [...recordArgs(ctl, ack, hz, out), "-p", pids.join(",")], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.on("error", (err) => {
      stderr += err.message;
      resolve(-1);
    });
  });
  if (child.pid !== undefined) trackGroup(child.pid);
  const stopChild = async (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    signalGroup(child.pid, signal);
    const timer = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), PERF_STOP_MS);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
      untrackGroup(child.pid);
    }
  };
  const early = await enabled(ctl, ack, PERF_ENABLE_MS, exited);
  if (early !== "enabled") {
    await stopChild("SIGKILL");
    if (early === "late")
      throw new TransientCaptureError(
        `perf record did not start counting pid ${pids.join(",")} within ${PERF_ENABLE_MS / 1000} s; the machine may be overloaded`,
      );
    throw new FlamegateError(
      `perf record could not attach to pid ${pids.join(",")} (${stderr.trim().split("\n")[0] ?? `exit ${String(early)}`}); set sampling.cpu-profiler: runtime to use the runtime's own profiler`,
    );
  }
  const started = Date.now();
  return {
    async stop(): Promise<() => Promise<Profile>> {
      const durationNanos = (Date.now() - started) * 1e6;
      await stopChild("SIGINT");
      const recorded = recordedSamples(stderr);
      if (recorded === undefined)
        throw new TransientCaptureError(
          `perf did not finish writing its recording of pid ${pids.join(",")} within ${PERF_STOP_MS / 1000} s of SIGINT (${lastLine(stderr)}); the machine may be overloaded`,
        );
      if (recorded === 0)
        throw new TransientCaptureError(
          `perf recorded no sample of pid ${pids.join(",")} in the window (${lastLine(stderr)}); check that the load reached the service`,
        );
      return () => convert(durationNanos, recorded);
    },
  };

  async function convert(durationNanos: number, recorded: number): Promise<Profile> {
    const script = await execa(
      exe,
      ["script", "-i", out, "-F", "comm,pid,tid,period,ip,sym,dso", "--no-inline"],
      { reject: false, timeout: PERF_SCRIPT_MS, maxBuffer: 1 << 30 },
    );
    if (script.exitCode !== 0)
      throw new FlamegateError(
        `perf script could not read the window's recording (${script.stderr.trim().split("\n")[0] ?? `exit ${script.exitCode}`})`,
      );
    const samples = parsePerfScript(script.stdout);
    // An empty profile would read as a service that did no work.
    if (samples.length < recorded)
      throw new FlamegateError(
        `perf script read ${samples.length} of the ${recorded} samples perf recorded (${lastLine(script.stderr)})`,
      );
    return perfProfile(samples, {
      hz,
      durationNanos,
      timeNanos: started * 1e6,
    });
  }
}

/**
 * How many samples perf record said it wrote as it ended ("[ perf record:
 * Captured and wrote 0.5 MB out (2345 samples) ]", no count when there were
 * none); undefined when it never said it wrote its file.
 */
export function recordedSamples(stderr: string): number | undefined {
  const line = stderr.split("\n").find((l) => l.includes("Captured and wrote"));
  if (line === undefined) return undefined;
  return Number(/\((\d+) samples\)/.exec(line)?.[1] ?? 0);
}

/**
 * Tells a perf record started with `-D -1 --control fifo:CTL,ACK` to turn its
 * events on, and resolves "enabled" once it acks, "late" after `ms`, or perf's
 * exit code when it exits first (it refused to attach). Both
 * FIFOs are opened read-write and non-blocking, as perf opens them, so
 * neither open waits for perf, and a perf that died leaves nothing blocked.
 */
function enabled(
  ctl: string,
  ack: string,
  ms: number,
  exited: Promise<number | null>,
): Promise<"enabled" | "late" | number | null> {
  const ctlFd = openSync(ctl, constants.O_RDWR | constants.O_NONBLOCK);
  const ackPipe = new Socket({
    fd: openSync(ack, constants.O_RDWR | constants.O_NONBLOCK),
    readable: true,
    writable: false,
  });
  return new Promise((resolve) => {
    let said = "";
    let open = true;
    const done = (how: "enabled" | "late" | number | null) => {
      if (!open) return;
      open = false;
      clearTimeout(timer);
      ackPipe.destroy();
      closeSync(ctlFd);
      resolve(how);
    };
    const timer = setTimeout(() => done("late"), ms);
    void exited.then(done);
    ackPipe.on("data", (d: Buffer) => {
      said += d.toString();
      if (said.includes("ack")) done("enabled");
    });
    ackPipe.on("error", () => undefined);
    writeSync(ctlFd, "enable\n");
  });
}
