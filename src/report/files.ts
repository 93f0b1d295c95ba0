import type { FlameStacks } from "./flame/index.js";
import type { Report } from "../compare/types.js";
import { diffStacks, renderHtml, renderSvg, renderTextFlame, verdictsOf } from "./flame/index.js";
import { renderJson } from "./json.js";
import { type MarkdownOptions, renderMarkdown } from "./markdown.js";

/**
 * Every report file a comparison can produce, rendered the same way by
 * `compare`, `ab`, `demo` and the action. Pure: strings out.
 */

export interface FlameSvg {
  service: string;
  kind: string;
  svg: string;
  /** The comparison that failed first (else the first one): the picture to show first. */
  headline: boolean;
}

function treeOf(report: Report, s: FlameStacks) {
  const c = report.comparisons.find((x) => x.service === s.service && x.kind === s.kind);
  return diffStacks(s.base, s.head, c ? { verdicts: verdictsOf(c) } : {});
}

/** The text flame of each comparison, keyed `${service}/${kind}` as MarkdownOptions.textFlames wants. */
export function textFlamesFor(report: Report, stacks: FlameStacks[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of stacks) out[`${s.service}/${s.kind}`] = renderTextFlame(treeOf(report, s));
  return out;
}

export function flameSvgsFor(report: Report, stacks: FlameStacks[]): FlameSvg[] {
  const headline = report.comparisons.find((c) => c.verdict === "fail") ?? report.comparisons[0];
  return stacks.map((s) => ({
    service: s.service,
    kind: s.kind,
    svg: renderSvg(treeOf(report, s), {
      unit: s.unit,
      title: `${s.service} · ${s.kind} (base → head)`,
    }),
    headline: headline !== undefined && headline.service === s.service && headline.kind === s.kind,
  }));
}

export function markdownFor(
  report: Report,
  stacks: FlameStacks[],
  options: Omit<MarkdownOptions, "textFlames"> = {},
): string {
  return renderMarkdown(report, { ...options, stacks, textFlames: textFlamesFor(report, stacks) });
}

export function htmlFor(report: Report, stacks: FlameStacks[], title: string): string {
  return renderHtml({ report, flames: stacks }, { title });
}

export { renderJson as jsonFor };
