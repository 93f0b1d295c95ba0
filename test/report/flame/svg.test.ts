import { describe, expect, it } from "vitest";
import { diffStacks, renderSvg } from "../../../src/report/flame/index.js";
import { tree } from "./trees.js";

const HOSTILE = [
  "</script><script>alert(1)</script>",
  `&<>"' <img src=x onerror=alert(2)>`,
  "]]><!-- \u0000\u0007 -->",
];

/** Every "<" in the output opens or closes one of the elements the renderer writes. */
const onlyOwnTags = (svg: string) => !/<(?!\/?(svg|rect|text|g|title)[\s>/])/.test(svg);

describe("renderSvg", () => {
  it("renders hostile frame names as escaped text in labels and tooltips", () => {
    const stacks = Object.fromEntries(HOSTILE.map((n, i) => [`main;${n}`, 10 + i]));
    const svg = renderSvg(diffStacks(tree(stacks), tree(stacks)), { width: 3000 });
    expect(onlyOwnTags(svg)).toBe(true);
    expect(svg).not.toContain("<script");
    expect(svg).not.toContain("<img");
    expect(svg).not.toContain("\u0000");
    expect(svg).toContain("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(svg).toContain("&amp;&lt;&gt;&quot;&#39; &lt;img src=x onerror=alert(2)&gt;");
    // Attribute values come from numbers and the palette only.
    for (const [, value] of svg.matchAll(/="([^"]*)"/g)) expect(value).not.toMatch(/[<>&]/);
  });

  it("draws removed paths with base widths only, and puts the root at the bottom in flame orientation", () => {
    const d = diffStacks(tree({ "a;kept": 50, "a;removed": 50 }), tree({ "a;kept": 100 }));
    const head = renderSvg(d);
    const base = renderSvg(d, { widths: "base" });
    expect(head).not.toContain(">removed</text>");
    expect(base).toContain(">removed</text>");
    const y = (svg: string, name: string) =>
      Number(new RegExp(`y="(\\d+)"[^>]*>${name}</text>`).exec(svg)![1]);
    expect(y(head, "all")).toBeGreaterThan(y(head, "kept"));
    const icicle = renderSvg(d, { orientation: "icicle" });
    expect(y(icicle, "all")).toBeLessThan(y(icicle, "kept"));
  });

  it("truncates labels to the frame and keeps the full name in the tooltip", () => {
    const long = "com.example.very.long.package.name.ServiceHandler.handleRequestWithRetries";
    const svg = renderSvg(
      diffStacks(tree({ [`a;${long}`]: 3, "a;b": 7 }), tree({ [`a;${long}`]: 3, "a;b": 7 })),
      {
        width: 400,
      },
    );
    expect(svg).toContain(`<title>${long}\n`);
    const label = /<text [^>]*>(com\.example[^<]*)<\/text>/.exec(svg)![1]!;
    expect(label.endsWith("…")).toBe(true);
    expect(label.length).toBeLessThan(long.length);
  });
});
