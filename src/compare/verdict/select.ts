import type { FrameSeries, KindSeries } from "../series.js";
import { usable } from "./design.js";
import type { VerdictNote } from "./notes.js";
import {
  DEFAULT_VARIANT,
  IDLE_FRAMES,
  MAX_TESTED_FRAMES,
  MIN_ONE_SIDED_ROUNDS,
  type ProcedureVariant,
  TIME_KINDS,
} from "./policy.js";
import { mean } from "../stats/describe.js";

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
 * The count per round a value's min-count floor is checked on: the mean of
 * both sides pooled, or, for a frame new in the head or gone from it, the
 * mean of the side that has it. Averaging a new frame with an empty base
 * halves its count, and a frame that clears the floor where it exists is as
 * well measured as any other. "New" (or "gone") means: empty in every round
 * of one side, present in every round of the other, and both sides have at
 * least MIN_ONE_SIDED_ROUNDS rounds. A frame that comes and goes between
 * processes (inlined into its caller in some) lands on one side only by
 * chance with probability q^K·(1 − q)^K ≤ 4^−K, at most 0.1 % at 5 rounds,
 * and one that is missing from some rounds of its own side is not new code.
 */
export function floorCount(
  counts: readonly number[],
  baseRounds: number,
  variant: ProcedureVariant = DEFAULT_VARIANT,
): number {
  const base = counts.slice(0, baseRounds);
  const head = counts.slice(baseRounds);
  if (
    variant.oneSidedFloor &&
    Math.min(base.length, head.length) >= MIN_ONE_SIDED_ROUNDS &&
    (base.every((c) => c === 0) || head.every((c) => c === 0))
  ) {
    const present = base.every((c) => c === 0) ? head : base;
    if (present.every((c) => c > 0)) return mean(present);
  }
  return mean(counts);
}

/**
 * A value that comes and goes between processes: some round of a side holds
 * none of it while another round of the same side holds at least minCount
 * (a runtime inlined it into its caller in some processes and not in
 * others). Poisson noise alone does not do this: a frame of 20 samples a
 * round is empty with probability e^−20.
 */
export function intermittent(counts: readonly number[], baseRounds: number, minCount: number) {
  const side = (c: readonly number[]) =>
    c.length > 1 && Math.min(...c) === 0 && Math.max(...c) >= minCount;
  return side(counts.slice(0, baseRounds)) || side(counts.slice(baseRounds));
}

/**
 * The frames that may be tested: gated ones whose cum count per round
 * (pooled, or the side that has it for a frame new or gone: floorCount)
 * reaches minCount, the hottest first, at most MAX_TESTED_FRAMES.
 */
export function testCandidates(
  cumFloors: readonly number[],
  ignored: readonly boolean[],
  minCount: number,
): number[] {
  return cumFloors
    .map((_, i) => i)
    .filter((i) => !ignored[i] && cumFloors[i]! >= minCount)
    .sort((a, b) => cumFloors[b]! - cumFloors[a]!)
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
