import type { FrameStatistics, ValueStats } from "./frames.js";

/**
 * Inlining that varies between processes (Node's JIT, and any runtime that
 * decides per process): a function inlined into its caller in some rounds
 * is absent from them, and its samples are the caller's self there. Both
 * values then vary between rounds far beyond any other frame's noise, and if
 * they set the frames' prior (σ0), every frame loses its power. The caller's
 * cumulative value holds the function either way and stays a fair test.
 */

/** Pearson correlation of two equally long series; 0 when either is constant. */
function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let r = 0; r < n; r++) {
    sab += (a[r]! - ma) * (b[r]! - mb);
    saa += (a[r]! - ma) ** 2;
    sbb += (b[r]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * A caller takes an intermittent function's samples when its self counts
 * move against the function's (correlation at most this, over all rounds).
 */
const PARTNER_CORRELATION = -0.8;

/**
 * The values inlining moves between processes: every intermittent value
 * (ValueStats.intermittent), and the self value of the caller that absorbs
 * an intermittent function's samples — the candidate whose cum holds the
 * function's cum in every round and whose self counts move most strongly
 * against the function's. Such a value is 0 in some rounds and hundreds in
 * others: no t-test on log counts fits it, and in the prior it would set σ0
 * for every frame. They leave the Holm family; the caller's cum, which holds
 * the function whether inlined or not, is tested. Also returns function →
 * caller, to name both.
 */
export function varyingInlining(
  frames: FrameStatistics,
  candidates: readonly number[],
): { values: Set<ValueStats>; callers: Map<number, number> } {
  const values = new Set<ValueStats>();
  const callers = new Map<number, number>();
  for (const f of candidates) {
    const stats = frames.statsOf(f);
    if (stats.self.intermittent) values.add(stats.self);
    if (stats.cum.intermittent) values.add(stats.cum);
    if (!stats.self.intermittent) continue;
    const own = frames.selfCounts[f]!;
    const ownCum = frames.cumCounts[f]!;
    let best: { g: number; r: number } | undefined;
    for (const g of candidates) {
      if (g === f) continue;
      const cum = frames.cumCounts[g]!;
      if (!cum.every((c, r) => c >= ownCum[r]!)) continue;
      const r = correlation(own, frames.selfCounts[g]!);
      if (r <= PARTNER_CORRELATION && (!best || r < best.r)) best = { g, r };
    }
    if (best) {
      values.add(frames.statsOf(best.g).self);
      callers.set(f, best.g);
    }
  }
  return { values, callers };
}
