import { studentTQuantile } from "./distributions.js";

/**
 * Minimal detectable effect on the log scale: the true log-change that a
 * two-sided t test at level `level` on `df` degrees of freedom, with standard
 * error `se`, detects with probability `power` (the usual
 * (t_{1−level/2} + t_{power})·SE approximation, which ignores the opposite
 * tail — negligible at these levels).
 */
export function minimalDetectableLog(se: number, level: number, power: number, df: number): number {
  return se * (studentTQuantile(1 - level / 2, df) + studentTQuantile(power, df));
}

/**
 * Smallest x in [lo, hi] with ok(x) true, for ok monotone (false then true),
 * by bisection on the log scale; `hi` when even hi fails (callers check).
 */
export function smallestPassing(ok: (x: number) => boolean, lo: number, hi: number): number {
  if (ok(lo)) return lo;
  if (!ok(hi)) return hi;
  let a = Math.log(lo);
  let b = Math.log(hi);
  for (let i = 0; i < 60; i++) {
    const m = (a + b) / 2;
    if (ok(Math.exp(m))) b = m;
    else a = m;
  }
  return Math.exp(b);
}
