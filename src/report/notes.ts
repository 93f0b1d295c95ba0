import type { TotalResult } from "../compare/types.js";
import type { TotalNote, VerdictNote } from "../compare/verdict/notes.js";
import type { JudgedTotal } from "../compare/verdict/total.js";
import { formatSigned } from "./units.js";

/**
 * The gate's notes in words. Changes here are written with an ASCII minus and
 * "+0.0 %" at zero, as the notes of every report so far were.
 */
const change = (pct: number) => formatSigned(pct, { minus: "-", zero: "+" });

/** How many rounds per side would decide an undecided change, in words. */
export function describeRounds(n: number): string {
  return n > 100
    ? "more than 100 rounds per side would be needed: lengthen the capture window or raise the sampling rate instead"
    : `about ${n} rounds per side would decide it`;
}

export function noteText(note: VerdictNote): string {
  switch (note.code) {
    case "idle-excluded":
      return `${note.functions.join(", ")}: idle time, not CPU work: left out of the total and not gated`;
    case "period-estimated":
      return "sample period unknown: one sample's value was taken as the smallest value any frame holds in a round";
    case "work-missing":
      return "some rounds report no units of work; they count as 1";
    case "per-second":
      return "normalised per second of load window (a load command does not count requests): with a fixed-rate load a regression shows as more samples per second";
    case "no-work-unit":
      return "no units of work known: frames are compared on machine-normalised values; the total is a raw profile total";
    case "no-size-factors":
      return `fewer than ${note.minFrames} frames hold ${note.minCount} samples per round: frames are not normalised for machine speed`;
    case "same-seconds":
      return "base and head ran side by side: frames are compared as measured, without size factors (the pairing cancels the machine's speed)";
    case "one-round":
      return `indicative: one round per side, so no round-to-round variance could be estimated; frame tests assume ${(note.frameSigma * 100).toFixed(1)} % frame noise between runs (gate.prior-sigma) plus Poisson sampling noise, the total ${(note.totalSigma * 100).toFixed(0)} % (gate.total-sigma); run 3 or more rounds per side for a verdict you can rely on`;
    case "frame-noise":
      // The same figure as σ0, at its precision below 10 %: "±1 % (σ0 = 0.5 %)" read as two.
      return `frames vary ±${(note.frameSigma * 100).toFixed(note.frameSigma < 0.1 ? 1 : 0)} % between rounds beyond sampling noise (σ0 = ${(note.frameSigma * 100).toFixed(1)} %, prior df ${note.priorDf >= note.maxPriorDf ? `≥ ${note.maxPriorDf}` : note.priorDf.toFixed(1)}${note.estimated ? ", estimated" : ""})`;
    case "total-other-runner":
      return `${note.kind} total not gated: the baseline ran on a different runner; frame tests still run on machine-normalised values`;
    case "total-unproven":
      return `total per ${note.unitOfWork} ${change(note.deltaPct)} is over the ${change(note.thresholdPct)} threshold but not proven at this budget (p = ${note.p.toPrecision(2)}); ${describeRounds(note.roundsToDecide)}`;
    case "tested-frames":
      return `tested ${note.tested} of ${note.frames} frames: ${note.tooCold} below ${note.minCount} samples per round${note.ignored > 0 ? `, ${note.ignored} not gated (gate.ignore, idle)` : ""}`;
    case "frames-unproven":
      return `${note.count} frame(s) over the threshold but not proven at this budget (e.g. ${note.example} ${change(note.deltaPct)}); ${describeRounds(note.roundsToDecide)}`;
    case "nothing-to-compare":
      return `nothing to compare: ${note.baseRounds} base and ${note.headRounds} head rounds`;
    case "functions-listed":
      return `${note.listed} of ${note.functions} functions listed: every one that did not pass, and the ${note.top} largest`;
    case "inlining-varies":
      return note.functions
        .map(
          (f) =>
            `${f.function} comes and goes between processes (absent from ${f.absentRounds} of ${f.rounds} rounds: inlined into its caller in some)${f.caller === undefined ? ": not tested on its own; its callers' cumulative values hold it" : `: tested through ${f.caller}'s cumulative value, which holds it either way`}`,
        )
        .join("; ");
  }
}

export function totalNoteText(note: TotalNote): string {
  switch (note) {
    case "other-runner":
      return "baseline from a different runner: the total is reported for information, not gated (machine speed dominates it)";
  }
}

/** The judged total as the report writes it: the reason it is not gated, in words. */
export function totalInWords(total: JudgedTotal): TotalResult {
  const { note, ...rest } = total;
  return note === undefined ? rest : { ...rest, note: totalNoteText(note) };
}
