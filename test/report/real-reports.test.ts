import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareSets } from "../../src/compare/compare.js";
import { readSide } from "../../src/compare/inputs.js";
import { DEFAULT_GATE } from "../../src/config.js";
import { ProfileBuilder } from "../../src/model/builder.js";
import { encodeProfileGz } from "../../src/model/gzip.js";
import { PROFILE_SET_SCHEMA } from "../../src/model/profile-set.js";
import { packageRoot } from "../../src/paths.js";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "../../src/report/markdown.js";
import { renderSummary } from "../../src/report/summary.js";
import { loadFixtureConfig } from "../../src/session/fixtures.js";
import {
  expectJsonAgrees,
  expectMarkdownAgrees,
  expectNoLongPercentages,
  expectRowAgrees,
  expectSummaryAgrees,
} from "./consistency.js";

/**
 * Reports of recorded captures (fixtures/captured/README.md): every number
 * shown beside a Δ is the pair the Δ was computed from.
 */
const CAPTURED = join(packageRoot(), "fixtures", "captured");

const RECORDED = [
  {
    name: "demo (Node)",
    dir: "demo",
    fixture: "node",
    first: /^❌ .*`checksum` \(`server\.mjs`\) grew /,
  },
  {
    name: "Python service",
    dir: "python-service",
    fixture: "python",
    first: /^❌ .*`build_index` \(`app\.py`\) grew /,
  },
  // Three short rounds do not prove the Go fixture's +30 %: the first line says it is likely
  // (buildIndex's bytes, p ≈ 0.05 after Holm) and what would decide it.
  {
    name: "Go service",
    dir: "go-service",
    fixture: "go",
    first: /^⚠️ .*not proven.* rounds per side would decide it/,
  },
] as const;

describe.each(RECORDED.filter((r) => existsSync(join(CAPTURED, r.dir))))(
  "the report of a recorded $name capture",
  ({ dir, fixture, first }) => {
    it("shows beside every Δ the pair it was computed from, in the markdown, the summary and the JSON", async () => {
      const { gate } = await loadFixtureConfig(fixture);
      const { report } = compareSets(
        readSide(join(CAPTURED, dir, "base")),
        readSide(join(CAPTURED, dir, "head")),
        gate,
      );
      const markdown = renderMarkdown(report);
      const summary = renderSummary(report);
      // Every comparison's total, and at least one frame per comparison.
      expect(expectMarkdownAgrees(markdown)).toBeGreaterThan(report.comparisons.length);
      expect(expectSummaryAgrees(summary)).toBeGreaterThan(report.comparisons.length);
      expect(expectJsonAgrees(report)).toBeGreaterThan(report.comparisons.length);
      expect(markdown.split("\n")[0]).toMatch(first);
    });
  },
);

/** A profile set of `rounds` rounds over `functions` leaf functions under main; `grow` scales one. */
function syntheticSet(dir: string, functions: number, grow: number): string {
  mkdirSync(dir, { recursive: true });
  const rounds = [1, 2, 3].map((r) => {
    const b = new ProfileBuilder({
      sampleTypes: [{ type: "cpu", unit: "nanoseconds" }],
      periodType: { type: "cpu", unit: "nanoseconds" },
      period: 1e6,
    });
    for (let i = 0; i < functions; i++) {
      const samples = i === 0 ? Math.round(4000 * grow) : 20 + ((i * 7 + r) % 13);
      b.addSample(
        [
          { name: i === 0 ? "hotLeaf" : `pkg.fn${i}`, file: `pkg/file${i % 400}.go` },
          { name: "main.handle", file: "main.go" },
        ],
        [samples * 1e6],
      );
    }
    writeFileSync(join(dir, `r${r}.cpu.pb.gz`), encodeProfileGz(b.build()));
    return {
      round: r,
      windowSeconds: 10,
      requests: 1000,
      errors: 0,
      non2xx: 0,
      throughput: 100,
      latency: null,
      files: { cpu: `r${r}.cpu.pb.gz` },
      profilers: {},
    };
  });
  const manifest = {
    schema: PROFILE_SET_SCHEMA,
    service: "api",
    runtime: "go",
    runtimeVersion: "go1.26",
    ref: "main",
    commit: null,
    created: "2026-12-05T10:00:00Z",
    runner: { os: "linux", arch: "x64", cpuModel: "x", cores: 2, memoryBytes: 1, id: "r" },
    unitOfWork: "request",
    config: {},
    labels: { service: "api" },
    rounds,
  };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

describe("the markdown of a profile with 20,000 functions", () => {
  it("renders with cmark-gfm under GitHub's limit, its first line naming the failing function", () => {
    const tmp = mkdtempSync(join(tmpdir(), "flamegate-20k-"));
    const { report } = compareSets(
      readSide(syntheticSet(join(tmp, "base", "api"), 20_000, 1)),
      readSide(syntheticSet(join(tmp, "head", "api"), 20_000, 2)),
      DEFAULT_GATE,
    );
    expect(report.verdict).toBe("fail");
    const markdown = renderMarkdown(report);
    expect(markdown.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(markdown.split("\n")[0]).toContain("hotLeaf");
    const html = execFileSync("cmark-gfm", ["--extension", "table"], {
      input: markdown,
      encoding: "utf8",
    });
    expect(html).toContain("<table>");
    expectMarkdownAgrees(markdown);
  });
});

describe("the consistency check itself", () => {
  it("catches the contradictions issue 20 quoted, and accepts pairs that give their Δ", () => {
    const fails = (pair: string, delta: string) =>
      expect(() => expectRowAgrees(pair, delta, "row")).toThrow();
    fails("1.88 GiB → 683 MiB", "+174.8 %");
    fails("186 MiB → 188 MiB", "−2.9 %");
    fails("184 µs → 306 µs", "+15.7 %");
    fails("14.9 s → 14.9 s", "+18.4 %");
    expect(expectRowAgrees("261 µs → 352 µs", "+34.8 %", "row")).toBe(true);
    expect(expectRowAgrees("14 B → 263 B", "×19.0", "row")).toBe(true);
    expect(() => expectNoLongPercentages("+14276.1 % … +448967.3 %")).toThrow();
    expect(() => expectNoLongPercentages("+9,474 %")).toThrow();
  });
});
