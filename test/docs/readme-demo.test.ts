import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareSets } from "../../src/compare/compare.js";
import { readSide } from "../../src/compare/inputs.js";
import { packageRoot } from "../../src/paths.js";
import { renderSummary } from "../../src/report/summary.js";
import { loadFixtureConfig } from "../../src/session/fixtures.js";

/**
 * The README's demo excerpt is what the current build prints for the
 * recorded demo capture (fixtures/captured/demo), two frames each way.
 * After a wording change, paste this test's rendering into the README.
 */
describe("the README's demo excerpt", () => {
  it("equals the summary the current build renders for fixtures/captured/demo", async () => {
    const readme = readFileSync(join(packageRoot(), "README.md"), "utf8");
    const intro = readme.indexOf("[fixtures/captured/demo](fixtures/captured/demo)");
    expect(intro).toBeGreaterThan(0);
    const open = readme.indexOf("```\n", intro) + 4;
    const excerpt = readme.slice(open, readme.indexOf("```\n", open));

    const { gate } = await loadFixtureConfig("node");
    const demo = join(packageRoot(), "fixtures", "captured", "demo");
    // Paired and with the call trees, as the demo compares its interleaved rounds.
    const { report, stacks } = compareSets(
      readSide(join(demo, "base")),
      readSide(join(demo, "head")),
      gate,
      { paired: true, stacks: true },
    );
    expect(excerpt).toBe(renderSummary(report, { frames: 2, stacks }));
  });
});
