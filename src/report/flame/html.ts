import { createHash } from "node:crypto";
import type { StackNode } from "../../compare/aggregate.js";
import {
  DEFAULT_DIFF_OPTIONS,
  diffStacks,
  verdictsOf,
  type DiffNode,
  type DiffOptions,
} from "../../compare/stack-diff.js";
import type { Comparison, FrameResult, Report, Verdict } from "../../compare/types.js";
import { severity } from "../../compare/severity.js";
import { colourLevel } from "./colours.js";
import { escapeXml, jsonForScript } from "./escape.js";
import { formatValue } from "../units.js";
import { frameChange, perSuffix, scopeWords, shownPair, totalChange } from "../rows.js";
import { formatPp, formatShare } from "./format.js";
import { PAGE_SCRIPT } from "./page-script.js";
import { PAGE_STYLE } from "./page-style.js";
import { mergedNote } from "./svg.js";

/** One comparison's call trees, as the compare stage returns them in `stacks`. */
export interface FlameStacks {
  service: string;
  kind: string;
  unit: string;
  base: StackNode;
  head: StackNode;
}

export interface HtmlInput {
  report: Report;
  flames: FlameStacks[];
}

export interface HtmlOptions extends Omit<DiffOptions, "verdicts"> {
  /** Frame rows per comparison table; the JSON report has them all. Default 100. */
  maxTableRows?: number;
  /** Page title; default "flamegate report". */
  title?: string;
}

const VERDICT_CODE: Record<Verdict, number> = { pass: 1, warn: 2, fail: 3 };

/** Rows in the list of failing and warning frames beside the graph; the tables have the rest. */
const MAX_FLAGGED = 50;

/** A failing or warning frame, listed beside the graph; a click zooms to it. */
interface Flagged {
  name: string;
  file: string;
  verdict: Verdict;
  /** What was tested and by how much it changed, e.g. "self +12.0 %". */
  change: string;
}

/** The comparison's failing frames, then its warning ones, each in the report's order. */
function flaggedFrames(c: Comparison | undefined): Flagged[] {
  if (!c) return [];
  const pick = (v: Verdict) =>
    c.frames
      .filter((f) => f.verdict === v)
      .map((f) => {
        const tested = f.tested ?? "self";
        return {
          name: f.function,
          file: f.file,
          verdict: v,
          change: `${tested} ${frameChange(c, f).delta}`,
        };
      });
  return [...pick("fail"), ...pick("warn")].slice(0, MAX_FLAGGED);
}

/** The worst comparison's index (fail > warn > pass), the first of equals: the page opens on it. */
function worstIndex(verdicts: Verdict[]): number {
  let best = 0;
  verdicts.forEach((v, i) => {
    if (severity(v) > severity(verdicts[best]!)) best = i;
  });
  return best;
}

/** Flat preorder encoding the page script reads (see page-script.ts). */
function encode(root: DiffNode) {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string) => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const nodes: number[] = [];
  const visit = (n: DiffNode, depth: number) => {
    nodes.push(
      intern(n.name),
      intern(n.file),
      depth,
      n.base,
      n.head,
      n.baseSelf,
      n.headSelf,
      colourLevel(n),
      n.verdict ? VERDICT_CODE[n.verdict] : 0,
      n.merged ?? -1,
    );
    for (const c of n.children) visit(c, depth + 1);
  };
  visit(root, 0);
  return { strings, nodes };
}

const pValue = (p: number) => (p < 0.001 ? "< 0.001" : p.toFixed(3));
const verdictCell = (v: Verdict) => `<td class="${v}">${v}</td>`;

/**
 * A base or head cell: the figure the Δ was computed from (per unit of work,
 * speed-corrected for frames), the raw sum over all rounds in its tooltip.
 */
function valueCell(c: Comparison, shown: number, raw: number, rounds: number): string {
  const title = `raw sum over ${rounds} round${rounds === 1 ? "" : "s"}: ${formatValue(raw, c.unit)}`;
  return `<td class="num" title="${escapeXml(title)}">${escapeXml(formatValue(shown, c.unit))}</td>`;
}

function frameRow(c: Comparison, f: FrameResult): string {
  const tested = f.tested ?? "self";
  const v = f[tested];
  const shown = shownPair(c, v);
  const change = frameChange(c, f);
  return (
    `<tr><td>${escapeXml(f.function)}</td><td class="muted">${escapeXml(f.file)}</td>` +
    verdictCell(f.verdict) +
    `<td>${tested}</td>${valueCell(c, shown.base, v.base, c.base.rounds)}` +
    valueCell(c, shown.head, v.head, c.head.rounds) +
    `<td class="num">${escapeXml(change.delta)}</td><td class="num">${escapeXml(change.interval)}</td>` +
    `<td class="num">${pValue(f.p)}</td></tr>`
  );
}

function tables(c: Comparison, maxRows: number): string {
  const t = c.total;
  const totalPair = shownPair(c, t);
  const totalShown = totalChange(c);
  const per = perSuffix(c);
  const out = [
    `<p class="muted">${escapeXml(scopeWords(c))}</p>`,
    `<table><tr><th>total</th><th class="num">base ${per}</th><th class="num">head ${per}</th><th class="num">Δ</th><th class="num">99 % interval</th><th class="num">p</th><th>verdict</th></tr>`,
    `<tr><td>${escapeXml(c.kind)} (${escapeXml(c.unit)})</td>${valueCell(c, totalPair.base, t.base, c.base.rounds)}${valueCell(c, totalPair.head, t.head, c.head.rounds)}` +
      `<td class="num">${escapeXml(totalShown.delta)}</td><td class="num">${escapeXml(totalShown.interval)}</td><td class="num">${pValue(t.p)}</td>${verdictCell(t.verdict)}</tr></table>`,
  ];
  if (t.note) out.push(`<p class="muted">${escapeXml(t.note)}</p>`);
  for (const n of c.notes ?? []) out.push(`<p class="muted">${escapeXml(n)}</p>`);
  if (c.frames.length > 0) {
    out.push(
      `<table><tr><th>function</th><th>file</th><th>verdict</th><th>tested</th><th class="num">base ${per}</th><th class="num">head ${per}</th><th class="num">Δ</th><th class="num">99 % interval</th><th class="num">p</th></tr>`,
    );
    for (const f of c.frames.slice(0, maxRows)) out.push(frameRow(c, f));
    out.push(`</table>`);
    if (c.frames.length > maxRows)
      out.push(`<p class="muted">${c.frames.length - maxRows} more frames in the JSON report.</p>`);
  }
  return out.join("\n");
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("base64");

/**
 * One self-contained page: flamegraph diff per comparison (zoom, search,
 * hover, base/head/diff views) and the report's tables. No network: inline
 * style and script, pinned by hash in a Content-Security-Policy that allows
 * nothing else.
 */
export function renderHtml(input: HtmlInput, options: HtmlOptions = {}): string {
  const { report, flames } = input;
  const maxRows = options.maxTableRows ?? 100;
  const title = options.title ?? "flamegate report";
  const key = (service: string, kind: string) => `${service}\u0000${kind}`;
  const comparisons = new Map(report.comparisons.map((c) => [key(c.service, c.kind), c]));

  const encoded = flames.map((f) => {
    const c = comparisons.get(key(f.service, f.kind));
    const tree = diffStacks(f.base, f.head, {
      ...options,
      ...(c ? { verdicts: verdictsOf(c) } : {}),
    });
    return {
      label: `${f.service} · ${f.kind}`,
      verdict: c ? (c.verdict ?? c.total.verdict) : "pass",
      flagged: flaggedFrames(c),
      unit: f.unit,
      minShare: tree.options.minShare,
      baseTotal: tree.baseTotal,
      headTotal: tree.headTotal,
      note: [
        `base ${formatValue(tree.baseTotal, f.unit)}`,
        `head ${formatValue(tree.headTotal, f.unit)}`,
        `${tree.nodes} frames`,
        ...(tree.mergedFrames > 0 ? [mergedNote(tree)] : []),
      ].join(" · "),
      ...encode(tree.root),
    };
  });

  const swatch = (level: number) =>
    `<span class="sw ${level > 0 ? `r${level}` : level < 0 ? `b${-level}` : "n"}"></span>`;
  const legend =
    `<p class="legend">${swatch(4)}${swatch(2)} share of its side's total grew · ${swatch(-2)}${swatch(-4)} shrank · ${swatch(0)} within noise (±${formatPp(options.noiseShare ?? DEFAULT_DIFF_OPTIONS.noiseShare).slice(1)} or ±${formatShare(options.noiseRel ?? DEFAULT_DIFF_OPTIONS.noiseRel)}), or one side empty · ` +
    `outlined in red: the report's verdict for that function is fail (drawn at least 4 px wide, its callers too, however narrow; listed beside the graph with the warnings) · width: diff = mean of base and head share, base/head = that side's share · ` +
    `frames under ${formatShare(options.minShare ?? DEFAULT_DIFF_OPTIONS.minShare)} of both totals are merged, per caller, into "(N narrow frames)" with their callees summed by function.</p>`;

  const cmpButtons = encoded
    .map(
      (e, i) =>
        `<button type="button" data-cmp="${i}" data-verdict="${e.verdict}">${escapeXml(e.label)}</button>`,
    )
    .join("");
  const viewButtons = (["diff", "head", "base"] as const)
    .map((v) => `<button type="button" data-view="${v}">${v}</button>`)
    .join("");

  const flameIndex = new Map(flames.map((f, i) => [key(f.service, f.kind), i]));
  const sections = report.comparisons
    .map((c) => {
      const i = flameIndex.get(key(c.service, c.kind));
      const attr = i === undefined ? "" : ` data-flame="${i}"`;
      const verdict = c.verdict ?? c.total.verdict;
      return `<section${attr}><h2>${escapeXml(`${c.service} · ${c.kind}`)} — <span class="${verdict}">${verdict}</span></h2>\n${tables(c, maxRows)}\n</section>`;
    })
    .join("\n");

  // Base64 hashes and quoted keywords only: nothing here needs escaping in the attribute.
  const csp = `default-src 'none'; style-src 'sha256-${sha256(PAGE_STYLE)}'; script-src 'sha256-${sha256(PAGE_SCRIPT)}'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(`${title} · ${report.verdict}`)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)} — <span class="${report.verdict}">${escapeXml(report.verdict)}</span></h1>
<div class="bar"><span>comparison:</span><span id="cmps">${cmpButtons}</span><span>view:</span>${viewButtons}<button type="button" id="flip">flip</button><button type="button" id="reset">reset zoom</button></div>
<div class="bar"><input id="search" type="search" placeholder="search functions" aria-label="search functions"><span id="found"></span></div>
${legend}
<p id="note"></p>
<nav id="crumbs" aria-label="zoom path"></nav>
<noscript><p>The flamegraph needs JavaScript; the tables below do not.</p></noscript>
<div id="main"><div id="flame"></div><aside id="flagged" aria-label="failing and warning frames"><h3>Failing and warning frames</h3><p class="muted" id="flagged-none">None in this comparison.</p><ol id="flagged-list"></ol></aside></div>
<pre id="details" data-empty="Hover a frame for base, head, Δ and verdict; click to zoom, Esc to reset."></pre>
${sections}
<script type="application/json" id="flame-data">${jsonForScript({ comparisons: encoded, initial: worstIndex(encoded.map((e) => e.verdict)) })}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
