import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareSets } from "../../src/compare/compare.js";
import { readSide } from "../../src/compare/inputs.js";
import { loadFixtureConfig } from "../../src/session/fixtures.js";

/**
 * The gate's verdict on a recorded `flamegate demo` (fixtures/captured/README.md):
 * the Node fixture as base, and as head with FLAMEGATE_REGRESSION=both and
 * FLAMEGATE_REGRESSION_PCT=100 (twice checksum's passes, an extra copy of every
 * buildIndex entry), 5 rounds each, base and head side by side, on the shared
 * 2-core machine, perf at 1 kHz, TurboFan's inlining off. A fresh run's figures vary with the machine's
 * load; these are fixed, so the verdict on them is too.
 */
const DEMO = join(import.meta.dirname, "../../fixtures/captured/demo");

describe("the gate on a recorded demo capture", () => {
  it("fails on checksum's CPU and on buildIndex's allocations, compared paired as the demo does", async () => {
    const { gate } = await loadFixtureConfig("node");
    const { report } = compareSets(
      readSide(join(DEMO, "base")),
      readSide(join(DEMO, "head")),
      gate,
      {
        paired: true,
      },
    );
    expect(report.verdict).toBe("fail");
    const comparison = (kind: string) => report.comparisons.find((c) => c.kind === kind)!;
    const frame = (kind: string, fn: string) =>
      comparison(kind).frames.find((f) => f.function === fn && f.file === "server.mjs");

    // Twice the passes over the text: well over the 10 % threshold and proven in 5 rounds.
    expect(frame("cpu", "checksum")?.verdict).toBe("fail");
    expect(frame("cpu", "checksum")?.self.deltaPct).toBeGreaterThan(30);
    // The extra copy of every entry: deterministic bytes.
    expect(frame("alloc", "buildIndex")?.verdict).toBe("fail");
    expect(frame("alloc", "buildIndex")?.self.deltaPct).toBeGreaterThan(20);
    expect(comparison("cpu").base.rounds).toBe(5);
    expect(comparison("cpu").head.rounds).toBe(5);
  });
});
