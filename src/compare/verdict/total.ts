import { FALLBACK_PRIOR_DF, type GateStatistics } from "../../config.js";
import type { KindSeries } from "../series.js";
import { mean, sum, sumSquares, variance } from "../stats/describe.js";
import {
  type MeanDifference,
  type TTestResult,
  pairedDifference,
  pooledDifference,
  tTest,
  welchDifference,
} from "../stats/t-tests.js";
import type { TotalResult } from "../types.js";
import { type Design, logPerWork, roundValues, sampleCounts } from "./design.js";
import type { TotalNote, VerdictNote } from "./notes.js";
import { decide, growthOf, interval, pctOfLog, reachableGrowth } from "./outcome.js";
import { DEFAULT_VARIANT, PSEUDOCOUNT, type ProcedureVariant, TIME_KINDS } from "./policy.js";
import { roundsToDecide } from "./power.js";

/** The total test: the total per unit of work, base against head. */

/** The judged total; `note` says, as a code, why it is not gated when it is not. */
export type JudgedTotal = Omit<TotalResult, "note"> & { note?: TotalNote };

export interface TotalOutcome {
  result: JudgedTotal;
  test: TTestResult;
  notes: VerdictNote[];
  /** Per-run noise of the total and (paired) the round-to-round drift, log scale. */
  runSigma: number | null;
  driftSigma: number | null;
}

/** The total's noise: within a pair (paired) or within a side (unpaired), and the paired drift. */
function totalNoise(
  logBase: number[],
  logHead: number[],
  design: Design,
): Pick<TotalOutcome, "runSigma" | "driftSigma"> {
  if (design.paired) {
    const run2 = variance(logHead.map((v, r) => v - logBase[r]!)) / 2;
    const drift2 =
      design.baseRounds >= 3
        ? variance(logBase.map((v, r) => (v + logHead[r]!) / 2)) - run2 / 2
        : null;
    return {
      runSigma: Math.sqrt(run2),
      driftSigma: drift2 === null ? null : Math.sqrt(Math.max(0, drift2)),
    };
  }
  const df = design.baseRounds + design.headRounds - 2;
  return {
    runSigma: df > 0 ? Math.sqrt((sumSquares(logBase) + sumSquares(logHead)) / df) : null,
    driftSigma: null,
  };
}

/**
 * The difference of the log totals: paired t when paired; Welch (or pooled
 * with one round on a side) otherwise, plus the between-job noise for time
 * kinds; with one round per side only the assumed gate.total-sigma.
 */
function totalDifference(
  series: KindSeries,
  logBase: number[],
  logHead: number[],
  design: Design,
  stats: GateStatistics,
): MeanDifference {
  const { baseRounds, headRounds } = design;
  if (design.paired) return pairedDifference(logBase, logHead);
  if (baseRounds + headRounds >= 3) {
    const diff =
      baseRounds >= 2 && headRounds >= 2
        ? welchDifference(logBase, logHead)
        : pooledDifference(logBase, logHead);
    if (!TIME_KINDS.has(series.kind)) return diff;
    // Rounds of one job share its machine: their spread says nothing about the speed
    // difference between the base's job and the head's. Add the between-job prior,
    // σ_job² per side, known (infinite df), and keep the estimated part's df.
    const within = diff.se ** 2;
    const se2 = within + 2 * stats.totalSigma ** 2;
    const df = within > 0 ? diff.df * (se2 / within) ** 2 : Infinity;
    return { delta: diff.delta, se: Math.sqrt(se2), df };
  }
  const se = stats.totalSigma * Math.SQRT2;
  const priorDf = stats.priorDf === "auto" ? FALLBACK_PRIOR_DF : stats.priorDf;
  return { delta: mean(logHead) - mean(logBase), se, df: priorDf > 0 ? priorDf : Infinity };
}

/** Total per unit of work: paired t on log per-round values when paired, Welch otherwise. */
export function totalTest(
  series: KindSeries,
  design: Design,
  stats: GateStatistics,
  threshold: number,
  alpha: number,
  variant: ProcedureVariant = DEFAULT_VARIANT,
): TotalOutcome {
  const { baseRounds, headRounds } = design;
  const counts = sampleCounts(series.totals, design);
  // Values the OS counted are tested as spent per unit of work (a Python round's
  // samples count threads waiting for the GIL too); others on their counts. The
  // counts set the Poisson floor either way.
  const logs = series.osCountedValues
    ? logPerWork(counts, design).map((x, r) => x + Math.log(design.periods[r]!))
    : logPerWork(counts, design);
  const logBase = logs.slice(0, baseRounds);
  const logHead = logs.slice(baseRounds);
  // Poisson floor of the standard error: a total of N samples is known to ±1/√N on the log scale.
  const poissonSe = Math.sqrt(
    1 / (baseRounds * (mean(counts.slice(0, baseRounds)) + PSEUDOCOUNT)) +
      1 / (headRounds * (mean(counts.slice(baseRounds)) + PSEUDOCOUNT)),
  );
  const diff = totalDifference(series, logBase, logHead, design, stats);
  const test = tTest({ ...diff, se: Math.max(diff.se, poissonSe) });
  const baseRaw = sum(roundValues(series.totals.base, baseRounds));
  const headRaw = sum(roundValues(series.totals.head, headRounds));
  const notes: VerdictNote[] = [];
  const over = growthOf(test.delta) >= threshold;
  let verdict = decide(
    reachableGrowth(test, variant.intervalThreshold) >= threshold,
    over,
    test.p,
    test,
    alpha,
  );
  let note: TotalNote | undefined;
  if (TIME_KINDS.has(series.kind) && !series.sameRunner) {
    note = "other-runner";
    notes.push({ code: "total-other-runner", kind: series.kind });
    verdict = "pass";
  } else if (verdict === "warn") {
    notes.push({
      code: "total-unproven",
      unitOfWork: series.unitOfWork,
      deltaPct: pctOfLog(test.delta),
      thresholdPct: threshold * 100,
      p: test.p,
      roundsToDecide: roundsToDecide(test, Math.min(baseRounds, headRounds), alpha),
    });
  }
  // The pair the change was computed from: geometric means per unit of work, in the unit.
  const perBase = Math.exp(
    mean(logBase) + (series.osCountedValues ? 0 : mean(design.periods.map(Math.log))),
  );
  const result: JudgedTotal = {
    base: baseRaw,
    head: headRaw,
    deltaPct: baseRaw === 0 ? null : pctOfLog(test.delta),
    perWork: { base: perBase, head: perBase * (1 + pctOfLog(test.delta) / 100) },
    ci: interval(test),
    p: test.p,
    verdict,
    ...(over && verdict !== "fail" && note === undefined
      ? { roundsToDecide: roundsToDecide(test, Math.min(baseRounds, headRounds), alpha) }
      : {}),
    ...(note === undefined ? {} : { note }),
  };
  return { result, test, notes, ...totalNoise(logBase, logHead, design) };
}
