import { DEFAULT_BUDGET, DEFAULT_GATE, type GateConfig } from "../src/config.js";
import type { KindSeries } from "../src/compare/series.js";
import { wilsonInterval } from "../src/compare/stats/wilson.js";
import { judge } from "../src/compare/verdict/judge.js";
import { type NoiseModel, type Scenario, rng, simulate, zipfShape } from "./simulate.js";

/**
 * The offline evaluation: thousands of simulated trials per cell, each
 * judged by the real judge(). A cell is a scenario (A/A, a regression of
 * known size in a frame of known share, a uniform slowdown, an improvement)
 * and what counts as a hit in it.
 */

export interface Cell {
  name: string;
  scenario: Scenario;
  trials: number;
  /** What is measured: gate failures (A/A), detection of a frame, of the total, or wrong frame fails. */
  measure: "false-alarm" | "frame" | "total" | "wrong-frame";
  /** Leaf whose change is to be detected ("frame"), or whose ancestors may legitimately change. */
  target?: number;
}

export interface CellResult {
  cell: Cell;
  /** Trials where the measured event happened. */
  hits: number;
  /** Trials whose overall verdict was warn, and fail. */
  warns: number;
  fails: number;
  /** Pooled unadjusted p-values of tested frames: how many, and how many below 0.01. */
  pooledP: number;
  pBelow01: number;
}

const SHAPE = zipfShape();
/** leaf i's parent frame, as named by simulate(). */
const parentOf = (leaf: number) => `handler${SHAPE.leafParent[leaf]}`;

function hit(
  cell: Cell,
  series: KindSeries,
  gate: GateConfig,
): { hit: boolean; j: ReturnType<typeof judge> } {
  const j = judge(series, gate);
  const failed = j.frames.filter((f) => f.verdict === "fail").map((f) => f.function);
  switch (cell.measure) {
    case "false-alarm":
      return { hit: j.verdict === "fail", j };
    case "frame":
      return { hit: failed.includes(`leaf${cell.target}`), j };
    case "total":
      return { hit: j.total.verdict === "fail", j };
    case "wrong-frame": {
      const legit = new Set([`leaf${cell.target}`, parentOf(cell.target ?? 0), "main"]);
      return { hit: failed.some((f) => !legit.has(f)), j };
    }
  }
}

export function runCell(
  cell: Cell,
  noise: NoiseModel,
  seed: number,
  gate = DEFAULT_GATE,
): CellResult {
  const u = rng(seed);
  const out: CellResult = { cell, hits: 0, warns: 0, fails: 0, pooledP: 0, pBelow01: 0 };
  for (let i = 0; i < cell.trials; i++) {
    const { hit: h, j } = hit(cell, simulate(cell.scenario, noise, SHAPE, u), gate);
    if (h) out.hits++;
    if (j.verdict === "warn") out.warns++;
    if (j.verdict === "fail") out.fails++;
    for (const f of j.frames) {
      if (f.untested !== undefined || f.pRaw === undefined) continue;
      out.pooledP++;
      if (f.pRaw < 0.01) out.pBelow01++;
    }
  }
  return out;
}

/**
 * The cells of the offline table at `rounds` per side (default: the default budget's);
 * `scale` multiplies every trial count (quick runs, tests).
 */
export function offlineCells(scale = 1, rounds: number = DEFAULT_BUDGET.rounds): Cell[] {
  const n = (k: number) => Math.max(1, Math.round(k * scale));
  const K = rounds;
  const cpu = (rounds: number, paired: boolean, extra: Partial<Scenario> = {}): Scenario => ({
    kind: "cpu",
    rounds,
    paired,
    ...extra,
  });
  const cells: Cell[] = [
    {
      name: `A/A cpu, ab (paired), ${K} rounds`,
      scenario: cpu(K, true),
      trials: n(10_000),
      measure: "false-alarm",
    },
    {
      name: `A/A cpu, stored baseline (unpaired), ${K} rounds`,
      scenario: cpu(K, false),
      trials: n(2_000),
      measure: "false-alarm",
    },
    {
      name: `A/A alloc, ab, ${K} rounds`,
      scenario: { kind: "alloc", rounds: K, paired: true },
      trials: n(1_000),
      measure: "false-alarm",
    },
    {
      name: "A/A cpu, two lone profiles (1 round)",
      scenario: cpu(1, false),
      trials: n(1_000),
      measure: "false-alarm",
    },
  ];
  // Leaf 0 holds ~21 % of the CPU, leaf 3 ~5 %, leaf 1 ~10 % (zipfShape with 50 leaves).
  for (const [leaf, label] of [
    [0, "~21 %"],
    [3, "~5 %"],
  ] as const) {
    for (const d of [1.1, 1.2, 1.3]) {
      cells.push({
        name: `+${Math.round((d - 1) * 100)} % in a frame of ${label} CPU, ab, ${K} rounds`,
        scenario: cpu(K, true, { leafEffects: { [leaf]: d } }),
        trials: n(300),
        measure: "frame",
        target: leaf,
      });
    }
  }
  cells.push(
    {
      name: `+20 % in a frame of ~21 % CPU, stored baseline, ${K} rounds`,
      scenario: cpu(K, false, { leafEffects: { 0: 1.2 } }),
      trials: n(300),
      measure: "frame",
      target: 0,
    },
    {
      name: `+10 % bytes/request in a frame of ~10 % bytes, ab, ${K} rounds`,
      scenario: { kind: "alloc", rounds: K, paired: true, leafEffects: { 1: 1.1 } },
      trials: n(300),
      measure: "frame",
      target: 1,
    },
    {
      name: "+10 % bytes/request in a frame of ~10 % bytes, stored baseline",
      scenario: { kind: "alloc", rounds: K, paired: false, leafEffects: { 1: 1.1 } },
      trials: n(300),
      measure: "frame",
      target: 1,
    },
    {
      name: `uniform +10 % CPU/request (totals test), ab, ${K} rounds`,
      scenario: cpu(K, true, { uniform: 1.1 }),
      trials: n(300),
      measure: "total",
    },
    {
      name: "uniform +10 % CPU/request (totals test), stored baseline",
      scenario: cpu(K, false, { uniform: 1.1 }),
      trials: n(300),
      measure: "total",
    },
    {
      name: "hottest frame 30 % faster: another frame fails",
      scenario: cpu(K, true, { leafEffects: { 0: 0.7 } }),
      trials: n(1_000),
      measure: "wrong-frame",
      target: 0,
    },
  );
  return cells;
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 2 : 1)} %`;

export function formatTable(results: CellResult[]): string {
  const rows = results.map((r) => {
    const [lo, hi] = wilsonInterval(r.hits, r.cell.trials);
    const what = {
      "false-alarm": "gate fails",
      frame: "frame detected",
      total: "total detected",
      "wrong-frame": "other frame fails",
    }[r.cell.measure];
    const pooled = r.pooledP > 0 ? pct(r.pBelow01 / r.pooledP) : "–";
    return `| ${r.cell.name} | ${r.cell.trials} | ${what} | ${pct(r.hits / r.cell.trials)} | ${pct(lo)} – ${pct(hi)} | ${pct(r.warns / r.cell.trials)} | ${pooled} |`;
  });
  return [
    "| cell | trials | measure | rate | 95 % CI (Wilson) | warn verdicts | frame p < 0.01 |",
    "|---|---:|---|---:|---|---:|---:|",
    ...rows,
  ].join("\n");
}

/** Budgets the MDE table covers: rounds per side × CPU samples per round (window × Hz × busy cores). */
const BUDGETS: { rounds: number; samples: number; label: string }[] = [
  { rounds: 5, samples: 2_000, label: "Go/py-spy, 10 s window (old default, 5 rounds)" },
  { rounds: 10, samples: 2_000, label: "Go/py-spy, 10 s window (default)" },
  { rounds: 5, samples: 10_000, label: "Node 1 kHz, 10 s window (old default, 5 rounds)" },
  { rounds: 10, samples: 10_000, label: "Node 1 kHz, 10 s window (default)" },
  { rounds: 14, samples: 8_000, label: "Node 1 kHz, 14 rounds × 8 s" },
  { rounds: 10, samples: 50_000, label: "5× the samples (rate or window)" },
  { rounds: 20, samples: 10_000, label: "Node, 20 rounds" },
];

/**
 * What a budget can detect: the median over simulated A/A ab runs of the
 * run's own MDEs (smallest growth detectable with 80 % power in a frame of 5 %,
 * smallest share at which +10 % is, smallest uniform change of the total).
 */
export function mdeTable(noise: NoiseModel, trialsPerBudget = 41, seed = 1): string {
  const u = rng(seed);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
  const rows = BUDGETS.map((b) => {
    const model = { ...noise, cpuSamplesPerRound: b.samples };
    const mdes = Array.from(
      { length: trialsPerBudget },
      () =>
        judge(
          simulate({ kind: "cpu", rounds: b.rounds, paired: true }, model, SHAPE, u),
          DEFAULT_GATE,
        ).mde,
    );
    const share = med(mdes.map((m) => m.frameSharePct));
    return `| ${b.rounds} | ${b.samples} | ${b.label} | +${med(mdes.map((m) => m.deltaPct)).toFixed(0)} % | ${share >= 100 ? "not detectable" : `${share.toFixed(1)} %`} | ±${med(mdes.map((m) => m.totalPct ?? NaN)).toFixed(1)} % |`;
  });
  return [
    "| rounds per side | CPU samples per round | budget | MDE in a frame of 5 % | smallest share where +10 % fails | MDE of the total (ab) |",
    "|---:|---:|---|---:|---:|---:|",
    ...rows,
  ].join("\n");
}
