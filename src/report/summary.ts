import type { Comparison, FrameResult, Report } from "../compare/types.js";
import { type AnswerStyle, answer, isUndecided } from "./answer.js";
import { foldNotes } from "./fold.js";
import { type HeadStacks, callersByComparison, foldedCallers } from "./callers.js";
import { budgetWords, frameChange, scopeWords, totalChange } from "./rows.js";
import { formatP } from "./units.js";

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
  /** The head's call trees: failing callers a grown callee explains are counted as callers (callers.ts). */
  stacks?: HeadStacks;
}

function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}

/** Frames the summary lists: gated ones (an ignored or idle frame is not the answer to anything). */
const listable = (f: FrameResult) => f.untested !== "ignored";

const SUMMARY_STYLE: AnswerStyle = { name: clean, text: clean };

function frameLine(c: Comparison, f: FrameResult): string {
  const shown = frameChange(c, f);
  const where = f.file ? ` (${clean(f.file)})` : "";
  const label = shown.direction === "same" ? "unchanged" : shown.direction;
  const verdict = f.verdict === "pass" && isUndecided(f) ? "UNDECIDED" : f.verdict.toUpperCase();
  return `  ${label.padEnd(9)} ${shown.delta.padStart(9)}  ${clean(f.function)}${where}  ${f.tested ?? "cum"} ${shown.pair}  ${shown.interval}  ${formatP(f.p)}  ${verdict}${f.changed ? "  [changed file]" : ""}`;
}

function comparisonLines(c: Comparison, n: number): string[] {
  const t = totalChange(c);
  const lines = [
    `${clean(c.service)} · ${c.kind} (${c.sampleType ?? c.kind}/${c.unit}, ${budgetWords(c)}): ${(c.verdict ?? c.total.verdict).toUpperCase()}`,
    `  ${scopeWords(c)}`,
    `  total     ${t.delta.padStart(9)}  ${t.pair}  ${t.interval}  ${formatP(c.total.p)}  ${c.total.verdict.toUpperCase()}`,
  ];
  const shown = c.frames.filter(listable).map((f) => ({ f, d: frameChange(c, f).direction }));
  const regressed = shown.filter((x) => x.d === "grew" || x.d === "new").slice(0, n);
  const improved = shown
    .filter((x) => x.d === "shrank" || x.d === "gone")
    .slice(-n)
    .reverse();
  for (const { f } of [...regressed, ...improved]) lines.push(frameLine(c, f));
  for (const note of foldNotes(c)) lines.push(`  note: ${clean(note)}`);
  return lines;
}

export function renderSummary(report: Report, options: SummaryOptions = {}): string {
  const listed = options.frames ?? 3;
  const folded = foldedCallers(callersByComparison(report, options.stacks));
  const said = answer(report, SUMMARY_STYLE, folded);
  const n = report.comparisons.length;
  const head =
    report.verdict === "fail" || (report.verdict === "warn" && said)
      ? `flamegate: ${report.verdict.toUpperCase()}: ${said}`
      : `flamegate: ${report.verdict.toUpperCase()} (${n} comparison${n === 1 ? "" : "s"}, no regression over the threshold${report.verdict === "warn" ? " proven" : ""})${said ? `; undecided: ${said}` : ""}`;
  const lines = [head];
  for (const c of report.comparisons) lines.push(...comparisonLines(c, listed));
  for (const note of report.notes ?? []) lines.push(`note: ${clean(note)}`);
  return `${lines.join("\n")}\n`;
}
