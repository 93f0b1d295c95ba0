import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareSets } from "../../src/compare/compare.js";
import { readSide } from "../../src/compare/inputs.js";
import { loadFixtureConfig } from "../../src/session/fixtures.js";

/**
 * The gate's verdict on a recorded `flamegate demo` (fixtures/captured/README.md):
 * the Node fixture as base, and as head with FLAMEGATE_REGRESSION=both (+33 %
 * of checksum's work, an extra copy of every buildIndex entry), 3 ABBA rounds
 * each on the shared 2-core machine. A fresh run's figures vary with the
 * machine's load; these are fixed, so the verdict on them is too.
 */
const DEMO = join(import.meta.dirname, "../../fixtures/captured/demo");

describe("the gate on a recorded demo capture", () => {
  it("fails on buildIndex's allocations and sees checksum's CPU grow", async () => {
    const { gate } = await loadFixtureConfig("node");
    const { report } = compareSets(
      readSide(join(DEMO, "base")),
      readSide(join(DEMO, "head")),
      gate,
    );
    expect(report.verdict).toBe("fail");
    const comparison = (kind: string) => report.comparisons.find((c) => c.kind === kind)!;
    const frame = (kind: string, fn: string) =>
      comparison(kind).frames.find((f) => f.function === fn && f.file === "server.mjs");

    // The extra copy of every entry: deterministic bytes, so 3 rounds prove it.
    expect(comparison("alloc").verdict).toBe("fail");
    expect(frame("alloc", "buildIndex")?.verdict).toBe("fail");
    expect(frame("alloc", "buildIndex")?.self.deltaPct).toBeGreaterThan(20);
    // +33 % of checksum's work shows in its samples, though 3 rounds on a busy
    // machine are too few to prove it (this capture passes the CPU gate).
    expect(frame("cpu", "checksum")?.self.deltaPct).toBeGreaterThan(10);
    expect(comparison("cpu").base.rounds).toBe(3);
    expect(comparison("cpu").head.rounds).toBe(3);
  });
});
