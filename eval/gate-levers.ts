import { DEFAULT_GATE } from "../src/config.js";
import { wilsonInterval } from "../src/compare/stats/wilson.js";
import { judge } from "../src/compare/verdict/judge.js";
import { DEFAULT_VARIANT, type ProcedureVariant } from "../src/compare/verdict/policy.js";
import { type NoiseModel, type Scenario, rng, simulate, zipfShape } from "./simulate.js";

/**
 * The gate-side levers of issue 19, before and after side by side: every
 * trial's rounds are simulated once and judged by both procedures, so the
 * two columns differ only by the procedure (npm run eval -- --gate-levers).
 */

const SHAPE = zipfShape();

/** The procedures compared: the gate before the levers, with lever 4, with levers 4 and 5. */
export const GATE_VARIANTS: { label: string; variant: ProcedureVariant }[] = [
  {
    label: "before",
    variant: { ...DEFAULT_VARIANT, oneSidedFloor: false, intermittentOutOfPrior: false },
  },
  {
    label: "new frames on their side (4)",
    variant: { ...DEFAULT_VARIANT, oneSidedFloor: true, intermittentOutOfPrior: false },
  },
  {
    label: "4 + intermittent out of the prior (5)",
    variant: { ...DEFAULT_VARIANT, oneSidedFloor: true, intermittentOutOfPrior: true },
  },
];

interface LeverCell {
  name: string;
  scenario: Scenario;
  trials: number;
  /** What a hit is: the comparison fails, or one of these functions fails. */
  hit: "verdict-fail" | string[];
}

/**
 * The cells: A/A with a leaf that is inlined into its caller in some
 * processes (a frame that comes and goes, and with few rounds is sometimes
 * on one side only), a frame new in the head at ~8 % of CPU, and a
 * regression of an inlined leaf (which frame names it).
 */
export function leverCells(scale = 1): LeverCell[] {
  const n = (k: number) => Math.max(1, Math.round(k * scale));
  const cpu = (rounds: number, extra: Partial<Scenario> = {}): Scenario => ({
    kind: "cpu",
    rounds,
    paired: true,
    ...extra,
  });
  const cells: LeverCell[] = [];
  cells.push({
    name: "A/A, leaf of ~10 % inlined in half the processes, 5 rounds",
    scenario: cpu(5, { inlined: { leaf: 1, probability: 0.5 } }),
    trials: n(3_000),
    hit: "verdict-fail",
  });
  for (const K of [3, 10]) {
    cells.push({
      name: `A/A, ${K} rounds`,
      scenario: cpu(K),
      trials: n(3_000),
      hit: "verdict-fail",
    });
    for (const [leaf, label] of [
      [3, "~5 %"],
      [1, "~10 %"],
    ] as const) {
      cells.push({
        name: `A/A, leaf of ${label} inlined in half the processes, ${K} rounds`,
        scenario: cpu(K, { inlined: { leaf, probability: 0.5 } }),
        trials: n(3_000),
        hit: "verdict-fail",
      });
    }
    cells.push({
      name: `A/A, leaf of ~10 % inlined in 90 % of the processes, ${K} rounds`,
      scenario: cpu(K, { inlined: { leaf: 1, probability: 0.9 } }),
      trials: n(3_000),
      hit: "verdict-fail",
    });
    for (const share of [0.04, 0.08]) {
      cells.push({
        name: `new frame at ${share * 100} % of head CPU: it fails, ${K} rounds`,
        scenario: cpu(K, { newFrameShare: share }),
        trials: n(500),
        hit: ["new0"],
      });
    }
    for (const d of [1.25, 1.5]) {
      for (const [who, names] of [
        ["the leaf", ["leaf1"]],
        ["its caller", ["handler1"]],
        ["the leaf or its caller", ["leaf1", "handler1"]],
      ] as const) {
        cells.push({
          name: `+${Math.round((d - 1) * 100)} % in a leaf of ~10 % inlined in half the processes: ${who} fails, ${K} rounds`,
          scenario: cpu(K, { inlined: { leaf: 1, probability: 0.5 }, leafEffects: { 1: d } }),
          trials: n(500),
          hit: [...names],
        });
      }
      cells.push({
        name: `+${Math.round((d - 1) * 100)} % in a leaf of ~10 %, never inlined: the leaf fails, ${K} rounds`,
        scenario: cpu(K, { leafEffects: { 1: d } }),
        trials: n(500),
        hit: ["leaf1"],
      });
    }
  }
  return cells;
}

/** Per cell, per variant: hits. */
export function runLeverCells(cells: LeverCell[], noise: NoiseModel, seed: number): number[][] {
  return cells.map((cell, c) => {
    const u = rng(seed + c);
    const hits = GATE_VARIANTS.map(() => 0);
    for (let t = 0; t < cell.trials; t++) {
      const series = simulate(cell.scenario, noise, SHAPE, u);
      GATE_VARIANTS.forEach(({ variant }, v) => {
        const j = judge(series, DEFAULT_GATE, undefined, variant);
        const hit =
          cell.hit === "verdict-fail"
            ? j.verdict === "fail"
            : j.frames.some((f) => f.verdict === "fail" && cell.hit.includes(f.function));
        if (hit) hits[v]!++;
      });
    }
    return hits;
  });
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 2 : 1)} %`;

export function leverTableOf(cells: LeverCell[], hits: number[][]): string {
  const rate = (h: number, n: number) => {
    const [lo, hi] = wilsonInterval(h, n);
    return `${pct(h / n)} (${pct(lo)} – ${pct(hi)})`;
  };
  return [
    `| cell | trials | ${GATE_VARIANTS.map((v) => `${v.label}: rate (95 % CI)`).join(" | ")} |`,
    `|---|---:|${GATE_VARIANTS.map(() => "---:").join("|")}|`,
    ...cells.map(
      (c, i) =>
        `| ${c.name} | ${c.trials} | ${hits[i]!.map((h) => rate(h, c.trials)).join(" | ")} |`,
    ),
  ].join("\n");
}
