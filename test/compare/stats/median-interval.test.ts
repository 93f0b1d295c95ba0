import { describe, expect, it } from "vitest";
import { medianInterval } from "../../../src/compare/stats/median-interval.js";

const ranks = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("medianInterval", () => {
  it("takes the order statistics binomial tables give at 95 %", () => {
    // n = 20: P(Bin(20, ½) ≤ 5) = 0.0207 ≤ 0.025 < P(≤ 6) = 0.0577, so x₍₆₎ … x₍₁₅₎.
    expect(medianInterval(ranks(20))).toEqual([6, 15]);
    // n = 10: P(≤ 1) = 0.0107, P(≤ 2) = 0.0547, so x₍₂₎ … x₍₉₎.
    expect(medianInterval(ranks(10))).toEqual([2, 9]);
    // n = 30: P(≤ 9) = 0.0214, P(≤ 10) = 0.0494, so x₍₁₀₎ … x₍₂₁₎.
    expect(medianInterval(ranks(30))).toEqual([10, 21]);
  });

  it("sorts its input and falls back to the range when n is too small", () => {
    expect(medianInterval([3, 1, 2])).toEqual([1, 3]);
    expect(medianInterval([5])).toEqual([5, 5]);
    expect(medianInterval([])).toEqual([NaN, NaN]);
  });
});
