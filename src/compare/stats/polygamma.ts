/**
 * Digamma, trigamma and tetragamma (ψ, ψ′, ψ″) by the recurrence up to
 * x ≥ 6 and their asymptotic series (Abramowitz & Stegun 6.3.18, 6.4.12),
 * plus limma's Newton inverse of the trigamma, for estimating the prior
 * degrees of freedom of the moderated variance.
 */

export function digamma(x: number): number {
  let acc = 0;
  while (x < 6) {
    acc -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return (
    acc +
    Math.log(x) -
    0.5 / x -
    f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132)))))
  );
}

export function trigamma(x: number): number {
  let acc = 0;
  while (x < 6) {
    acc += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return (
    acc +
    1 / x +
    f / 2 +
    (f / x) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f * (1 / 30 - f * (5 / 66)))))
  );
}

export function tetragamma(x: number): number {
  let acc = 0;
  while (x < 6) {
    acc -= 2 / (x * x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return acc - f - f / x - f * f * (1 / 2 - f * (1 / 6 - f * (1 / 6 - f * (3 / 10 - f * (5 / 6)))));
}

/** The x with trigamma(x) = y, y > 0 (Smyth 2004, limma's trigammaInverse). */
export function trigammaInverse(y: number): number {
  if (y > 1e7) return 1 / Math.sqrt(y);
  if (y < 1e-6) return 1 / y;
  let x = 0.5 + 1 / y;
  for (let i = 0; i < 50; i++) {
    const tri = trigamma(x);
    const dif = (tri * (1 - tri / y)) / tetragamma(x);
    x += dif;
    if (-dif / x < 1e-8) break;
  }
  return x;
}
