import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareSets } from "../../src/compare/compare.js";
import { readSide } from "../../src/compare/inputs.js";
import type { Report } from "../../src/compare/types.js";
import { DEFAULT_GATE } from "../../src/config.js";
import { packageRoot } from "../../src/paths.js";
import { renderJson } from "../../src/report/json.js";

const input = (name: string) => join(packageRoot(), "fixtures", "golden", "pprof", "inputs", name);

describe("renderJson", () => {
  it("round-trips the report of two real allocation profiles, schema first", () => {
    const { report } = compareSets(
      readSide(input("alloc-base.alloc.pb.gz")),
      readSide(input("alloc-head.alloc.pb.gz")),
      DEFAULT_GATE,
    );
    const text = renderJson(report);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.startsWith('{\n  "schema": "flamegate.report/v1",')).toBe(true);
    expect(JSON.parse(text)).toEqual(report);
  });

  it("writes non-finite numbers as null instead of dropping them", () => {
    const report: Report = {
      schema: "flamegate.report/v1",
      verdict: "pass",
      comparisons: [
        {
          service: "api",
          runtime: "go",
          kind: "cpu",
          unit: "nanoseconds",
          base: { rounds: 1, requests: null, total: 0 },
          head: { rounds: 1, requests: null, total: 1 },
          total: { base: 0, head: 1, deltaPct: Infinity, ci: [NaN, 1], p: 1, verdict: "pass" },
          frames: [],
          mde: { frameSharePct: 0.5, deltaPct: 10 },
        },
      ],
    };
    const parsed = JSON.parse(renderJson(report)) as {
      comparisons: Array<{ total: { deltaPct: unknown; ci: unknown[] } }>;
    };
    expect(parsed.comparisons[0]!.total.deltaPct).toBeNull();
    expect(parsed.comparisons[0]!.total.ci).toEqual([null, 1]);
  });
});
