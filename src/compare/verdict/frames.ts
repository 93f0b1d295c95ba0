import {
  FALLBACK_PRIOR_DF,
  type GateConfig,
  MAX_PRIOR_DF,
  type GateStatistics,
  type KindThresholds,
} from "../../config.js";
import type { KindSeries } from "../series.js";
import { mean, sum, sumSquares, variance } from "../stats/describe.js";
import { weightedHolmAdjust } from "../stats/holm.js";
import {
  estimatePriorDf,
  moderatedVariance,
  priorExcessVariance,
  varianceRatioTail,
} from "../stats/moderated.js";
import { type TTestResult, tTest } from "../stats/t-tests.js";
import { severity } from "../severity.js";
import type { Verdict } from "../types.js";
import { type Design, logPerWork, sampleCounts } from "./design.js";
import type { VerdictNote } from "./notes.js";
import { decide, growthOf, reachableGrowth } from "./outcome.js";
import {
  EXCESS_VARIANCE_FLOOR,
  JOB_FRAME_SIGMA,
  OUTLIER_LEVEL,
  PSEUDOCOUNT,
  DEFAULT_VARIANT,
  type ProcedureVariant,
  alphaFrames,
} from "./policy.js";
import { floorCount, intermittent } from "./select.js";
import type { FramePrior } from "./power.js";

/**
 * The frame tests and their prior: per frame and value (self, cum) the
 * change on the log scale with its own round-to-round variance, a moderated
 * variance that borrows from the typical frame (limma's prior, with the
 * Poisson part known), Holm across the tested frames.
 */

/** One tested quantity (a frame's self or cum counts) before the prior is known. */
export interface ValueStats {
  delta: number;
  /** Own variance per round on the log scale, and its degrees of freedom. */
  s2: number;
  df: number;
  /** Poisson part of the per-round log variance, π = ½(1/x̄_base + 1/x̄_head). */
  poisson: number;
  /** Mean sample count per round: base, head, and both pooled. */
  meanBase: number;
  meanHead: number;
  pooled: number;
  /** Mean log count per unit of work, corrected for machine speed: base, head (delta = head − base). */
  levelBase: number;
  levelHead: number;
  /** The count per round gate.min-count is checked on (floorCount). */
  floor: number;
  /** Counts that come and go between processes (intermittent). */
  intermittent: boolean;
}

function valueStats(
  counts: number[],
  design: Design,
  variant: ProcedureVariant,
  minCount: number,
): ValueStats {
  const { baseRounds, headRounds } = design;
  const y = logPerWork(counts, design).map((v, r) => v - design.logSize[r]!);
  const yBase = y.slice(0, baseRounds);
  const yHead = y.slice(baseRounds);
  const meanBase = mean(counts.slice(0, baseRounds));
  const meanHead = mean(counts.slice(baseRounds));
  const poisson = 0.5 * (1 / (meanBase + PSEUDOCOUNT) + 1 / (meanHead + PSEUDOCOUNT));
  const pooled = mean(counts);
  const levelBase = mean(yBase);
  const levelHead = mean(yHead);
  const shared = {
    poisson,
    meanBase,
    meanHead,
    pooled,
    levelBase,
    levelHead,
    floor: floorCount(counts, baseRounds, variant),
    intermittent: intermittent(counts, baseRounds, minCount),
  };
  if (design.paired) {
    const z = yHead.map((v, r) => v - yBase[r]!);
    // Var(z) is twice the per-round variance of one side; store the per-side figure.
    return { delta: mean(z), s2: variance(z) / 2, df: z.length - 1, ...shared };
  }
  const df = baseRounds + headRounds - 2;
  const s2 = df > 0 ? (sumSquares(yBase) + sumSquares(yHead)) / df : 0;
  return { delta: levelHead - levelBase, s2, df, ...shared };
}

/** A value of a frame that enters the Holm family. */
export interface FrameTest {
  frame: number;
  which: "self" | "cum";
  value: ValueStats;
}

/**
 * The frames' counts, and their statistics and tests computed once and only
 * for the frames that are tested or listed: a 23k-function profile tests at
 * most MAX_TESTED_FRAMES of them. Size factors must be set on the design
 * before the first statsOf, the prior before the first testOf.
 */
export class FrameStatistics {
  readonly selfCounts: number[][];
  readonly cumCounts: number[][];
  prior: FramePrior = { sigma0sq: 0, priorDf: 0 };
  /** Mean base total in samples per round (1 when empty), for the share a change adds. */
  readonly baseTotalCount: number;
  private readonly sameAsSelf: boolean[];
  private readonly stats = new Map<number, { self: ValueStats; cum: ValueStats }>();
  private readonly tests = new Map<ValueStats, TTestResult>();

  constructor(
    readonly series: KindSeries,
    readonly design: Design,
    readonly minCount: number,
    readonly variant: ProcedureVariant = DEFAULT_VARIANT,
  ) {
    this.selfCounts = series.frames.map((f) => sampleCounts(f.self, design));
    this.cumCounts = series.frames.map((f) => sampleCounts(f.cum, design));
    this.sameAsSelf = this.cumCounts.map((c, i) => c.every((v, r) => v === this.selfCounts[i]![r]));
    this.baseTotalCount =
      mean(sampleCounts(series.totals, design).slice(0, design.baseRounds)) || 1;
  }

  /** The share of the base total a change of `delta` (log scale) in `v` adds. */
  addedShare(v: ValueStats, delta: number): number {
    return (growthOf(delta) * (v.meanBase + PSEUDOCOUNT)) / this.baseTotalCount;
  }

  /** A frame's self samples as a share of all samples (a fraction), both sides pooled. */
  selfShare(i: number): number {
    const total = this.design.totalCount;
    return total > 0 ? Math.min(1, this.statsOf(i).self.pooled / total) : 0;
  }

  /** A frame's self and cum statistics; the same object for both when they are equal. */
  statsOf(i: number): { self: ValueStats; cum: ValueStats } {
    let v = this.stats.get(i);
    if (!v) {
      const self = valueStats(this.selfCounts[i]!, this.design, this.variant, this.minCount);
      const cum = this.sameAsSelf[i]
        ? self
        : valueStats(this.cumCounts[i]!, this.design, this.variant, this.minCount);
      v = { self, cum };
      this.stats.set(i, v);
    }
    return v;
  }

  /** One test per tested quantity: the family, the display of both values and the MDE share it. */
  testOf(v: ValueStats): TTestResult {
    let t = this.tests.get(v);
    if (!t) {
      t = moderatedTest(v, this.prior, this.design);
      this.tests.set(v, t);
    }
    return t;
  }

  /** The count per round each frame's cum value is checked on against min-count (floorCount). */
  cumFloors(): number[] {
    return this.cumCounts.map((c) => floorCount(c, this.design.baseRounds, this.variant));
  }

  /** The values tested for `candidates`: self when it holds minCount samples, cum when it differs. */
  family(candidates: readonly number[], minCount: number): FrameTest[] {
    const family: FrameTest[] = [];
    for (const i of candidates) {
      const { self, cum } = this.statsOf(i);
      if (self.floor >= minCount) family.push({ frame: i, which: "self", value: self });
      if (cum !== self) family.push({ frame: i, which: "cum", value: cum });
    }
    return family;
  }
}

function moderatedTest(v: ValueStats, prior: FramePrior, design: Design): TTestResult {
  const expected = v.poisson + prior.sigma0sq;
  const outlier =
    v.df > 0 && varianceRatioTail(v.s2 / expected, v.df, prior.priorDf) < OUTLIER_LEVEL;
  const s2 = outlier ? v.s2 : moderatedVariance(v.s2, v.df, expected, prior.priorDf);
  const dfAll = outlier ? v.df : prior.priorDf + v.df;
  const df = dfAll > 0 ? dfAll : Infinity;
  const between = design.paired ? 0 : 2 * JOB_FRAME_SIGMA ** 2;
  return tTest({
    delta: v.delta,
    se: Math.sqrt(s2 * (1 / design.baseRounds + 1 / design.headRounds) + between),
    df,
  });
}

/**
 * The prior of the frame tests: σ0² from the frames with replicated rounds
 * (else gate.prior-sigma), and its df (gate.prior-df, or estimated from the
 * spread of the frames' variances, at most MAX_PRIOR_DF).
 */
export function framePrior(
  family: readonly FrameTest[],
  stats: GateStatistics,
  design: Design,
  notes: VerdictNote[],
): FramePrior & { replicated: boolean } {
  const replicated = family.filter((t) => t.value.df > 0);
  const sigma0sq =
    replicated.length > 0
      ? priorExcessVariance(
          replicated.map((t) => ({ s2: t.value.s2, poisson: t.value.poisson })),
          EXCESS_VARIANCE_FLOOR,
        )
      : Math.max(EXCESS_VARIANCE_FLOOR, stats.priorSigma ** 2);
  if (replicated.length === 0 && family.length > 0)
    notes.push({
      code: "one-round",
      frameSigma: Math.sqrt(sigma0sq),
      totalSigma: stats.totalSigma,
    });
  const designDf = design.paired
    ? design.baseRounds - 1
    : design.baseRounds + design.headRounds - 2;
  const priorDf =
    stats.priorDf !== "auto"
      ? stats.priorDf
      : Math.min(
          MAX_PRIOR_DF,
          estimatePriorDf(
            replicated.map((t) => ({ s2: t.value.s2, prior: t.value.poisson + sigma0sq })),
            designDf,
          ) ?? FALLBACK_PRIOR_DF,
        );
  if (replicated.length > 0)
    notes.push({
      code: "frame-noise",
      frameSigma: Math.sqrt(sigma0sq),
      priorDf,
      maxPriorDf: MAX_PRIOR_DF,
      estimated: stats.priorDf === "auto",
    });
  return { sigma0sq, priorDf, replicated: replicated.length > 0 };
}

/** How a frame is shown: the value its verdict is about, with that value's test. */
export interface FrameCall {
  which: "self" | "cum";
  test: TTestResult;
  /** Holm-adjusted p when tested; the raw p otherwise. */
  p: number;
  verdict: Verdict;
  /** Estimated growth × base share: the share of the base total this change adds. */
  added: number;
  value: ValueStats;
  /** The estimate is over the thresholds (growth and min-share): warns if likely, undecided if not proven. */
  over: boolean;
  /** Its first Holm step's level: the frames' alpha × its weight (familyWeights). */
  level?: number;
}

/**
 * The weight of a value in the Holm family of `m` values: an equal part of
 * 1 − λ, and λ × `share` (its frame's self share of the samples, a fraction)
 * split among the frame's `values` tested values; λ is the variant's
 * alphaByShare (policy.ts SHARE_WEIGHTED_ALPHA).
 */
export function valueWeight(
  share: number,
  m: number,
  values: number,
  variant: ProcedureVariant,
): number {
  const byShare = variant.alphaByShare;
  return (1 - byShare) / m + (byShare * share) / values;
}

/** The first weighted-Holm step's level of a value of weight `weight`: the frames' alpha × its part of the weights. */
function firstStepLevel(gate: GateConfig, weight: number, weightSum: number): number {
  return weightSum > 0 ? (alphaFrames(gate) * weight) / weightSum : alphaFrames(gate);
}

/** The first Holm step's level of a one-value frame holding `share` in a family with these weights. */
export function levelForShare(
  weights: readonly number[],
  gate: GateConfig,
  variant: ProcedureVariant,
): (share: number) => number {
  const total = sum(weights);
  return (share) => firstStepLevel(gate, valueWeight(share, weights.length, 1, variant), total);
}

/** The Holm weights of the family (valueWeight), shares pooled over both sides: blind to the change. */
export function familyWeights(frames: FrameStatistics, family: readonly FrameTest[]): number[] {
  const values = new Map<number, number>();
  for (const t of family) values.set(t.frame, (values.get(t.frame) ?? 0) + 1);
  return family.map((t) =>
    valueWeight(frames.selfShare(t.frame), family.length, values.get(t.frame)!, frames.variant),
  );
}

/**
 * The verdict of every tested frame: each value of the family against the
 * thresholds and the min-share floor at its weighted-Holm-adjusted p; a frame
 * with two values keeps the worse verdict (then the smaller p).
 */
export function testFamily(
  frames: FrameStatistics,
  family: readonly FrameTest[],
  weights: readonly number[],
  gate: GateConfig,
  thresholds: KindThresholds,
): Map<number, FrameCall> {
  const tests = family.map((t) => frames.testOf(t.value));
  const adjusted = weightedHolmAdjust(
    tests.map((t) => t.p),
    weights,
  );
  const weightSum = sum(weights);
  const best = new Map<number, FrameCall>();
  family.forEach((t, j) => {
    const test = tests[j]!;
    const added = frames.addedShare(t.value, test.delta);
    const over = growthOf(test.delta) >= thresholds.frame && added >= gate.minShare;
    const reach = reachableGrowth(test, frames.variant.intervalThreshold);
    const mayReach =
      reach >= thresholds.frame && frames.addedShare(t.value, Math.log1p(reach)) >= gate.minShare;
    const verdict = decide(mayReach, over, adjusted[j]!, test, alphaFrames(gate));
    const call: FrameCall = {
      which: t.which,
      test,
      p: adjusted[j]!,
      verdict,
      added,
      value: t.value,
      over,
      level: firstStepLevel(gate, weights[j]!, weightSum),
    };
    const prev = best.get(t.frame);
    if (
      !prev ||
      severity(call.verdict) > severity(prev.verdict) ||
      (severity(call.verdict) === severity(prev.verdict) && call.p < prev.p)
    )
      best.set(t.frame, call);
  });
  return best;
}
