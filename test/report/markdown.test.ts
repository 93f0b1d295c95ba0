import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Comparison, FrameResult, Report } from "../../src/compare/types.js";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "../../src/report/markdown.js";

/** GitHub's own renderer (Debian package cmark-gfm), with raw HTML allowed: the worst case. */
function renderGfm(markdown: string): string {
  return execFileSync(
    "cmark-gfm",
    ["--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough", "-e", "tagfilter"],
    {
      input: markdown,
      encoding: "utf8",
    },
  );
}

const HOSTILE = [
  "a|b|c",
  "tick`in``side",
  '<img src=x onerror="alert(1)">',
  "</script><script>alert(1)</script>",
  "ping @someone now",
  "[x](javascript:alert(1))",
  "**bold** _em_ #1 <!-- c -->",
  `huge${"x".repeat(10_240)}`,
  "line\nbreak|pipe",
];

function frame(name: string, i: number): FrameResult {
  return {
    function: name,
    file: `pkg/${name}.go`,
    self: { base: 1000, head: 1500 + i, deltaPct: 50 },
    cum: { base: 2000, head: 3000 + i, deltaPct: 50 },
    ci: [20, 80],
    p: 0.0001,
    verdict: "fail",
  };
}

function report(names: string[], service = "api"): Report {
  const c: Comparison = {
    service,
    runtime: "go",
    kind: "cpu",
    unit: "nanoseconds",
    base: { rounds: 5, requests: 1000, total: 10_000_000 },
    head: { rounds: 5, requests: 1000, total: 12_000_000 },
    total: {
      base: 10_000_000,
      head: 12_000_000,
      deltaPct: 20,
      ci: [10, 30],
      p: 0.001,
      verdict: "fail",
    },
    frames: names.map(frame),
    mde: { frameSharePct: 2, deltaPct: 8 },
    load: {
      base: { throughput: 1200, p50: 1.2, p99: 4.5 },
      head: { throughput: 1000, p50: 1.5, p99: 5 },
    },
  };
  return { schema: "flamegate.report/v1", verdict: "fail", comparisons: [c] };
}

describe("renderMarkdown through GitHub's renderer", () => {
  const md = renderMarkdown(report(HOSTILE), {
    marker: "flamegate:api",
    textFlames: { "api/cpu": "all\n  main.handler ```x``` +10 %" },
    links: [{ label: "profiles", url: "https://github.com/o/r/actions/runs/1/artifacts/2" }],
  });
  const html = renderGfm(md);

  it("renders the frames as one table with six cells per row", () => {
    expect(html.match(/<table>/g)).toHaveLength(1);
    const rows = html.split("<tr>").slice(1);
    expect(rows).toHaveLength(HOSTILE.length + 1);
    for (const row of rows) expect(row.match(/<t[dh][ >]/g)).toHaveLength(6);
  });

  it("keeps every hostile name inert", () => {
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/href="javascript/i);
    expect(html).not.toMatch(/<strong>bold/);
    // Mentions inside <code> are not linked by GitHub; outside code they would be.
    const outsideCode = html
      .replace(/<code>[\s\S]*?<\/code>/g, "")
      .replace(/<pre>[\s\S]*?<\/pre>/g, "");
    expect(outsideCode).not.toContain("@someone");
    expect(outsideCode).not.toContain("onerror");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain("a|b|c");
    expect(html).toContain("tick`in``side");
  });

  it("truncates 10 KB names and keeps the comment small", () => {
    expect(html).not.toContain("x".repeat(200));
    expect(md.length).toBeLessThan(10_000);
  });

  it("keeps the text flame inside its code block", () => {
    expect(html).toMatch(/<pre><code>all\n {2}main\.handler ```x``` \+10 %\n<\/code><\/pre>/);
    expect(html).toContain("<details><summary>");
  });

  it("links only the artifact URLs it was given", () => {
    expect(html).toContain('href="https://github.com/o/r/actions/runs/1/artifacts/2"');
  });

  it("starts with the hidden marker and the verdict line", () => {
    const [marker, first] = md.split("\n");
    expect(marker).toBe("<!-- flamegate:api -->");
    // The answer: the first failing function, how much, how sure.
    expect(first).toContain(
      "❌ **flamegate: regression:** `a\\|b\\|c` (`pkg/a\\|b\\|c.go`) grew +50.0 % in api · CPU: ",
    );
    expect(first).toContain("per request (p = 0.00010); 8 more frames failed.");
  });
});

describe("renderMarkdown size", () => {
  it("stays under GitHub's limit with many services, saying it truncated", () => {
    const names = Array.from({ length: 10 }, (_, i) => `f${i}${"y".repeat(150)}`);
    const big: Report = { schema: "flamegate.report/v1", verdict: "fail", comparisons: [] };
    for (let s = 0; s < 200; s++) big.comparisons.push(...report(names, `svc${s}`).comparisons);
    const md = renderMarkdown(big);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md).toContain("Comment truncated");
  });

  it("says when there is no baseline", () => {
    const md = renderMarkdown({
      schema: "flamegate.report/v1",
      verdict: "no-baseline",
      comparisons: [],
    });
    expect(renderGfm(md)).toContain("no baseline to compare with");
  });
});
