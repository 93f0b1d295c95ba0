import { describe, expect, it } from "vitest";
import { functionKey } from "../../../src/model/functions.js";
import { diffStacks, renderTextFlame } from "../../../src/report/flame/index.js";
import { tree } from "./trees.js";

describe("renderTextFlame", () => {
  it("lists the most changed paths with bars, shares and Δ, within the line and width bounds", () => {
    const base: Record<string, number> = {};
    const head: Record<string, number> = {};
    for (let i = 0; i < 60; i++) {
      const path = `main;serve;handler${i};${"x".repeat(i)}leaf`;
      base[path] = 100 + i;
      head[path] = 100 + i + (i % 3 === 0 ? 5 * i : 0);
    }
    const text = renderTextFlame(diffStacks(tree(base), tree(head)), { maxLines: 12, width: 72 });
    const lines = text.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(12);
    for (const l of lines) expect(Array.from(l).length).toBeLessThanOrEqual(72);
    expect(lines[0]).toMatch(/^head\s+share\s+Δ share {2}call path, root first$/);
    expect(lines[1]).toMatch(/^█{8} 100\.0 % +0\.0 pp {2}all$/);
    expect(lines[2]).toContain("main › serve");
    expect(lines.at(-1)).toMatch(/^… \d+ more changed frames in the HTML report$/);
    expect(text).toMatch(/\+\d+\.\d pp/);
    expect(text).toContain("…");
  });

  it("cannot break out of the markdown fence or forge lines", () => {
    const nasty = "```\n## injected\r\n</details>";
    const verdicts = new Map([[functionKey({ name: nasty, file: "app.js" }), "fail" as const]]);
    const text = renderTextFlame(
      diffStacks(tree({ [`a;${nasty}`]: 1, "a;b": 9 }), tree({ [`a;${nasty}`]: 5, "a;b": 9 }), {
        verdicts,
      }),
    );
    expect(text).not.toContain("`");
    expect(text.split("\n").filter((l) => l.includes("injected"))).toHaveLength(1);
    expect(text).toContain("[fail]");
  });

  it("says so when nothing moved beyond the noise band", () => {
    const t = tree({ "a;b": 5, "a;c": 5 });
    expect(renderTextFlame(diffStacks(t, t)).trimEnd().split("\n").at(-1)).toBe(
      "no call path's share moved beyond the noise band",
    );
  });

  it("marks paths that appeared or disappeared", () => {
    const text = renderTextFlame(
      diffStacks(tree({ "a;old": 5, "a;b": 5 }), tree({ "a;new": 5, "a;b": 5 })),
    );
    expect(text).toMatch(/a › old \(gone\)|old \(gone\)/);
    expect(text).toMatch(/new \(new\)/);
  });
});
