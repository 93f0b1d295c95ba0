import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { errorMessage } from "../errors.js";

/**
 * The runner starts `node dist/index.js` with the token in its environment
 * (INPUT_GITHUB-TOKEN, ACTIONS_RUNTIME_TOKEN …). Deleting a variable from
 * process.env does not remove it from /proc/<pid>/environ: the kernel serves
 * that file from the strings the process was started with, which stay on its
 * stack. Any process of the same user, such as the service the action starts,
 * can read that file of its ancestors.
 *
 * So the action first has libc copy every variable to the heap (setenv
 * through process.env: glibc allocates a fresh "NAME=value" and repoints
 * `environ` at it), then overwrites the original block (env_start..env_end
 * of /proc/self/stat) with zeros through /proc/self/mem. process.env keeps
 * every value; /proc/<pid>/environ shows none.
 */

/** Fields 50 and 51 of /proc/<pid>/stat (proc(5)): where the initial environment strings lie. */
function environBounds(): { start: number; end: number } | null {
  const stat = readFileSync("/proc/self/stat", "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces: field 3 onwards.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const start = Number(fields[50 - 3]);
  const end = Number(fields[51 - 3]);
  return Number.isSafeInteger(start) && Number.isSafeInteger(end) && end > start
    ? { start, end }
    : null;
}

/**
 * Zeroes this process's initial environment block after moving every
 * variable to the heap. Returns null when done, else why not (not Linux, no
 * /proc, a kernel that refuses writes to /proc/self/mem).
 */
export function wipeInitialEnvironment(): string | null {
  if (process.platform !== "linux") return `not on Linux (${process.platform})`;
  try {
    const bounds = environBounds();
    if (!bounds) return "/proc/self/stat does not give the environment's bounds";
    // Reassigning each variable makes libc hold a copy of its own; nothing points into the block after this.
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) process.env[k] = v;
    const fd = openSync("/proc/self/mem", "r+");
    try {
      writeSync(
        fd,
        Buffer.alloc(bounds.end - bounds.start),
        0,
        bounds.end - bounds.start,
        bounds.start,
      );
    } finally {
      closeSync(fd);
    }
    const left = readFileSync("/proc/self/environ");
    return left.every((b) => b === 0) ? null : "/proc/self/environ still holds text after the wipe";
  } catch (err) {
    return errorMessage(err);
  }
}
