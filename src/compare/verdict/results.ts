import type { PerSide } from "../series.js";
import { sum } from "../stats/describe.js";
import type { TTestResult } from "../stats/t-tests.js";
import { worstFirst } from "../severity.js";
import type { FrameResult } from "../types.js";
import { type Design, logPeriod, roundValues } from "./design.js";
import type { FrameCall, FrameStatistics, ValueStats } from "./frames.js";
import { interval, pctOfLog } from "./outcome.js";

/** The frames' results as the report lists them: figures, shares, and the order. */

/** A listed frame: its result, and the additions the report's order ranks it by. */
interface ShownFrame {
  result: FrameResult;
  /** What the frame's own code (self) added; the tested value's addition. */
  selfAdded: number;
  added: number;
  test: TTestResult;
  /** Tested, over the thresholds, and not proven: the report says what would decide it. */
  undecided: boolean;
  /** The tested value's first Holm step level (what "rounds to decide" is computed for). */
  level: number;
}

/**
 * The results of the frames shown: tested ones with their verdict, the
 * others as "pass" on the hotter of self and cum with its unadjusted p. Worst
 * verdict first; then the frame whose own code added most (a leaf before the
 * callers whose cumulative value it carries), then by the tested value's addition.
 */
export function frameResults(
  frames: FrameStatistics,
  shown: readonly number[],
  tested: ReadonlyMap<number, FrameCall>,
  ignored: readonly boolean[],
  inlined: ReadonlySet<number> = new Set(),
): ShownFrame[] {
  const { series, design } = frames;
  const results = shown.map((i): ShownFrame => {
    const f = series.frames[i]!;
    const { self: selfValue, cum: cumValue } = frames.statsOf(i);
    const call = tested.get(i) ?? untestedCall(frames, selfValue, cumValue);
    const selfTest = frames.testOf(selfValue);
    const cumTest = frames.testOf(cumValue);
    const which = call.which === "self" ? f.self : f.cum;
    const result: FrameResult = {
      function: f.function,
      file: f.file,
      self: baseHead(f.self, selfValue, selfTest, design),
      cum: baseHead(f.cum, cumValue, cumTest, design),
      ci: interval(call.test),
      p: call.p,
      verdict: call.verdict,
      shareBase: shareOf(which, series.totals, design, "base"),
      shareHead: shareOf(which, series.totals, design, "head"),
      tested: call.which,
      pRaw: call.test.p,
      ...(tested.has(i)
        ? {}
        : { untested: ignored[i] ? "ignored" : inlined.has(i) ? "inlined" : "low-count" }),
    };
    const selfAdded = frames.addedShare(selfValue, selfTest.delta);
    const undecided = tested.has(i) && call.over && call.verdict !== "fail";
    return {
      result,
      selfAdded,
      added: call.added,
      test: call.test,
      undecided,
      level: call.level ?? 0,
    };
  });
  return results.sort(
    (a, b) =>
      worstFirst(a.result.verdict, b.result.verdict) ||
      b.selfAdded - a.selfAdded ||
      b.added - a.added,
  );
}

/** Reported, not tested: the hotter of self and cum, with its unadjusted p. */
function untestedCall(frames: FrameStatistics, self: ValueStats, cum: ValueStats): FrameCall {
  const which = cum === self ? "self" : "cum";
  const value = which === "self" ? self : cum;
  const test = frames.testOf(value);
  return {
    which,
    test,
    p: test.p,
    verdict: "pass",
    added: frames.addedShare(value, test.delta),
    value,
    over: false,
  };
}

/**
 * Raw sums, the change, and the pair the change was computed from: per unit
 * of work and corrected for machine speed (geometric means over rounds, in
 * the series' unit), so perWork.head / perWork.base − 1 is deltaPct.
 */
function baseHead(
  v: PerSide,
  stats: ValueStats,
  t: TTestResult,
  design: Design,
): FrameResult["self"] {
  const base = sum(roundValues(v.base, design.baseRounds));
  const head = sum(roundValues(v.head, design.headRounds));
  const perBase = Math.exp(stats.levelBase + logPeriod(design));
  return {
    base,
    head,
    deltaPct: base === 0 ? null : pctOfLog(t.delta),
    perWork: { base: perBase, head: perBase * (1 + pctOfLog(t.delta) / 100) },
  };
}

function shareOf(v: PerSide, totals: PerSide, design: Design, which: "base" | "head"): number {
  const rounds = which === "base" ? design.baseRounds : design.headRounds;
  const t = sum(roundValues(totals[which], rounds));
  return t > 0 ? Math.min(1, sum(roundValues(v[which], rounds)) / t) : 0;
}
