/**
 * What the gate has to tell the reader about one comparison, as data: a code
 * and the numbers behind it. report/notes.ts turns each into words, so the
 * statistics hold no English and the wording lives in one place.
 */
export type VerdictNote =
  /** Idle frames (V8's "(idle)") were left out of the total and not gated. */
  | { code: "idle-excluded"; functions: string[] }
  /** No sample period known: one sample's value was taken as the smallest value any frame holds. */
  | { code: "period-estimated" }
  /** Some rounds report no units of work; they count as 1. */
  | { code: "work-missing" }
  /** Values are per second of load window (a load command does not count requests). */
  | { code: "per-second" }
  /** No units of work at all (lone files). */
  | { code: "no-work-unit" }
  /** Too few frames hold minCount samples per round to estimate size factors. */
  | { code: "no-size-factors"; minFrames: number; minCount: number }
  /** Paired rounds run at the same time: no size factors (the pairing cancels speed). */
  | { code: "same-seconds" }
  /** One round per side: the frame noise (log-scale SD, fraction) and the total's are assumed. */
  | { code: "one-round"; frameSigma: number; totalSigma: number }
  /** The frame noise the rounds showed (log-scale SD, fraction) and the prior df used. */
  | {
      code: "frame-noise";
      frameSigma: number;
      priorDf: number;
      maxPriorDf: number;
      estimated: boolean;
    }
  /** A time total with a baseline from another runner: reported, not gated. */
  | { code: "total-other-runner"; kind: string }
  /** The total grew over its threshold (both in percent) but p did not prove it. */
  | {
      code: "total-unproven";
      unitOfWork: string;
      deltaPct: number;
      thresholdPct: number;
      p: number;
      roundsToDecide: number;
    }
  /** How many frames were tested, and why the others were not. */
  | {
      code: "tested-frames";
      tested: number;
      frames: number;
      tooCold: number;
      minCount: number;
      ignored: number;
    }
  /** Frames over the threshold, not proven; the worst one as the example. */
  | {
      code: "frames-unproven";
      count: number;
      example: string;
      deltaPct: number;
      roundsToDecide: number;
    }
  /** A side has no rounds. */
  | { code: "nothing-to-compare"; baseRounds: number; headRounds: number }
  /** The comparison lists fewer functions than were judged. */
  | { code: "functions-listed"; listed: number; functions: number; top: number }
  /**
   * Functions that come and go between processes (inlined into their caller in some rounds),
   * absent from absentRounds of rounds; the caller that absorbs them when it was found.
   */
  | {
      code: "inlining-varies";
      functions: { function: string; caller?: string; absentRounds: number; rounds: number }[];
    };

/** Why a total is reported but not gated. */
export type TotalNote = "other-runner";
