import type { FunctionTable } from "./aggregate.js";
import type { FrameSeries, KindSeries, PerSide } from "./series.js";
import { sum } from "./stats/describe.js";
import { noteText, totalInWords } from "../report/notes.js";
import { worst } from "./severity.js";
import type { Comparison, FrameResult } from "./types.js";
import type { Judgement } from "./verdict/judge.js";
import type { VerdictNote } from "./verdict/notes.js";
import { TOP_FRAMES, largerShare } from "./verdict/select.js";

/**
 * The diff stage: per-round function tables of both sides -> KindSeries (the
 * verdict's input) -> Comparison (the JSON report's shape). Pure.
 */

export type SeriesMeta = Omit<KindSeries, "frames" | "totals">;

/**
 * Frames are the union of the functions of every round of both sides (by
 * frameKey); a function absent from a round is 0 there. Functions with no
 * value anywhere (present in the tables, never on a counted sample) are left out,
 * as pprof leaves them out.
 */
export function buildSeries(
  meta: SeriesMeta,
  base: readonly FunctionTable[],
  head: readonly FunctionTable[],
): KindSeries {
  const frames: FrameSeries[] = [];
  const byKey = new Map<string, FrameSeries>();
  const add = (tables: readonly FunctionTable[], side: keyof PerSide) => {
    tables.forEach((table, round) => {
      for (const [key, i] of table.index) {
        const self = table.self[i]!;
        const cum = table.cum[i]!;
        if (self === 0 && cum === 0) continue;
        let frame = byKey.get(key);
        if (!frame) {
          const fn = table.functions[i]!;
          frame = {
            function: fn.name,
            file: fn.file,
            self: { base: zeros(base.length), head: zeros(head.length) },
            cum: { base: zeros(base.length), head: zeros(head.length) },
          };
          byKey.set(key, frame);
          frames.push(frame);
        }
        frame.self[side][round] = self;
        frame.cum[side][round] = cum;
      }
    });
  };
  add(base, "base");
  add(head, "head");
  return {
    ...meta,
    totals: { base: base.map((t) => t.total), head: head.map((t) => t.total) },
    frames,
  };
}

function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

/**
 * The comparison of one service and kind: the judgement plus the sides'
 * summaries. Frames: every frame that does not pass, plus the TOP_FRAMES
 * largest by cum share on either side, in the gate's order: worst verdict
 * first, then the frame whose own code added most of the total (a leaf
 * before the callers that carry its cost), so the biggest improvements come
 * last. The gate ranks on its estimates, which are corrected for machine
 * speed like the deltas shown; raw values per unit of work are not, and on
 * them a caller near the root outranked the leaf that regressed.
 */
export function assembleComparison(
  series: KindSeries,
  judgement: Judgement,
  extra: Pick<Comparison, "base" | "head" | "load" | "pairing"> & { notes: string[] },
  topFrames = TOP_FRAMES,
): Comparison {
  const totalBase = sum(series.totals.base);
  const totalHead = sum(series.totals.head);
  const share = (f: FrameResult) => largerShare(f.cum.base, f.cum.head, totalBase, totalHead);
  const bySize = [...judgement.frames].sort((a, b) => share(b) - share(a));
  const kept = new Set(bySize.slice(0, topFrames));
  for (const f of judgement.frames) if (f.verdict !== "pass") kept.add(f);
  const frames = judgement.frames.filter((f) => kept.has(f));
  const notes = [...(judgement.notes ?? []).map(noteText), ...extra.notes];
  const functions = judgement.functionCount ?? judgement.frames.length;
  if (frames.length < functions)
    notes.push(
      noteText({ code: "functions-listed", listed: frames.length, functions, top: topFrames }),
    );
  const verdict =
    judgement.verdict ?? worst([judgement.total.verdict, ...frames.map((f) => f.verdict)]);
  return {
    service: series.service,
    runtime: series.runtime,
    kind: series.kind,
    unit: series.unit,
    sampleType: series.sampleType,
    unitOfWork: series.unitOfWork,
    ...speedCorrection(judgement.notes ?? []),
    ...(extra.pairing ? { pairing: extra.pairing } : {}),
    base: extra.base,
    head: extra.head,
    total: totalInWords(judgement.total),
    frames,
    ...(judgement.thresholds ? { thresholds: judgement.thresholds } : {}),
    mde: judgement.mde,
    ...(judgement.noise ? { noise: judgement.noise } : {}),
    verdict,
    ...(notes.length > 0 ? { notes } : {}),
    ...(extra.load ? { load: extra.load } : {}),
  };
}

/** Whether frames were corrected for machine speed, and if not, why (the notes say). */
function speedCorrection(
  notes: readonly VerdictNote[],
): Pick<Comparison, "speedCorrected" | "uncorrectedBecause"> {
  if (notes.some((n) => n.code === "same-seconds"))
    return { speedCorrected: false, uncorrectedBecause: "side-by-side" };
  if (notes.some((n) => n.code === "no-size-factors"))
    return { speedCorrected: false, uncorrectedBecause: "few-frames" };
  return { speedCorrected: true };
}
