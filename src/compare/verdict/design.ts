import type { KindSeries, PerSide } from "../series.js";
import { mean } from "../stats/describe.js";
import { logSizeFactors } from "../stats/size-factors.js";
import type { VerdictNote } from "./notes.js";
import { MAX_COUNT, MIN_SIZE_FACTOR_FRAMES, PSEUDOCOUNT } from "./policy.js";

/**
 * The round design and its normalisation: how many rounds each side has,
 * whether they pair, and what turns a raw value into a comparable count —
 * the value of one sample (period), the units of work, and the size factor
 * that corrects for machine speed. Every per-round array is laid out base
 * rounds first, then head rounds.
 */
export interface Design {
  baseRounds: number;
  headRounds: number;
  paired: boolean;
  /** Units of work per round. */
  work: number[];
  /** Value of one sample in each round, in the series' unit. */
  periods: number[];
  /** Log size factor per round. */
  logSize: number[];
  /** Mean total sample count per round, both sides. */
  totalCount: number;
}

/** A usable raw value: finite and positive, else 0 (a missing or broken round holds nothing). */
export const usable = (v: number | undefined): number =>
  v !== undefined && Number.isFinite(v) && v > 0 ? v : 0;

/** The first `rounds` raw values of one side, unusable ones read as 0. */
export function roundValues(values: readonly number[], rounds: number): number[] {
  const out = new Array<number>(rounds);
  for (let r = 0; r < rounds; r++) out[r] = usable(values[r]);
  return out;
}

/** Sample counts per round (values over each round's period), both sides. */
export function sampleCounts(v: PerSide, design: Design): number[] {
  return [...roundValues(v.base, design.baseRounds), ...roundValues(v.head, design.headRounds)].map(
    (x, r) => Math.min(MAX_COUNT, x / design.periods[r]!),
  );
}

/** Log of counts per unit of work, before size factors. */
export function logPerWork(counts: readonly number[], design: Design): number[] {
  return counts.map((x, r) => Math.log(x + PSEUDOCOUNT) - Math.log(design.work[r]!));
}

/**
 * The value of one sample per round: the series' own per-round periods, or
 * its one period; 1 for count units; otherwise the smallest positive value
 * any frame holds in one round, which is one sample's worth when some
 * frame-round holds a single sample.
 */
function samplePeriods(
  series: KindSeries,
  baseRounds: number,
  headRounds: number,
): { periods: number[]; estimated: boolean } {
  const perRound = series.samplePeriods;
  if (perRound) {
    const all = [
      ...roundValues(perRound.base, baseRounds),
      ...roundValues(perRound.head, headRounds),
    ];
    if (all.every((p) => p > 0)) return { periods: all, estimated: false };
  }
  const fill = (p: number) => new Array<number>(baseRounds + headRounds).fill(p);
  if (series.samplePeriod !== undefined && series.samplePeriod > 0)
    return { periods: fill(series.samplePeriod), estimated: false };
  if (series.unit === "count") return { periods: fill(1), estimated: false };
  let least = Infinity;
  for (const f of series.frames) {
    for (const v of [...f.self.base, ...f.self.head]) if (v > 0 && v < least) least = v;
  }
  return { periods: fill(Number.isFinite(least) ? least : 1), estimated: true };
}

/**
 * The design of a series with rounds on both sides, before size factors
 * (logSize all 0): periods, units of work (a round reporting none counts 1)
 * and pairing (same round count, at least two, run side by side).
 */
export function layOut(series: KindSeries, notes: VerdictNote[]): Design {
  const baseRounds = series.totals.base.length;
  const headRounds = series.totals.head.length;
  const { periods, estimated } = samplePeriods(series, baseRounds, headRounds);
  if (estimated) notes.push({ code: "period-estimated" });
  const workRaw = [
    ...series.work.base.slice(0, baseRounds),
    ...series.work.head.slice(0, headRounds),
  ];
  const work = Array.from({ length: baseRounds + headRounds }, (_, r) => usable(workRaw[r]) || 1);
  if (work.some((w, r) => w === 1 && usable(workRaw[r]) !== 1) && series.unitOfWork !== "profile")
    notes.push({ code: "work-missing" });
  if (series.unitOfWork === "second") notes.push({ code: "per-second" });
  if (series.unitOfWork === "profile") notes.push({ code: "no-work-unit" });
  const design: Design = {
    baseRounds,
    headRounds,
    paired: series.paired && baseRounds === headRounds && baseRounds >= 2,
    work,
    periods,
    logSize: new Array<number>(baseRounds + headRounds).fill(0),
    totalCount: 0,
  };
  design.totalCount = mean(sampleCounts(series.totals, design));
  return design;
}

/**
 * Size factors (machine speed per round) from every non-idle frame with at
 * least minCount self samples per round: a choice blind to the difference.
 * Sets design.logSize; with too few such frames leaves it at 0 and says so.
 */
export function normaliseSpeed(
  selfCounts: readonly number[][],
  idle: readonly boolean[],
  design: Design,
  minCount: number,
  notes: VerdictNote[],
): void {
  const speedometer = selfCounts.filter((c, i) => !idle[i] && mean(c) >= minCount);
  if (speedometer.length >= MIN_SIZE_FACTOR_FRAMES) {
    design.logSize = logSizeFactors(
      speedometer.map((c) => logPerWork(c, design)),
      design.baseRounds + design.headRounds,
    );
  } else if (selfCounts.length > 0) {
    notes.push({ code: "no-size-factors", minFrames: MIN_SIZE_FACTOR_FRAMES, minCount });
  }
}

/** The log of one sample's value, averaged over every round: counts back to the series' unit. */
export function logPeriod(design: Design): number {
  return mean(design.periods.map(Math.log));
}
