import { normalQuantile } from "./distributions.js";

/**
 * Wilson score interval for a binomial proportion (k successes in n trials)
 * at the given two-sided confidence: the interval the evaluation prints for
 * false-alarm and detection rates. Unlike the Wald interval it stays inside
 * [0, 1] and is informative at k = 0 (zero failures in 299 runs bounds the
 * rate at 1.3 %).
 */
export function wilsonInterval(k: number, n: number, confidence = 0.95): [number, number] {
  if (n <= 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = k / n;
  const den = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
