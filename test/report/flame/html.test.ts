import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { REPORT_SCHEMA } from "../../../src/compare/types.js";
import { renderHtml } from "../../../src/report/flame/index.js";
import { webScenario } from "./scenarios.js";
import { tree } from "./trees.js";

const dataOf = (html: string) => {
  const m = /<script type="application\/json" id="flame-data">(.*?)<\/script>/s.exec(html);
  return { raw: m![1]!, data: JSON.parse(m![1]!) as { comparisons: Array<{ strings: string[] }> } };
};

describe("renderHtml", () => {
  it("embeds hostile names as data that cannot break out of its script block", () => {
    const name = "</script><script>alert(1)</script><!--";
    const t = tree({ [`main;${name}`]: 3, [`main;&<>"'`]: 1 });
    const html = renderHtml({
      report: { schema: REPORT_SCHEMA, verdict: "pass", comparisons: [] },
      flames: [
        { service: "</title><script>x()</script>", kind: "cpu", unit: "count", base: t, head: t },
      ],
    });
    const { raw, data } = dataOf(html);
    expect(raw).not.toMatch(/[<>&]/);
    expect(data.comparisons[0]!.strings).toContain(name);
    // Exactly the two script elements the page writes, whatever the names.
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html).toContain("&lt;/title&gt;&lt;script&gt;x()&lt;/script&gt; · cpu");
  });

  it("pins its inline script and style by hash and allows nothing else", () => {
    const t = tree({ "a;b": 1 });
    const html = renderHtml({
      report: { schema: REPORT_SCHEMA, verdict: "pass", comparisons: [] },
      flames: [{ service: "s", kind: "cpu", unit: "count", base: t, head: t }],
    });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!;
    const hash = (s: string) => createHash("sha256").update(s).digest("base64");
    const script = /<script>(.*?)<\/script>/s.exec(html)![1]!;
    const style = /<style>(.*?)<\/style>/s.exec(html)![1]!;
    expect(csp).toBe(
      `default-src 'none'; style-src 'sha256-${hash(style)}'; script-src 'sha256-${hash(script)}'`,
    );
    expect(html).not.toMatch(/\b(src|href)=/);
  });

  it("renders the report's tables for real profiles (V8 CPU and heap)", () => {
    const s = webScenario();
    const t0 = performance.now();
    const html = renderHtml(s);
    const ms = performance.now() - t0;
    console.log(
      `web (sucrase cpu + chrome69 alloc) HTML: ${Buffer.byteLength(html)} bytes, renderHtml ${ms.toFixed(0)} ms`,
    );
    expect(html.match(/<section data-flame="\d">/g)).toHaveLength(2);
    expect(html).toContain('<th class="num">99 % interval</th>');
    for (const c of s.report.comparisons) expect(html).toContain(`${c.service} · ${c.kind}`);
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
  });
});
