import { describe, expect, it } from "vitest";
import {
  betaIncomplete,
  logGamma,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedP,
} from "../../../src/compare/stats/distributions.js";
import ref from "./scipy-reference.json" with { type: "json" };

/** |got − want| within rel·|want| (or abs near zero). */
function close(got: number, want: number, rel: number, abs = 1e-300) {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.max(abs, rel * Math.abs(want)));
}

describe("Student's t against scipy.stats.t", () => {
  it.each(ref.tCdf)("cdf(%d; df %d)", (t, df, want) =>
    close(studentTCdf(t, df), want, 1e-9, 1e-15),
  );
  it.each(ref.tTwoSided)("two-sided p(%d; df %d)", (t, df, want) =>
    close(studentTTwoSidedP(t, df), want, 1e-9),
  );
  it.each(ref.tQuantile)("quantile(%d; df %d)", (p, df, want) =>
    close(studentTQuantile(p, df), want, 1e-8, 1e-12),
  );
  it("is the normal at infinite df and symmetric", () => {
    expect(studentTCdf(1.96, Infinity)).toBeCloseTo(0.975, 4);
    close(studentTQuantile(0.3, 7), -studentTQuantile(0.7, 7), 1e-12);
  });
  it("rejects p outside (0, 1)", () => {
    expect(() => studentTQuantile(0, 5)).toThrow(RangeError);
    expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
  });
  it("gives p = 1 for NaN and 0 for an infinite t", () => {
    expect(studentTTwoSidedP(NaN, 5)).toBe(1);
    expect(studentTTwoSidedP(Infinity, 5)).toBe(0);
  });
});

describe("normal distribution against scipy.stats.norm", () => {
  // Hart/West: ~1e-14 relative in the body, a few 1e-9 in the far tail (z < −6).
  it.each(ref.normCdf)("cdf(%d)", (z, want) => close(normalCdf(z), want, 1e-8, 1e-300));
  it.each(ref.normQuantile)("quantile(%d)", (p, want) =>
    close(normalQuantile(p), want, 1e-7, 1e-12),
  );
});

describe("special functions", () => {
  it("logGamma matches known values", () => {
    close(logGamma(1), 0, 0, 1e-14);
    close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13);
    close(logGamma(10), Math.log(362880), 1e-13);
    close(logGamma(0.1), 2.252712651734206, 1e-12);
  });
  it("betaIncomplete: I_x(1,1) = x and I_x(a,b) = 1 − I_{1−x}(b,a)", () => {
    close(betaIncomplete(0.3, 1, 1), 0.3, 1e-12);
    close(betaIncomplete(0.2, 2.5, 4), 1 - betaIncomplete(0.8, 4, 2.5), 1e-12);
    expect(betaIncomplete(0, 2, 3)).toBe(0);
    expect(betaIncomplete(1, 2, 3)).toBe(1);
  });
});
