import { describe, expect, it } from "vitest";
import type { Comparison, Report } from "../../src/compare/types.js";
import { foldNotes } from "../../src/report/fold.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { renderSummary } from "../../src/report/summary.js";

/** A passing comparison whose notes are what 3 + 3 py-spy rounds wrote (issue 20: one line per round). */
function comparison(): Comparison {
  const unread = (r: number, side: string) =>
    `${side} capture (round ${r} of 3): python: py-spy could not read ${50 + r} of ${3100 + r} samples`;
  return {
    service: "api",
    runtime: "python",
    kind: "cpu",
    unit: "nanoseconds",
    base: { rounds: 3, requests: 300, total: 1e9 },
    head: { rounds: 3, requests: 300, total: 1e9 },
    total: { base: 1e9, head: 1e9, deltaPct: 0, ci: [-5, 5], p: 1, verdict: "pass" },
    frames: [],
    mde: { frameSharePct: 1, deltaPct: 10 },
    verdict: "pass",
    notes: [
      "frames vary ±28 % between rounds beyond sampling noise (σ0 = 28.0 %, prior df 4.0, estimated)",
      ...[1, 2, 3].flatMap((r) => [unread(r, "base"), unread(r, "head")]),
      "base capture: python: py-spy ran with --nonblocking",
      "head capture: python: py-spy ran with --nonblocking",
    ],
  };
}

describe("capture notes folded", () => {
  it("one line per kind of note with its count over rounds, whatever each round's figures", () => {
    const lines = foldNotes(comparison());
    expect(lines).toHaveLength(3);
    expect(lines).toContain(
      "capture, 3 of 3 base and 3 of 3 head rounds; figures from one round, they vary: python: py-spy could not read 51 of 3101 samples",
    );
    expect(lines).toContain(
      "capture, 3 of 3 base and 3 of 3 head rounds: python: py-spy ran with --nonblocking",
    );
  });

  it("sit under a <details> in markdown whose title says the noise in words, and fold on stdout", () => {
    const report: Report = {
      schema: "flamegate.report/v1",
      verdict: "pass",
      comparisons: [comparison()],
    };
    const md = renderMarkdown(report);
    expect(md).toContain(
      "<details><summary>3 notes\\: frames vary ±28 % between rounds beyond sampling noise</summary>",
    );
    expect(md.match(/py\\-spy could not read/g)).toHaveLength(1);
    const text = renderSummary(report);
    expect(text.match(/py-spy could not read/g)).toHaveLength(1);
  });
});
