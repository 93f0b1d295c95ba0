import { readFileSync, readdirSync, readlinkSync } from "node:fs";

/**
 * A service's process tree, read from Linux /proc (no library reads it
 * without spawning ps). Elsewhere there is no /proc: a process then has no
 * children, no executable, no command name, and liveness falls back to
 * kill(pid, 0).
 */

/** Direct children of `pid`, from every thread's list: a process may fork from any thread. */
export function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const task of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(/\s+/))
        if (child !== "") children.push(Number(child));
    } catch {
      // the thread ended meanwhile
    }
  }
  return children;
}

/** Every descendant of `pid`, parents before their children (breadth first). */
export function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  const queue = childrenOf(pid);
  while (queue.length > 0) {
    const p = queue.shift()!;
    found.push(p);
    queue.push(...childrenOf(p));
  }
  return found;
}

/** The command name (`comm`, at most 15 characters) of `pid`, or undefined. */
export function commandName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** The executable of `pid` with symlinks resolved by the kernel, or undefined. */
export function executableOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/**
 * /proc/<pid>/stat counts CPU time in USER_HZ ticks, which the kernel fixes
 * at 100 per second in its user ABI on every architecture Node runs on.
 */
const USER_HZ = 100;

export interface ProcessStat {
  /** e.g. "R", "S", "Z" */
  state: string;
  pgrp: number;
  /**
   * CPU seconds (user + system) of all its threads, plus those of the
   * children it has reaped: a group's sum stays continuous when a child exits.
   */
  cpuSeconds: number;
}

/** State, process group and CPU time of `pid` from /proc/<pid>/stat, or undefined when there is no such file. */
export function processStat(pid: number | string): ProcessStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ")".
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14–17 of proc(5): utime, stime, cutime, cstime (rest[0] is field 3).
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + (Number(rest[i]) || 0), 0);
  return { state: rest[0] ?? "", pgrp: Number(rest[2]), cpuSeconds: ticks / USER_HZ };
}

/** Whether `pid` still runs: exists and is not a zombie waiting for its parent. */
export function isRunning(pid: number): boolean {
  const stat = processStat(pid);
  if (stat) return stat.state !== "Z";
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
