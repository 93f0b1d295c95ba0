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
    variant: { ...DEFAULT_VARIANT, oneSidedFloor: false, inliningViaCaller: false },
  },
  {
    label: "new frames on their side (4)",
    variant: { ...DEFAULT_VARIANT, oneSidedFloor: true, inliningViaCaller: false },
  },
  {
    label: "4 + inlining through the caller (5)",
    variant: { ...DEFAULT_VARIANT, oneSidedFloor: true, inliningViaCaller: true },
  },
];

/**
 * The gate levers of issue 19's second round, on top of levers 4 and 5: the
 * fail rule on the interval's upper end (outcome.ts reachableGrowth), and
 * half the frames' alpha shared by each frame's share (frames.ts valueWeight).
 */
export const ISSUE_VARIANTS: { label: string; variant: ProcedureVariant }[] = [
  {
    label: "4 + 5 (before)",
    variant: { ...DEFAULT_VARIANT, intervalThreshold: false, alphaByShare: 0 },
  },
  {
    label: "+ threshold on the interval",
    variant: { ...DEFAULT_VARIANT, intervalThreshold: true, alphaByShare: 0 },
  },
  {
    label: "+ alpha by share",
    variant: { ...DEFAULT_VARIANT, intervalThreshold: false, alphaByShare: 0.5 },
  },
  {
    label: "both",
    variant: { ...DEFAULT_VARIANT, intervalThreshold: true, alphaByShare: 0.5 },
  },
];

/**
 * Issue 19's cases at the default budget (10 paired rounds) and the demo's (3):
 * A/A, +10 % in the hottest frame (leaf0, ~21 % of the samples), +25 % in a frame
 * of ~10 % (leaf1), a uniform +10 % of the total, and +5 % in the hottest frame
 * (what the interval rule newly fails: a real change under the threshold), and
 * +50 % in a frame of ~2 % (what sharing alpha by share takes from cold frames).
 */
export function issueCells(scale = 1): LeverCell[] {
  const n = (k: number) => Math.max(1, Math.round(k * scale));
  const cells: LeverCell[] = [];
  for (const rounds of [10, 5, 3]) {
    const cpu = (extra: Partial<Scenario> = {}): Scenario => ({
      kind: "cpu",
      rounds,
      paired: true,
      ...extra,
    });
    cells.push(
      { name: `A/A, ${rounds} rounds`, scenario: cpu(), trials: n(3_000), hit: "verdict-fail" },
      {
        name: `A/A, leaf of ~10 % inlined in half the processes, ${rounds} rounds`,
        scenario: cpu({ inlined: { leaf: 1, probability: 0.5 } }),
        trials: n(3_000),
        hit: "verdict-fail",
      },
      {
        name: `+10 % in the hottest frame (~21 %) fails, ${rounds} rounds`,
        scenario: cpu({ leafEffects: { 0: 1.1 } }),
        trials: n(500),
        hit: ["leaf0"],
      },
      {
        name: `+5 % in the hottest frame fails, ${rounds} rounds`,
        scenario: cpu({ leafEffects: { 0: 1.05 } }),
        trials: n(500),
        hit: ["leaf0"],
      },
      {
        name: `+25 % in a frame of ~10 % fails, ${rounds} rounds`,
        scenario: cpu({ leafEffects: { 1: 1.25 } }),
        trials: n(500),
        hit: ["leaf1"],
      },
      {
        name: `+50 % in a frame of ~2 % fails, ${rounds} rounds`,
        scenario: cpu({ leafEffects: { 9: 1.5 } }),
        trials: n(500),
        hit: ["leaf9"],
      },
      {
        name: `uniform +10 %: the total fails, ${rounds} rounds`,
        scenario: cpu({ uniform: 1.1 }),
        trials: n(500),
        hit: "total-fail",
      },
    );
  }
  return cells;
}

interface LeverCell {
  name: string;
  scenario: Scenario;
  trials: number;
  /** What a hit is: the comparison fails, its total fails, or one of these functions fails. */
  hit: "verdict-fail" | "total-fail" | string[];
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
export function runLeverCells(
  cells: LeverCell[],
  noise: NoiseModel,
  seed: number,
  variants = GATE_VARIANTS,
): number[][] {
  return cells.map((cell, c) => {
    const u = rng(seed + c);
    const hits = variants.map(() => 0);
    for (let t = 0; t < cell.trials; t++) {
      const series = simulate(cell.scenario, noise, SHAPE, u);
      variants.forEach(({ variant }, v) => {
        const j = judge(series, DEFAULT_GATE, undefined, variant);
        const hit =
          cell.hit === "verdict-fail"
            ? j.verdict === "fail"
            : cell.hit === "total-fail"
              ? j.total.verdict === "fail"
              : j.frames.some((f) => f.verdict === "fail" && cell.hit.includes(f.function));
        if (hit) hits[v]!++;
      });
    }
    return hits;
  });
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 2 : 1)} %`;

export function leverTableOf(
  cells: LeverCell[],
  hits: number[][],
  variants = GATE_VARIANTS,
): string {
  const rate = (h: number, n: number) => {
    const [lo, hi] = wilsonInterval(h, n);
    return `${pct(h / n)} (${pct(lo)} – ${pct(hi)})`;
  };
  return [
    `| cell | trials | ${variants.map((v) => `${v.label}: rate (95 % CI)`).join(" | ")} |`,
    `|---|---:|${variants.map(() => "---:").join("|")}|`,
    ...cells.map(
      (c, i) =>
        `| ${c.name} | ${c.trials} | ${hits[i]!.map((h) => rate(h, c.trials)).join(" | ")} |`,
    ),
  ].join("\n");
}

/** Round splits of one capture budget per side: rounds × window seconds. */
const SPLITS: { rounds: number; seconds: number }[] = [
  { rounds: 5, seconds: 20 },
  { rounds: 10, seconds: 10 },
  { rounds: 20, seconds: 5 },
  { rounds: 25, seconds: 4 },
];

/**
 * More, shorter rounds or fewer, longer ones at a fixed capture budget per side (100 s of
 * windows, ab): samples per round scale with the window (`samplesPerSecond`), the frame
 * noise between processes is the noise model's whatever the window (an assumption: a short
 * window averages less GC and JIT, so it flatters short rounds). Per split: A/A gate
 * failures, +10 % in the hottest frame (~21 %), +25 % in a frame of ~10 %, uniform +10 %.
 */
export function splitTable(
  noise: NoiseModel,
  samplesPerSecond: number,
  seed: number,
  scale = 1,
): string {
  const n = (k: number) => Math.max(1, Math.round(k * scale));
  const cases: {
    what: string;
    extra: Partial<Scenario>;
    trials: number;
    hit: (j: Judged) => boolean;
  }[] = [
    { what: "A/A fails", extra: {}, trials: n(1_000), hit: (j) => j.verdict === "fail" },
    {
      what: "+10 % in ~21 %",
      extra: { leafEffects: { 0: 1.1 } },
      trials: n(300),
      hit: (j) => j.frames.some((f) => f.function === "leaf0" && f.verdict === "fail"),
    },
    {
      what: "+25 % in ~10 %",
      extra: { leafEffects: { 1: 1.25 } },
      trials: n(300),
      hit: (j) => j.frames.some((f) => f.function === "leaf1" && f.verdict === "fail"),
    },
    {
      what: "uniform +10 %",
      extra: { uniform: 1.1 },
      trials: n(300),
      hit: (j) => j.total.verdict === "fail",
    },
  ];
  const rows = SPLITS.map((split, s) => {
    const model = { ...noise, cpuSamplesPerRound: samplesPerSecond * split.seconds };
    const rates = cases.map((c, k) => {
      const u = rng(seed + 100 * s + k);
      let hits = 0;
      for (let t = 0; t < c.trials; t++) {
        const series = simulate(
          { kind: "cpu", rounds: split.rounds, paired: true, ...c.extra },
          model,
          SHAPE,
          u,
        );
        if (c.hit(judge(series, DEFAULT_GATE))) hits++;
      }
      const [lo, hi] = wilsonInterval(hits, c.trials);
      return `${pct(hits / c.trials)} (${pct(lo)} – ${pct(hi)})`;
    });
    return `| ${split.rounds} × ${split.seconds} s | ${model.cpuSamplesPerRound} | ${rates.join(" | ")} |`;
  });
  return [
    `| rounds × window | CPU samples per round | ${cases.map((c) => `${c.what} (${c.trials})`).join(" | ")} |`,
    `|---|---:|${cases.map(() => "---:").join("|")}|`,
    ...rows,
  ].join("\n");
}

type Judged = ReturnType<typeof judge>;
