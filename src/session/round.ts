import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Profile } from "pprof-format";
import { driverFor } from "../capture/index.js";
import type { CaptureContext, CapturedProfiles, RuntimeDriver } from "../capture/driver.js";
import type { ServiceConfig } from "../config.js";
import { FlamegateError } from "../errors.js";
import type { Kind } from "../model/kinds.js";
import type { RoundRecord, WindowRecord } from "../model/profile-set.js";
import { type LoadFigures, type RunningLoad, startBuiltinLoad } from "./load.js";
import { type ExitInfo, GroupProcess, commandProblem, describeExit, sleep } from "./process.js";
import { hostPort, tcpOpen, waitReady } from "./ready.js";
import { groupCpuSeconds, trackTempDir, untrackTempDir } from "./reaper.js";
import { relativizeFiles } from "../model/relative-files.js";
import { addOsCpuTime } from "../model/cpu-time.js";

/**
 * One round: a fresh service process, readiness, warm-up (load, not
 * captured), the capture window (driver.startWindow -> load -> window.stop),
 * or several in a row when the driver captures some kinds apart (windowPlan),
 * each with its own load, then the service is stopped. Whatever happens, the
 * service's process group is gone when runRound returns or throws.
 */

export interface RoundOptions {
  /** 1-based round number; names the files and the log section. */
  round: number;
  /** Directory the service runs in (default service.cwd; `ab` passes the base or head dir). */
  cwd?: string;
  /** File that receives the service's stdout+stderr, appended; none when undefined. */
  logFile?: string;
  /** Progress lines for the user (stderr). */
  log: (line: string) => void;
  /**
   * false: boot the plain start command and run the same load with no
   * profiler injected or started (the overhead bench's control). Default true.
   */
  profile?: boolean;
  /**
   * Called as each window's load starts, with the service's process group and
   * the window's kinds (none without profiling); what it returns is awaited
   * as that load ends, also when it fails, and must not throw. The overhead
   * bench attaches `perf` here to see what the profilers themselves cost.
   */
  watchLoad?: (pgid: number, kinds: readonly Kind[]) => Promise<() => Promise<void>>;
}

export interface RoundResult {
  record: RoundRecord;
  profiles: Partial<Record<Kind, Profile>>;
  /** Runtime version as the driver reports it, e.g. "v20.20.2". */
  runtimeVersion: string;
  notes: string[];
}

/** After readiness, how long the service must stay up before we trust it, in ms. */
const SETTLE_MS = 200;
/** Lines of service output shown under an error. */
const DETAIL_LINES = 20;

/** Fails before anything starts when a service asks for a kind its runtime cannot capture. */
export function checkKinds(service: ServiceConfig, driver: RuntimeDriver): void {
  for (const kind of service.profiles) {
    if (!driver.supports.includes(kind))
      throw new FlamegateError(
        `services.${service.name}.profiles: '${kind}' is not available for runtime ${service.runtime} (supported: ${driver.supports.join(", ")})`,
      );
  }
}

function portInUseMessage(service: ServiceConfig, port: number | string): string {
  return `service '${service.name}': port ${port} already in use; stop whatever listens there or give the service another port (ready: ${service.ready})`;
}

/** The error for a service that exited on its own, with the tail of its output. */
function exitedError(service: ServiceConfig, proc: GroupProcess, when: string): FlamegateError {
  const exit: ExitInfo = proc.exit ?? { code: null, signal: null };
  const details = proc.tail(DETAIL_LINES);
  const output = proc.output();
  if (/EADDRINUSE|address already in use/i.test(output)) {
    // Node: "listen EADDRINUSE: address already in use 127.0.0.1:18080"; Go: "listen tcp
    // 127.0.0.1:8080: bind: address already in use"; Python names no port.
    const line = output.split("\n").find((l) => /EADDRINUSE|address already in use/i.test(l));
    const port = /(?::|port )(\d{2,5})\b/.exec(line ?? "")?.[1];
    return new FlamegateError(portInUseMessage(service, port ?? hostPort(service.ready).port), {
      details,
    });
  }
  const problem = commandProblem(exit);
  if (problem && when === "before it was ready")
    return new FlamegateError(
      `service '${service.name}': start ${problem} (${describeExit(exit)}): ${service.start}`,
      { details },
    );
  return new FlamegateError(
    `service '${service.name}' exited ${when} (${describeExit(exit)}); its last output is below`,
    { details },
  );
}

/** Runs `running` to its end, unless the service exits first: then stops it and throws. */
async function watched<T>(
  service: ServiceConfig,
  proc: GroupProcess,
  when: string,
  work: Promise<T>,
  stopWork: () => void,
): Promise<T> {
  const died = proc.exited.then(() => ({ died: true as const }));
  const first = await Promise.race([work.then((value) => ({ value })), died]);
  if ("died" in first) {
    stopWork();
    await work.catch(() => undefined);
    throw exitedError(service, proc, when);
  }
  return first.value;
}

/**
 * The load command, in its own group, with the service's env (never the
 * profiler's). With `seconds` it is stopped after that long (not an error);
 * `fill`: a command that ends sooner is waited out, so the load lasts
 * exactly `seconds` (a window whose length the profiler was told).
 */
function startCommandLoad(
  service: ServiceConfig,
  command: string,
  cwd: string,
  seconds: number | undefined,
  fill = false,
): RunningLoad & { proc: GroupProcess } {
  const started = performance.now();
  const proc = new GroupProcess(command, { cwd, env: { ...process.env, ...service.env } });
  let stoppedByUs = false;
  let wake: (() => void) | undefined;
  const timer =
    seconds === undefined
      ? undefined
      : setTimeout(() => {
          stoppedByUs = true;
          void proc.stop();
        }, seconds * 1000);
  const done = proc.exited.then(async (exit): Promise<LoadFigures> => {
    if (timer) clearTimeout(timer);
    await proc.stop();
    if (exit.code !== 0 && !stoppedByUs) {
      const problem = commandProblem(exit);
      throw new FlamegateError(
        `service '${service.name}': load command failed (${problem ? `${problem}, ` : ""}${describeExit(exit)}): ${command}`,
        { details: proc.tail(DETAIL_LINES) },
      );
    }
    const rest = fill && seconds !== undefined ? seconds * 1000 - (performance.now() - started) : 0;
    if (rest > 0 && !stoppedByUs)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, rest);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    return {
      seconds: (performance.now() - started) / 1000,
      requests: null,
      errors: 0,
      non2xx: 0,
      throughput: null,
      latency: null,
    };
  });
  return {
    proc,
    done,
    stop() {
      stoppedByUs = true;
      wake?.();
      void proc.stop();
    },
  };
}

/**
 * Starts the configured load; `warmup` bounds it to `seconds` whatever the
 * config says; `capSeconds` shortens a built-in load's duration (not a
 * request count or a load command).
 */
function startLoad(
  service: ServiceConfig,
  cwd: string,
  warmupSeconds: number | undefined,
  capSeconds?: number,
): RunningLoad {
  const load = service.load;
  if (load.type === "command")
    return warmupSeconds === undefined
      ? startCommandLoad(service, load.command, cwd, load.durationSeconds, true)
      : startCommandLoad(service, load.command, cwd, warmupSeconds);
  if (warmupSeconds !== undefined) return startBuiltinLoad(load, { seconds: warmupSeconds });
  if (load.requests !== undefined) return startBuiltinLoad(load, { amount: load.requests });
  return startBuiltinLoad(load, {
    seconds: Math.min(load.durationSeconds, capSeconds ?? Infinity),
  });
}

export async function runRound(service: ServiceConfig, opts: RoundOptions): Promise<RoundResult> {
  const driver = driverFor(service.runtime);
  checkKinds(service, driver);
  const { round, log } = opts;
  const cwd = opts.cwd ?? service.cwd;
  const tag = `${service.name} r${round}`;
  const workDir = mkdtempSync(
    join(tmpdir(), `flamegate-${service.name.replace(/[^\w.-]/g, "_")}-r${round}-`),
  );
  trackTempDir(workDir);
  const ctx: CaptureContext = { service, cwd, workDir, round, log };
  let proc: GroupProcess | undefined;
  try {
    const profile = opts.profile ?? true;
    const prepared = profile
      ? await driver.prepare(ctx)
      : { command: service.start, env: {} as Record<string, string> };
    const { host, port } = hostPort(service.ready);
    if (Number.isFinite(port) && (await tcpOpen(host, port)))
      throw new FlamegateError(portInUseMessage(service, port));

    if (opts.logFile)
      appendFileSync(
        opts.logFile,
        `=== flamegate: ${tag}: ${prepared.command} (in ${cwd}) at ${new Date().toISOString()} ===\n`,
      );
    const started = new GroupProcess(prepared.command, {
      cwd,
      env: { ...process.env, ...service.env, ...prepared.env },
      ...(opts.logFile ? { logFile: opts.logFile } : {}),
    });
    proc = started;
    log(`${tag}: started (pid ${proc.pid}), waiting for ${service.ready}`);
    const outcome = await waitReady(
      service.ready,
      service.readyTimeoutSeconds,
      () => started.exit !== undefined,
    );
    if (outcome === "exited") throw exitedError(service, proc, "before it was ready");
    if (outcome === "timeout")
      throw new FlamegateError(
        `service '${service.name}' was not ready at ${service.ready} after ${service.readyTimeoutSeconds} s; check 'ready' and 'start', or raise 'ready-timeout'`,
        { details: proc.tail(DETAIL_LINES) },
      );
    // Something else may have answered the probe while our child failed to bind.
    await sleep(SETTLE_MS);
    if (proc.exit) throw exitedError(service, proc, "right after it became ready");
    const runtimeVersion = await driver.version(ctx);

    if (service.warmupSeconds > 0) {
      log(`${tag}: warming up for ${service.warmupSeconds} s`);
      const warm = startLoad(service, cwd, service.warmupSeconds);
      await watched(service, proc, "during the warm-up", warm.done, () => warm.stop());
    }

    // With a load command only load.duration says how long the window lasts (required for Go).
    const expected = service.load.durationSeconds ?? 0;
    const plan = profile ? windowPlan(service.profiles, driver) : [[]];
    const captured: CapturedProfiles = { profiles: {}, profilers: {}, notes: [] };
    const windows: Partial<Record<Kind, WindowRecord>> = {};
    let first: WindowRecord | undefined;
    for (const kinds of plan) {
      const separate = kinds.length > 0 && kinds.every((k) => driver.separateWindows?.includes(k));
      const cap = separate ? driver.separateWindowSeconds : undefined;
      const seconds = Math.min(expected, cap ?? Infinity);
      const window = profile ? await driver.startWindow(ctx, proc.pid, seconds, kinds) : undefined;
      log(
        profile
          ? `${tag}: capturing ${kinds.join(", ")} under load`
          : `${tag}: load without profiling`,
      );
      const endWatch = await opts.watchLoad?.(proc.pid, kinds);
      const cpuBefore = groupCpuSeconds(proc.pid);
      const running = startLoad(service, cwd, undefined, cap);
      let figures: LoadFigures;
      try {
        figures = await watched(service, proc, "during the load", running.done, () =>
          running.stop(),
        );
      } catch (err) {
        // Close the window anyway so the profilers do not keep running; its result no longer matters.
        await window?.stop().catch(() => undefined);
        await endWatch?.();
        throw err;
      }
      const cpuAfter = groupCpuSeconds(proc.pid);
      // At least 0: a member that exits unreaped by the group takes its CPU time with it.
      const cpuSeconds =
        cpuBefore === null || cpuAfter === null ? undefined : Math.max(0, cpuAfter - cpuBefore);
      await endWatch?.();
      try {
        if (window) {
          const got = await window.stop();
          if (driver.cpuSamplesCountThreads && got.profiles.cpu)
            osCpuTime(got.profiles.cpu, cpuSeconds, got.notes);
          // Paths relative to the service's directory, so base and head from two checkouts match.
          for (const p of Object.values(got.profiles)) relativizeFiles(p, cwd);
          Object.assign(captured.profiles, got.profiles);
          Object.assign(captured.profilers, got.profilers);
          captured.notes.push(...got.notes);
        }
      } catch (err) {
        if (proc.exit) throw exitedError(service, proc, "while its profiles were collected");
        throw err;
      }
      const figuresRecord = windowRecord(figures, cpuSeconds);
      first ??= figuresRecord;
      for (const kind of kinds) windows[kind] = figuresRecord;
      log(`${tag}: ${describeFigures(kinds, figures, figuresRecord.windowSeconds, plan.length)}`);
    }
    const record: RoundRecord = {
      round,
      ...first!,
      files: {},
      profilers: captured.profilers,
      ...(plan.length > 1 ? { windows } : {}),
      ...(captured.notes.length > 0 ? { notes: captured.notes } : {}),
    };
    for (const note of captured.notes) log(`${tag}: ${note}`);
    return { record, profiles: captured.profiles, runtimeVersion, notes: captured.notes };
  } finally {
    if (proc) await proc.stop();
    rmSync(workDir, { recursive: true, force: true });
    untrackTempDir(workDir);
  }
}

/** Adds the window's OS-counted CPU to a CPU profile that counts threads (model/cpu-time.ts), or notes why it could not. */
function osCpuTime(cpu: Profile, cpuSeconds: number | undefined, notes: string[]): void {
  if (cpuSeconds === undefined)
    notes.push(
      "CPU samples count active threads and could not be scaled to the OS's CPU count (no /proc here): the CPU total per request counts threads waiting for the GIL too",
    );
  else addOsCpuTime(cpu, cpuSeconds * 1e9);
}

/**
 * The capture windows of a round, in order: every kind in one window, except
 * the driver's separateWindows kinds, each in its own window after it.
 */
export function windowPlan(kinds: readonly Kind[], driver: RuntimeDriver): Kind[][] {
  const apart = driver.separateWindows ?? [];
  const together = kinds.filter((k) => !apart.includes(k));
  const alone = kinds.filter((k) => apart.includes(k)).map((k) => [k]);
  return together.length > 0 ? [together, ...alone] : alone;
}

function windowRecord(figures: LoadFigures, cpuSeconds: number | undefined): WindowRecord {
  return {
    windowSeconds: round3(figures.seconds),
    requests: figures.requests,
    errors: figures.errors,
    non2xx: figures.non2xx,
    throughput: figures.throughput === null ? null : round3(figures.throughput),
    latency: figures.latency,
    ...(cpuSeconds === undefined ? {} : { cpuSeconds: round3(cpuSeconds) }),
  };
}

function describeFigures(
  kinds: readonly Kind[],
  figures: LoadFigures,
  seconds: number,
  windows: number,
): string {
  const which = windows > 1 ? `${kinds.join(", ")} window: ` : "";
  const load =
    figures.requests === null
      ? `${seconds} s of load command`
      : `${figures.requests} requests in ${seconds} s (${Math.round(figures.throughput ?? 0)} req/s, p99 ${figures.latency?.p99 ?? "-"} ms)`;
  const errors =
    figures.errors + figures.non2xx > 0
      ? `, ${figures.errors} errors, ${figures.non2xx} non-2xx`
      : "";
  return `${which}${load}${errors}`;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
