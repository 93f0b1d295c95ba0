import { sum } from "./describe.js";
import { betaIncomplete } from "./distributions.js";
import { trigamma, trigammaInverse } from "./polygamma.js";

/**
 * Moderated variance (Smyth 2004, limma): each frame's own variance estimate
 * s² on d degrees of freedom is shrunk towards a prior variance on d0
 * degrees of freedom, s̃² = (d0·prior + d·s²)/(d0 + d), and the frame's t
 * statistic then has d0 + d degrees of freedom. With 3–5 rounds per side a
 * frame's own s² is too unstable to test on; borrowing strength across
 * frames gives stable tests without pretending the noise is known.
 */
export function moderatedVariance(s2: number, d: number, prior: number, d0: number): number {
  if (d <= 0) return prior;
  return (d0 * prior + d * s2) / (d0 + d);
}

/**
 * The prior's non-Poisson part σ0²: the mean over frames of the excess of
 * the observed variance over the Poisson part (the log-scale variance of a
 * count with mean x̄ is ≈ 1/x̄), never below `floor`. A cold frame's excess
 * is swamped by its Poisson noise (s² on d df scatters by ±(π + σ0²)·√(2/d)),
 * so frames are weighted by the inverse of that scatter, 1/(π + σ0²)²,
 * iterating from the floor: the hot frames, where the frame noise shows,
 * decide σ0².
 */
export function priorExcessVariance(
  observed: readonly { s2: number; poisson: number }[],
  floor: number,
): number {
  if (observed.length === 0) return floor;
  let sigma2 = floor;
  for (let iteration = 0; iteration < 20; iteration++) {
    let num = 0;
    let den = 0;
    for (const o of observed) {
      const w = 1 / (o.poisson + sigma2) ** 2;
      num += w * (o.s2 - o.poisson);
      den += w;
    }
    const next = Math.max(floor, num / den);
    if (Math.abs(next - sigma2) <= 1e-6 * sigma2) return next;
    sigma2 = next;
  }
  return sigma2;
}

/**
 * Prior degrees of freedom d0 from the spread of the frames' variances
 * (Smyth 2004 §6.2, limma's fitFDist): if s²/prior ~ F(d, d0), the log
 * ratio has variance trigamma(d/2) + trigamma(d0/2), so the excess spread
 * over what d degrees of freedom explain gives d0. Frames whose noise
 * differs much from the prior get a small d0 (their own variance weighs
 * more); a homogeneous set gets a large one. Undefined with fewer than
 * `minFrames` usable variances; Infinity when the spread is fully explained.
 */
export function estimatePriorDf(
  observed: readonly { s2: number; prior: number }[],
  d: number,
  minFrames = 10,
): number | undefined {
  const logs = observed.filter((o) => o.s2 > 0 && o.prior > 0).map((o) => Math.log(o.s2 / o.prior));
  if (d <= 0 || logs.length < minFrames) return undefined;
  const m = sum(logs) / logs.length;
  const spread = logs.reduce((a, b) => a + (b - m) ** 2, 0) / (logs.length - 1);
  const excess = spread - trigamma(d / 2);
  return excess > 0 ? 2 * trigammaInverse(excess) : Infinity;
}

/**
 * Upper tail P(F ≥ ratio) of Snedecor's F(d, d0): how surprising a frame's
 * own variance is, given the prior, when s²/prior ~ F(d, d0). A frame far in
 * that tail (one whose allocations or time come and go with backpressure,
 * JIT tiering, GC) is noisier than the prior can speak for.
 */
export function varianceRatioTail(ratio: number, d: number, d0: number): number {
  if (!(ratio > 0) || d <= 0) return 1;
  if (!Number.isFinite(d0)) return 1 - chiSquareRatioCdf(ratio, d);
  return 1 - betaIncomplete((d * ratio) / (d * ratio + d0), d / 2, d0 / 2);
}

/** P(χ²_d / d ≤ ratio), the F(d, ∞) CDF, as the limit of the beta form. */
function chiSquareRatioCdf(ratio: number, d: number): number {
  const big = 1e8;
  return betaIncomplete((d * ratio) / (d * ratio + big), d / 2, big / 2);
}
