import { describe, expect, it } from "vitest";
import {
  commentAction,
  countRegressions,
  mergeReports,
  shouldFail,
} from "../../src/action/decide.js";
import type { Comparison, Report } from "../../src/compare/types.js";

function comparison(
  service: string,
  total: "pass" | "fail",
  frames: Array<"pass" | "warn" | "fail">,
): Comparison {
  const side = { rounds: 3, requests: 100, total: 1 };
  const delta = { base: 1, head: 1, deltaPct: 0 };
  return {
    service,
    runtime: "node",
    kind: "cpu",
    unit: "nanoseconds",
    base: side,
    head: side,
    total: { ...delta, ci: [0, 0], p: 1, verdict: total },
    frames: frames.map((verdict, i) => ({
      function: `f${i}`,
      file: "",
      self: delta,
      cum: delta,
      ci: [0, 0],
      p: 1,
      verdict,
    })),
    mde: { frameSharePct: 1, deltaPct: 10 },
  };
}

const report = (verdict: Report["verdict"], comparisons: Comparison[]): Report => ({
  schema: "flamegate.report/v1",
  verdict,
  comparisons,
});

describe("decisions", () => {
  it("merging keeps every comparison and the worst verdict; no-baseline is outranked by anything", () => {
    const merged = mergeReports([
      report("no-baseline", []),
      report("warn", [comparison("a", "pass", ["warn"])]),
      report("pass", [comparison("b", "pass", ["pass"])]),
    ]);
    expect(merged.verdict).toBe("warn");
    expect(merged.comparisons.map((c) => c.service)).toEqual(["a", "b"]);
    expect(mergeReports([report("no-baseline", [])]).verdict).toBe("no-baseline");
  });

  it("regressions = failing frames + failing totals", () => {
    expect(
      countRegressions(
        report("fail", [
          comparison("a", "fail", ["fail", "warn", "fail"]),
          comparison("b", "pass", ["fail"]),
        ]),
      ),
    ).toBe(4);
  });

  it("fails only on fail with fail-on-regression", () => {
    expect(shouldFail("fail", true)).toBe(true);
    for (const v of ["pass", "warn", "no-baseline"] as const)
      expect(shouldFail(v, true)).toBe(false);
    expect(shouldFail("fail", false)).toBe(false);
  });

  it("comment policy", () => {
    expect(commentAction("never", "fail")).toBe("skip");
    expect(commentAction("always", "pass")).toBe("upsert");
    expect(commentAction("on-regression", "fail")).toBe("upsert");
    expect(commentAction("on-regression", "warn")).toBe("update");
    expect(commentAction("on-regression", "no-baseline")).toBe("update");
  });
});
