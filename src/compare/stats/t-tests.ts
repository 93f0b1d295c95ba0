import { mean, sumSquares, variance } from "./describe.js";
import { studentTTwoSidedP } from "./distributions.js";

/** A difference of means (head − base) with its standard error and degrees of freedom. */
export interface MeanDifference {
  delta: number;
  se: number;
  df: number;
}

export interface TTestResult extends MeanDifference {
  t: number;
  /** Two-sided p-value. */
  p: number;
}

/** t statistic and two-sided p for a difference; a zero standard error gives p = 1 for no difference, else 0. */
export function tTest(d: MeanDifference): TTestResult {
  if (!(d.se > 0)) {
    const p = d.delta === 0 ? 1 : 0;
    return { ...d, t: d.delta === 0 ? 0 : Math.sign(d.delta) * Infinity, p };
  }
  const t = d.delta / d.se;
  return { ...d, t, p: studentTTwoSidedP(t, d.df) };
}

/** Paired difference: round i of head against round i of base (df = K − 1). */
export function pairedDifference(base: readonly number[], head: readonly number[]): MeanDifference {
  const z = head.map((h, i) => h - base[i]!);
  return { delta: mean(z), se: Math.sqrt(variance(z) / z.length), df: z.length - 1 };
}

/**
 * Welch's unequal-variance difference with the Welch–Satterthwaite degrees
 * of freedom; both sides need two or more values.
 */
export function welchDifference(base: readonly number[], head: readonly number[]): MeanDifference {
  const va = variance(base) / base.length;
  const vb = variance(head) / head.length;
  const se2 = va + vb;
  const df =
    se2 > 0
      ? (se2 * se2) /
        ((va * va) / Math.max(1, base.length - 1) + (vb * vb) / Math.max(1, head.length - 1))
      : base.length + head.length - 2;
  return { delta: mean(head) - mean(base), se: Math.sqrt(se2), df };
}

/** Pooled-variance (Student) difference; valid when one side has a single value. */
export function pooledDifference(base: readonly number[], head: readonly number[]): MeanDifference {
  const df = base.length + head.length - 2;
  const s2 = df > 0 ? (sumSquares(base) + sumSquares(head)) / df : 0;
  return {
    delta: mean(head) - mean(base),
    se: Math.sqrt(s2 * (1 / base.length + 1 / head.length)),
    df,
  };
}
