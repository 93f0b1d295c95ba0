import { describe, expect, it } from "vitest";
import { type StackNode, newStackRoot } from "../../src/compare/aggregate.js";
import type { Comparison, FrameResult, Report } from "../../src/compare/types.js";
import { callersOf } from "../../src/report/callers.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { renderSummary } from "../../src/report/summary.js";

/** Express's shape (issue 20): handle › next › (anonymous) server.js:60 › structuredClone, which grew. */
function tree(): StackNode {
  const root = newStackRoot();
  let parent = root;
  for (const name of ["handle", "next", "(anonymous) server.js:60", "structuredClone"]) {
    const node: StackNode = { name, file: "server.js", value: 100, self: 0, children: new Map() };
    parent.children.set(`${name}\u0000server.js`, node);
    parent = node;
  }
  parent.self = 100;
  return root;
}

function frame(fn: string, tested: "self" | "cum", base: number, head: number): FrameResult {
  const v = { base, head, deltaPct: (head / base - 1) * 100, perWork: { base, head } };
  const idle = { base: 1, head: 1, deltaPct: 0, perWork: { base: 1, head: 1 } };
  return {
    function: fn,
    file: "server.js",
    self: tested === "self" ? v : idle,
    cum: v,
    ci: [10, 90],
    p: tested === "self" ? 0.0001 : 0.01,
    verdict: tested === "self" ? "fail" : "warn",
    tested,
  };
}

function comparison(): Comparison {
  return {
    service: "api",
    runtime: "node",
    kind: "cpu",
    unit: "nanoseconds",
    unitOfWork: "request",
    base: { rounds: 3, requests: 300, total: 1e6 },
    head: { rounds: 3, requests: 300, total: 1.2e6 },
    total: { base: 1e6, head: 1.2e6, deltaPct: 20, ci: [1, 40], p: 0.2, verdict: "pass" },
    frames: [
      frame("structuredClone", "self", 1000, 2000),
      frame("handle", "cum", 3000, 4000),
      frame("next", "cum", 2900, 3900),
      frame("(anonymous) server.js:60", "cum", 2000, 3050),
    ],
    mde: { frameSharePct: 1, deltaPct: 10 },
    verdict: "fail",
  };
}

describe("the leaf first", () => {
  it("folds the callers whose growth the failing leaf explains under it, root first", () => {
    const c = comparison();
    const { folded, context } = callersOf(c, tree());
    expect([...folded].map((f) => f.function)).toEqual([
      "handle",
      "next",
      "(anonymous) server.js:60",
    ]);
    expect(context.get(c.frames[0]!)?.via.map((f) => f.function)).toEqual([
      "handle",
      "next",
      "(anonymous) server.js:60",
    ]);
    // The anonymous frame names its nearest named caller.
    expect(context.get(c.frames[3]!)?.calledFrom).toBe("next");
  });

  it("keeps a caller that grew by much more than its callee: the rest is its own", () => {
    const c = comparison();
    c.frames[1] = frame("handle", "cum", 3000, 9000);
    expect([...callersOf(c, tree()).folded].map((f) => f.function)).not.toContain("handle");
  });

  it("lists the leaf with 'via' in the markdown and the callers in no row of their own", () => {
    const report: Report = {
      schema: "flamegate.report/v1",
      verdict: "fail",
      comparisons: [comparison()],
    };
    const md = renderMarkdown(report, { stacks: [{ service: "api", kind: "cpu", head: tree() }] });
    const rows = md.split("\n").filter((l) => l.startsWith("| `"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(
      "`structuredClone`<br><sub>via `handle` › `next` › `(anonymous) server.js:60`</sub>",
    );
  });

  it("counts failing callers the leaf explains as callers in the first line, not as failures", () => {
    const c = comparison();
    for (const f of c.frames) f.verdict = "fail";
    const report: Report = { schema: "flamegate.report/v1", verdict: "fail", comparisons: [c] };
    const stacks = [{ service: "api", kind: "cpu", head: tree() }];
    const first = (md: string) => md.split("\n")[0]!;
    expect(first(renderMarkdown(report, { stacks }))).toMatch(
      /`structuredClone` \(`server\.js`\) grew .*; 3 callers grew with it\.$/,
    );
    expect(renderSummary(report, { stacks }).split("\n")[0]).toMatch(/; 3 callers grew with it$/);
    // Without the call tree nothing is known about callers: every failure counts.
    expect(first(renderMarkdown(report))).toMatch(/; 3 more frames failed\.$/);
  });
});
