import type { BaseHead, Comparison, FrameResult, TotalResult } from "../compare/types.js";
import { formatInterval, formatPct, formatValue } from "./units.js";

/**
 * What the markdown and the stdout summary show beside each Δ: the pair the
 * Δ was computed from (per unit of work; frames corrected for machine
 * speed), so head / base − 1 reproduces Δ to the rounding shown. Raw sums
 * stay in the JSON report (BaseHead.base/head) and the HTML tooltip.
 */

export const KIND_LABEL: Record<string, string> = {
  cpu: "CPU",
  alloc: "allocations",
  heap: "in-use heap",
  wall: "wall time",
  mutex: "mutex contention",
  block: "blocking",
  goroutine: "goroutines",
};

export function kindLabel(c: Pick<Comparison, "kind">): string {
  return KIND_LABEL[c.kind] ?? c.kind;
}

function unitOfWork(c: Comparison): "request" | "second" | "profile" {
  return c.unitOfWork ?? (c.base.requests && c.head.requests ? "request" : "profile");
}

/** "/req", "/s" or "/round": what every shown value is per. */
export function perSuffix(c: Comparison): string {
  return { request: "/req", second: "/s", profile: "/round" }[unitOfWork(c)];
}

/** "per request", "per second of capture window" or "per round". */
export function perWords(c: Comparison): string {
  return {
    request: "per request",
    second: "per second of capture window",
    profile: "per round",
  }[unitOfWork(c)];
}

/** Once per comparison, in words: what the shown pairs are. */
export function scopeWords(c: Comparison): string {
  // A report written before uncorrectedBecause existed goes by its pairing.
  const why =
    c.uncorrectedBecause ?? (c.pairing === "simultaneous" ? "side-by-side" : "few-frames");
  const speed =
    c.speedCorrected !== false
      ? "frames corrected for machine speed"
      : why === "side-by-side"
        ? "frames as measured (base and head ran side by side)"
        : "frames not corrected for machine speed (too few frames to estimate it)";
  return `Values are ${perWords(c)}, geometric means over rounds; ${speed}. The raw sums are in the JSON report and the HTML tooltips.`;
}

export function testedValue(f: FrameResult): BaseHead {
  return f.tested === "self" ? f.self : f.cum;
}

/** The shown pair of a value: its perWork figures, or (older reports) raw sums per unit of work. */
export function shownPair(c: Comparison, v: BaseHead): { base: number; head: number } {
  if (v.perWork) return v.perWork;
  const work = (side: "base" | "head") =>
    unitOfWork(c) === "request" ? (c[side].requests ?? 1) : Math.max(1, c[side].rounds);
  return { base: v.base / work("base"), head: v.head / work("head") };
}

export type Direction = "new" | "gone" | "grew" | "shrank" | "same";

export interface ShownChange {
  direction: Direction;
  /** "1.20 µs → 2.40 µs" for a change; "new · 161 µs/req · 10 % of CPU"; "gone (was 12 µs/req)". */
  pair: string;
  /** "+100.0 %", "×14.3", "new", "gone". */
  delta: string;
  /** The interval of the change, or "—" for a new or gone frame (no base or head to be relative to). */
  interval: string;
}

function share(fraction: number | undefined): string {
  const pct = (fraction ?? 0) * 100;
  return pct >= 10 ? pct.toFixed(0) : pct >= 1 ? pct.toFixed(1) : pct.toPrecision(2);
}

export function directionOf(v: Pick<BaseHead, "base" | "head" | "deltaPct">): Direction {
  if (v.base === 0 && v.head > 0) return "new";
  if (v.head === 0 && v.base > 0) return "gone";
  // A change that rounds to ±0.0 % is shown as none: an A/A reads "unchanged", not "grew +0.0 %".
  const d = Math.round((v.deltaPct ?? 0) * 10) / 10;
  return d > 0 ? "grew" : d < 0 ? "shrank" : "same";
}

/** A frame's change as shown: the tested value's pair, Δ and interval. */
export function frameChange(c: Comparison, f: FrameResult): ShownChange {
  const v = testedValue(f);
  const p = shownPair(c, v);
  const direction = directionOf(v);
  const per = perSuffix(c);
  if (direction === "new")
    return {
      direction,
      pair: `new · ${formatValue(p.head, c.unit)}${per} · ${share(f.shareHead ?? (c.head.total > 0 ? v.head / c.head.total : 0))} % of ${kindLabel(c)}`,
      delta: "new",
      interval: "—",
    };
  if (direction === "gone")
    return {
      direction,
      pair: `gone (was ${formatValue(p.base, c.unit)}${per})`,
      delta: "gone",
      interval: "—",
    };
  return {
    direction,
    pair: `${formatValue(p.base, c.unit)} → ${formatValue(p.head, c.unit)}`,
    delta: formatPct(v.deltaPct),
    interval: formatInterval(f.ci),
  };
}

export function totalChange(c: Comparison, t: TotalResult = c.total): ShownChange {
  const p = shownPair(c, t);
  return {
    direction: directionOf(t),
    pair: `${formatValue(p.base, c.unit)} → ${formatValue(p.head, c.unit)}`,
    delta: formatPct(t.deltaPct),
    interval: formatInterval(t.ci),
  };
}

/**
 * The budget a comparison spent, per side: "10 rounds × 4.0 s vs 10 rounds × 4.0 s"
 * (rounds × mean capture window), or "3 rounds vs 3 rounds" when the windows are unknown,
 * and how paired rounds ran (", side by side").
 */
export function budgetWords(c: Comparison): string {
  const side = (s: Comparison["base"]) => {
    const rounds = `${s.rounds} round${s.rounds === 1 ? "" : "s"}`;
    return typeof s.windowSeconds === "number" && s.rounds > 0
      ? `${rounds} × ${(s.windowSeconds / s.rounds).toFixed(1)} s`
      : rounds;
  };
  const paired =
    c.pairing === "simultaneous"
      ? ", side by side"
      : c.pairing === "sequential"
        ? ", paired one after the other"
        : "";
  return `${side(c.base)} vs ${side(c.head)}${paired}`;
}
