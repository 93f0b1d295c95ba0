import type { Comparison, FrameResult, Report } from "../compare/types.js";
import { describeRounds } from "./notes.js";
import { frameChange, kindLabel, perWords, totalChange } from "./rows.js";
import { formatP, formatSigned } from "./units.js";

/**
 * The report's first line, the answer: what failed, by how much and how sure
 * (or what would decide an undecided change), in words. One wording for the
 * markdown and stdout; `name` formats what came from the profiled code
 * (a code span in markdown, control characters removed on a terminal).
 */

export interface AnswerStyle {
  /** A function or file name from the profile, made safe for the medium. */
  name: (s: string) => string;
  /** A service name. */
  text: (s: string) => string;
}

function shortFile(file: string): string {
  return file.split("/").slice(-2).join("/");
}

function frameName(f: FrameResult, style: AnswerStyle): string {
  return `${style.name(f.function)}${f.file ? ` (${style.name(shortFile(f.file))})` : ""}`;
}

function where(c: Comparison, style: AnswerStyle): string {
  return `${style.text(c.service)} · ${kindLabel(c)}`;
}

/** "`deepcopy` (copy.py) is new in api · CPU: 161 µs/req, 10 % of CPU (p < 0.0001)". */
export function frameAnswer(c: Comparison, f: FrameResult, style: AnswerStyle): string {
  const shown = frameChange(c, f);
  const name = frameName(f, style);
  const p = formatP(f.p);
  if (shown.direction === "new")
    return `${name} is new in ${where(c, style)}: ${shown.pair.replace(/^new · /, "")} (${p})`;
  const estimate = f.tested === "cum" ? f.cum.deltaPct : f.self.deltaPct;
  const reach = upTo(f.verdict, estimate, f.ci, c.thresholds?.framePct);
  return `${name} grew ${shown.delta}${reach} in ${where(c, style)}: ${shown.pair} ${perWords(c)} (${p})`;
}

/**
 * A failure whose estimate is under the threshold failed because its interval
 * reaches it: " (up to +12.6 %, threshold 10 %)", so the line does not read as a
 * contradiction. Empty otherwise.
 */
function upTo(
  verdict: string,
  estimatePct: number | null | undefined,
  ci: [number, number],
  thresholdPct: number | undefined,
): string {
  if (verdict !== "fail" || thresholdPct === undefined || typeof estimatePct !== "number")
    return "";
  const hi = ci[1];
  return estimatePct < thresholdPct && hi >= thresholdPct
    ? ` (up to ${formatSigned(hi)}, threshold ${formatSigned(thresholdPct, { decimals: 0 })})`
    : "";
}

function totalAnswer(c: Comparison, style: AnswerStyle): string {
  const t = totalChange(c);
  const reach = upTo(c.total.verdict, c.total.deltaPct, c.total.ci, c.thresholds?.totalPct);
  return `the total of ${where(c, style)} grew ${t.delta}${reach}: ${t.pair} ${perWords(c)} (${formatP(c.total.p)})`;
}

/** A change over the threshold that this run could not prove, and what would decide it. */
export interface Undecided {
  c: Comparison;
  /** The frame, or undefined for the total. */
  f?: FrameResult;
  rounds: number | null;
}

/** Every undecided change of the report, totals first, in the gate's order. */
export function undecided(report: Report): Undecided[] {
  const out: Undecided[] = [];
  for (const c of report.comparisons) {
    if (c.total.roundsToDecide !== undefined && c.total.verdict !== "fail")
      out.push({ c, rounds: c.total.roundsToDecide });
    for (const f of c.frames)
      if (f.roundsToDecide !== undefined && f.verdict !== "fail")
        out.push({ c, f, rounds: f.roundsToDecide });
  }
  return out;
}

/** "`checksum` (server.mjs) +16.0 % in orders · CPU: not provable at this budget (p = 0.20); about 9 rounds per side would decide it". */
export function undecidedAnswer(u: Undecided, style: AnswerStyle): string {
  const { c, f } = u;
  const what = f ? frameName(f, style) : "the total";
  const delta = f ? frameChange(c, f).delta : totalChange(c).delta;
  const p = formatP(f ? f.p : c.total.p);
  const decide =
    u.rounds === null || !Number.isFinite(u.rounds)
      ? "more rounds would be needed to decide it"
      : describeRounds(u.rounds);
  return `${what} ${delta} in ${where(c, style)}: not provable at this budget (${p}); ${decide}`;
}

/** Whether the failing frames lie in the files the change touched, when the report knows them. */
function changedWords(report: Report, failing: FrameResult[]): string {
  if (report.changedFiles === undefined) return "";
  const inChanged = failing.filter((f) => f.changed === true).length;
  if (inChanged === 0) return "; not in a file this change touched";
  if (inChanged === failing.length)
    return failing.length === 1
      ? "; in a file this change touched"
      : "; all in files this change touched";
  return `; ${inChanged} of ${failing.length} in files this change touched`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The answer after the verdict word: the worst failure, or the first undecided change, or
 * nothing. `folded`: failing callers whose growth a grown callee explains (callers.ts);
 * they are counted as callers, not as frames that failed on their own.
 */
export function answer(
  report: Report,
  style: AnswerStyle,
  folded: ReadonlySet<FrameResult> = new Set(),
): string {
  if (report.verdict === "fail") {
    const failing = report.comparisons.filter(
      (c) =>
        (c.verdict ?? c.total.verdict) === "fail" || c.frames.some((f) => f.verdict === "fail"),
    );
    const all = failing.flatMap((c) =>
      c.frames.filter((f) => f.verdict === "fail").map((f) => ({ c, f })),
    );
    const frames = all.filter((x) => !folded.has(x.f));
    const callers = all.length - frames.length;
    const first = frames[0];
    const more = frames.length - 1;
    if (first) {
      const also = more > 0 ? `; ${plural(more, "more frame")} failed` : "";
      const withIt =
        callers > 0
          ? `${more > 0 ? "," : ";"} ${plural(callers, "caller")} grew with ${more > 0 ? "them" : "it"}`
          : "";
      return `${frameAnswer(first.c, first.f, style)}${also}${withIt}${changedWords(
        report,
        frames.map((x) => x.f),
      )}`;
    }
    const c = failing[0];
    if (c) return totalAnswer(c, style);
    return "a comparison failed";
  }
  const open = undecided(report);
  const worst = open[0];
  if (worst) {
    const also = open.length > 1 ? `; ${plural(open.length - 1, "more change")} undecided` : "";
    return `${undecidedAnswer(worst, style)}${also}`;
  }
  return "";
}

/** The tested value's growth is over the threshold but not proven. */
export function isUndecided(f: FrameResult): boolean {
  return f.roundsToDecide !== undefined && f.verdict !== "fail";
}
