/** Plain descriptive statistics on small arrays (rounds, frames). */

export function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sum of squared deviations from the mean. */
export function sumSquares(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s;
}

/** Sample variance (n − 1 in the denominator); 0 for fewer than two values. */
export function variance(xs: readonly number[]): number {
  return xs.length < 2 ? 0 : sumSquares(xs) / (xs.length - 1);
}

/** The middle value (mean of the two middle ones for an even count); 0, or `empty`, when there are none. */
export function median(xs: readonly number[]): number;
export function median<E>(xs: readonly number[], empty: E): number | E;
export function median(xs: readonly number[], empty: unknown = 0): unknown {
  if (xs.length === 0) return empty;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
