import { spawn } from "node:child_process";
import { appendFileSync, existsSync, statSync } from "node:fs";
import { commandName, onPath } from "../capture/proc-tree.js";
import { FlamegateError } from "../errors.js";
import {
  MARK_VAR,
  groupMembers,
  markedProcesses,
  newMark,
  signalGroup,
  trackGroup,
  untrackGroup,
} from "./reaper.js";

/**
 * A shell command running in its own process group (service, build, load
 * command). Its stdout+stderr go, complete, to a log file and, as the last
 * TAIL_LINES lines, to memory for error messages. stop() escalates
 * SIGINT -> SIGTERM -> SIGKILL to the whole group and to every process
 * carrying the command's mark (reaper.ts) that left the group.
 */

/** Lines of output kept in memory for error details. */
export const TAIL_LINES = 50;
/** Lines of a service's or load command's output shown under an error. */
export const DETAIL_LINES = 20;

/**
 * Grace periods in ms after each signal of stop(). SIGINT first (what Ctrl-C
 * sends; servers and profilers flush on it), then SIGTERM, then SIGKILL.
 */
export const STOP_GRACE_MS = { SIGINT: 5_000, SIGTERM: 3_000, SIGKILL: 2_000 } as const;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A process that carried a command's mark outside its group when the command was stopped. */
export interface Straggler {
  pid: number;
  /** Its command name, when /proc still had it. */
  name: string | undefined;
}

/**
 * With util-linux's setpriv on PATH (Linux), the shell is started under
 * `setpriv --pdeathsig KILL`: the kernel kills it the moment flamegate dies,
 * SIGKILL included. The death signal does not pass to the shell's own
 * children; the watchdog (watchdog.ts) ends those.
 */
const SETPRIV = process.platform === "linux" ? onPath("setpriv") : undefined;

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** File that receives the full output (appended); none when undefined. */
  logFile?: string;
}

export class GroupProcess {
  readonly pid: number;
  /** The value of MARK_VAR in the command's environment, inherited by all it starts. */
  readonly mark = newMark();
  /**
   * Processes that had left the group (setsid, a double fork) and were still
   * running when stop() began; stop() ended them with the group.
   */
  stragglers: Straggler[] = [];
  /** Resolves when the shell (group leader) exits. */
  readonly exited: Promise<ExitInfo>;
  exit: ExitInfo | undefined;
  private readonly lines: string[] = [];
  private partial = { out: "", err: "" };

  constructor(
    readonly command: string,
    options: SpawnOptions,
  ) {
    if (!existsSync(options.cwd) || !statSync(options.cwd).isDirectory())
      throw new FlamegateError(
        `directory '${options.cwd}' does not exist; check 'cwd' in the config (command: ${command})`,
      );
    // detached: the child leads a new process group, so signals reach its
    // whole tree and a Ctrl-C in our terminal does not hit it behind our back.
    const shell = ["/bin/sh", "-c", command];
    const child = spawn(
      SETPRIV ?? shell[0]!,
      SETPRIV ? ["--pdeathsig", "KILL", ...shell] : shell.slice(1),
      {
        cwd: options.cwd,
        env: { ...options.env, [MARK_VAR]: this.mark },
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    if (child.pid === undefined) throw new FlamegateError(`cannot start '${command}': no process`);
    this.pid = child.pid;
    trackGroup(this.pid);
    const logFile = options.logFile;
    const onData = (stream: "out" | "err") => (chunk: Buffer) => {
      if (logFile) appendFileSync(logFile, chunk);
      const text = this.partial[stream] + chunk.toString("utf8");
      const parts = text.split("\n");
      this.partial[stream] = parts.pop() ?? "";
      for (const line of parts) this.push(line);
    };
    child.stdout.on("data", onData("out"));
    child.stderr.on("data", onData("err"));
    this.exited = new Promise((resolve) => {
      child.on("error", (err) => {
        this.push(`flamegate: ${err.message}`);
      });
      child.on("close", (code, signal) => {
        for (const s of ["out", "err"] as const) if (this.partial[s]) this.push(this.partial[s]);
        this.partial = { out: "", err: "" };
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  private push(line: string): void {
    this.lines.push(line.replace(/\r$/, ""));
    if (this.lines.length > TAIL_LINES) this.lines.shift();
  }

  /** The last lines of output (at most TAIL_LINES). */
  tail(n = TAIL_LINES): string[] {
    return this.lines.slice(-n);
  }

  output(): string {
    return this.lines.join("\n");
  }

  /** Live processes left in the group (the leader may be gone while its children live on). */
  members(): number[] {
    return groupMembers(this.pid);
  }

  /**
   * Stops the whole group: SIGINT, then SIGTERM, then SIGKILL, each followed
   * by its grace period (STOP_GRACE_MS) unless the group is gone sooner.
   * Then whatever still carries the command's mark outside the group (it
   * left with setsid or a double fork, and the service did not stop it) is
   * SIGKILLed and listed in `stragglers`. Always untracks, so our signal
   * handlers go away with the last group.
   */
  async stop(): Promise<void> {
    try {
      for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
        if (this.members().length === 0) break;
        signalGroup(this.pid, signal);
        await this.waitGone(STOP_GRACE_MS[signal]);
      }
      await this.killStragglers();
      // The leader's 'close' also waits for its pipes; do not hang on a grandchild that kept them.
      await Promise.race([this.exited, sleep(STOP_GRACE_MS.SIGKILL)]);
    } finally {
      untrackGroup(this.pid);
    }
  }

  /**
   * SIGKILLs the marked processes until a scan finds none (a straggler may
   * fork as it is killed), within STOP_GRACE_MS.SIGKILL; records each once.
   */
  private async killStragglers(): Promise<void> {
    const seen = new Set(this.stragglers.map((s) => s.pid));
    const deadline = Date.now() + STOP_GRACE_MS.SIGKILL;
    for (;;) {
      const left = markedProcesses(this.mark);
      if (left.length === 0 || Date.now() > deadline) return;
      for (const pid of left) {
        if (!seen.has(pid)) {
          seen.add(pid);
          this.stragglers.push({ pid, name: commandName(pid) });
        }
        signalProcess(pid, "SIGKILL");
      }
      await sleep(20);
    }
  }

  private async waitGone(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (this.members().length === 0) return;
      await sleep(50);
    }
  }
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: gone meanwhile.
  }
}

/**
 * One line for a warning: how many processes had left the service's group
 * and had to be killed, with pids and names.
 */
export function stragglersWarning(what: string, stragglers: readonly Straggler[]): string {
  const list = stragglers
    .slice(0, 5)
    .map((s) => (s.name ? `${s.pid} ${s.name}` : String(s.pid)))
    .join(", ");
  const more = stragglers.length > 5 ? `, … ${stragglers.length - 5} more` : "";
  const n = stragglers.length;
  return `warning: ${n} process${n === 1 ? "" : "es"} started by ${what} had left its process group (setsid or a double fork) and ${n === 1 ? "was" : "were"} still running after it, so flamegate killed ${n === 1 ? "it" : "them"} (pid ${list}${more}); a service should stop its children when it gets SIGINT or SIGTERM`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** "exit code 3", "signal SIGKILL". */
export function describeExit(exit: ExitInfo): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code ?? "?"}`;
}

/** Shell conventions: 127 = command not found, 126 = found but not executable. */
export function commandProblem(exit: ExitInfo): string | undefined {
  if (exit.code === 127) return "command not found";
  if (exit.code === 126) return "command is not executable";
  return undefined;
}

/**
 * Runs a command to completion in its own group (build, load command);
 * throws a FlamegateError naming `what` on a non-zero exit.
 */
export async function runToCompletion(
  what: string,
  command: string,
  options: SpawnOptions,
): Promise<{ seconds: number }> {
  const started = performance.now();
  const proc = new GroupProcess(command, options);
  let exit: ExitInfo;
  try {
    exit = await proc.exited;
  } finally {
    await proc.stop();
  }
  if (exit.code !== 0) {
    const problem = commandProblem(exit);
    throw new FlamegateError(
      `${what} failed (${problem ? `${problem}, ` : ""}${describeExit(exit)}): ${command} (in ${options.cwd})`,
      { details: proc.tail(DETAIL_LINES) },
    );
  }
  return { seconds: (performance.now() - started) / 1000 };
}
