/** Human formatting of profile values: durations from nanoseconds, sizes from bytes. */

/** Three significant figures at most, fixed notation: deterministic across machines (no locale). */
function short(v: number): string {
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** A value in the profile's unit, scaled for reading: nanoseconds as ns/µs/ms/s, bytes as B/KiB/MiB/GiB. */
export function formatValue(v: number, unit: string): string {
  if (v === 0) return unit === "bytes" ? "0 B" : unit === "nanoseconds" ? "0 s" : "0";
  const a = Math.abs(v);
  if (unit === "nanoseconds") {
    if (a >= 1e9) return `${short(v / 1e9)} s`;
    if (a >= 1e6) return `${short(v / 1e6)} ms`;
    if (a >= 1e3) return `${short(v / 1e3)} µs`;
    return `${short(v)} ns`;
  }
  if (unit === "bytes") {
    if (a >= 2 ** 30) return `${short(v / 2 ** 30)} GiB`;
    if (a >= 2 ** 20) return `${short(v / 2 ** 20)} MiB`;
    if (a >= 2 ** 10) return `${short(v / 2 ** 10)} KiB`;
    return `${v.toFixed(0)} B`;
  }
  const suffix = unit === "count" || unit === "" ? "" : ` ${unit}`;
  if (a >= 1e9) return `${short(v / 1e9)}G${suffix}`;
  if (a >= 1e6) return `${short(v / 1e6)}M${suffix}`;
  if (a >= 1e3) return `${short(v / 1e3)}k${suffix}`;
  return `${Number.isInteger(v) ? v.toFixed(0) : short(v)}${suffix}`;
}

export interface SignedOptions {
  /** Decimals shown; 1 when absent. */
  decimals?: number;
  /** The minus sign: "−" (U+2212, the default, for people) or "-". */
  minus?: string;
  /** What stands before a zero (and NaN): "±" by default, "+" or "". */
  zero?: string;
  /** A figure that rounds to zero at `decimals` is written as zero ("0.0", never "−0.0"). */
  roundedZero?: boolean;
  /** After the number, with a space: "%" by default, or "pp". */
  unit?: string;
}

/**
 * The one signed-change formatter: "+12.3 %", "−4.0 %", "±0.0 %". Every
 * signed percentage (and percentage-point change) in the reports goes
 * through it; the options keep each place's established look.
 */
export function formatSigned(value: number, o: SignedOptions = {}): string {
  const body = Math.abs(value).toFixed(o.decimals ?? 1);
  const zero = value === 0 || (o.roundedZero === true && Number(body) === 0);
  const sign = zero
    ? (o.zero ?? "±")
    : value > 0
      ? "+"
      : value < 0
        ? (o.minus ?? "−")
        : (o.zero ?? "±");
  return `${sign}${body} ${o.unit ?? "%"}`;
}

/**
 * Growth of ×10 and more reads as a ratio ("×14.3"), so no percentage has
 * more than three digits before the point; past `cap` (intervals only) it is written "> ×cap".
 */
function ratioOrPct(pct: number, cap = Infinity): string {
  if (!(pct >= 900)) return formatSigned(pct);
  const ratio = 1 + pct / 100;
  if (ratio >= cap) return `> ×${cap}`;
  return `×${ratio < 100 ? ratio.toFixed(1) : ratio.toFixed(0)}`;
}

/** "+12.3 %" / "−4.0 %" / "×14.3" (×10 and more); "new" when the base was zero. */
export function formatPct(pct: number | null): string {
  return pct === null ? "new" : ratioOrPct(pct);
}

/** Interval ends past this ratio are capped: the interval only says "far more", not how far. */
const INTERVAL_CAP = 100;

/** The interval of a change: each end as formatPct writes it, growth past ×100 capped ("> ×100"). */
export function formatInterval(ci: readonly [number, number]): string {
  const low = ratioOrPct(ci[0], INTERVAL_CAP);
  const high = ratioOrPct(ci[1], INTERVAL_CAP);
  return low === high && low.startsWith(">") ? low : `${low} … ${high}`;
}

export function formatP(p: number): string {
  if (p < 0.0001) return "p < 0.0001";
  return `p = ${p < 0.01 ? p.toPrecision(2) : p.toFixed(2)}`;
}
