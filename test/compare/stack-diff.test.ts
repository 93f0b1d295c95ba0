import { describe, expect, it } from "vitest";
import { diffStacks, type DiffNode } from "../../src/compare/stack-diff.js";
import { functionKey } from "../../src/model/functions.js";
import { load, REAL, stacks } from "../report/flame/real-profiles.js";
import { tree } from "../report/flame/trees.js";

const child = (n: DiffNode, name: string) => n.children.find((c) => c.name === name)!;

describe("diffStacks", () => {
  it("merges both sides, sorts children by name, and colours by share of each side's total", () => {
    const d = diffStacks(tree({ "a;b": 3, "a;c": 1 }), tree({ "a;b": 6, "a;d": 2 }));
    expect(d.baseTotal).toBe(4);
    expect(d.headTotal).toBe(8);
    const a = child(d.root, "a");
    expect(a.children.map((c) => c.name)).toEqual(["b", "c", "d"]);
    const [b, c, dd] = a.children as [DiffNode, DiffNode, DiffNode];
    // b doubled, but so did the total: its share (75 %) did not move.
    expect([b.base, b.head, b.baseShare, b.headShare, b.change]).toEqual([
      3,
      6,
      0.75,
      0.75,
      "neutral",
    ]);
    expect([c.head, c.shareDelta, c.shareRel, c.change, c.heat]).toEqual([
      0,
      -0.25,
      -1,
      "shrank",
      -1,
    ]);
    expect([dd.base, dd.shareDelta, dd.shareRel, dd.change, dd.heat]).toEqual([
      0,
      0.25,
      null,
      "grew",
      1,
    ]);
    expect([b.baseSelf, b.headSelf, a.baseSelf]).toEqual([3, 6, 0]);
  });

  it("is neutral everywhere when one side is empty", () => {
    const d = diffStacks(tree({ "a;b": 3 }), tree({}));
    expect(d.headTotal).toBe(0);
    const all: DiffNode[] = [];
    const walk = (n: DiffNode) => (all.push(n), n.children.forEach(walk));
    walk(d.root);
    expect(all.map((n) => n.change)).toEqual(["neutral", "neutral", "neutral"]);
  });

  it("keeps changes inside the noise band grey, and the band is configurable", () => {
    // x: 50 % -> 51 % of the total, +1 pp but +2 % relative: inside the 5 % band.
    const base = tree({ x: 500, y: 500 });
    const head = tree({ x: 510, y: 490 });
    expect(child(diffStacks(base, head).root, "x").change).toBe("neutral");
    const strict = diffStacks(base, head, { noiseRel: 0.01, noiseShare: 0.001 });
    expect(child(strict.root, "x").change).toBe("grew");
    expect(child(strict.root, "x").heat).toBeCloseTo(0.02, 10);
    expect(child(strict.root, "y").change).toBe("shrank");
  });

  it("attaches the report's verdict to every path of the function", () => {
    const verdicts = new Map([[functionKey({ name: "b", file: "app.js" }), "fail" as const]]);
    const d = diffStacks(tree({ "a;b": 1, "c;b": 1 }), tree({ "a;b": 2, "c;b": 1 }), { verdicts });
    expect(child(child(d.root, "a"), "b").verdict).toBe("fail");
    expect(child(child(d.root, "c"), "b").verdict).toBe("fail");
    expect(child(d.root, "a").verdict).toBeUndefined();
  });

  it("merges frames narrower than minShare on both sides, keeping their callees by function", () => {
    const thin: Record<string, number> = { "main;work": 9000 };
    for (let i = 0; i < 1000; i++) thin[`main;handler${String(i).padStart(4, "0")};json`] = 1;
    const d = diffStacks(tree(thin), tree(thin));
    const main = child(d.root, "main");
    expect(main.children.map((c) => c.name)).toEqual(["work", "(1000 narrow frames)"]);
    const merged = main.children[1]!;
    expect([merged.merged, merged.base, merged.head, merged.file]).toEqual([1000, 1000, 1000, ""]);
    // 1000 thin callers of json add up to 10 %: json is drawn above the merge.
    expect(merged.children.map((c) => [c.name, c.base])).toEqual([["json", 1000]]);
    expect(d.mergedFrames).toBe(1000);
    expect(d.nodes).toBe(5);
    // Wider than 1 % on the head side alone is enough to stay.
    const head = { ...thin, "main;handler0001;json": 200 };
    const kept = diffStacks(tree(thin), tree(head), { minShare: 0.01 });
    expect(child(child(kept.root, "main"), "handler0001").head).toBe(200);
  });

  it("does not depend on insertion order", () => {
    const entries = Object.entries({ "a;b": 3, "a;c": 1, "z;y": 5, "m;n;o": 2 });
    const fwd = diffStacks(tree(Object.fromEntries(entries)), tree({ "a;b": 1 }));
    const rev = diffStacks(tree(Object.fromEntries(entries.reverse())), tree({ "a;b": 1 }));
    expect(JSON.stringify(rev)).toBe(JSON.stringify(fwd));
  });

  it("on a real profile against itself: every node neutral, children within their parent", () => {
    const root = stacks(load(`${REAL}/pprof/sample.cpu.pb.gz`));
    const d = diffStacks(root, root);
    const walk = (n: DiffNode) => {
      expect(n.change).toBe("neutral");
      expect(n.base).toBe(n.head);
      const inside = n.children.reduce((s, c) => s + c.base, 0);
      expect(inside + n.baseSelf).toBeCloseTo(n.base, 6);
      n.children.forEach(walk);
    };
    walk(d.root);
    expect(d.root.base).toBe(root.value);
  });
});
