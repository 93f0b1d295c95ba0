/** Human formatting of profile values: durations from nanoseconds, sizes from bytes. */

export function formatValue(value: number, unit: string): string {
  const abs = Math.abs(value);
  if (unit === "nanoseconds") {
    if (abs >= 1e9) return `${trim(value / 1e9)} s`;
    if (abs >= 1e6) return `${trim(value / 1e6)} ms`;
    if (abs >= 1e3) return `${trim(value / 1e3)} µs`;
    return `${trim(value)} ns`;
  }
  if (unit === "bytes") {
    if (abs >= 1024 ** 3) return `${trim(value / 1024 ** 3)} GiB`;
    if (abs >= 1024 ** 2) return `${trim(value / 1024 ** 2)} MiB`;
    if (abs >= 1024) return `${trim(value / 1024)} KiB`;
    return `${trim(value)} B`;
  }
  return `${trim(value)}${unit === "count" ? "" : ` ${unit}`}`;
}

/** Three significant digits, no exponent for ordinary magnitudes. */
function trim(n: number): string {
  if (n === 0) return "0";
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return n.toFixed(digits);
}

/** "+12.3 %" / "−4.0 %"; "new" when the base was zero. */
export function formatPct(pct: number | null): string {
  if (pct === null) return "new";
  const sign = pct > 0 ? "+" : pct < 0 ? "−" : "±";
  return `${sign}${Math.abs(pct).toFixed(1)} %`;
}

export function formatInterval(ci: readonly [number, number]): string {
  return `${formatPct(ci[0])} … ${formatPct(ci[1])}`;
}

export function formatP(p: number): string {
  if (p < 0.0001) return "p < 0.0001";
  return `p = ${p < 0.01 ? p.toPrecision(2) : p.toFixed(2)}`;
}
