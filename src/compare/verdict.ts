import type { GateConfig } from "../config.js";
import type { KindSeries } from "./series.js";
import type { Comparison, FrameResult, TotalResult, Verdict } from "./types.js";

/**
 * PROVISIONAL gate (issue "Core"): a plain threshold on per-unit-of-work
 * values, with no statistics. It is replaced by the statistical gate of the
 * verdict issue; the signature stays.
 */
export type Judgement = Pick<Comparison, "total" | "frames" | "mde" | "verdict" | "notes">;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function pct(base: number, head: number): number | null {
  return base === 0 ? null : ((head - base) / base) * 100;
}

export function judge(series: KindSeries, gate: GateConfig): Judgement {
  const thresholds = series.kind === "cpu" || series.kind === "wall" ? gate.cpu : gate.alloc;
  const workBase = sum(series.work.base) || 1;
  const workHead = sum(series.work.head) || 1;
  const totalBase = sum(series.totals.base);
  const totalHead = sum(series.totals.head);
  const perWork = (b: number, h: number) => pct(b / workBase, h / workHead);

  const totalDelta = perWork(totalBase, totalHead);
  const total: TotalResult = {
    base: totalBase,
    head: totalHead,
    deltaPct: totalDelta,
    ci: [totalDelta ?? 0, totalDelta ?? 0],
    p: 1,
    verdict: totalDelta !== null && totalDelta / 100 >= thresholds.total ? "fail" : "pass",
  };

  const frames: FrameResult[] = series.frames.map((f) => {
    const self = { base: sum(f.self.base), head: sum(f.self.head) };
    const cum = { base: sum(f.cum.base), head: sum(f.cum.head) };
    const cumDelta = perWork(cum.base, cum.head);
    const share = totalBase === 0 ? 0 : cum.base / totalBase;
    const verdict: Verdict =
      cumDelta !== null && cumDelta / 100 >= thresholds.frame && share >= gate.minShare
        ? "fail"
        : "pass";
    return {
      function: f.function,
      file: f.file,
      self: { ...self, deltaPct: perWork(self.base, self.head) },
      cum: { ...cum, deltaPct: cumDelta },
      ci: [cumDelta ?? 0, cumDelta ?? 0],
      p: 1,
      verdict,
      shareBase: share,
      tested: "cum",
    };
  });

  const verdict: Verdict =
    total.verdict === "fail" || frames.some((f) => f.verdict === "fail") ? "fail" : "pass";
  return {
    total,
    frames,
    mde: { frameSharePct: gate.minShare * 100, deltaPct: thresholds.frame * 100 },
    verdict,
    notes: ["provisional threshold gate: no statistics yet"],
  };
}
