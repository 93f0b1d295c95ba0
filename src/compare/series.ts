import type { Kind } from "../model/kinds.js";

/**
 * What the verdict stage sees: per frame and per round, the raw values of
 * each side, plus the units of work each round completed. Built by the diff
 * stage from two profile sets; judged by verdict/judge.ts. Pure data.
 */
export interface PerSide {
  base: number[];
  head: number[];
}

export interface FrameSeries {
  function: string;
  file: string;
  /** Raw value per round (same order as the rounds), pprof flat. */
  self: PerSide;
  /** Raw value per round, pprof cum (recursion counted once). */
  cum: PerSide;
}

export interface KindSeries {
  service: string;
  runtime: string;
  kind: Kind;
  /** Unit of the compared sample type, e.g. "nanoseconds", "bytes". */
  unit: string;
  sampleType: string;
  /** Sum of the compared value per round. */
  totals: PerSide;
  /**
   * Units of work per round: requests completed inside the window
   * ("request"), window seconds ("second", load command), or 1 per round
   * when nothing is known ("profile", two lone files).
   */
  work: PerSide;
  unitOfWork: "request" | "second" | "profile";
  /**
   * Value of one sample in `unit` (pprof's Profile.period when its type
   * matches the compared sample type: 10,000,000 ns for Go CPU at 100 Hz,
   * the memprofilerate in bytes for Go allocations; 1 for count units). The
   * verdict turns values into sample counts with it to model the Poisson
   * sampling noise; when absent it is estimated from the smallest value a
   * frame holds in a round.
   */
  samplePeriod?: number;
  /**
   * The same per round, when the rounds' periods differ (the Node agent
   * reports the mean sampling interval of each round, which stretches on a
   * busy machine); takes precedence over samplePeriod.
   */
  samplePeriods?: PerSide;
  /**
   * True when every round's values are the CPU the OS counted for its window,
   * spread over the samples (model/cpu-time.ts, Python): the total is then
   * tested on values per unit of work. Otherwise on sample counts, which
   * vary less than Node's wall-clock intervals on a busy machine.
   */
  osCountedValues?: boolean;
  /** True when round i of base and head ran side by side (ab / rerun mode). */
  paired: boolean;
  /**
   * Paired rounds whose base and head ran at the same time (both sets say
   * pairing: simultaneous): each pair saw the same machine speed.
   */
  simultaneous?: boolean;
  /** False when the baseline came from a different runner fingerprint. */
  sameRunner: boolean;
  frames: FrameSeries[];
}
