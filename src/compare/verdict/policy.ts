import type { GateConfig } from "../../config.js";

/**
 * The gate's fixed choices (docs/statistics.md explains the procedure), each
 * with the reason it has this value. Settings a user may change live in the
 * config (gate.*); these may not, because the gate's calibration rests on them.
 * The prior's df bounds (FALLBACK_PRIOR_DF, MAX_PRIOR_DF) sit with the gate's
 * defaults in config/defaults.ts.
 */

/** Kinds whose values are time, which depends on the runner's speed. */
export const TIME_KINDS: ReadonlySet<string> = new Set(["cpu", "wall"]);

/** At most this many frames enter the Holm family (the hottest by pooled count: a blind choice), so a huge profile does not dilute alpha. */
export const MAX_TESTED_FRAMES = 200;

/** Intervals reported with every estimate: 99 %, wide enough that a reader does not over-read them. */
export const CI_LEVEL = 0.99;

/** Power the MDEs and "rounds to decide" are computed for, the usual 80 %. */
export const MDE_POWER = 0.8;

/** Share of the total (fraction) of the reference frame mde.deltaPct is about: a typical hot leaf. */
export const MDE_REFERENCE_SHARE = 0.05;

/** Floor of the non-Poisson frame variance, (0.5 %)² on the log scale: no real run is quieter, and σ0 = 0 would test on Poisson noise alone. */
export const EXCESS_VARIANCE_FLOOR = 0.005 ** 2;

/** Below this many frames the median of ratios is no speedometer, so no size factors. */
export const MIN_SIZE_FACTOR_FRAMES = 3;

/** Counts are offset by half a sample before the log, so empty rounds stay finite. */
export const PSEUDOCOUNT = 0.5;

/** exp() of more than this is not a finite double; log-changes are clamped to it. */
export const MAX_LOG = 700;

/** No profile holds more samples than this; caps counts derived from a degenerate period. */
export const MAX_COUNT = 1e12;

/**
 * A frame whose own variance is this far in the upper tail of what the prior
 * allows is tested on its own variance alone (Phipson et al. 2016 make the
 * same point for limma: outlier genes must not borrow a calm prior).
 */
export const OUTLIER_LEVEL = 0.01;

/**
 * Composition difference of a frame between two jobs on the same runner
 * type (log-scale SD): caches and CPU steppings differ a little from VM to
 * VM, the rounds of one job cannot show it, so unpaired sides (a stored
 * baseline, lone files) add it per side as a known variance. An assumption,
 * not a measurement (docs/statistics.md).
 */
export const JOB_FRAME_SIGMA = 0.01;

/**
 * A warning needs at least this much evidence (p, Holm-adjusted for frames):
 * an estimate over the threshold with p = 0.4 is noise, and warning about
 * noise is the false alert flamegate exists to avoid. Below this level and
 * above alpha the change is likely real but not proven at this budget.
 */
export const WARN_LEVEL = 0.05;

/**
 * gate.alpha is the family-wise level of one comparison, frames and total
 * together (Bonferroni): half for the frames, shared among them by Holm,
 * half for the total. Only increases fail, so a false fail happens with
 * probability at most alpha / 2.
 */
export const alphaFrames = (gate: GateConfig): number => gate.alpha / 2;
export const alphaTotal = (gate: GateConfig): number => gate.alpha / 2;

/** V8 samples an idle thread as "(idle)": time the service waited, not CPU it spent. */
export const IDLE_FRAMES: ReadonlySet<string> = new Set(["(idle)"]);

/**
 * Variants of the procedure that the offline evaluation compares side by
 * side on the same simulated rounds (eval/gate-levers.ts); the gate runs
 * DEFAULT_VARIANT, and no setting reaches them.
 */
export interface ProcedureVariant {
  /** A frame new or gone is checked against min-count on the side that has it (floorCount). */
  oneSidedFloor: boolean;
  /** Values inlining moves between a function and its caller leave the family (inlining.ts). */
  inliningViaCaller: boolean;
  /** A proven growth fails when its interval reaches the threshold, not only its estimate (outcome.ts reachableGrowth). */
  intervalThreshold: boolean;
  /** The part of the frames' alpha shared in proportion to each frame's share of the samples (frames.ts valueWeight); 0: equal parts. */
  alphaByShare: number;
  /** Pairs run at the same time get size factors too (judge.ts speedCorrection). */
  speedFactorsSimultaneous: boolean;
}

/**
 * The part of the frames' alpha (a fraction) shared among the tested values in
 * proportion to their frame's share of the samples; the rest is shared equally.
 * A regression in a hot frame is the one a reviewer must not miss, and a hot
 * frame's change is small in percent; a cold frame's regression, to matter,
 * must grow by a multiple, which a small alpha still proves. The weights are
 * pooled over both sides, blind to the change, so Holm's guarantee holds.
 */
export const SHARE_WEIGHTED_ALPHA = 0.5;

export const DEFAULT_VARIANT: ProcedureVariant = {
  oneSidedFloor: true,
  inliningViaCaller: true,
  intervalThreshold: true,
  alphaByShare: SHARE_WEIGHTED_ALPHA,
  speedFactorsSimultaneous: false,
};

/**
 * A frame is new in the head (or gone from it) for the min-count floor only
 * when both sides have at least this many rounds: a frame that comes and goes
 * between processes is on one side only by chance with probability ≤ 4^−K
 * (0.1 % at 5 rounds, 1.6 % at 3).
 */
export const MIN_ONE_SIDED_ROUNDS = 5;
