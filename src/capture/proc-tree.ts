import { accessSync, constants, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { delimiter, join } from "node:path";

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

/** The value of `name` in a NUL-separated environment block, or undefined. */
export function envValue(environ: Buffer, name: string): string | undefined {
  const key = Buffer.from(`${name}=`);
  for (let at = environ.indexOf(key); at >= 0; at = environ.indexOf(key, at + 1)) {
    // A whole entry: at the start, or right after the NUL that ends the one before.
    if (at > 0 && environ[at - 1] !== 0) continue;
    const end = environ.indexOf(0, at);
    return environ.toString("utf8", at + key.length, end < 0 ? environ.length : end);
  }
  return undefined;
}

/**
 * Pids of the processes whose environment variable `name` has a value that
 * `matches`, read from /proc/<pid>/environ: what a process inherited,
 * wherever it moved since (its own session, a double fork, re-parented to
 * init). Zombies have no readable environment and are not found; nor are
 * processes /proc does not let us read (another user's, without root); nor
 * `exceptPid` (this process). [] off Linux.
 */
export function processesWithEnv(
  name: string,
  matches: (value: string) => boolean,
  exceptPid = process.pid,
): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === exceptPid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${entry}/environ`);
    } catch {
      continue;
    }
    const value = envValue(environ, name);
    if (value !== undefined && matches(value)) found.push(Number(entry));
  }
  return found;
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
