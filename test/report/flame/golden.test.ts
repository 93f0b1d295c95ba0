import { describe, expect, it } from "vitest";
import type { StackNode } from "../../../src/compare/aggregate.js";
import type { Verdict } from "../../../src/compare/types.js";
import { functionKey } from "../../../src/model/functions.js";
import { diffStacks, renderSvg, renderTextFlame } from "../../../src/report/flame/index.js";
import { expectGolden } from "./golden.js";
import { load, perturb, REAL, stacks } from "./real-profiles.js";

/**
 * Goldens for real profiles, each against a perturbed copy of itself (one
 * path grown, one dropped, ±3 % jitter elsewhere). Verdicts are a fixed map
 * here, not the gate's output, so the goldens change only with the renderers.
 */
interface Case {
  name: string;
  path: string;
  change: { grow: string; factor: number; drop: string };
  unit: string;
  verdicts: Array<[string, string, Verdict]>;
  /** Also keep a golden of the base-width icicle view (small graphs only: the goldens are reviewed). */
  baseView?: boolean;
}

const CASES: Case[] = [
  {
    name: "large-cpu",
    path: `${REAL}/pprof/large.cpu.pb.gz`,
    change: { grow: "time.now", factor: 1.5, drop: "math/rand.Int" },
    unit: "nanoseconds",
    verdicts: [["time.now", "/usr/lib/google-golang/src/runtime/time_linux_amd64.s", "fail"]],
    baseView: true,
  },
  {
    name: "sample-cpu",
    path: `${REAL}/pprof/sample.cpu.pb.gz`,
    change: { grow: "runtime.mapassign_fast64", factor: 3, drop: "math.Abs" },
    unit: "nanoseconds",
    verdicts: [],
    baseView: true,
  },
  {
    name: "sucrase-cpu",
    path: `${REAL}/speedscope/Chrome_65_sucrase.cpuprofile`,
    change: { grow: "processRegion", factor: 1.8, drop: "keywords.some" },
    unit: "nanoseconds",
    verdicts: [],
  },
  {
    name: "chrome69-alloc",
    path: `${REAL}/speedscope/Chrome_69_Heap-20181005T144546.heapprofile`,
    change: { grow: "s_$e", factor: 2, drop: "(BYTECODE_COMPILER)" },
    unit: "bytes",
    verdicts: [],
  },
  {
    name: "vertx-folded",
    path: `${REAL}/speedscope/stackcollapse_perf-vertx-stacks-01-collapsed-all.txt`,
    change: {
      grow: "org/mozilla/javascript/ScriptableObject:.getSlot_[j]",
      factor: 2.5,
      drop: "SpinPause",
    },
    unit: "count",
    verdicts: [],
  },
];

function trees(c: Case): { base: StackNode; head: StackNode } {
  return { base: stacks(load(c.path)), head: stacks(perturb(load(c.path), c.change)) };
}

describe("flame goldens on real profiles", () => {
  for (const c of CASES) {
    it(`${c.name}: SVG and text flame`, () => {
      const { base, head } = trees(c);
      const verdicts = new Map(
        c.verdicts.map(([name, file, v]) => [functionKey({ name, file }), v]),
      );
      const tree = diffStacks(base, head, { verdicts });
      const title = `${c.name} vs perturbed copy`;
      const svg = renderSvg(tree, { unit: c.unit, title });
      expectGolden(`${c.name}.head.svg`, svg);
      if (c.baseView)
        expectGolden(
          `${c.name}.base-icicle.svg`,
          renderSvg(tree, { unit: c.unit, title, widths: "base", orientation: "icicle" }),
        );
      const text = renderTextFlame(tree, { maxLines: 20, width: 100 });
      expectGolden(`${c.name}.txt`, text);
      // Same input, same bytes: a fresh diff renders identically.
      expect(renderSvg(diffStacks(base, head, { verdicts }), { unit: c.unit, title })).toBe(svg);
      const lines = text.trimEnd().split("\n");
      expect(lines.length).toBeLessThanOrEqual(20);
      for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(100);
    });
  }
});
