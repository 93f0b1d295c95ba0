import type { GateConfig } from "../../config.js";
import type { KindSeries } from "../series.js";
import { sum } from "../stats/describe.js";
import { worst } from "../severity.js";
import type { Comparison, FrameResult, NoiseEstimate, Verdict } from "../types.js";
import { type Design, layOut, normaliseSpeed, roundValues, usable } from "./design.js";
import {
  FrameStatistics,
  type ValueStats,
  familyWeights,
  framePrior,
  levelForShare,
  testFamily,
} from "./frames.js";
import type { VerdictNote } from "./notes.js";
import { pctOfLog } from "./outcome.js";
import { varyingInlining } from "./inlining.js";
import { frameResults } from "./results.js";
import { DEFAULT_VARIANT, type ProcedureVariant, TIME_KINDS, alphaTotal } from "./policy.js";
import { minimalDetectable, roundsToDecide } from "./power.js";
import {
  TOP_FRAMES,
  isIdle,
  largerShare,
  largest,
  notGated,
  testCandidates,
  withoutIdle,
} from "./select.js";
import { type JudgedTotal, totalTest } from "./total.js";

/**
 * The statistical gate (docs/statistics.md): per-frame tests on sample
 * counts normalised per unit of work and for machine speed, a moderated
 * variance that combines Poisson sampling and round-to-round noise, Holm
 * across frames, effect floors, and a separate test of the total per unit of
 * work. Pure: a KindSeries and the gate settings in, a Judgement out.
 */
export interface Judgement {
  total: JudgedTotal;
  /** The tested frames and the largest untested ones, worst first. */
  frames: FrameResult[];
  /** Functions judged, listed or not. */
  functionCount?: number;
  mde: Comparison["mde"];
  thresholds?: Comparison["thresholds"];
  verdict?: Verdict;
  /** What the reader should know, as codes and numbers (report/notes.ts words them). */
  notes?: VerdictNote[];
  noise?: NoiseEstimate;
}

/**
 * Whether frames get size factors (design.ts normaliseSpeed). Not when each pair's
 * sides ran in the same seconds: the pairing cancels the machine's speed, and the
 * median frame would only add its own noise — and, for time, take part of a hot
 * frame's real growth, as it follows each process's memory-bound code
 * (docs/lab/duets.md). Values that are the OS's CPU spread over the samples (Python)
 * keep them: each process's own ratio of samples to CPU (py-spy counts threads
 * waiting in a socket write) is a factor common to its frames that pairing cannot cancel.
 */
function speedCorrection(
  series: KindSeries,
  design: Design,
  variant: ProcedureVariant,
  notes: VerdictNote[],
): boolean {
  if (
    !design.paired ||
    series.simultaneous !== true ||
    (TIME_KINDS.has(series.kind) && series.osCountedValues === true) ||
    variant.speedFactorsSimultaneous
  )
    return true;
  notes.push({ code: "same-seconds" });
  return false;
}

/**
 * `listed`: how many untested frames (below min-count, or ignored) the judgement carries
 * besides every tested frame, the largest by cumulative share; the others are only
 * counted (Judgement.functionCount). The report lists every frame that does not pass and
 * the TOP_FRAMES largest, so judging costs what the tested and listed frames cost, not
 * what a 23k-function profile's tail would.
 */
export function judge(
  input: KindSeries,
  gate: GateConfig,
  listed: number = TOP_FRAMES,
  variant: ProcedureVariant = DEFAULT_VARIANT,
): Judgement {
  const stats = gate.stats;
  const thresholds = TIME_KINDS.has(input.kind) ? gate.cpu : gate.alloc;
  const baseRounds = input.totals.base.length;
  const headRounds = input.totals.head.length;
  if (baseRounds === 0 || headRounds === 0) return emptyJudgement(input, baseRounds, headRounds);
  const notes: VerdictNote[] = [];
  const series = withoutIdle(input, notes);
  const design = layOut(series, notes);
  const frames = new FrameStatistics(series, design, stats.minCount, variant);
  const idle = series.frames.map((f) => isIdle(series, f));
  if (speedCorrection(series, design, variant, notes))
    normaliseSpeed(frames.selfCounts, idle, design, stats.minCount, notes);

  // The Holm family: the hottest frames that are gated, by their count per round (pooled, or
  // the side that has it for a frame new or gone: floorCount).
  const ignored = notGated(series, gate.ignore);
  const ignoredCount = ignored.filter(Boolean).length;
  const candidates = testCandidates(frames.cumFloors(), ignored, stats.minCount);
  // Values that inlining moves between a function and its caller leave the family: the
  // caller's cum carries the function either way (inlining.ts).
  const inlining = variant.inliningViaCaller
    ? varyingInlining(frames, candidates)
    : { values: new Set<ValueStats>(), callers: new Map<number, number>() };
  const family = frames
    .family(candidates, stats.minCount)
    .filter((t) => !inlining.values.has(t.value));
  const prior = framePrior(family, stats, design, notes);
  frames.prior = prior;
  const weights = familyWeights(frames, family);
  const tested = testFamily(frames, family, weights, gate, thresholds);

  const shown = shownFrames(series, tested, listed);
  const inlined = new Set(candidates.filter((i) => !tested.has(i)));
  const results = frameResults(frames, shown, tested, ignored, inlined);
  if (inlined.size > 0) notes.push(inliningNote(frames, inlined, inlining.callers));
  const rounds = Math.min(baseRounds, headRounds);
  for (const r of results)
    if (r.undecided) r.result.roundsToDecide = roundsToDecide(r.test, rounds, r.level);

  const totalOutcome = totalTest(
    series,
    design,
    stats,
    thresholds.total,
    alphaTotal(gate),
    variant,
  );
  notes.push(...totalOutcome.notes);
  const tooCold = series.frames.length - candidates.length - ignoredCount;
  if (family.length > 0 && (tooCold > 0 || ignoredCount > 0))
    notes.push({
      code: "tested-frames",
      tested: candidates.length,
      frames: series.frames.length,
      tooCold,
      minCount: stats.minCount,
      ignored: ignoredCount,
    });
  const warned = results.filter((r) => r.result.verdict === "warn");
  if (warned.length > 0) {
    notes.push({
      code: "frames-unproven",
      count: warned.length,
      example: warned[0]!.result.function,
      deltaPct: pctOfLog(warned[0]!.test.delta),
      roundsToDecide: roundsToDecide(warned[0]!.test, rounds, warned[0]!.level),
    });
  }

  return {
    total: totalOutcome.result,
    frames: results.map((r) => r.result),
    functionCount: series.frames.length,
    mde: minimalDetectable(
      design,
      prior,
      gate,
      thresholds.frame,
      levelForShare(weights, gate, variant),
      totalOutcome.test,
    ),
    thresholds: { framePct: thresholds.frame * 100, totalPct: thresholds.total * 100 },
    verdict: worst([totalOutcome.result.verdict, ...results.map((r) => r.result.verdict)]),
    notes,
    noise: {
      samplesPerRound: design.totalCount,
      frameSigma: prior.replicated ? Math.sqrt(prior.sigma0sq) : null,
      priorDf: prior.priorDf,
      totalSigma: totalOutcome.runSigma,
      totalDriftSigma: totalOutcome.driftSigma,
    },
  };
}

/**
 * Listed: every tested frame, and the `listed` largest others by cumulative share on
 * either side (the order diff.ts keeps frames in); the rest are counted, not built.
 */
function shownFrames(
  series: KindSeries,
  tested: ReadonlyMap<number, unknown>,
  listed: number,
): number[] {
  const baseRounds = series.totals.base.length;
  const headRounds = series.totals.head.length;
  const totalBase = sum(roundValues(series.totals.base, baseRounds));
  const totalHead = sum(roundValues(series.totals.head, headRounds));
  const untested = series.frames.map((_, i) => i).filter((i) => !tested.has(i));
  const cumShare = (i: number) => {
    const f = series.frames[i]!;
    return largerShare(
      sum(roundValues(f.cum.base, baseRounds)),
      sum(roundValues(f.cum.head, headRounds)),
      totalBase,
      totalHead,
    );
  };
  return [...tested.keys(), ...largest(untested, cumShare, listed)];
}

/** The note naming the functions whose inlining varies between processes, and their callers. */
function inliningNote(
  frames: FrameStatistics,
  inlined: ReadonlySet<number>,
  callers: ReadonlyMap<number, number>,
): VerdictNote {
  const { series, design } = frames;
  return {
    code: "inlining-varies",
    functions: [...inlined].map((f) => {
      const g = callers.get(f);
      return {
        function: series.frames[f]!.function,
        ...(g === undefined ? {} : { caller: series.frames[g]!.function }),
        absentRounds: frames.cumCounts[f]!.filter((c) => c === 0).length,
        rounds: design.baseRounds + design.headRounds,
      };
    }),
  };
}

/** A side without rounds: raw sums, nothing tested. */
function emptyJudgement(series: KindSeries, baseRounds: number, headRounds: number): Judgement {
  const raw = (v: number[]) => sum(v.map(usable));
  return {
    total: {
      base: raw(series.totals.base),
      head: raw(series.totals.head),
      deltaPct: null,
      ci: [0, 0],
      p: 1,
      verdict: "pass",
    },
    frames: series.frames.map((f) => ({
      function: f.function,
      file: f.file,
      self: { base: raw(f.self.base), head: raw(f.self.head), deltaPct: null },
      cum: { base: raw(f.cum.base), head: raw(f.cum.head), deltaPct: null },
      ci: [0, 0],
      p: 1,
      verdict: "pass",
    })),
    mde: { frameSharePct: 100, deltaPct: 0 },
    verdict: "pass",
    notes: [{ code: "nothing-to-compare", baseRounds, headRounds }],
  };
}
