import { describe, expect, it } from "vitest";
import { importProfile } from "../../src/import/index.js";
import { totals } from "../../src/model/totals.js";
import { dumpStacks } from "./dump.js";

// What the V8 CPU importer does with the shapes real tools write besides
// Chrome's usual one.
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const frame = (functionName: string, lineNumber = -1, url = "") => ({
  functionName,
  scriptId: "7",
  url,
  lineNumber,
  columnNumber: 0,
});

/** (root) -> (program) | (garbage collector) | main -> (anonymous closure at app.js:5). */
const nodes = [
  { id: 1, callFrame: frame("(root)"), hitCount: 0, children: [2, 3, 4] },
  { id: 2, callFrame: frame("(program)"), hitCount: 1 },
  { id: 3, callFrame: frame("(garbage collector)"), hitCount: 2 },
  { id: 4, callFrame: frame("main", 0, "file:///srv/app.js"), hitCount: 0, children: [5] },
  { id: 5, callFrame: frame("", 4, "file:///srv/app.js"), hitCount: 3 },
];

describe("v8-cpuprofile", () => {
  it("keeps (program) and (garbage collector) as frames, drops (root), names closures by place", () => {
    const r = importProfile(
      json({
        nodes,
        startTime: 0,
        endTime: 6000,
        samples: [2, 3, 3, 5, 5, 5],
        timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
      }),
      "t.cpuprofile",
    );
    expect(dumpStacks(r.profile, 1)).toEqual([
      "main;(anonymous) app.js:5 3000000",
      "(garbage collector) 2000000",
      "(program) 1000000",
    ]);
    // Period: the mean interval between samples, 1 ms.
    expect(Number(r.profile.period)).toBe(1_000_000);
  });

  it("without timeDeltas, spreads endTime - startTime evenly over the samples", () => {
    const r = importProfile(json({ nodes, startTime: 0, endTime: 600, samples: [2, 5, 5] }), "t");
    expect(totals(r.profile)).toEqual([3, 600_000]);
  });

  it("without samples, uses each node's hitCount", () => {
    const r = importProfile(json({ nodes, startTime: 0, endTime: 6000 }), "t");
    expect(totals(r.profile)).toEqual([6, 6_000_000]);
    expect(dumpStacks(r.profile, 0)).toEqual([
      "main;(anonymous) app.js:5 3",
      "(garbage collector) 2",
      "(program) 1",
    ]);
  });

  it("a sample on (root) itself keeps a (root) frame rather than an empty stack", () => {
    const r = importProfile(
      json({ nodes, startTime: 0, endTime: 2, samples: [1, 2], timeDeltas: [0, 1] }),
      "t",
    );
    expect(dumpStacks(r.profile, 0)).toEqual(["(program) 1", "(root) 1"]);
  });
});
