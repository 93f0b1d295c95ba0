import type { Profile } from "pprof-format";
import { type Frame, ProfileBuilder } from "../model/builder.js";
import { v8Frame } from "../import/v8-frames.js";

/**
 * `perf script -F comm,pid,tid,period,ip,sym,dso` text (Linux perf, a
 * task-clock recording with call graphs) turned into a pprof CPU profile:
 * samples/count and cpu/nanoseconds (each sample's task-clock period), as
 * Go's own CPU profiles carry them. Frames are named per runtime:
 *
 * - Go: the symbol table's names, without the ABI suffixes (`.abi0`) the
 *   runtime's own profiler does not show. perf does not expand inlined
 *   calls: an inlined function's time stays in its caller.
 * - Node (`--perf-basic-prof` map): `JS:*name file:///x.mjs:12:3` becomes
 *   the frame V8's own profiler names (import/v8-frames.ts), so both
 *   profilers name a JS function alike.
 * - Python (3.12+ perf trampolines): `py::Handler.do_GET:/srv/app.py`
 *   becomes the frame py-spy names. A sample in Python code keeps only its
 *   Python frames: the interpreter's C frames between them (the eval loop,
 *   calls, C functions such as hashing) count at the Python function that
 *   ran them, as py-spy shows it.
 * - Kernel frames are dropped: their time counts at the user frame that
 *   entered the kernel, as with the runtimes' own profilers.
 */

export interface PerfSample {
  comm: string;
  pid: number;
  tid: number;
  /** Task-clock nanoseconds this sample stands for. */
  period: number;
  /** Leaf first, as perf prints them. */
  frames: { ip: string; sym: string; dso: string }[];
}

const HEADER = /^(.*?)\s+(\d+)\/(\d+)\s+(\d+)(?:\s+\S+:)?\s*$/;
const FRAME = /^\s+([0-9a-f]+)\s+(.*)$/;

/** Parses perf script's text, one sample per blank-line-separated block; lines it does not know are skipped. */
export function parsePerfScript(text: string): PerfSample[] {
  const samples: PerfSample[] = [];
  let current: PerfSample | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "") {
      current = undefined;
      continue;
    }
    const frame = FRAME.exec(line);
    if (frame && current) {
      const rest = frame[2]!;
      // The DSO is the last parenthesised group; C++ symbols hold parentheses of their own.
      const open = rest.lastIndexOf(" (");
      const sym = open >= 0 && rest.endsWith(")") ? rest.slice(0, open) : rest;
      const dso = open >= 0 && rest.endsWith(")") ? rest.slice(open + 2, -1) : "";
      current.frames.push({ ip: frame[1]!, sym: sym.trim(), dso });
      continue;
    }
    const header = HEADER.exec(line);
    if (header && !line.startsWith("\t") && !line.startsWith(" ")) {
      current = {
        comm: header[1]!.trim(),
        pid: Number(header[2]),
        tid: Number(header[3]),
        period: Number(header[4]),
        frames: [],
      };
      samples.push(current);
    }
  }
  return samples;
}

const KERNEL = /^\[kernel|^\[vdso\]$/;
/** Go's assembly and ABI wrappers carry these suffixes in the symbol table, not in runtime/pprof. */
const GO_ABI_SUFFIX = /\.abi(?:0|internal)$/;
/** `py::<qualified name>:<file>` (a qualified name holds no colon). */
const PYTHON = /^py::([^:]*):(.*)$/;
/** `JS:<mark><name> <url>:<line>:<column>`; the mark says the tier (~ interpreted, ^ baseline, + Maglev, * TurboFan). */
const V8_JS = /^JS:[~^+*]?(.*?) ?(\S+):(\d+):(\d+)$/;

/** The frame flamegate compares for one perf frame, or undefined for a frame to drop. */
export function perfFrame(sym: string, dso: string, ip: string): Frame | undefined {
  if (KERNEL.test(dso)) return undefined;
  if (sym === "[unknown]") {
    if (/^0+$/.test(ip)) return undefined; // the end of a broken frame-pointer chain
    const lib = dso.slice(dso.lastIndexOf("/") + 1);
    return { name: `[unknown] ${lib === "[unknown]" ? "" : lib}`.trim(), file: "" };
  }
  const py = PYTHON.exec(sym);
  if (py) return { name: py[1]!, file: py[2]! };
  const js = V8_JS.exec(sym);
  if (js)
    return v8Frame({
      functionName: js[1]!,
      url: js[2]!,
      lineNumber: Number(js[3]) - 1,
      scriptId: "",
    });
  // V8 bytecode handlers and builtins keep their names (Builtins_…), as native frames do.
  return { name: sym.replace(/^JS:/, "").replace(GO_ABI_SUFFIX, ""), file: "" };
}

export interface PerfProfileOptions {
  /** Sampling frequency perf was asked for, in Hz: the profile's nominal period. */
  hz: number;
  durationNanos?: number;
  timeNanos?: number;
  comments?: string[];
}

/** The pprof CPU profile of perf's samples; a sample left with no user frame counts as "[kernel]". */
export function perfProfile(samples: readonly PerfSample[], o: PerfProfileOptions): Profile {
  const period = Math.round(1e9 / o.hz);
  const builder = new ProfileBuilder({
    sampleTypes: [
      { type: "samples", unit: "count" },
      { type: "cpu", unit: "nanoseconds" },
    ],
    periodType: { type: "cpu", unit: "nanoseconds" },
    period,
    ...(o.timeNanos === undefined ? {} : { timeNanos: o.timeNanos }),
    ...(o.durationNanos === undefined ? {} : { durationNanos: o.durationNanos }),
    ...(o.comments === undefined ? {} : { comments: o.comments }),
  });
  for (const s of samples) {
    const python = s.frames.filter((f) => PYTHON.test(f.sym));
    const stack = (python.length > 0 ? python : s.frames)
      .map((f) => perfFrame(f.sym, f.dso, f.ip))
      .filter((f): f is Frame => f !== undefined);
    builder.addSample(stack.length > 0 ? stack : [{ name: "[kernel]", file: "" }], [
      1,
      s.period > 0 ? s.period : period,
    ]);
  }
  return builder.build();
}
