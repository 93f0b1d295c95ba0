import type { Profile } from "pprof-format";
import { type Frame, ProfileBuilder } from "../model/builder.js";
import type { SampleTypeName } from "../model/kinds.js";

/**
 * One Python profile from the samples of every process of the service
 * (gunicorn's workers, multiprocessing's children): the agent's sampler and
 * memray each record one process, flamegate sums them.
 */

/** One process's samples as the agent and memray_export.py write them: stacks leaf first. */
export interface AgentSamples {
  samples: Array<{ stack: Array<[string, string, number]>; values: number[] }>;
}

export interface ProcessSamples {
  pid: number;
  doc: AgentSamples;
  /** That process's sys.path, to shorten its file names. */
  sysPath: readonly string[];
}

/**
 * py-spy shortens file names by the interpreter's sys.path (…/json/encoder.py
 * -> json/encoder.py, the script's directory -> app.py); the agent's and
 * memray's frames get the same treatment so every Python profile names
 * files alike.
 */
export function shortenPath(file: string, sysPath: readonly string[]): string {
  let best = "";
  for (const p of sysPath) {
    const prefix = p.endsWith("/") ? p : `${p}/`;
    if (file.startsWith(prefix) && prefix.length > best.length) best = prefix;
  }
  return best === "" ? file : file.slice(best.length);
}

/**
 * The sum of every process's samples as one profile; each process's files
 * are shortened by its own sys.path, so a function is one function whichever
 * worker ran it. `totals`: each process's sum of the first sample type.
 */
export function mergeProcesses(
  parts: readonly ProcessSamples[],
  sampleTypes: SampleTypeName[],
  extra: { periodType?: SampleTypeName; period?: number; durationNanos: number },
): { profile: Profile; totals: Map<number, number> } {
  const builder = new ProfileBuilder({ sampleTypes, ...extra });
  const totals = new Map<number, number>();
  for (const { pid, doc, sysPath } of parts) {
    let total = 0;
    for (const s of doc.samples) {
      const stack: Frame[] = s.stack.map(([name, file, line]) => ({
        name,
        file: shortenPath(file, sysPath),
        line,
      }));
      builder.addSample(stack, s.values);
      total += s.values[0] ?? 0;
    }
    totals.set(pid, (totals.get(pid) ?? 0) + total);
  }
  return { profile: builder.build(), totals };
}

/**
 * Share of a window's total under which a process does not count as
 * sampled: a gunicorn master waking once a second catches a stray sample,
 * which should not change the note from one round to the next.
 */
const COUNTED_SHARE = 0.01;

/**
 * "python: <what> came from 2 worker processes …" when processes other
 * than `rootPid` (the service's outermost Python process) hold at least
 * 1 % of the total each; nothing for a single-process service.
 */
export function processesNote(
  what: string,
  rootPid: number,
  totals: ReadonlyMap<number, number>,
): string | undefined {
  const total = [...totals.values()].reduce((a, b) => a + b, 0);
  const counted = [...totals]
    .filter(([, value]) => value > 0 && value >= COUNTED_SHARE * total)
    .map(([pid]) => pid);
  const workers = counted.filter((pid) => pid !== rootPid).length;
  if (workers === 0) return undefined;
  const from = counted.includes(rootPid) ? `the started Python process and ${workers}` : workers;
  return `python: ${what} came from ${from} worker process${workers === 1 ? "" : "es"} (each with ≥ 1 % of the total), merged into one profile`;
}
