import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareSets } from "../../src/compare/compare.js";
import { readSide } from "../../src/compare/inputs.js";
import type { Report } from "../../src/compare/types.js";
import { DEFAULT_GATE } from "../../src/config.js";
import { packageRoot } from "../../src/paths.js";
import { scopeWords } from "../../src/report/rows.js";
import { renderSummary } from "../../src/report/summary.js";

const input = (name: string) => join(packageRoot(), "fixtures", "golden", "pprof", "inputs", name);

describe("renderSummary", () => {
  it("a real allocation regression: verdict line, total, the regressed function with its interval and p", () => {
    const { report } = compareSets(
      readSide(input("alloc-base.alloc.pb.gz")),
      readSide(input("alloc-head.alloc.pb.gz")),
      DEFAULT_GATE,
    );
    const lines = renderSummary(report).split("\n");
    // The first line is the answer: the failing function, how much, how sure.
    expect(lines[0]).toMatch(
      /^flamegate: FAIL: main\.encode \(captured-go\/main\.go\) grew (\+[\d.]+ %|×\d+) in profile · allocations: .* → .* per round \(p < 0\.0001\)/,
    );
    expect(lines[1]).toMatch(/^profile · alloc \(alloc_space\/bytes, 1 round vs 1 round\): FAIL$/);
    expect(lines[2]).toMatch(/^ {2}Values are per round, geometric means over rounds; /);
    expect(lines[3]).toMatch(/^ {2}total +\+\d+\.\d % +[\d.]+ MiB → [\d.]+ MiB .* … .* p /);
    const encode = lines.find((l) => l.startsWith("  ") && l.includes("main.encode"));
    expect(encode).toMatch(
      /^ {2}grew +(\+\d+\.\d %|×\d+(\.\d)?) +main\.encode \(.*main\.go\) +(self|cum) .* p .* FAIL$/,
    );
  });

  it("a profile against itself passes", () => {
    const side = () => readSide(input("sample.cpu.pb.gz"));
    const text = renderSummary(compareSets(side(), side(), DEFAULT_GATE).report);
    expect(text.split("\n")[0]).toBe(
      "flamegate: PASS (1 comparison, no regression over the threshold)",
    );
    expect(text).not.toMatch(/ (grew|shrank|new|gone) /);
  });

  it("strips control characters from names that came from the profiled code", () => {
    const report: Report = {
      schema: "flamegate.report/v1",
      verdict: "fail",
      comparisons: [
        {
          service: "api\u001b[2J",
          runtime: "go",
          kind: "cpu",
          unit: "nanoseconds",
          base: { rounds: 3, requests: 300, total: 1e9 },
          head: { rounds: 3, requests: 300, total: 1.2e9 },
          total: { base: 1e9, head: 1.2e9, deltaPct: 20, ci: [10, 30], p: 0.001, verdict: "fail" },
          frames: [
            {
              function: "evil\u001b]0;pwned\u0007\nfake line",
              file: "x.go\r",
              self: { base: 1e8, head: 3e8, deltaPct: 200 },
              cum: { base: 1e8, head: 3e8, deltaPct: 200 },
              ci: [150, 250],
              p: 0.0001,
              verdict: "fail",
            },
          ],
          mde: { frameSharePct: 0.5, deltaPct: 10 },
          verdict: "fail",
        },
      ],
    };
    const text = renderSummary(report);
    // eslint-disable-next-line no-control-regex
    expect(text.replace(/\n/g, "")).not.toMatch(/[\u0000-\u001f\u007f]/);
    // The answer line and the frame's row; the newline in the name starts no line of its own.
    expect(text.split("\n").filter((l) => l.includes("evil"))).toHaveLength(2);
    expect(text.split("\n").some((l) => l.startsWith("fake line"))).toBe(false);
    expect(text).toContain("per request");
  });

  it("a failure estimated under the threshold says how far its interval reaches", () => {
    const value = { base: 1e8, head: 1.08e8, deltaPct: 8 };
    const report: Report = {
      schema: "flamegate.report/v1",
      verdict: "fail",
      comparisons: [
        {
          service: "api",
          runtime: "go",
          kind: "cpu",
          unit: "nanoseconds",
          base: { rounds: 10, requests: 1000, total: 1e9 },
          head: { rounds: 10, requests: 1000, total: 1.02e9 },
          total: { base: 1e9, head: 1.02e9, deltaPct: 2, ci: [-1, 5], p: 0.3, verdict: "pass" },
          frames: [
            {
              function: "hash",
              file: "main.go",
              self: value,
              cum: value,
              ci: [3.1, 13.2],
              p: 0.001,
              verdict: "fail",
              tested: "self",
            },
          ],
          thresholds: { framePct: 10, totalPct: 5 },
          mde: { frameSharePct: 0.5, deltaPct: 10 },
          verdict: "fail",
        },
      ],
    };
    expect(renderSummary(report).split("\n")[0]).toMatch(
      /^flamegate: FAIL: hash \(main\.go\) grew \+8\.0 % \(up to \+13\.2 %, threshold \+10 %\) in api · CPU: /,
    );
  });

  it("lists a function that is new in the head as a regression, and a failing one first", () => {
    const frame = (fn: string, base: number, head: number, verdict: "fail" | "pass") => {
      // A leaf: self and cum are the same value.
      const value = { base, head, deltaPct: base === 0 ? null : ((head - base) / base) * 100 };
      return {
        function: fn,
        file: "server.mjs",
        self: value,
        cum: value,
        ci: [0, 0] as [number, number],
        p: verdict === "fail" ? 0.0013 : 1,
        verdict,
        tested: "self" as const,
      };
    };
    const report: Report = {
      schema: "flamegate.report/v1",
      verdict: "fail",
      comparisons: [
        {
          service: "orders",
          runtime: "node",
          kind: "alloc",
          unit: "bytes",
          base: { rounds: 3, requests: 300, total: 1e9 },
          head: { rounds: 3, requests: 300, total: 1.2e9 },
          total: { base: 1e9, head: 1.2e9, deltaPct: 20, ci: [10, 30], p: 0.001, verdict: "fail" },
          // The gate's order: the failing frame first.
          frames: [
            frame("repeat", 0, 2e8, "fail"),
            frame("buildIndex", 5e8, 7e8, "pass"),
            frame("gone", 1e7, 0, "pass"),
          ],
          mde: { frameSharePct: 0.5, deltaPct: 10 },
          verdict: "fail",
        },
      ],
    };
    const lines = renderSummary(report).split("\n");
    // A new frame: what it costs per request and its share, no base to be relative to.
    expect(lines[4]).toMatch(
      /^ {2}new +new {2}repeat \(server\.mjs\) +self new · 651 KiB\/req · 17 % of allocations {2}— .* FAIL$/,
    );
    expect(lines[5]).toMatch(/^ {2}grew +\+40\.0 % {2}buildIndex .* 1\.59 MiB → 2\.23 MiB /);
    expect(lines[6]).toMatch(/^ {2}gone +gone {2}gone .*gone \(was 32\.6 KiB\/req\)/);
  });

  it("says why frames were not corrected for machine speed, side by side or too few frames", () => {
    const scope = (c: Partial<Report["comparisons"][number]>) =>
      scopeWords({ unitOfWork: "request", ...c } as Report["comparisons"][number]);
    expect(scope({ speedCorrected: true })).toContain("frames corrected for machine speed");
    expect(
      scope({ speedCorrected: false, pairing: "simultaneous", uncorrectedBecause: "side-by-side" }),
    ).toContain("frames as measured (base and head ran side by side)");
    // Side by side, but too few frames for size factors anyway (a Python CPU comparison under py-spy).
    expect(
      scope({ speedCorrected: false, pairing: "simultaneous", uncorrectedBecause: "few-frames" }),
    ).toContain("too few frames to estimate it");
    // A report from before the reason was recorded goes by its pairing.
    expect(scope({ speedCorrected: false, pairing: "simultaneous" })).toContain("side by side");
  });
});
