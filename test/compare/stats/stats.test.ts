import { describe, expect, it } from "vitest";
import { mean, median, sumSquares, variance } from "../../../src/compare/stats/describe.js";
import { weightedHolmAdjust } from "../../../src/compare/stats/holm.js";
import { minimalDetectableLog, smallestPassing } from "../../../src/compare/stats/mde.js";
import {
  estimatePriorDf,
  moderatedVariance,
  priorExcessVariance,
  varianceRatioTail,
} from "../../../src/compare/stats/moderated.js";
import {
  digamma,
  tetragamma,
  trigamma,
  trigammaInverse,
} from "../../../src/compare/stats/polygamma.js";
import { logSizeFactors } from "../../../src/compare/stats/size-factors.js";
import {
  pairedDifference,
  pooledDifference,
  tTest,
  welchDifference,
} from "../../../src/compare/stats/t-tests.js";
import { wilsonInterval } from "../../../src/compare/stats/wilson.js";
import ref from "./scipy-reference.json" with { type: "json" };

const close = (got: number, want: number, rel: number) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.max(1e-300, Math.abs(want)));

describe("describe", () => {
  it("mean, variance, median of small arrays", () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(sumSquares([1, 2, 3, 6])).toBe(14);
    close(variance([1, 2, 3, 6]), 14 / 3, 1e-15);
    expect(variance([5])).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mean([])).toBe(0);
  });
});

describe("t tests against scipy.stats", () => {
  it("Welch (ttest_ind, equal_var=False)", () => {
    const r = tTest(welchDifference(ref.welch.a, ref.welch.b));
    close(r.t, ref.welch.t, 1e-12);
    close(r.p, ref.welch.p, 1e-9);
  });
  it("paired (ttest_rel)", () => {
    const r = tTest(pairedDifference(ref.pairedT.a, ref.pairedT.b));
    close(r.t, ref.pairedT.t, 1e-12);
    close(r.p, ref.pairedT.p, 1e-9);
  });
  it("pooled with a single value on one side", () => {
    const d = pooledDifference([1], [2, 3, 4]);
    expect(d.delta).toBe(2);
    expect(d.df).toBe(2);
    close(d.se, Math.sqrt(1 * (1 + 1 / 3)), 1e-12);
  });
  it("a zero standard error: p = 1 without a difference, 0 with one", () => {
    expect(tTest({ delta: 0, se: 0, df: 3 }).p).toBe(1);
    expect(tTest({ delta: 0.1, se: 0, df: 3 }).p).toBe(0);
  });
});

describe("polygamma against scipy.special", () => {
  it.each(ref.digamma)("digamma(%d)", (x, want) => close(digamma(x), want, 1e-10));
  it.each(ref.trigamma)("trigamma(%d) and its inverse", (x, want) => {
    close(trigamma(x), want, 1e-10);
    close(trigammaInverse(want), x, 1e-7);
  });
  it.each(ref.tetragamma)("tetragamma(%d)", (x, want) => close(tetragamma(x), want, 1e-8));
});

describe("Holm", () => {
  it("matches the textbook step-down adjustment", () => {
    // p sorted: 0.01, 0.02, 0.03, 0.04 with m = 4 -> 0.04, 0.06, 0.06, 0.06 (monotone).
    const holm = (p: number[]) =>
      weightedHolmAdjust(
        p,
        p.map(() => 1),
      );
    expect(holm([0.03, 0.01, 0.04, 0.02]).map((x) => +x.toFixed(10))).toEqual([
      0.06, 0.04, 0.06, 0.06,
    ]);
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });
  it("weighted: a heavy value gets its share of alpha first", () => {
    // Weights 0.7, 0.1, 0.1, 0.1: value 0 is taken first (0.004 / 0.7), adjusted 0.004 / 0.7;
    // then value 1 (0.01 / 0.1 = 0.1 over the remaining 0.3): 0.03, and so on.
    const adj = weightedHolmAdjust([0.004, 0.01, 0.02, 0.5], [0.7, 0.1, 0.1, 0.1]);
    expect(adj.map((x) => +x.toFixed(10))).toEqual([0.0057142857, 0.03, 0.04, 0.5]);
    // A zero weight never rejects.
    expect(weightedHolmAdjust([1e-9, 0.5], [0, 1])).toEqual([1, 0.5]);
  });
});

describe("size factors", () => {
  it("recover a per-round machine factor when one frame changed", () => {
    // 9 frames, 4 rounds; round factors (log) 0, 0.1, -0.05, 0.2; frame 0 doubles in round 3.
    const factors = [0, 0.1, -0.05, 0.2];
    const rows = Array.from({ length: 9 }, (_, f) =>
      factors.map((s, r) => Math.log(100 + 10 * f) + s + (f === 0 && r === 3 ? Math.log(2) : 0)),
    );
    const got = logSizeFactors(rows, 4);
    const centre = mean(factors);
    got.forEach((g, r) => close(g, factors[r]! - centre, 1e-12));
  });
  it("are zero without frames", () => expect(logSizeFactors([], 3)).toEqual([0, 0, 0]));
});

describe("moderated variance", () => {
  it("weighs prior and own variance by their degrees of freedom", () => {
    expect(moderatedVariance(0.04, 4, 0.01, 20)).toBeCloseTo((20 * 0.01 + 4 * 0.04) / 24, 15);
    expect(moderatedVariance(0.04, 0, 0.01, 20)).toBe(0.01);
  });
  it("prior excess variance: weighted mean excess, floored", () => {
    const obs = [
      { s2: 0.011, poisson: 0.001 },
      { s2: 0.0105, poisson: 0.0005 },
    ];
    close(priorExcessVariance(obs, 1e-6), 0.01, 1e-9);
    expect(priorExcessVariance([{ s2: 0.001, poisson: 0.002 }], 2.5e-5)).toBe(2.5e-5);
    expect(priorExcessVariance([], 2.5e-5)).toBe(2.5e-5);
  });
  it("prior df: large for homogeneous variances, small for scattered ones", () => {
    // Variances scattered exactly as d = 4 explains them (chi-square quantiles at (i + ½)/40) -> d0 = ∞.
    const chi4 = [
      0.3342, 0.6051, 0.8071, 0.9821, 1.1423, 1.2934, 1.4384, 1.5793, 1.7177, 1.8545, 1.9905,
      2.1265, 2.2631, 2.4007, 2.5399, 2.6812, 2.8251, 2.9721, 3.1227, 3.2775, 3.4371, 3.6023,
      3.7737, 3.9523, 4.1392, 4.3355, 4.5428, 4.7629, 4.998, 5.251, 5.5255, 5.8263, 6.1602, 6.5366,
      6.9697, 7.4821, 8.1137, 8.9446, 10.1801, 12.7619,
    ];
    const homogeneous = chi4.map((q) => ({ s2: (0.01 * q) / 4, prior: 0.01 }));
    // The same, with the frames' true variances spread over two orders of magnitude.
    const scattered = chi4.map((q, i) => ({
      s2: (0.01 * q * 10 ** ((i % 3) - 1)) / 4,
      prior: 0.01,
    }));
    const dHom = estimatePriorDf(homogeneous, 4);
    const dSca = estimatePriorDf(scattered, 4) ?? 0;
    expect(dSca).toBeLessThan(5);
    expect(dHom).toBe(Infinity);
    expect(estimatePriorDf(homogeneous.slice(0, 5), 4)).toBeUndefined();
  });
});

describe("variance ratio tail (F distribution) against scipy.stats.f / chi2", () => {
  it("matches sf at finite and infinite prior df", () => {
    close(varianceRatioTail(9, 2, 20), 0.0016310376661280216, 1e-9);
    close(varianceRatioTail(2.5, 4, 8), 0.12572609188978642, 1e-9);
    close(varianceRatioTail(3, 4, Infinity), 0.01735126523666451, 1e-6);
    expect(varianceRatioTail(0, 4, 8)).toBe(1);
  });
});

describe("MDE", () => {
  it("is (t_{1−a/2} + t_power)·SE", () => {
    // Normal case: (1.959964 + 0.841621)·0.1
    close(minimalDetectableLog(0.1, 0.05, 0.8, Infinity), 0.2801585, 1e-6);
  });
  it("smallestPassing bisects a monotone predicate", () => {
    close(
      smallestPassing((x) => x >= 0.37, 1e-6, 1),
      0.37,
      1e-9,
    );
    expect(smallestPassing(() => true, 1e-6, 1)).toBe(1e-6);
    expect(smallestPassing(() => false, 1e-6, 1)).toBe(1);
  });
});

describe("Wilson interval against the formula with scipy's quantile", () => {
  const rows = ref.wilson as [number, number, [number, number]][];
  it.each(rows)("%d of %d", (k, n, want) => {
    const [lo, hi] = wilsonInterval(k, n);
    expect(lo).toBeCloseTo(want[0], 9);
    expect(hi).toBeCloseTo(want[1], 9);
  });
});
