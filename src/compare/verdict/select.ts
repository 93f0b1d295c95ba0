import type { FrameSeries, KindSeries } from "../series.js";
import { usable } from "./design.js";
import type { VerdictNote } from "./notes.js";
import { IDLE_FRAMES, MAX_TESTED_FRAMES, TIME_KINDS } from "./policy.js";

/**
 * Frame selection: which frames are not work (idle), which the user asked
 * not to gate (gate.ignore), which are tested (the Holm family) and which are
 * listed in the report besides them.
 */

/** Frames kept in a comparison besides every frame that does not pass: the largest by share. */
export const TOP_FRAMES = 50;

/** An idle frame of a time kind: time the service waited, not work it did. */
export function isIdle(
  series: Pick<KindSeries, "kind">,
  f: Pick<FrameSeries, "function">,
): boolean {
  return TIME_KINDS.has(series.kind) && IDLE_FRAMES.has(f.function);
}

/**
 * The series with idle frames' self values taken out of the totals (CPU per
 * request would otherwise measure the load generator). The frames stay, and
 * are never gated.
 */
export function withoutIdle(series: KindSeries, notes: VerdictNote[]): KindSeries {
  if (!TIME_KINDS.has(series.kind)) return series;
  const idle = series.frames.filter((f) => IDLE_FRAMES.has(f.function));
  if (idle.length === 0) return series;
  const minus = (totals: number[], which: "base" | "head") =>
    totals.map((t, r) =>
      Math.max(0, usable(t) - idle.reduce((a, f) => a + usable(f.self[which][r]), 0)),
    );
  notes.push({ code: "idle-excluded", functions: idle.map((f) => f.function) });
  return {
    ...series,
    totals: { base: minus(series.totals.base, "base"), head: minus(series.totals.head, "head") },
  };
}

/** A gate.ignore glob (`*` any run of characters, `?` one) as an anchored expression. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .split("")
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}

/** Per frame: true when it is never gated (idle, or matched by a gate.ignore glob). */
export function notGated(series: KindSeries, ignore: readonly string[]): boolean[] {
  const globs = ignore.map(globToRegExp);
  return series.frames.map((f) => isIdle(series, f) || globs.some((re) => re.test(f.function)));
}

/**
 * The frames that may be tested: gated ones whose pooled cum count per round
 * reaches minCount, the hottest first (blind to the difference), at most
 * MAX_TESTED_FRAMES.
 */
export function testCandidates(
  cumPooled: readonly number[],
  ignored: readonly boolean[],
  minCount: number,
): number[] {
  return cumPooled
    .map((_, i) => i)
    .filter((i) => !ignored[i] && cumPooled[i]! >= minCount)
    .sort((a, b) => cumPooled[b]! - cumPooled[a]!)
    .slice(0, MAX_TESTED_FRAMES);
}

/** The larger of a value's shares of its side's total, 0 for an empty side: "largest" means this. */
export function largerShare(
  base: number,
  head: number,
  baseTotal: number,
  headTotal: number,
): number {
  return Math.max(baseTotal === 0 ? 0 : base / baseTotal, headTotal === 0 ? 0 : head / headTotal);
}

/** The `count` largest by `share` of the frames `candidates`, largest first (a stable sort). */
export function largest(
  candidates: readonly number[],
  share: (i: number) => number,
  count: number,
): number[] {
  return candidates
    .map((i) => ({ i, share: share(i) }))
    .sort((x, y) => y.share - x.share)
    .slice(0, Math.max(0, count))
    .map((x) => x.i);
}
