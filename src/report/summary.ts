import type { Comparison, FrameResult, Report } from "../compare/types.js";
import { formatInterval, formatP, formatPct, formatValue } from "./units.js";

/**
 * The short human summary `compare` prints on stdout: the verdict, then per
 * comparison the total and the frames that moved most either way, each with
 * its interval and p so the reader sees how sure the gate is. Names come
 * from the profiled code: control characters are removed so a hostile name
 * cannot drive the terminal.
 */

export interface SummaryOptions {
  /** Regressed and improved frames shown per comparison, each. */
  frames?: number;
}

function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

function tested(f: FrameResult) {
  return f.tested === "self" ? f.self : f.cum;
}

function frameLine(label: string, f: FrameResult, unit: string): string {
  const v = tested(f);
  const where = f.file ? ` (${clean(f.file)})` : "";
  return `  ${label} ${formatPct(v.deltaPct).padStart(9)}  ${clean(f.function)}${where}  ${f.tested ?? "cum"} ${formatValue(v.base, unit)} → ${formatValue(v.head, unit)}  ${formatInterval(f.ci)}  ${formatP(f.p)}  ${f.verdict.toUpperCase()}`;
}

function perUnit(c: Comparison): string {
  if (c.base.requests !== null && c.head.requests !== null) return "per request";
  return c.notes?.some((n) => n.includes("per second")) ? "per second" : "per round";
}

function comparisonLines(c: Comparison, n: number): string[] {
  const rounds = (k: number) => `${k} round${k === 1 ? "" : "s"}`;
  const lines = [
    `${clean(c.service)} · ${c.kind} (${c.sampleType ?? c.kind}/${c.unit}, ${rounds(c.base.rounds)} vs ${rounds(c.head.rounds)}, ${perUnit(c)}): ${(c.verdict ?? c.total.verdict).toUpperCase()}`,
    `  total      ${formatPct(c.total.deltaPct).padStart(9)}  ${formatValue(c.total.base, c.unit)} → ${formatValue(c.total.head, c.unit)}  ${formatInterval(c.total.ci)}  ${formatP(c.total.p)}  ${c.total.verdict.toUpperCase()}`,
  ];
  // A function the base never ran (deltaPct null, head above 0) is new code: a regression.
  const grew = (f: FrameResult) => {
    const v = tested(f);
    return v.deltaPct === null ? v.head > 0 : v.deltaPct > 0;
  };
  const regressed = c.frames.filter(grew).slice(0, n);
  const improved = c.frames
    .filter((f) => (tested(f).deltaPct ?? 0) < 0)
    .slice(-n)
    .reverse();
  for (const f of regressed) lines.push(frameLine("regressed", f, c.unit));
  for (const f of improved) lines.push(frameLine("improved ", f, c.unit));
  for (const note of c.notes ?? []) lines.push(`  note: ${clean(note)}`);
  return lines;
}

export function renderSummary(report: Report, options: SummaryOptions = {}): string {
  const n = options.frames ?? 3;
  const failed = report.comparisons.filter((c) => c.verdict === "fail").length;
  const head =
    report.verdict === "fail"
      ? `flamegate: FAIL (${failed} of ${report.comparisons.length} comparison${report.comparisons.length === 1 ? "" : "s"} regressed)`
      : `flamegate: ${report.verdict.toUpperCase()} (${report.comparisons.length} comparison${report.comparisons.length === 1 ? "" : "s"}, no regression over the threshold${report.verdict === "warn" ? " proven" : ""})`;
  const lines = [head];
  for (const c of report.comparisons) lines.push(...comparisonLines(c, n));
  for (const note of report.notes ?? []) lines.push(`note: ${clean(note)}`);
  return `${lines.join("\n")}\n`;
}
