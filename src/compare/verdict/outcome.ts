import { studentTQuantile } from "../stats/distributions.js";
import type { MeanDifference, TTestResult } from "../stats/t-tests.js";
import type { Verdict } from "../types.js";
import { CI_LEVEL, MAX_LOG, WARN_LEVEL } from "./policy.js";

/** From a test on the log scale to what is reported: percentages, intervals and the verdict rule. */

/** A log-change as a percentage, clamped so exp() stays finite. */
export const pctOfLog = (x: number): number =>
  (Math.exp(Math.max(-MAX_LOG, Math.min(MAX_LOG, x))) - 1) * 100;

/** A log-change as relative growth (a fraction); only increases matter, so only the top is clamped. */
export const growthOf = (delta: number): number => Math.exp(Math.min(MAX_LOG, delta)) - 1;

/** The CI_LEVEL interval of the change, in percent. */
export function interval(t: MeanDifference): [number, number] {
  if (!(t.se > 0)) return [pctOfLog(t.delta), pctOfLog(t.delta)];
  const q = studentTQuantile(1 - (1 - CI_LEVEL) / 2, t.df);
  return [pctOfLog(t.delta - q * t.se), pctOfLog(t.delta + q * t.se)];
}

/**
 * The growth (a fraction) the fail rule holds against the thresholds: the
 * upper end of the CI_LEVEL interval (`onInterval`), so a proven growth fails
 * unless it is proven smaller than the threshold; else the estimate. With the
 * estimate, a true change of exactly the threshold is estimated under it in
 * half the runs and could never fail more often than that.
 */
export function reachableGrowth(t: MeanDifference, onInterval: boolean): number {
  return onInterval ? interval(t)[1] / 100 : growthOf(t.delta);
}

/**
 * Growth proven (p ≤ alpha after Holm) that may reach the threshold: fail.
 * An estimate over the threshold with suggestive evidence (p ≤ WARN_LEVEL): warn.
 */
export function decide(
  mayReach: boolean,
  over: boolean,
  pAdjusted: number,
  t: TTestResult,
  alpha: number,
): Verdict {
  if (!(t.delta > 0)) return "pass";
  if (mayReach && pAdjusted <= alpha) return "fail";
  return over && pAdjusted <= WARN_LEVEL ? "warn" : "pass";
}
