/**
 * Weighted Holm step-down adjusted p-values (Holm 1979): controls the
 * family-wise error rate at alpha under any dependence between the tests,
 * which matters here because a frame's self and cumulative values, and a
 * parent's and its child's, are strongly correlated. Value i gets the part
 * w[i] / Σw of alpha at the first step; the values are taken in order of
 * p / w, each against alpha times its weight over the weights not yet
 * rejected. Equal weights give Holm's procedure. Value i is significant at
 * family-wise level alpha iff adjusted[i] ≤ alpha. Weights must not depend
 * on the data the p-values test. Same order as the input.
 */
export function weightedHolmAdjust(p: readonly number[], w: readonly number[]): number[] {
  const m = p.length;
  const ratio = (i: number) => (w[i]! > 0 ? p[i]! / w[i]! : Infinity);
  const order = p.map((_, i) => i).sort((a, b) => ratio(a) - ratio(b));
  let remaining = order.reduce((s, i) => s + Math.max(0, w[i]!), 0);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  for (const i of order) {
    const step = w[i]! > 0 ? (p[i]! * remaining) / w[i]! : 1;
    running = Math.max(running, Math.min(1, step));
    adjusted[i] = running;
    remaining -= Math.max(0, w[i]!);
  }
  return adjusted;
}
