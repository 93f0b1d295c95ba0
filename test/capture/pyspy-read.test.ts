import { describe, expect, it } from "vitest";
import { TransientCaptureError } from "../../src/capture/driver.js";
import { type PySpyResult, checkedLines } from "../../src/capture/pyspy-read.js";

/**
 * What flamegate accepts from py-spy after a window: a file whose samples add
 * up to what py-spy reported, from a py-spy that exited by itself. Anything
 * else is a capture cut short, said as such (and retried by the session),
 * never "not a profile".
 */

const LINES = [
  'process 7:"python3 app.py";<module> (app.py:9);work (app.py:5) 30',
  'process 7:"python3 app.py";process 8:"python3 app.py";<module> (app.py:9);work (app.py:6) 12',
];
const RAW = `${LINES.join("\n")}\n`;
const WROTE = (samples: number, errors = 0) =>
  `py-spy> Sampling process 200 times a second. Press Control-C to exit.\n\npy-spy> Stopped sampling because Control-C pressed\npy-spy> Wrote raw flamegraph data to '/tmp/x/cpu.pyspy.txt'. Samples: ${samples} Errors: ${errors}\n`;

function result(over: Partial<PySpyResult>): PySpyResult {
  return {
    raw: RAW,
    output: WROTE(42),
    exitCode: 0,
    signal: null,
    killedAfterGrace: false,
    ...over,
  };
}

function failure(over: Partial<PySpyResult>): TransientCaptureError {
  try {
    checkedLines(result(over), 7, []);
  } catch (err) {
    if (err instanceof TransientCaptureError) return err;
    throw err;
  }
  throw new Error("checkedLines accepted it");
}

describe("py-spy's output after a window", () => {
  it("is accepted whole when its samples add up to what py-spy reported", () => {
    const notes: string[] = [];
    expect(checkedLines(result({}), 7, notes)).toEqual(LINES);
    expect(notes).toEqual([]);
  });

  it("an empty file: py-spy saw nothing running", () => {
    expect(failure({ raw: "", output: WROTE(0) }).message).toBe(
      "python: py-spy saw no thread of pid 7 or its subprocesses running in the window (py-spy> Wrote raw flamegraph data to '/tmp/x/cpu.pyspy.txt'. Samples: 0 Errors: 0); check that the load reached the service",
    );
  });

  it("a file cut short: fewer samples than py-spy reported, or no final newline", () => {
    expect(failure({ raw: `${LINES[0]}\n` }).message).toBe(
      "python: py-spy's profile of pid 7 is incomplete: its file holds 30 of the 42 samples py-spy reported (py-spy> Wrote raw flamegraph data to '/tmp/x/cpu.pyspy.txt'. Samples: 42 Errors: 0)",
    );
    expect(failure({ raw: RAW.slice(0, -1), output: "" }).message).toBe(
      "python: py-spy's profile of pid 7 is incomplete: its file ends in the middle of a line (no output)",
    );
  });

  it("no file, a failed py-spy, or one killed after the grace", () => {
    expect(failure({ raw: undefined, output: "Error: Failed to open process\n" }).message).toBe(
      "python: py-spy wrote no profile for pid 7: Error: Failed to open process",
    );
    expect(failure({ exitCode: 1, output: "Error: boom\n" }).message).toBe(
      "python: py-spy sampling pid 7 ended with exit code 1: Error: boom",
    );
    expect(failure({ exitCode: null, signal: "SIGKILL", killedAfterGrace: true }).message).toMatch(
      /^python: py-spy did not finish its profile of pid 7 within 30 s of SIGINT and was killed \(/,
    );
  });

  it("leaves out, with a note, lines that are not a stack and a count", () => {
    // A frame name read while the process rewrote it: a NUL, and a name split by a newline.
    const torn = [
      'process 7:"python3 app.py";wo\u0000rk (app.py:5) 1',
      'process 7:"python3 app.py";half',
      "of a name (app.py:5) 1",
    ];
    const notes: string[] = [];
    const kept = checkedLines(
      result({ raw: `${[...LINES, ...torn].join("\n")}\n`, output: WROTE(44) }),
      7,
      notes,
    );
    expect(kept).toEqual(LINES);
    expect(notes).toEqual([
      "python: 3 of py-spy's 5 lines were not a stack and a count (a frame read while the process changed it, --nonblocking) and were left out",
    ]);
  });
});
