import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Profile } from "pprof-format";
import { driverFor } from "../capture/index.js";
import {
  type CaptureContext,
  type CaptureWindow,
  type CapturedProfiles,
  type PreparedStart,
  type RuntimeDriver,
  TransientCaptureError,
} from "../capture/driver.js";
import type { ServiceConfig } from "../config.js";
import { FlamegateError } from "../errors.js";
import type { Kind } from "../model/kinds.js";
import type { RoundRecord, WindowRecord } from "../model/profile-set.js";
import {
  type LoadFigures,
  describeFigures,
  errorRateProblem,
  startLoad,
  windowRecord,
} from "./load.js";
import { DETAIL_LINES, GroupProcess, sleep, stragglersWarning } from "./process.js";
import { hostPort, tcpOpen, waitReady } from "./ready.js";
import { groupCpuSeconds, trackTempDir, untrackTempDir } from "./reaper.js";
import { relativizeFiles } from "../model/relative-files.js";
import { addOsCpuTime } from "../model/cpu-time.js";
import { osCpuTotal } from "./os-cpu.js";
import { exitedError, portInUseMessage, watched } from "./service-errors.js";
import { PartnerFailed, Rendezvous } from "./rendezvous.js";
import { shuffled } from "./shuffled.js";

/**
 * One round: a fresh service process, readiness, warm-up (load, not
 * captured), the capture window (driver.startWindow -> load -> window.stop),
 * or several in a row when the driver captures some kinds apart (windowPlan),
 * each with its own load, then the service is stopped, and then the
 * windows' conversions run (CapturedProfiles.later). startRound returns
 * between the two, so a RoundPipeline runs the next round's boot meanwhile.
 * Whatever happens, the service's process group is gone when startRound or
 * runRound returns or throws.
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
  /**
   * The round opens its first capture window only once this has settled: the
   * previous round's conversions (RoundPipeline), which run while this round
   * boots and warms up and must not take CPU from a window.
   */
  windowAfter?: Promise<unknown>;
  /**
   * Rounds that run at once (startTogether) meet here before each capture
   * window, so their windows and loads start together.
   */
  together?: Rendezvous;
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

/** Fails before anything starts when a service asks for a kind its runtime cannot capture. */
export function checkKinds(service: ServiceConfig, driver: RuntimeDriver): void {
  for (const kind of service.profiles) {
    if (!driver.supports.includes(kind))
      throw new FlamegateError(
        `services.${service.name}.profiles: '${kind}' is not available for runtime ${service.runtime} (supported: ${driver.supports.join(", ")})`,
      );
  }
}

/** What every step of a round needs. */
interface Round {
  service: ServiceConfig;
  driver: RuntimeDriver;
  opts: RoundOptions;
  ctx: CaptureContext;
  cwd: string;
  /** "svc r3", the prefix of the round's progress lines. */
  tag: string;
  /** false: the overhead bench's control, no profiler (RoundOptions.profile). */
  profile: boolean;
}

/** A round whose service has stopped; `result` resolves once its conversions have run. */
export interface PendingRound {
  result: Promise<RoundResult>;
}

/** Runs one round to the end, its conversions included (RoundPipeline overlaps them with the next round). */
export async function runRound(service: ServiceConfig, opts: RoundOptions): Promise<RoundResult> {
  return (await startRound(service, opts)).result;
}

/**
 * Runs the round up to its service's stop; its conversions go on in `result`.
 * When the capture fails for a reason that may not recur
 * (TransientCaptureError: a profiler killed, or a profile cut short), runs
 * it once more with a fresh service, says so in the progress, and notes it
 * in the round's record.
 */
export async function startRound(
  service: ServiceConfig,
  opts: RoundOptions,
): Promise<PendingRound> {
  const pending = await runRoundRetried(service, opts);
  // Handled here too: the caller awaits it later (RoundPipeline), after a rejection may have come.
  pending.result.catch(() => undefined);
  return pending;
}

/**
 * Runs rounds at the same time, their capture windows opened together (a
 * Rendezvous before each): `ab`'s simultaneous pairs. When one fails the
 * others stop at their next window. A capture failure that may not recur
 * (TransientCaptureError) runs the whole group once more, so its rounds still
 * share their windows; any other failure is thrown, the first round's first.
 * The rounds start in an order drawn afresh each time: the one started first
 * is ready first and opens its window first (by 4–5 ms), so with a fixed
 * order whatever that is worth would fall on the base in every round, a bias
 * the paired test cannot see; drawn, it is noise the test counts (measured:
 * within ±0.5 % of CPU per request, docs/lab/duets.md).
 */
export async function startTogether(
  group: ReadonlyArray<{ service: ServiceConfig; opts: RoundOptions }>,
): Promise<PendingRound[]> {
  let retried: string | undefined;
  for (;;) {
    const meet = new Rendezvous(group.length);
    // Launched in a drawn order, kept in the group's: callers pair results by position.
    const launched = new Array<Promise<PendingRound>>(group.length);
    for (const i of shuffled(group.map((_, k) => k))) {
      const { service, opts } = group[i]!;
      launched[i] = runRoundOnce(service, { ...opts, together: meet });
    }
    const settled = await Promise.allSettled(launched);
    const started = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    for (const p of started) p.result.catch(() => undefined);
    const failures = settled.flatMap((s) =>
      s.status === "rejected" && !(s.reason instanceof PartnerFailed) ? [s.reason as unknown] : [],
    );
    if (failures.length === 0) {
      const note = retried;
      return note === undefined ? started : started.map((p) => withNote(p, note));
    }
    // Rounds that got through have stopped their services; their conversions are of no use now.
    await Promise.allSettled(started.map((p) => p.result));
    const transient = failures.every((e) => e instanceof TransientCaptureError);
    if (!transient || retried !== undefined) throw failures[0];
    const first = failures[0] as TransientCaptureError;
    const { opts } = group[0]!;
    opts.log(`round ${opts.round}: ${first.message}; running the round's sides again (once)`);
    retried = `round ${opts.round} was run a second time because a capture of it failed: ${first.message}`;
  }
}

async function runRoundRetried(service: ServiceConfig, opts: RoundOptions): Promise<PendingRound> {
  try {
    return await runRoundOnce(service, opts);
  } catch (err) {
    if (!(err instanceof TransientCaptureError)) throw err;
    opts.log(`${service.name} r${opts.round}: ${err.message}; running the round again (once)`);
    const again = await runRoundOnce(service, opts);
    return withNote(
      again,
      `round ${opts.round} was run a second time because its first capture failed: ${err.message}`,
    );
  }
}

/** The round with one more note in its result and record. */
function withNote(pending: PendingRound, note: string): PendingRound {
  return {
    result: pending.result.then((r) => {
      const notes = [...r.notes, note];
      return { ...r, notes, record: { ...r.record, notes } };
    }),
  };
}

async function runRoundOnce(service: ServiceConfig, opts: RoundOptions): Promise<PendingRound> {
  const driver = driverFor(service.runtime);
  checkKinds(service, driver);
  const cwd = opts.cwd ?? service.cwd;
  const workDir = mkdtempSync(
    join(tmpdir(), `flamegate-${service.name.replace(/[^\w.-]/g, "_")}-r${opts.round}-`),
  );
  trackTempDir(workDir);
  const removeWorkDir = () => {
    rmSync(workDir, { recursive: true, force: true });
    untrackTempDir(workDir);
  };
  const ctx: CaptureContext = { service, cwd, workDir, round: opts.round, log: opts.log };
  const r: Round = {
    service,
    driver,
    opts,
    ctx,
    cwd,
    tag: `${service.name} r${opts.round}`,
    profile: opts.profile ?? true,
  };
  let proc: GroupProcess | undefined;
  let live: { record: RoundRecord; windows: ClosedWindow[]; runtimeVersion: string };
  try {
    const prepared = r.profile
      ? await driver.prepare(ctx)
      : { command: service.start, env: {} as Record<string, string> };
    const { host, port } = hostPort(service.ready);
    if (Number.isFinite(port) && (await tcpOpen(host, port)))
      throw new FlamegateError(portInUseMessage(service, port));
    proc = startService(r, prepared);
    if (r.profile) driver.track?.(ctx, proc.pid);
    await untilReady(r, proc);
    // The group's other processes (a start script's node) exist by now.
    if (r.profile) driver.track?.(ctx, proc.pid);
    const runtimeVersion = await driver.version(ctx);
    if (service.warmupSeconds > 0) {
      opts.log(`${r.tag}: warming up for ${service.warmupSeconds} s`);
      const warm = startLoad(service, cwd, service.warmupSeconds);
      await watched(service, proc, "during the warm-up", warm.done, () => warm.stop());
    }
    live = { ...(await captureWindows(r, proc)), runtimeVersion };
  } catch (err) {
    // A round running with this one must not wait for a window that never opens.
    opts.together?.abandon(err);
    // What the service's processes wrote from their start, also of those already gone.
    if (proc && r.profile) driver.track?.(ctx, proc.pid);
    if (proc) await stopService(r, proc);
    removeWorkDir();
    throw err;
  }
  await stopService(r, proc);
  const finishing = (async (): Promise<RoundResult> => {
    try {
      const captured = await finishWindows(r, live.windows);
      for (const note of captured.notes) opts.log(`${r.tag}: ${note}`);
      const record: RoundRecord = {
        ...live.record,
        profilers: captured.profilers,
        ...(captured.notes.length > 0 ? { notes: captured.notes } : {}),
      };
      return {
        record,
        profiles: captured.profiles,
        runtimeVersion: live.runtimeVersion,
        notes: captured.notes,
      };
    } finally {
      removeWorkDir();
    }
  })();
  return { result: finishing };
}

/** Stops the service's group and what it left running elsewhere; one warning line when it left any. */
async function stopService(r: Round, proc: GroupProcess): Promise<void> {
  await proc.stop();
  if (proc.stragglers.length > 0)
    r.opts.log(`${r.tag}: ${stragglersWarning(`service '${r.service.name}'`, proc.stragglers)}`);
}

/** Spawns the (prepared) start command in its own group, its output appended to the log file. */
function startService(r: Round, prepared: PreparedStart): GroupProcess {
  const { service, opts, cwd } = r;
  if (opts.logFile)
    appendFileSync(
      opts.logFile,
      `=== flamegate: ${r.tag}: ${prepared.command} (in ${cwd}) at ${new Date().toISOString()} ===\n`,
    );
  const proc = new GroupProcess(prepared.command, {
    cwd,
    env: { ...process.env, ...service.env, ...prepared.env },
    ...(opts.logFile ? { logFile: opts.logFile } : {}),
  });
  opts.log(`${r.tag}: started (pid ${proc.pid}), waiting for ${service.ready}`);
  return proc;
}

/** Waits for readiness, then SETTLE_MS more; throws when the service exits or never gets ready. */
async function untilReady(r: Round, proc: GroupProcess): Promise<void> {
  const { service } = r;
  const outcome = await waitReady(
    service.ready,
    service.readyTimeoutSeconds,
    () => proc.exit !== undefined,
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
}

/** A window that has closed: what its profilers returned (maybe with `later` to run) and the OS's CPU count. */
interface ClosedWindow {
  got: CapturedProfiles;
  cpuSeconds: number | undefined;
}

/** Every window of the round's plan in turn; the round's record (profilers and notes still to come) and the closed windows. */
async function captureWindows(
  r: Round,
  proc: GroupProcess,
): Promise<{ record: RoundRecord; windows: ClosedWindow[] }> {
  const plan = r.profile ? windowPlan(r.service.profiles, r.driver) : [[]];
  const closed: ClosedWindow[] = [];
  const windows: Partial<Record<Kind, WindowRecord>> = {};
  let first: WindowRecord | undefined;
  for (const kinds of plan) {
    const { figures, got, cpuSeconds } = await runWindow(r, proc, kinds, plan.length);
    if (got) closed.push({ got, cpuSeconds });
    first ??= figures;
    for (const kind of kinds) windows[kind] = figures;
  }
  const record: RoundRecord = {
    round: r.opts.round,
    ...first!,
    files: {},
    profilers: {},
    ...(plan.length > 1 ? { windows } : {}),
  };
  return { record, windows: closed };
}

/**
 * The closed windows' conversions (`later`), one after another, then their
 * profiles completed: the OS's CPU added where the driver asks, paths made
 * relative. Runs after the service has stopped.
 */
async function finishWindows(r: Round, windows: ClosedWindow[]): Promise<CapturedProfiles> {
  const captured: CapturedProfiles = { profiles: {}, profilers: {}, notes: [] };
  for (const { got, cpuSeconds } of windows) {
    await got.later?.();
    const replace =
      osCpuTotal(got.profilers.cpu, r.service.sampling.cpuTotal) && !got.cpuCountsThreads;
    if ((got.cpuCountsThreads || replace) && got.profiles.cpu)
      osCpuTime(got.profiles.cpu, cpuSeconds, got.notes, replace);
    // Paths relative to the service's directory, so base and head from two checkouts match.
    for (const p of Object.values(got.profiles)) relativizeFiles(p, r.cwd);
    Object.assign(captured.profiles, got.profiles);
    Object.assign(captured.profilers, got.profilers);
    captured.notes.push(...got.notes);
  }
  return captured;
}

/**
 * One capture window: the driver's profilers opened, the load run under
 * them, the OS's CPU count of the service's group around it, the profilers
 * closed. The window is closed also when the load fails.
 */
async function runWindow(
  r: Round,
  proc: GroupProcess,
  kinds: readonly Kind[],
  windowsInRound: number,
): Promise<{
  figures: WindowRecord;
  got: CapturedProfiles | undefined;
  cpuSeconds: number | undefined;
}> {
  const { service, driver, opts, tag } = r;
  const separate = kinds.length > 0 && kinds.every((k) => driver.separateWindows?.includes(k));
  const cap = separate ? driver.separateWindowSeconds : undefined;
  // With a load command only load.duration says how long the window lasts (required for Go).
  const seconds = Math.min(service.load.durationSeconds ?? 0, cap ?? Infinity);
  // The previous round's conversions take CPU: no window while they run.
  await Promise.resolve(opts.windowAfter).catch(() => undefined);
  await opts.together?.arrive();
  const window = r.profile ? await driver.startWindow(r.ctx, proc.pid, seconds, kinds) : undefined;
  opts.log(
    r.profile
      ? `${tag}: capturing ${kinds.join(", ")} under load`
      : `${tag}: load without profiling`,
  );
  const endWatch = await opts.watchLoad?.(proc.pid, kinds);
  const cpuBefore = groupCpuSeconds(proc.pid);
  const loadStarted = new Date();
  const running = startLoad(service, r.cwd, undefined, cap);
  let figures: LoadFigures;
  try {
    figures = await watched(service, proc, "during the load", running.done, () => running.stop());
    const which = kinds.length > 0 ? ` (${kinds.join(", ")} window)` : "";
    const failed = errorRateProblem(service, figures, `round ${opts.round}${which}`);
    if (failed) throw failed;
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
  const got = window ? await closeWindow(r, proc, window) : undefined;
  const record = windowRecord(figures, cpuSeconds, loadStarted);
  opts.log(`${tag}: ${describeFigures(kinds, figures, record.windowSeconds, windowsInRound)}`);
  return { figures: record, got, cpuSeconds };
}

/** Stops the window's profilers while the service still runs. */
async function closeWindow(
  r: Round,
  proc: GroupProcess,
  window: CaptureWindow,
): Promise<CapturedProfiles> {
  try {
    return await window.stop();
  } catch (err) {
    if (proc.exit) throw exitedError(r.service, proc, "while its profiles were collected");
    throw err;
  }
}

/** Adds the window's OS-counted CPU to a CPU profile that counts threads (model/cpu-time.ts), or notes why it could not. */
function osCpuTime(
  cpu: Profile,
  cpuSeconds: number | undefined,
  notes: string[],
  replace: boolean,
): void {
  if (cpuSeconds === undefined) {
    if (!replace)
      notes.push(
        "CPU samples count active threads and could not be scaled to the OS's CPU count (no /proc here): the CPU total per request counts threads waiting for the GIL too",
      );
  } else addOsCpuTime(cpu, cpuSeconds * 1e9, replace);
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
