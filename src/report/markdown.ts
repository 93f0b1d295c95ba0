import { markdownTable } from "markdown-table";
import {
  type Comparison,
  type FrameResult,
  type OverallVerdict,
  REPORT_SCHEMA,
  type Report,
  type Verdict,
} from "../compare/types.js";
import { type AnswerStyle, answer, isUndecided, undecided, undecidedAnswer } from "./answer.js";
import { codeFence, codeSpan, escapeText } from "./escape.js";
import {
  type CallContext,
  type Callers,
  type HeadStacks,
  callersByComparison,
  foldedCallers,
  viaWords,
} from "./callers.js";
import { foldNotes } from "./fold.js";
import {
  budgetWords,
  frameChange,
  kindLabel,
  perSuffix,
  perWords,
  scopeWords,
  totalChange,
} from "./rows.js";
import { formatP, formatPct } from "./units.js";

/**
 * The PR comment and job summary body. Pure: report in, markdown out.
 * Everything that came from the profiled code goes through escape.ts.
 */

/** GitHub refuses comment bodies over 65,536 characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Hidden marker that finds this comment again (sticky comment). */
  marker?: string;
  /** The head's call tree per comparison: folds callers under the leaf that grew (callers.ts). */
  stacks?: HeadStacks;
  /** Text flame per comparison, keyed `${service}/${kind}` (from report/flame renderTextFlame). */
  textFlames?: Record<string, string>;
  /** Links to artifacts (profile sets, HTML report), already absolute URLs. */
  links?: Array<{ label: string; url: string }>;
  /** An image of the flamegraph diff (image: branch), already an absolute URL. */
  imageUrl?: string;
  /** Regressed frames listed per comparison. */
  topFrames?: number;
  maxChars?: number;
  /** Extra lines shown under the verdict (e.g. "no baseline found on main"). */
  preface?: string[];
}

const EMPTY: Report = { schema: REPORT_SCHEMA, verdict: "pass", comparisons: [] };

const ICON: Record<OverallVerdict, string> = {
  pass: "✅",
  warn: "⚠️",
  fail: "❌",
  "no-baseline": "ℹ️",
};

function verdictOf(c: Comparison): Verdict {
  if (c.verdict) return c.verdict;
  if (c.total.verdict === "fail" || c.frames.some((f) => f.verdict === "fail")) return "fail";
  if (c.total.verdict === "warn" || c.frames.some((f) => f.verdict === "warn")) return "warn";
  return "pass";
}

function label(c: Comparison): string {
  return `${escapeText(c.service)} · ${kindLabel(c)}`;
}

const MARKDOWN_STYLE: AnswerStyle = { name: (s) => codeSpan(s, 60), text: escapeText };

/** The first line: the verdict and the answer (answer.ts). */
function headline(report: Report, folded: ReadonlySet<FrameResult>): string {
  const icon = ICON[report.verdict];
  if (report.verdict === "no-baseline") {
    return `${icon} **flamegate: no baseline to compare with.** Profiles were captured and uploaded; the next run on the base branch provides one.`;
  }
  const said = answer(report, MARKDOWN_STYLE, folded);
  if (report.verdict === "fail") return `${icon} **flamegate: regression:** ${said}.`;
  if (report.verdict === "warn")
    return `${icon} **flamegate: possible regression, not proven:** ${said}.`;
  const n = report.comparisons.length;
  const pass = `${icon} **flamegate: no regression** over the thresholds in ${n} comparison${n === 1 ? "" : "s"}.`;
  return said ? `${pass} Undecided: ${said}.` : pass;
}

function verdictCell(f: FrameResult): string {
  return f.verdict === "pass" && isUndecided(f)
    ? "❔ undecided"
    : `${ICON[f.verdict]} ${f.verdict}`;
}

function functionCell(f: FrameResult, ctx: CallContext | undefined): string {
  const name = (s: string) => codeSpan(s, 60);
  const from = ctx?.calledFrom ? ` <sub>called from ${name(ctx.calledFrom)}</sub>` : "";
  const via = ctx && ctx.via.length > 0 ? `<br><sub>${viaWords(ctx, name)}</sub>` : "";
  const changed = f.changed ? " <sub>✎ changed file</sub>" : "";
  return `${codeSpan(f.function)}${changed}${from}${via}`;
}

function frameRow(c: Comparison, f: FrameResult, ctx?: CallContext): string[] {
  const shown = frameChange(c, f);
  return [
    functionCell(f, ctx),
    f.file ? codeSpan(f.file.split("/").slice(-2).join("/"), 60) : "",
    shown.pair,
    shown.delta,
    shown.interval,
    verdictCell(f),
  ];
}

/** What this run could have caught (docs/statistics.md defines each figure). */
function mdeLine(c: Comparison): string {
  const m = c.mde;
  const power = m.power === undefined ? "" : ` (${Math.round(m.power * 100)} % power)`;
  const at = m.atSharePct ?? 5;
  const share =
    m.frameSharePct >= 100
      ? "a growth at the threshold is not provable in any frame at this budget"
      : `a growth at the threshold is caught in frames holding ≥ ${m.frameSharePct.toFixed(1)} % of the total`;
  const total = m.totalPct === undefined ? "" : `; the total, from ±${m.totalPct.toFixed(0)} %`;
  return (
    `_What this run could detect${power}: ${share}; a frame holding ${at} % would have to grow ` +
    `${formatPct(m.deltaPct)}${total} (${budgetWords(c)})._`
  );
}

/** The notes under one fold, one line per kind (fold.ts); the noise in the fold's title. */
function notesFold(c: Comparison): string[] {
  const notes = foldNotes(c);
  if (notes.length === 0) return [];
  const noise = notes.find((n) => n.startsWith("frames vary"))?.replace(/ \(σ0.*$/, "");
  const title = `${notes.length} note${notes.length === 1 ? "" : "s"}${noise ? `: ${noise}` : ""}`;
  return [
    "",
    `<details><summary>${escapeText(title)}</summary>`,
    "",
    ...notes.map((n) => `- ${escapeText(n)}`),
    "",
    "</details>",
  ];
}

function comparisonSection(c: Comparison, options: MarkdownOptions, callers: Callers): string[] {
  const per = perSuffix(c);
  const out: string[] = [];
  out.push(`### ${ICON[verdictOf(c)]} ${label(c)}`);
  out.push("");
  out.push(`_${scopeWords(c)}_`);
  out.push("");
  const t = c.total;
  const shownTotal = totalChange(c);
  out.push(
    `**Total** ${shownTotal.pair} ${perWords(c)}: ` +
      `${shownTotal.delta} (99 % interval ${shownTotal.interval}, ${formatP(t.p)}) — ${t.verdict}${t.note ? ` (${escapeText(t.note)})` : ""}`,
  );
  if (c.load) {
    const b = c.load.base;
    const h = c.load.head;
    const rps = (x: number | null) => (x === null ? "?" : `${x.toFixed(0)} req/s`);
    const ms = (x: number | null) => (x === null ? "?" : `${x.toFixed(1)} ms`);
    out.push("");
    out.push(
      `**Load** throughput ${rps(b.throughput)} → ${rps(h.throughput)}; latency p50 ${ms(b.p50)} → ${ms(h.p50)}, p99 ${ms(b.p99)} → ${ms(h.p99)}`,
    );
  }
  const grew = (f: FrameResult) => ["grew", "new"].includes(frameChange(c, f).direction);
  const shown = c.frames
    .filter((f) => !callers.folded.has(f))
    .filter((f) => f.untested !== "ignored" && (f.verdict !== "pass" || grew(f)))
    .slice(0, options.topFrames ?? 10);
  out.push("");
  if (shown.length > 0) {
    out.push(
      markdownTable(
        [
          ["Function", "File", `Base → head${per}`, "Δ", "99 % interval", "Verdict"],
          ...shown.map((f) => frameRow(c, f, callers.context.get(f))),
        ],
        { align: ["l", "l", "r", "r", "r", "l"], alignDelimiters: false },
      ),
    );
  } else {
    out.push("No frame grew.");
  }
  out.push("");
  const open = undecided({ ...EMPTY, comparisons: [c] });
  for (const u of open.slice(0, 3)) out.push(`❔ ${undecidedAnswer(u, MARKDOWN_STYLE)}.`, "");
  out.push(mdeLine(c));
  out.push(...notesFold(c));
  const flame = options.textFlames?.[`${c.service}/${c.kind}`];
  if (flame) {
    const fence = codeFence(flame);
    out.push("");
    out.push("<details><summary>Flame diff of the most-changed stacks</summary>");
    out.push("");
    out.push(fence);
    out.push(flame.replace(/\r/g, ""));
    out.push(fence);
    out.push("");
    out.push("</details>");
  }
  out.push("");
  return out;
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const max = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const head: string[] = [];
  if (options.marker) head.push(`<!-- ${options.marker.replace(/-->/g, "")} -->`);
  // Folded callers per comparison, once: the first line counts them, the sections fold them.
  const callers = callersByComparison(report, options.stacks);
  head.push(headline(report, foldedCallers(callers)), "");
  for (const line of options.preface ?? []) head.push(escapeText(line), "");
  for (const note of report.notes ?? []) head.push(`> ${escapeText(note)}`, "");
  if (options.imageUrl) head.push(`![flamegraph diff](${safeUrl(options.imageUrl)})`, "");

  const tail: string[] = [];
  if (options.links && options.links.length > 0) {
    tail.push(
      `**Artifacts:** ${options.links.map((l) => `[${escapeText(l.label)}](${safeUrl(l.url)})`).join(" · ")}`,
    );
  }
  tail.push(
    "<sub>flamegate: a red line is a growth proven at the family-wise level and not shown smaller than the threshold; see the JSON report for every frame.</sub>",
  );

  const sections = report.comparisons.map((c) =>
    comparisonSection(c, options, callers.get(c)!).join("\n"),
  );
  const fixed = `${head.join("\n")}\n${tail.join("\n\n")}\n`;
  const truncatedNote =
    "\n> Comment truncated to GitHub's size limit: the full report is in the artifacts.\n";
  let body = "";
  let dropped = 0;
  for (const section of sections) {
    if (fixed.length + body.length + section.length + truncatedNote.length + 2 > max) {
      dropped++;
      continue;
    }
    body += `${section}\n`;
  }
  return `${head.join("\n")}\n${body}${dropped > 0 ? truncatedNote : ""}\n${tail.join("\n\n")}\n`;
}

/** Only http(s) URLs, percent-encoded so no character can end the markdown link early. */
function safeUrl(url: string): string {
  if (!/^https?:\/\//i.test(url)) return "#";
  return encodeURI(url).replace(/\(/g, "%28").replace(/\)/g, "%29");
}
