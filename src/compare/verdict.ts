import {
  DEFAULT_GATE_STATISTICS,
  FALLBACK_PRIOR_DF,
  type GateConfig,
  type GateStatistics,
} from "../config.js";
import { severity, worst, worstFirst } from "./severity.js";
import type { FrameSeries, KindSeries, PerSide } from "./series.js";
import { mean, sumSquares, variance } from "./stats/describe.js";
import { studentTQuantile } from "./stats/distributions.js";
import { holmAdjust } from "./stats/holm.js";
import { minimalDetectableLog, smallestPassing } from "./stats/mde.js";
import {
  estimatePriorDf,
  moderatedVariance,
  priorExcessVariance,
  varianceRatioTail,
} from "./stats/moderated.js";
import { logSizeFactors } from "./stats/size-factors.js";
import {
  type MeanDifference,
  type TTestResult,
  pairedDifference,
  pooledDifference,
  tTest,
  welchDifference,
} from "./stats/t-tests.js";
import type { Comparison, FrameResult, NoiseEstimate, TotalResult, Verdict } from "./types.js";
import { TOP_FRAMES } from "./verdict/select.js";

/**
 * The statistical gate (docs/statistics.md): per-frame tests on sample
 * counts normalised per unit of work and for machine speed, a moderated
 * variance that combines Poisson sampling and round-to-round noise, Holm
 * across frames, effect floors, and a separate test of the total per unit of
 * work. Pure: a KindSeries and the gate settings in, a Judgement out.
 */
export type Judgement = Pick<
  Comparison,
  "total" | "frames" | "mde" | "verdict" | "notes" | "noise"
> & {
  /** Functions judged, listed or not (frames holds the tested and the largest untested ones). */
  functionCount?: number;
};

/** Kinds whose values are time, which depends on the runner's speed. */
const TIME_KINDS = new Set(["cpu", "wall"]);
/** At most this many frames enter the Holm family (the hottest by pooled count: a blind choice). */
const MAX_TESTED_FRAMES = 200;
/** Intervals reported with every estimate. */
const CI_LEVEL = 0.99;
/** Power the MDEs are computed for. */
const MDE_POWER = 0.8;
/** Share of the total of the reference frame mde.deltaPct is about (fraction). */
const MDE_REFERENCE_SHARE = 0.05;
/** Floor of the non-Poisson frame variance, (0.5 %)² on the log scale (STATISTICS.md). */
const EXCESS_VARIANCE_FLOOR = 0.005 ** 2;
/**
 * Cap of an estimated prior df, about the own df of the default 10 paired
 * rounds (9), so a frame's own variance always weighs about as much as the
 * prior. With 4–9 own degrees of freedom the spread of the frames' variances
 * is itself noisy, and an estimate of "infinite" d0 would test a frame that
 * had one bad round (a neighbour's burst, a GC in the window) on the typical
 * frame's noise. On the same 30 kept real Go A/A runs, 20 (the fixed d0
 * STATISTICS.md simulated) put 2.20 % of CPU frame p-values below 0.01 and
 * 10 put 1.18 % (docs/statistics.md, "Real A/A with the current gate, and
 * the prior's cap").
 */
const MAX_PRIOR_DF = 10;
/** Below this many frames the median of ratios is no speedometer. */
const MIN_SIZE_FACTOR_FRAMES = 3;
/** Counts are offset by half a sample before the log, so empty rounds stay finite. */
const PSEUDOCOUNT = 0.5;
/** exp() of more than this is not a finite double; log-changes are clamped to it. */
const MAX_LOG = 700;

/**
 * gate.alpha is the family-wise level of one comparison, frames and total
 * together (Bonferroni): half for the frames, shared among them by Holm,
 * half for the total. Only increases fail, so a false fail happens with
 * probability at most alpha / 2.
 */
const alphaFrames = (gate: GateConfig) => gate.alpha / 2;
const alphaTotal = (gate: GateConfig) => gate.alpha / 2;

/** How the rounds are laid out and normalised. */
interface Design {
  kA: number;
  kB: number;
  paired: boolean;
  /** Units of work per round, base rounds then head rounds. */
  work: number[];
  /** Value of one sample in each round (base rounds then head rounds), in the series' unit. */
  periods: number[];
  /** Log size factor per round (same layout as work). */
  logSize: number[];
  /** Mean total sample count per round, both sides. */
  totalCount: number;
}

/** One tested quantity (a frame's self or cum counts) before the prior is known. */
interface ValueStats {
  delta: number;
  /** Own variance per round on the log scale, and its degrees of freedom. */
  s2: number;
  d: number;
  /** Poisson part of the per-round log variance, π = ½(1/x̄_A + 1/x̄_B). */
  poisson: number;
  /** Mean sample count per round, base and head, and pooled. */
  meanA: number;
  meanB: number;
  pooled: number;
}

const clean = (v: number | undefined) => (v !== undefined && Number.isFinite(v) && v > 0 ? v : 0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const pctOfLog = (x: number) => (Math.exp(Math.max(-MAX_LOG, Math.min(MAX_LOG, x))) - 1) * 100;

/** Raw values of one side, `k` rounds, non-finite or negative values read as 0. */
function side(values: number[], k: number): number[] {
  const out = new Array<number>(k);
  for (let r = 0; r < k; r++) out[r] = clean(values[r]);
  return out;
}

/** No profile holds more samples than this; caps counts derived from a degenerate period. */
const MAX_COUNT = 1e12;

function counts(v: PerSide, d: Design): number[] {
  return [...side(v.base, d.kA), ...side(v.head, d.kB)].map((x, r) =>
    Math.min(MAX_COUNT, x / d.periods[r]!),
  );
}

/** Log of counts per unit of work, before size factors. */
function logPerWork(c: number[], d: Design): number[] {
  return c.map((x, r) => Math.log(x + PSEUDOCOUNT) - Math.log(d.work[r]!));
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split("")
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}

/**
 * The value of one sample per round: the series' own per-round periods, or
 * its one period; 1 for count units; otherwise the smallest positive value
 * any frame holds in one round, which is one sample's worth when some
 * frame-round holds a single sample.
 */
function samplePeriods(
  series: KindSeries,
  kA: number,
  kB: number,
): { periods: number[]; estimated: boolean } {
  const perRound = series.samplePeriods;
  if (perRound) {
    const all = [...side(perRound.base, kA), ...side(perRound.head, kB)];
    if (all.every((p) => p > 0)) return { periods: all, estimated: false };
  }
  const fill = (p: number) => new Array<number>(kA + kB).fill(p);
  if (series.samplePeriod !== undefined && series.samplePeriod > 0)
    return { periods: fill(series.samplePeriod), estimated: false };
  if (series.unit === "count") return { periods: fill(1), estimated: false };
  let least = Infinity;
  for (const f of series.frames) {
    for (const v of [...f.self.base, ...f.self.head]) if (v > 0 && v < least) least = v;
  }
  return { periods: fill(Number.isFinite(least) ? least : 1), estimated: true };
}

function valueStats(c: number[], d: Design): ValueStats {
  const y = logPerWork(c, d).map((v, r) => v - d.logSize[r]!);
  const yA = y.slice(0, d.kA);
  const yB = y.slice(d.kA);
  const meanA = mean(c.slice(0, d.kA));
  const meanB = mean(c.slice(d.kA));
  const poisson = 0.5 * (1 / (meanA + PSEUDOCOUNT) + 1 / (meanB + PSEUDOCOUNT));
  const pooled = mean(c);
  if (d.paired) {
    const z = yB.map((v, r) => v - yA[r]!);
    // Var(z) is twice the per-round variance of one side; store the per-side figure.
    return { delta: mean(z), s2: variance(z) / 2, d: z.length - 1, poisson, meanA, meanB, pooled };
  }
  const df = d.kA + d.kB - 2;
  const s2 = df > 0 ? (sumSquares(yA) + sumSquares(yB)) / df : 0;
  return { delta: mean(yB) - mean(yA), s2, d: df, poisson, meanA, meanB, pooled };
}

/**
 * A frame whose own variance is this far in the upper tail of what the prior
 * allows is tested on its own variance alone (Phipson et al. 2016 make the
 * same point for limma: outlier genes must not borrow a calm prior).
 */
const OUTLIER_LEVEL = 0.01;

/**
 * Composition difference of a frame between two jobs on the same runner
 * type (log-scale SD): caches and CPU steppings differ a little from VM to
 * VM, the rounds of one job cannot show it, so unpaired sides (a stored
 * baseline, lone files) add it per side as a known variance. An assumption,
 * not a measurement (docs/statistics.md).
 */
const JOB_FRAME_SIGMA = 0.01;

function moderatedTest(v: ValueStats, sigma0sq: number, d0: number, d: Design): TTestResult {
  const prior = v.poisson + sigma0sq;
  const outlier = v.d > 0 && varianceRatioTail(v.s2 / prior, v.d, d0) < OUTLIER_LEVEL;
  const s2 = outlier ? v.s2 : moderatedVariance(v.s2, v.d, prior, d0);
  const dfAll = outlier ? v.d : d0 + v.d;
  const df = dfAll > 0 ? dfAll : Infinity;
  const between = d.paired ? 0 : 2 * JOB_FRAME_SIGMA ** 2;
  return tTest({ delta: v.delta, se: Math.sqrt(s2 * (1 / d.kA + 1 / d.kB) + between), df });
}

function interval(t: MeanDifference): [number, number] {
  if (!(t.se > 0)) return [pctOfLog(t.delta), pctOfLog(t.delta)];
  const q = studentTQuantile(1 - (1 - CI_LEVEL) / 2, t.df);
  return [pctOfLog(t.delta - q * t.se), pctOfLog(t.delta + q * t.se)];
}

/**
 * A warning needs at least this much evidence (p, Holm-adjusted for frames):
 * an estimate over the threshold with p = 0.4 is noise, and warning about
 * noise is the false alert flamegate exists to avoid. Below this level and
 * above alpha the change is likely real but not proven at this budget.
 */
const WARN_LEVEL = 0.05;

/**
 * Over the threshold and proven (increase, p ≤ alpha after Holm): fail.
 * Over the threshold with suggestive evidence (raw p ≤ WARN_LEVEL): warn.
 */
function decide(overThreshold: boolean, pAdjusted: number, t: TTestResult, alpha: number): Verdict {
  if (!overThreshold || !(t.delta > 0)) return "pass";
  if (pAdjusted <= alpha) return "fail";
  return pAdjusted <= WARN_LEVEL ? "warn" : "pass";
}

/**
 * Rounds per side that would detect the estimated change with MDE_POWER at
 * level `level`, scaling the standard error as 1/√K.
 */
function roundsToDecide(t: TTestResult, k: number, level: number): number {
  if (t.t === 0) return Infinity;
  const need = studentTQuantile(1 - level / 2, t.df) + studentTQuantile(MDE_POWER, t.df);
  return Math.ceil(k * (need / Math.abs(t.t)) ** 2);
}

function describeRounds(n: number): string {
  return n > 100
    ? "more than 100 rounds per side would be needed: lengthen the capture window or raise the sampling rate instead"
    : `about ${n} rounds per side would decide it`;
}

interface TotalOutcome {
  result: TotalResult;
  test: TTestResult;
  notes: string[];
  /** Per-run noise of the total and (paired) the round-to-round drift, log scale. */
  runSigma: number | null;
  driftSigma: number | null;
}

/** The total's noise: within a pair (paired) or within a side (unpaired), and the paired drift. */
function totalNoise(
  gA: number[],
  gB: number[],
  d: Design,
): Pick<TotalOutcome, "runSigma" | "driftSigma"> {
  if (d.paired) {
    const run2 = variance(gB.map((v, r) => v - gA[r]!)) / 2;
    const drift2 = d.kA >= 3 ? variance(gA.map((v, r) => (v + gB[r]!) / 2)) - run2 / 2 : null;
    return {
      runSigma: Math.sqrt(run2),
      driftSigma: drift2 === null ? null : Math.sqrt(Math.max(0, drift2)),
    };
  }
  const df = d.kA + d.kB - 2;
  return {
    runSigma: df > 0 ? Math.sqrt((sumSquares(gA) + sumSquares(gB)) / df) : null,
    driftSigma: null,
  };
}

/** Total per unit of work: paired t on log per-round values when paired, Welch otherwise. */
function totalTest(
  series: KindSeries,
  d: Design,
  stats: GateStatistics,
  threshold: number,
  alpha: number,
): TotalOutcome {
  const c = counts(series.totals, d);
  // Values the OS counted are tested as spent per unit of work (a Python round's
  // samples count threads waiting for the GIL too); others on their counts. The
  // counts set the Poisson floor either way.
  const g = series.osCountedValues
    ? logPerWork(c, d).map((x, r) => x + Math.log(d.periods[r]!))
    : logPerWork(c, d);
  const gA = g.slice(0, d.kA);
  const gB = g.slice(d.kA);
  // Poisson floor of the standard error: a total of N samples is known to ±1/√N on the log scale.
  const poissonSe = Math.sqrt(
    1 / (d.kA * (mean(c.slice(0, d.kA)) + PSEUDOCOUNT)) +
      1 / (d.kB * (mean(c.slice(d.kA)) + PSEUDOCOUNT)),
  );
  const notes: string[] = [];
  let diff: MeanDifference;
  if (d.paired) diff = pairedDifference(gA, gB);
  else if (d.kA + d.kB >= 3) {
    diff = d.kA >= 2 && d.kB >= 2 ? welchDifference(gA, gB) : pooledDifference(gA, gB);
    if (TIME_KINDS.has(series.kind)) {
      // Rounds of one job share its machine: their spread says nothing about the speed
      // difference between the base's job and the head's. Add the between-job prior,
      // σ_job² per side, known (infinite df), and keep the estimated part's df.
      const within = diff.se ** 2;
      const se2 = within + 2 * stats.totalSigma ** 2;
      const df = within > 0 ? diff.df * (se2 / within) ** 2 : Infinity;
      diff = { delta: diff.delta, se: Math.sqrt(se2), df };
    }
  } else {
    const se = stats.totalSigma * Math.SQRT2;
    const d0 = stats.priorDf === "auto" ? FALLBACK_PRIOR_DF : stats.priorDf;
    diff = { delta: mean(gB) - mean(gA), se, df: d0 > 0 ? d0 : Infinity };
  }
  const test = tTest({ ...diff, se: Math.max(diff.se, poissonSe) });
  const growth = Math.exp(Math.min(MAX_LOG, test.delta)) - 1;
  const baseRaw = sum(side(series.totals.base, d.kA));
  const headRaw = sum(side(series.totals.head, d.kB));
  let verdict = decide(growth >= threshold, test.p, test, alpha);
  let note: string | undefined;
  if (TIME_KINDS.has(series.kind) && !series.sameRunner) {
    note =
      "baseline from a different runner: the total is reported for information, not gated (machine speed dominates it)";
    notes.push(
      `${series.kind} total not gated: the baseline ran on a different runner; frame tests still run on machine-normalised values`,
    );
    verdict = "pass";
  } else if (verdict === "warn") {
    notes.push(
      `total per ${series.unitOfWork} ${fmtPct(pctOfLog(test.delta))} is over the ${fmtPct(threshold * 100)} threshold but not proven at this budget (p = ${test.p.toPrecision(2)}); ${describeRounds(roundsToDecide(test, Math.min(d.kA, d.kB), alpha))}`,
    );
  }
  const result: TotalResult = {
    base: baseRaw,
    head: headRaw,
    deltaPct: baseRaw === 0 ? null : pctOfLog(test.delta),
    ci: interval(test),
    p: test.p,
    verdict,
    ...(note === undefined ? {} : { note }),
  };
  return { result, test, notes, ...totalNoise(gA, gB, d) };
}

function fmtPct(x: number): string {
  return `${x >= 0 ? "+" : ""}${x.toFixed(1)} %`;
}

interface FrameTest {
  frame: number;
  which: "self" | "cum";
  value: ValueStats;
}

/**
 * V8 samples an idle thread as "(idle)": time the service waited, not CPU
 * it spent. It is kept out of the totals (CPU per request would otherwise
 * measure the load generator) and never gated.
 */
const IDLE_FRAMES = new Set(["(idle)"]);

function withoutIdle(series: KindSeries, notes: string[]): KindSeries {
  if (!TIME_KINDS.has(series.kind)) return series;
  const idle = series.frames.filter((f) => IDLE_FRAMES.has(f.function));
  if (idle.length === 0) return series;
  const minus = (totals: number[], which: "base" | "head") =>
    totals.map((t, r) =>
      Math.max(0, clean(t) - idle.reduce((a, f) => a + clean(f.self[which][r]), 0)),
    );
  notes.push(
    `${idle.map((f) => f.function).join(", ")}: idle time, not CPU work: left out of the total and not gated`,
  );
  return {
    ...series,
    totals: { base: minus(series.totals.base, "base"), head: minus(series.totals.head, "head") },
  };
}

/**
 * `listed`: how many untested frames (below min-count, or ignored) the judgement carries
 * besides every tested frame, the largest by cumulative share; the others are only
 * counted (Judgement.functionCount). The report lists every frame that does not pass and
 * the TOP_FRAMES largest, so judging costs what the tested and listed frames cost, not
 * what a 23k-function profile's tail would.
 */
export function judge(input: KindSeries, gate: GateConfig, listed: number = TOP_FRAMES): Judgement {
  const stats = gate.stats ?? DEFAULT_GATE_STATISTICS;
  const thresholds = TIME_KINDS.has(input.kind) ? gate.cpu : gate.alloc;
  const kA = input.totals.base.length;
  const kB = input.totals.head.length;
  const notes: string[] = [];
  if (kA === 0 || kB === 0) return emptyJudgement(input, kA, kB);
  const series = withoutIdle(input, notes);

  const { periods, estimated } = samplePeriods(series, kA, kB);
  if (estimated)
    notes.push(
      "sample period unknown: one sample's value was taken as the smallest value any frame holds in a round",
    );
  const workRaw = [...series.work.base.slice(0, kA), ...series.work.head.slice(0, kB)];
  const work = Array.from({ length: kA + kB }, (_, r) => clean(workRaw[r]) || 1);
  if (work.some((w, r) => w === 1 && clean(workRaw[r]) !== 1) && series.unitOfWork !== "profile")
    notes.push("some rounds report no units of work; they count as 1");
  if (series.unitOfWork === "second")
    notes.push(
      "normalised per second of load window (a load command does not count requests): with a fixed-rate load a regression shows as more samples per second",
    );
  if (series.unitOfWork === "profile")
    notes.push(
      "no units of work known: frames are compared on machine-normalised values; the total is a raw profile total",
    );
  const paired = series.paired && kA === kB && kA >= 2;
  const design: Design = {
    kA,
    kB,
    paired,
    work,
    periods,
    logSize: new Array<number>(kA + kB).fill(0),
    totalCount: 0,
  };
  design.totalCount = mean(counts(series.totals, design));

  const ignore = gate.ignore.map(globToRegExp);
  const frames = series.frames;
  const selfCounts = frames.map((f) => counts(f.self, design));
  const cumCounts = frames.map((f) => counts(f.cum, design));
  const sameAsSelf = cumCounts.map((c, i) => c.every((v, r) => v === selfCounts[i]![r]));

  // Size factors from every frame with enough self samples: a blind choice.
  const isIdle = frames.map((f) => TIME_KINDS.has(series.kind) && IDLE_FRAMES.has(f.function));
  const speedometer = selfCounts.filter((c, i) => !isIdle[i] && mean(c) >= stats.minCount);
  if (speedometer.length >= MIN_SIZE_FACTOR_FRAMES) {
    design.logSize = logSizeFactors(
      speedometer.map((c) => logPerWork(c, design)),
      kA + kB,
    );
  } else if (frames.length > 0) {
    notes.push(
      `fewer than ${MIN_SIZE_FACTOR_FRAMES} frames hold ${stats.minCount} samples per round: frames are not normalised for machine speed`,
    );
  }

  // Statistics of a frame's self and cum values, computed only for the frames that are
  // tested or listed: a 23k-function profile tests at most MAX_TESTED_FRAMES of them.
  const statsCache = new Map<number, { self: ValueStats; cum: ValueStats }>();
  const statsOf = (i: number) => {
    let v = statsCache.get(i);
    if (!v) {
      const self = valueStats(selfCounts[i]!, design);
      v = { self, cum: sameAsSelf[i] ? self : valueStats(cumCounts[i]!, design) };
      statsCache.set(i, v);
    }
    return v;
  };

  // The Holm family: the hottest frames (by pooled count, blind to the difference) that are not ignored.
  const isIgnored = frames.map((f, i) => isIdle[i] || ignore.some((re) => re.test(f.function)));
  const cumPooled = cumCounts.map(mean);
  const candidates = frames
    .map((_, i) => i)
    .filter((i) => !isIgnored[i] && cumPooled[i]! >= stats.minCount)
    .sort((a, b) => cumPooled[b]! - cumPooled[a]!)
    .slice(0, MAX_TESTED_FRAMES);
  const family: FrameTest[] = [];
  for (const i of candidates) {
    const { self, cum } = statsOf(i);
    if (self.pooled >= stats.minCount) family.push({ frame: i, which: "self", value: self });
    if (cum !== self) family.push({ frame: i, which: "cum", value: cum });
  }
  const tooCold = frames.length - candidates.length - isIgnored.filter(Boolean).length;

  const replicated = family.filter((t) => t.value.d > 0);
  const sigma0sq =
    replicated.length > 0
      ? priorExcessVariance(
          replicated.map((t) => ({ s2: t.value.s2, poisson: t.value.poisson })),
          EXCESS_VARIANCE_FLOOR,
        )
      : Math.max(EXCESS_VARIANCE_FLOOR, stats.priorSigma ** 2);
  if (replicated.length === 0 && family.length > 0)
    notes.push(
      `indicative: one round per side, so no round-to-round variance could be estimated; frame tests assume ${(Math.sqrt(sigma0sq) * 100).toFixed(1)} % frame noise between runs (gate.prior-sigma) plus Poisson sampling noise, the total ${(stats.totalSigma * 100).toFixed(0)} % (gate.total-sigma); run 3 or more rounds per side for a verdict you can rely on`,
    );

  const designDf = paired ? kA - 1 : kA + kB - 2;
  const d0 =
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
    notes.push(
      `frame noise between rounds σ0 = ${(Math.sqrt(sigma0sq) * 100).toFixed(1)} % beyond Poisson sampling, prior df ${d0 >= MAX_PRIOR_DF ? `≥ ${MAX_PRIOR_DF}` : d0.toFixed(1)}${stats.priorDf === "auto" ? " (estimated)" : ""}`,
    );

  // One test per tested quantity: the family, the display of both values, and the MDE share them.
  const testCache = new Map<ValueStats, TTestResult>();
  const testOf = (v: ValueStats) => {
    let t = testCache.get(v);
    if (!t) {
      t = moderatedTest(v, sigma0sq, d0, design);
      testCache.set(v, t);
    }
    return t;
  };
  const tests = family.map((t) => testOf(t.value));
  const adjusted = holmAdjust(tests.map((t) => t.p));
  const level = alphaFrames(gate) / Math.max(1, family.length);

  // Mean base total in samples per round, for shares.
  const baseTotalCount = mean(counts(series.totals, design).slice(0, kA)) || 1;
  const growthOf = (delta: number) => Math.exp(Math.min(MAX_LOG, delta)) - 1;
  const addedShare = (v: ValueStats, delta: number) =>
    (growthOf(delta) * (v.meanA + PSEUDOCOUNT)) / baseTotalCount;

  interface Candidate {
    which: "self" | "cum";
    test: TTestResult;
    p: number;
    verdict: Verdict;
    added: number;
    value: ValueStats;
  }
  const best = new Map<number, Candidate>();
  const consider = (frame: number, c: Candidate) => {
    const prev = best.get(frame);
    if (
      !prev ||
      severity(c.verdict) > severity(prev.verdict) ||
      (severity(c.verdict) === severity(prev.verdict) && c.p < prev.p)
    )
      best.set(frame, c);
  };
  family.forEach((t, j) => {
    const test = tests[j]!;
    const added = addedShare(t.value, test.delta);
    const over = growthOf(test.delta) >= thresholds.frame && added >= gate.minShare;
    const verdict = decide(over, adjusted[j]!, test, alphaFrames(gate));
    consider(t.frame, { which: t.which, test, p: adjusted[j]!, verdict, added, value: t.value });
  });

  // Listed: every tested frame, and the `listed` largest of the others by cumulative share
  // on either side (the order diff.ts keeps frames in); the rest are counted, not built.
  const totalBase = sum(side(series.totals.base, kA));
  const totalHead = sum(side(series.totals.head, kB));
  const cumShare = (f: FrameSeries) =>
    Math.max(
      totalBase === 0 ? 0 : sum(side(f.cum.base, kA)) / totalBase,
      totalHead === 0 ? 0 : sum(side(f.cum.head, kB)) / totalHead,
    );
  const untestedListed = frames
    .map((_, i) => i)
    .filter((i) => !best.has(i))
    .map((i) => ({ i, share: cumShare(frames[i]!) }))
    .sort((x, y) => y.share - x.share)
    .slice(0, Math.max(0, listed))
    .map((x) => x.i);
  const shownFrames = [...best.keys(), ...untestedListed];

  const results: { result: FrameResult; selfAdded: number; added: number; test: TTestResult }[] =
    shownFrames.map((i) => {
      const f = frames[i]!;
      const { self: selfValue, cum: cumValue } = statsOf(i);
      const tested = best.get(i);
      const shown =
        tested ??
        (() => {
          // Reported, not tested: the hotter of self and cum, with its unadjusted p.
          const which = cumValue === selfValue ? "self" : "cum";
          const value = which === "self" ? selfValue : cumValue;
          const test = testOf(value);
          return {
            which,
            test,
            p: test.p,
            verdict: "pass" as Verdict,
            added: addedShare(value, test.delta),
            value,
          };
        })();
      const selfTest = testOf(selfValue);
      const cumTest = testOf(cumValue);
      const result: FrameResult = {
        function: f.function,
        file: f.file,
        self: baseHead(f.self, selfTest, design),
        cum: baseHead(f.cum, cumTest, design),
        ci: interval(shown.test),
        p: shown.p,
        verdict: shown.verdict,
        shareBase: shareOf(shown.which === "self" ? f.self : f.cum, series.totals, design, "base"),
        shareHead: shareOf(shown.which === "self" ? f.self : f.cum, series.totals, design, "head"),
        tested: shown.which,
        pRaw: shown.test.p,
        ...(tested
          ? {}
          : { untested: isIgnored[i] ? ("ignored" as const) : ("low-count" as const) }),
      };
      const selfAdded = addedShare(selfValue, selfTest.delta);
      return { result, selfAdded, added: shown.added, test: shown.test };
    });
  // Worst verdict first; then the frame whose own code added most (a leaf before the
  // callers whose cumulative value it carries), then by the tested value's addition.
  results.sort(
    (a, b) =>
      worstFirst(a.result.verdict, b.result.verdict) ||
      b.selfAdded - a.selfAdded ||
      b.added - a.added,
  );

  const total = totalTest(series, design, stats, thresholds.total, alphaTotal(gate));
  notes.push(...total.notes);

  if (family.length > 0 && (tooCold > 0 || isIgnored.some(Boolean)))
    notes.push(
      `tested ${candidates.length} of ${frames.length} frames: ${tooCold} below ${stats.minCount} samples per round${isIgnored.some(Boolean) ? `, ${isIgnored.filter(Boolean).length} not gated (gate.ignore, idle)` : ""}`,
    );
  const warned = results.filter((r) => r.result.verdict === "warn");
  if (warned.length > 0) {
    const top = warned[0]!;
    notes.push(
      `${warned.length} frame(s) over the threshold but not proven at this budget (e.g. ${top.result.function} ${fmtPct(pctOfLog(top.test.delta))}); ${describeRounds(roundsToDecide(top.test, Math.min(kA, kB), level))}`,
    );
  }

  const mde = minimalDetectable(
    design,
    sigma0sq,
    d0,
    gate,
    thresholds.frame,
    family.length,
    total.test,
  );
  const all = [total.result.verdict, ...results.map((r) => r.result.verdict)];
  const verdict = worst(all);
  const noise: NoiseEstimate = {
    samplesPerRound: design.totalCount,
    frameSigma: replicated.length > 0 ? Math.sqrt(sigma0sq) : null,
    priorDf: d0,
    totalSigma: total.runSigma,
    totalDriftSigma: total.driftSigma,
  };
  return {
    total: total.result,
    frames: results.map((r) => r.result),
    functionCount: frames.length,
    mde,
    verdict,
    notes,
    noise,
  };
}

function baseHead(v: PerSide, t: TTestResult, d: Design): FrameResult["self"] {
  const base = sum(side(v.base, d.kA));
  const head = sum(side(v.head, d.kB));
  return { base, head, deltaPct: base === 0 ? null : pctOfLog(t.delta) };
}

function shareOf(v: PerSide, totals: PerSide, d: Design, which: "base" | "head"): number {
  const k = which === "base" ? d.kA : d.kB;
  const t = sum(side(totals[which], k));
  return t > 0 ? Math.min(1, sum(side(v[which], k)) / t) : 0;
}

/**
 * The MDEs of this run (docs/statistics.md): with the run's rounds, sample
 * budget and estimated frame noise σ0, the smallest relative growth of a
 * frame holding MDE_REFERENCE_SHARE of the total that fails with MDE_POWER
 * (deltaPct; statistics only), the smallest share at which a growth of
 * exactly the threshold fails with MDE_POWER (frameSharePct; statistics and
 * the min-share floor), and the smallest detectable change of the total.
 * Frames are tested at the first Holm step's level, alpha / family size.
 */
function minimalDetectable(
  d: Design,
  sigma0sq: number,
  d0: number,
  gate: GateConfig,
  threshold: number,
  familySize: number,
  total: TTestResult,
): Judgement["mde"] {
  const level = alphaFrames(gate) / Math.max(1, familySize);
  const dOwn = d.paired ? d.kA - 1 : Math.max(0, d.kA + d.kB - 2);
  const df = d0 + dOwn > 0 ? d0 + dOwn : Infinity;
  const perRound = d.totalCount;
  const between = d.paired ? 0 : 2 * JOB_FRAME_SIGMA ** 2;
  const se = (share: number) =>
    Math.sqrt((1 / (share * perRound + PSEUDOCOUNT) + sigma0sq) * (1 / d.kA + 1 / d.kB) + between);
  const mdeLog = (share: number) => minimalDetectableLog(se(share), level, MDE_POWER, df);
  const detects = (share: number) =>
    Math.exp(mdeLog(share)) - 1 <= threshold && share * threshold >= gate.minShare;
  const share = smallestPassing(detects, 1e-6, 1);
  const totalLog = minimalDetectableLog(total.se, alphaTotal(gate), MDE_POWER, total.df);
  return {
    frameSharePct: (detects(share) ? share : 1) * 100,
    deltaPct: pctOfLog(mdeLog(MDE_REFERENCE_SHARE)),
    atSharePct: MDE_REFERENCE_SHARE * 100,
    totalPct: pctOfLog(totalLog),
    power: MDE_POWER,
  };
}

function emptyJudgement(series: KindSeries, kA: number, kB: number): Judgement {
  const total: TotalResult = {
    base: sum(series.totals.base.map(clean)),
    head: sum(series.totals.head.map(clean)),
    deltaPct: null,
    ci: [0, 0],
    p: 1,
    verdict: "pass",
  };
  const frames: FrameResult[] = series.frames.map((f: FrameSeries) => ({
    function: f.function,
    file: f.file,
    self: { base: sum(f.self.base.map(clean)), head: sum(f.self.head.map(clean)), deltaPct: null },
    cum: { base: sum(f.cum.base.map(clean)), head: sum(f.cum.head.map(clean)), deltaPct: null },
    ci: [0, 0],
    p: 1,
    verdict: "pass",
  }));
  return {
    total,
    frames,
    mde: { frameSharePct: 100, deltaPct: 0 },
    verdict: "pass",
    notes: [`nothing to compare: ${kA} base and ${kB} head rounds`],
  };
}
