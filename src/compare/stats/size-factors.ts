import { mean, median } from "./describe.js";

/**
 * Median-of-ratios size factors (Anders & Huber 2010, DESeq), on the log
 * scale. `logValues[f][r]` is the log of frame f's value per unit of work in
 * round r (all rounds of both sides). Each round's factor is the median over
 * frames of the frame's deviation from its own mean over rounds, so the
 * unchanged frames act as a speedometer and a machine that is uniformly
 * faster or slower in one round is normalised away, as long as fewer than
 * about half of the frames really changed. Centred to mean 0 over rounds.
 * Returns zeros when there are no frames.
 */
export function logSizeFactors(
  logValues: readonly (readonly number[])[],
  rounds: number,
): number[] {
  const factors = new Array<number>(rounds).fill(0);
  if (logValues.length === 0) return factors;
  const deviations = logValues.map((row) => {
    const m = mean(row);
    return row.map((v) => v - m);
  });
  for (let r = 0; r < rounds; r++) factors[r] = median(deviations.map((d) => d[r] ?? 0));
  const centre = mean(factors);
  return factors.map((f) => f - centre);
}
