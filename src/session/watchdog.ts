import { type ChildProcess, spawn } from "node:child_process";

/**
 * A small detached Node process that cleans up after flamegate however it
 * ends, SIGKILL included (no handler of ours runs then). It holds the read
 * end of a pipe whose write end only flamegate holds; flamegate tells it,
 * one line each, which process groups it starts ("+PGID") and stops
 * ("-PGID"), and which temporary paths it made and removed ("+/path",
 * "-/path": round folders, V8's perf maps). When the pipe closes, flamegate
 * is gone: the watchdog SIGKILLs the groups still listed, then every
 * process whose environment carries this run's mark (reaper.ts; services
 * that left their group with setsid or a double fork), scanning /proc again
 * until a scan finds none, removes the paths still listed, and exits.
 * On a normal exit everything is already gone and it exits at once.
 *
 * It runs with an empty environment (no token of flamegate's reaches it, and
 * the mark's own scan does not find it) and in its own session, so a Ctrl-C
 * meant for flamegate does not end it first. Linux only: elsewhere there is
 * no /proc and nothing is started.
 */

// Run with node -e: CommonJS. Up to 250 scans 20 ms apart (a few seconds) while forks race the kills.
const SCRIPT = `
const fs = require("fs");
const [name, prefix] = process.argv.slice(1);
const key = Buffer.from(name + "=" + prefix);
const groups = new Set();
const paths = new Set();
let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => {
  pending += d;
  for (let i = pending.indexOf("\\n"); i >= 0; i = pending.indexOf("\\n")) {
    const line = pending.slice(0, i);
    pending = pending.slice(i + 1);
    const set = line[1] === "/" ? paths : groups;
    const item = line[1] === "/" ? line.slice(1) : Number(line.slice(1));
    if (line[0] === "+") set.add(item);
    else set.delete(item);
  }
});
function marked() {
  const found = [];
  for (const e of fs.readdirSync("/proc")) {
    if (!/^\\d+$/.test(e) || Number(e) === process.pid) continue;
    let env;
    try { env = fs.readFileSync("/proc/" + e + "/environ"); } catch { continue; }
    for (let at = env.indexOf(key); at >= 0; at = env.indexOf(key, at + 1))
      if (at === 0 || env[at - 1] === 0) { found.push(Number(e)); break; }
  }
  return found;
}
function kill(target) { try { process.kill(target, "SIGKILL"); } catch {} }
let done = false;
function cleanUp() {
  if (done) return;
  done = true;
  for (const g of groups) kill(-g);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let scan = 0; scan < 250; scan++) {
    const pids = marked();
    if (pids.length === 0) break;
    pids.forEach(kill);
    Atomics.wait(pause, 0, 0, 20);
  }
  // After the kills, so no process of the run writes into them again.
  for (const p of paths) { try { fs.rmSync(p, { recursive: true, force: true }); } catch {} }
  process.exit(0);
}
process.stdin.on("end", cleanUp);
process.stdin.on("error", cleanUp);
process.stdin.resume();
`;

let watchdog: ChildProcess | undefined;

/**
 * Starts the watchdog for marks `NAME=<prefix>…` once per flamegate
 * process (later calls do nothing). It does not keep flamegate alive.
 */
export function startWatchdog(markName: string, markPrefix: string): void {
  if (watchdog !== undefined || process.platform !== "linux") return;
  watchdog = spawn(process.execPath, ["-e", SCRIPT, markName, markPrefix], {
    detached: true,
    env: {},
    stdio: ["pipe", "ignore", "ignore"],
  });
  watchdog.on("error", () => undefined);
  watchdog.stdin?.on("error", () => undefined);
  watchdog.unref();
  // The pipe must not keep flamegate's event loop alive either.
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
}

/**
 * Tells the watchdog that flamegate started ("+") or stopped ("-") process
 * group `what`, or made ("+") or removed ("-") the temporary path `what`
 * (absolute; one with a line break is not passed on: it would break the protocol).
 */
export function tellWatchdog(change: "+" | "-", what: number | string): void {
  if (typeof what === "string" && (!what.startsWith("/") || what.includes("\n"))) return;
  if (watchdog?.stdin?.writable) watchdog.stdin.write(`${change}${what}\n`);
}

/** The watchdog's pid (tests), or undefined when none runs. */
export function watchdogPid(): number | undefined {
  return watchdog?.pid;
}
