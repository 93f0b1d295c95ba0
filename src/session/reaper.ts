import { randomBytes } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import { type ProcessStat, processStat, processesWithEnv } from "../capture/proc-tree.js";
import { startWatchdog, tellWatchdog } from "./watchdog.js";

/**
 * Every process group flamegate starts (service, build, load command) is
 * tracked here until it is gone, so that nothing outlives flamegate: on our
 * own SIGINT/SIGTERM, and on exit, the tracked groups get SIGKILL. The
 * handlers are installed only while a group is tracked, so a host process
 * (the action, a test runner) keeps its own signal behaviour otherwise.
 *
 * A process can leave its group (setsid, a double fork) or outlive a
 * flamegate killed with SIGKILL. So every command flamegate starts also
 * carries a mark in its environment, FLAMEGATE_MARK=<run>.<n>, which its
 * descendants inherit wherever they go: stop() finds them by it
 * (process.ts), the exit handlers kill every process with this run's mark,
 * and a watchdog process (watchdog.ts) does the same when flamegate dies
 * without running any handler.
 */

/** The environment variable that marks the processes flamegate started. */
export const MARK_VAR = "FLAMEGATE_MARK";
/** This flamegate process's run id: the prefix of its marks. */
const RUN = `${process.pid}-${randomBytes(6).toString("hex")}`;
let marks = 0;

/** A fresh mark for one started command, `<run>.<n>`. */
export function newMark(): string {
  return `${RUN}.${++marks}`;
}

/** Live processes carrying `mark` (a whole one from newMark) in their environment. */
export function markedProcesses(mark: string): number[] {
  return processesWithEnv(MARK_VAR, (v) => v === mark);
}

/** SIGKILLs every process carrying one of this run's marks; how many there were. */
function killMarked(): number {
  const pids = processesWithEnv(MARK_VAR, (v) => v.startsWith(`${RUN}.`));
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  return pids.length;
}

const groups = new Set<number>();
/** Temporary directories of running rounds, removed on exit (a signal skips their `finally`). */
const tempDirs = new Set<string>();
let installed = false;

function removeTempDirs(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/**
 * SIGKILL takes effect asynchronously: a process may still be tearing down its
 * threads when kill() returns. Waits (blocking, this runs on the way out) until
 * no tracked group has a live member and no marked process is left, for at most
 * `ms`, so that when flamegate's exit is seen, what it started is gone.
 */
function awaitGone(ms: number): void {
  const deadline = Date.now() + ms;
  const tick = new Int32Array(new SharedArrayBuffer(4));
  const left = () =>
    [...groups].some((g) => groupMembers(g).length > 0) ||
    processesWithEnv(MARK_VAR, (v) => v.startsWith(`${RUN}.`)).length > 0;
  while (left() && Date.now() < deadline) Atomics.wait(tick, 0, 0, 10);
}

/** Grace for killed processes to disappear before flamegate exits, in ms. */
const EXIT_REAP_MS = 2_000;

function onSignal(signal: NodeJS.Signals): void {
  killTracked("SIGKILL");
  killMarked();
  awaitGone(EXIT_REAP_MS);
  removeTempDirs();
  // 128 + signal number, as a shell reports a process killed by it.
  process.exit(signal === "SIGINT" ? 130 : 143);
}

function onExit(): void {
  killTracked("SIGKILL");
  if (killMarked() > 0 || groups.size > 0) awaitGone(EXIT_REAP_MS);
  removeTempDirs();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", onExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  process.off("exit", onExit);
}

export function trackGroup(pgid: number): void {
  startWatchdog(MARK_VAR, `${RUN}.`);
  groups.add(pgid);
  tellWatchdog("+", pgid);
  install();
}

export function untrackGroup(pgid: number): void {
  if (groups.delete(pgid)) tellWatchdog("-", pgid);
  if (groups.size === 0 && tempDirs.size === 0) uninstall();
}

/** Removes `dir` if flamegate exits or is signalled before untrackTempDir. */
export function trackTempDir(dir: string): void {
  startWatchdog(MARK_VAR, `${RUN}.`);
  tempDirs.add(dir);
  // After a SIGKILL of flamegate no handler of ours runs: the watchdog removes it then.
  tellWatchdog("+", dir);
  install();
}

export function untrackTempDir(dir: string): void {
  if (tempDirs.delete(dir)) tellWatchdog("-", dir);
  if (groups.size === 0 && tempDirs.size === 0) uninstall();
}

/** Process groups currently tracked (for tests and diagnostics). */
export function trackedGroups(): number[] {
  return [...groups];
}

/** Temporary paths currently tracked (for tests and diagnostics). */
export function trackedTempPaths(): string[] {
  return [...tempDirs];
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function killTracked(signal: NodeJS.Signals): void {
  for (const g of groups) signalGroup(g, signal);
}

/**
 * Live (non-zombie) members of a process group. On Linux this reads /proc,
 * because orphans re-parented to a PID 1 that does not reap them stay as
 * zombies, and kill(-pgid, 0) counts zombies as alive. Elsewhere it falls
 * back to kill(-pgid, 0), which reports the group only as a whole.
 */
export function groupMembers(pgid: number): number[] {
  if (process.platform !== "linux") {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  return groupStats(pgid)
    .filter(({ stat }) => stat.state !== "Z")
    .map(({ pid }) => pid);
}

/**
 * CPU seconds (user + system) the members of a process group have used so
 * far, including the children they reaped; null off Linux. A difference of
 * two readings is what the group spent in between (a member that exits and
 * is reaped outside the group in between takes its time with it).
 */
export function groupCpuSeconds(pgid: number): number | null {
  if (process.platform !== "linux") return null;
  return groupStats(pgid).reduce((sum, { stat }) => sum + stat.cpuSeconds, 0);
}

/** Every process of a group, zombies included, from /proc (Linux). */
function groupStats(pgid: number): { pid: number; stat: ProcessStat }[] {
  const found: { pid: number; stat: ProcessStat }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processStat(entry);
    if (stat && stat.pgrp === pgid) found.push({ pid: Number(entry), stat });
  }
  return found;
}
