/**
 * Distribution-free confidence interval for a median from order statistics:
 * each value falls below the true median with probability ½, so the count
 * below it is Binomial(n, ½), and [x₍ⱼ₎, x₍ₙ₋ⱼ₊₁₎] covers the median with
 * probability 1 − 2·P(Bin(n, ½) < j). The benchmarks print it beside the
 * median ratio of their pairs, whose spread between processes (V8's
 * inlining; ±15 % CPU per request between processes of one Go binary) is
 * far from normal. Returns the widest
 * interval, [min, max], when n is too small to reach the confidence
 * (n < 6 at 95 %), and [NaN, NaN] for no values.
 */
export function medianInterval(xs: readonly number[], confidence = 0.95): [number, number] {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return [NaN, NaN];
  const tail = (1 - confidence) / 2;
  // P(Bin(n, ½) = i), from i = 0 upwards; j is the largest count whose lower tail stays ≤ tail.
  let term = 0.5 ** n;
  let below = 0;
  let j = 0;
  while (j < n && below + term <= tail) {
    below += term;
    term = (term * (n - j)) / (j + 1);
    j++;
  }
  const k = Math.max(1, j);
  return [s[k - 1]!, s[n - k]!];
}
