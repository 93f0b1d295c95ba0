import { describe, expect, it } from "vitest";
import { DEFAULT_GATE_STATISTICS, parseConfig } from "../../src/config.js";

const gateOf = (gate: unknown) => parseConfig({ version: 1, gate }, "flamegate.yml", "/repo").gate;

describe("gate statistics settings in flamegate.yml", () => {
  it("default when absent", () => {
    expect(gateOf({}).stats).toEqual(DEFAULT_GATE_STATISTICS);
    expect(DEFAULT_GATE_STATISTICS.priorDf).toBe("auto");
  });
  it("reads min-count, prior-df, prior-sigma and total-sigma", () => {
    expect(
      gateOf({ "min-count": 50, "prior-df": 8, "prior-sigma": "3%", "total-sigma": 0.2 }).stats,
    ).toEqual({ minCount: 50, priorDf: 8, priorSigma: 0.03, totalSigma: 0.2 });
    expect(gateOf({ "prior-df": "auto" }).stats?.priorDf).toBe("auto");
  });
  it.each([
    [{ "min-count": 0 }, "'gate.min-count' must be a whole number from 1 to 1000000, but got 0"],
    [
      { "prior-df": "lots" },
      "'gate.prior-df' must be a whole number from 0 to 10000, but got 'lots'",
    ],
    [{ "prior-sigma": "0%" }, "'gate.prior-sigma' must be a noise level above 0% and at most 100%"],
    [{ "total-sigma": "2" }, "'gate.total-sigma' must be a noise level above 0% and at most 100%"],
  ])("rejects %j naming the key and quoting the value", (gate, message) => {
    expect(() => gateOf(gate)).toThrow(message);
  });
});
