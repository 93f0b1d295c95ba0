/**
 * Holm's step-down adjusted p-values (Holm 1979): controls the family-wise
 * error rate at alpha under any dependence between the tests, which matters
 * here because a frame's self and cumulative values, and a parent's and its
 * child's, are strongly correlated. Frame i is significant at family-wise
 * level alpha iff adjusted[i] ≤ alpha. Same order as the input.
 */
export function holmAdjust(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[i]!));
    adjusted[i] = running;
  });
  return adjusted;
}
