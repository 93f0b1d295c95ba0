import type { FlameStacks, HtmlInput } from "../../../src/report/flame/html.js";
import { compareSides, load, perturb, REAL, reportOf, stacks, type Side } from "./real-profiles.js";

export interface Scenario extends HtmlInput {
  name: string;
}

interface Pair {
  service: string;
  path: string;
  change: { grow: string; factor: number; drop: string };
}

function build(name: string, pairs: Pair[]): Scenario {
  const comparisons = [];
  const flames: FlameStacks[] = [];
  for (const p of pairs) {
    const base: Side = load(p.path);
    const head = perturb(load(p.path), p.change);
    const c = compareSides(p.service, base, head);
    comparisons.push(c);
    flames.push({
      service: p.service,
      kind: c.kind,
      unit: c.unit,
      base: stacks(base),
      head: stacks(head),
    });
  }
  return { name, report: reportOf(comparisons), flames };
}

/**
 * Real V8 profiles from speedscope's samples (MIT, see SOURCES.md), each
 * against a perturbed copy of itself: a CPU comparison (sucrase in Chrome
 * 65) and an allocation one (a Chrome 69 sampling heap profile).
 */
export function webScenario(): Scenario {
  return build("web", [
    {
      service: "web",
      path: `${REAL}/speedscope/Chrome_65_sucrase.cpuprofile`,
      change: { grow: "processRegion", factor: 1.8, drop: "keywords.some" },
    },
    {
      service: "web",
      path: `${REAL}/speedscope/Chrome_69_Heap-20181005T144546.heapprofile`,
      change: { grow: "s_$e", factor: 2, drop: "(BYTECODE_COMPILER)" },
    },
  ]);
}

/** google/pprof's large.cpu (240 s of Go, 425k call paths) against a perturbed copy. */
export function largeScenario(): Scenario {
  return build("large", [
    {
      service: "large",
      path: `${REAL}/pprof/large.cpu.pb.gz`,
      change: { grow: "time.now", factor: 1.5, drop: "math/rand.Int" },
    },
  ]);
}

/** google/pprof's sample.cpu (a Go map benchmark) against a perturbed copy. */
export function sampleScenario(): Scenario {
  return build("sample", [
    {
      service: "sample",
      path: `${REAL}/pprof/sample.cpu.pb.gz`,
      change: { grow: "runtime.mapassign_fast64", factor: 3, drop: "math.Abs" },
    },
  ]);
}
