import type { Kind } from "../model/kinds.js";

/**
 * The comparison result, shaped exactly as the JSON report of docs/design.md
 * (schema flamegate.report/v1). Fields may be added; none may change meaning.
 */
export const REPORT_SCHEMA = "flamegate.report/v1";

export type Verdict = "pass" | "fail" | "warn";
export type OverallVerdict = Verdict | "no-baseline";

export interface SideSummary {
  rounds: number;
  /** Requests completed inside the capture windows, summed; null when unknown (load command, single files). */
  requests: number | null;
  /** Seconds of capture window (this kind's windows), summed over rounds; null when unknown. */
  windowSeconds?: number | null;
  /** Raw sum of the compared sample value over all rounds, in `unit`. */
  total: number;
}

export interface BaseHead {
  base: number;
  head: number;
  /** (head − base) / base × 100 on the normalised values; null when base is 0. */
  deltaPct: number | null;
  /**
   * The normalised values deltaPct was computed from, in `unit` per unit of
   * work (Comparison.unitOfWork): geometric means over rounds, frames also
   * corrected for machine speed (Comparison.speedCorrected). head / base − 1
   * is deltaPct. `base` and `head` above stay the raw sums.
   */
  perWork?: { base: number; head: number };
}

export interface TotalResult extends BaseHead {
  /** 99 % interval of the relative change, in percent. */
  ci: [number, number];
  p: number;
  verdict: Verdict;
  /** Over the threshold but not proven: rounds per side that would decide it (power.ts). */
  roundsToDecide?: number;
  /** Why a total is not gated (e.g. baseline from another runner), when it is not. */
  note?: string;
}

export interface FrameResult {
  function: string;
  file: string;
  /** Raw sums over all rounds, aggregated like `go tool pprof -top`. */
  self: BaseHead;
  cum: BaseHead;
  /** 99 % interval of the relative change of the tested value, in percent. */
  ci: [number, number];
  p: number;
  verdict: Verdict;
  /** Share of the base total (fraction) held by this frame's tested value. */
  shareBase?: number;
  shareHead?: number;
  /** Which value the verdict is about. */
  tested?: "self" | "cum";
  /** Unadjusted two-sided p of the tested value (`p` is Holm-adjusted when the frame was tested). */
  pRaw?: number;
  /** Tested, over the thresholds and not proven: rounds per side that would decide it (power.ts). */
  roundsToDecide?: number;
  /** Its source file is one the change under test touched (report/changed.ts). */
  changed?: boolean;
  /**
   * Why the frame was reported but not tested: an ignore glob, too few samples per round, or
   * inlined into its caller in some rounds (its caller's cumulative value is tested).
   */
  untested?: "ignored" | "low-count" | "inlined";
}

/** The noise one comparison measured (docs/statistics.md); log-scale SDs as fractions. */
export interface NoiseEstimate {
  /** Mean sample count per round, both sides. */
  samplesPerRound: number;
  /** Typical frame noise between rounds beyond Poisson sampling (σ0); null with one round per side. */
  frameSigma: number | null;
  /** Degrees of freedom of the moderated-variance prior that was used. */
  priorDf: number;
  /** Noise of the total per unit of work of one run (paired: within a pair); null when not estimable. */
  totalSigma: number | null;
  /** Paired runs only: the machine's drift from round to round, which the pairing cancels. */
  totalDriftSigma: number | null;
}

export interface Comparison {
  service: string;
  runtime: string;
  kind: Kind;
  unit: string;
  /** The pprof sample type compared, e.g. "cpu" or "alloc_space". */
  sampleType?: string;
  /** What perWork values are per: a request, a second of capture window, or one profile (round). */
  unitOfWork?: "request" | "second" | "profile";
  /** Frames' perWork values are corrected for machine speed (size factors); the total's never are. */
  speedCorrected?: boolean;
  /** Why frames were not corrected: their sides ran side by side, or too few frames to estimate the speed. */
  uncorrectedBecause?: "side-by-side" | "few-frames";
  /**
   * Paired comparisons (`ab`): whether each round's two sides ran at the same time or one
   * after the other, when both sets say the same.
   */
  pairing?: "simultaneous" | "sequential";
  base: SideSummary;
  head: SideSummary;
  total: TotalResult;
  frames: FrameResult[];
  /**
   * The gate's thresholds for this kind, in percent: a proven growth fails unless its
   * interval shows it smaller than these (docs/statistics.md).
   */
  thresholds?: { framePct: number; totalPct: number };
  /** The smallest change this run could have detected (docs/statistics.md defines each number). */
  mde: {
    frameSharePct: number;
    deltaPct: number;
    /** Share of the total (percent) of the reference frame `deltaPct` is about. */
    atSharePct?: number;
    /** Smallest uniform change of the total per unit of work detectable, percent. */
    totalPct?: number;
    /** Detection probability these MDEs are computed for. */
    power?: number;
  };
  /** The verdict of this comparison (worst of total and frames). */
  verdict?: Verdict;
  /** What the statistics estimated about this run's noise. */
  noise?: NoiseEstimate;
  /** Human notes: different runners, per-second normalisation, provisional gate, … */
  notes?: string[];
  /** Load figures when known, for the comment's throughput/latency line. */
  load?: {
    base: { throughput: number | null; p50: number | null; p99: number | null };
    head: { throughput: number | null; p50: number | null; p99: number | null };
  };
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  verdict: OverallVerdict;
  comparisons: Comparison[];
  /** How many files the change under test touched, when known (frames carry `changed`). */
  changedFiles?: number;
  /** What was not compared and why (a service or kind on one side only), for the reader. */
  notes?: string[];
}
