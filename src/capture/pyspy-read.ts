import { existsSync, readFileSync } from "node:fs";
import { FlamegateError } from "../errors.js";
import { importProfile } from "../import/index.js";
import { type CapturedProfiles, TransientCaptureError, lastLine } from "./driver.js";
import { PYSPY_STOP_MS, type PySpy, dropIdleSamples, stripProcessFrames } from "./pyspy.js";
import { processesNote } from "./python-merge.js";

/**
 * py-spy's raw output after a window, checked before it is imported: py-spy
 * must have exited by itself after SIGINT, and its file must hold every
 * sample it reported ("Samples: N" on stdout), each line a stack and a
 * count. A profile that fails these checks was cut short (py-spy killed, or
 * read before it finished), so the error is a TransientCaptureError and the
 * round is run again rather than the file being misread.
 */

/** What py-spy left when the window closed. */
export interface PySpyResult {
  /** The raw file's text; undefined when py-spy wrote none. */
  raw: string | undefined;
  /** What py-spy printed (stdout and stderr). */
  output: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** py-spy outlived the grace after SIGINT and was killed. */
  killedAfterGrace: boolean;
}

/** The window py-spy sampled. */
export interface PySpyWindow {
  /** The pid py-spy attached to. */
  target: number;
  /** How many Python worker processes ran below it. */
  workers: number;
  durationNanos: number;
  hz: number;
}

/** A whole raw line with --subprocesses: `process PID:"cmd";frames… COUNT`. */
const SAMPLE_LINE = /^process \d+:".* \d+$/;

export function readPySpy(
  spy: PySpy,
  window: PySpyWindow,
  notes: string[],
): CapturedProfiles["profiles"]["cpu"] {
  const result: PySpyResult = {
    raw: existsSync(spy.out) ? readFileSync(spy.out, "utf8") : undefined,
    output: spy.output(),
    exitCode: spy.child.exitCode,
    signal: spy.child.signalCode,
    killedAfterGrace: spy.killedAfterGrace ?? false,
  };
  return importPySpy(checkedLines(result, window.target, notes), result.output, window, notes);
}

/**
 * The sample lines of a complete py-spy file; throws TransientCaptureError
 * when py-spy was killed, wrote nothing, failed, or the file holds fewer
 * samples than py-spy reported. Lines that are not a stack and a count (a
 * frame name read while the process changed it, --nonblocking) are left out
 * with a note.
 */
export function checkedLines(result: PySpyResult, target: number, notes: string[]): string[] {
  const last = lastLine(result.output);
  if (result.killedAfterGrace)
    throw new TransientCaptureError(
      `python: py-spy did not finish its profile of pid ${target} within ${PYSPY_STOP_MS / 1000} s of SIGINT and was killed (${last}); the machine may be overloaded`,
    );
  if (result.exitCode !== 0) {
    const how = result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode ?? "?"}`;
    throw new TransientCaptureError(
      `python: py-spy sampling pid ${target} ended with ${how}: ${last}`,
    );
  }
  if (result.raw === undefined)
    throw new TransientCaptureError(`python: py-spy wrote no profile for pid ${target}: ${last}`);
  const lines = result.raw.split("\n").filter((l) => l.trim() !== "");
  const kept = lines.filter((l) => SAMPLE_LINE.test(l) && !l.includes("\u0000"));
  const m = /Samples: (\d+) Errors: (\d+)/.exec(result.output);
  const reported = m ? Number(m[1]) : undefined;
  if (reported === 0 || (reported === undefined && lines.length === 0))
    throw new TransientCaptureError(
      `python: py-spy saw no thread of pid ${target} or its subprocesses running in the window (${last}); check that the load reached the service`,
    );
  const total = lines.reduce((sum, l) => sum + (Number(/ (\d+)$/.exec(l)?.[1]) || 0), 0);
  const short =
    reported !== undefined && total < reported
      ? `its file holds ${total} of the ${reported} samples py-spy reported`
      : result.raw.endsWith("\n")
        ? undefined
        : "its file ends in the middle of a line";
  if (short)
    throw new TransientCaptureError(
      `python: py-spy's profile of pid ${target} is incomplete: ${short} (${last})`,
    );
  if (m && Number(m[2]) > 0.01 * Number(m[1]))
    notes.push(`python: py-spy could not read ${m[2]} of ${m[1]} samples`);
  if (kept.length < lines.length)
    notes.push(
      `python: ${lines.length - kept.length} of py-spy's ${lines.length} lines were not a stack and a count (a frame read while the process changed it, --nonblocking) and were left out`,
    );
  return kept;
}

/**
 * py-spy's profile of `target` and its subprocesses, their process frames
 * removed. Throws when `target` has workers and py-spy sampled none of them
 * while `target` itself stayed idle: that profile would be empty, not fast.
 */
function importPySpy(
  lines: string[],
  output: string,
  { target, workers, durationNanos, hz }: PySpyWindow,
  notes: string[],
): CapturedProfiles["profiles"]["cpu"] {
  const { text, samplesByPid } = stripProcessFrames(`${lines.join("\n")}\n`);
  const fromWorkers = [...samplesByPid].filter(([p, n]) => p !== target && n > 0).length;
  // 1 % of what one busy thread yields over the window, in samples.
  const idle = 0.01 * (durationNanos / 1e9) * hz;
  if (workers > 0 && fromWorkers === 0 && (samplesByPid.get(target) ?? 0) <= idle)
    throw new FlamegateError(
      `python: pid ${target} runs ${workers} worker process${workers === 1 ? "" : "es"} but py-spy sampled none of them (${lastLine(output)}); run flamegate as the workers' user, or allow ptrace (kernel.yama.ptrace_scope)`,
    );
  const note = processesNote("py-spy's samples", target, samplesByPid);
  if (note) notes.push(note);
  const busy = dropIdleSamples(text);
  const waited = [...busy.idle.values()].reduce((a, b) => a + b, 0);
  if (busy.total > 0 && waited === busy.total)
    throw new FlamegateError(
      `python: every py-spy sample of pid ${target} was a thread waiting in ${[...busy.idle.keys()].join(", ")}; no Python code ran in the window (check that the load reached the service)`,
    );
  // Named once per wait, not counted, so the same note from every round is one line of the report.
  const waits = [...busy.idle]
    .filter(([, n]) => n >= 0.01 * busy.total)
    .map(([where]) => where)
    .sort();
  if (waits.length > 0)
    notes.push(
      `python: py-spy samples of threads waiting in ${waits.join(", ")} (each ≥ 1 % of the samples) were left out as idle`,
    );
  return importProfile(Buffer.from(busy.text), "py-spy output").profile;
}
