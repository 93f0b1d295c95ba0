import type { DiffNode, DiffTree } from "../../compare/stack-diff.js";
import { colourLevel, fillOf } from "./colours.js";
import { escapeXml, truncate } from "./escape.js";
import { formatValue } from "../units.js";
import { describeNode, formatPp, formatShare } from "./format.js";

/** Which side's values set the widths: head, base (removed paths visible), or the mean of both shares. */
export type WidthSource = "head" | "base" | "diff";

export interface SvgOptions {
  /** Default "head". */
  widths?: WidthSource;
  /** "flame": root at the bottom, leaves on top (the field guide's reading); "icicle": root on top. Default "flame". */
  orientation?: "flame" | "icicle";
  /** Image width in px; default 1200. */
  width?: number;
  /** Unit of the values, for tooltips (e.g. "nanoseconds"); default "count". */
  unit?: string;
  /** Heading, e.g. "api · cpu"; default "flamegraph diff". */
  title?: string;
  /** Frames narrower than this many px are not drawn (with their subtrees); default 0.5. */
  minFramePx?: number;
}

/** Row height and font, in px; the label fit assumes a monospace advance of 0.6 em. */
const ROW = 17;
const FONT = 11;
const CHAR = FONT * 0.6;
const PAD = 3;
const HEADER = 44;
const FOOTER = 8;

/** A node's width as a fraction of the whole graph in the given mode. */
export function widthShare(node: DiffNode, widths: WidthSource): number {
  if (widths === "head") return node.headShare;
  if (widths === "base") return node.baseShare;
  return (node.baseShare + node.headShare) / 2;
}

interface Placed {
  node: DiffNode;
  x: number;
  w: number;
  depth: number;
}

function place(tree: DiffTree, widths: WidthSource, total: number, minPx: number): Placed[] {
  const out: Placed[] = [];
  const visit = (node: DiffNode, x: number, depth: number) => {
    const w = widthShare(node, widths) * total;
    if (w < minPx) return;
    out.push({ node, x, w, depth });
    let cx = x;
    for (const child of node.children) {
      visit(child, cx, depth + 1);
      cx += widthShare(child, widths) * total;
    }
  };
  visit(tree.root, 0, 0);
  return out;
}

/** Fixed two decimals: the same input gives byte-identical output. */
const n2 = (v: number) => v.toFixed(2);

/** What was merged, when anything was: one clause. */
export function mergedNote(tree: DiffTree): string | undefined {
  if (tree.mergedFrames === 0) return undefined;
  return `${tree.mergedFrames} frames under ${formatShare(tree.options.minShare)} of both totals merged into "(N narrow frames)"`;
}

/** What the colours (and, given `widths`, the widths) mean, and what was merged: one line. */
export function legendText(tree: DiffTree, widths?: WidthSource): string {
  const o = tree.options;
  const parts = [
    `colour: share of own total grew (red) / shrank (blue) / within ±${formatPp(o.noiseShare).slice(1)} or ±${formatShare(o.noiseRel)} (grey)`,
  ];
  if (widths)
    parts.unshift(
      `width: ${widths === "diff" ? "mean of base and head share" : `${widths} share`}`,
    );
  const merged = mergedNote(tree);
  if (merged) parts.push(merged);
  return parts.join(" · ");
}

/**
 * A static differential flamegraph: no script, tooltips as <title>, so it
 * renders the same as a committed image and in a browser.
 */
export function renderSvg(tree: DiffTree, options: SvgOptions = {}): string {
  const widths = options.widths ?? "head";
  const orientation = options.orientation ?? "flame";
  const width = options.width ?? 1200;
  const unit = options.unit ?? "count";
  const title = options.title ?? "flamegraph diff";
  const minPx = options.minFramePx ?? 0.5;
  const placed = place(tree, widths, width, minPx);
  const depth = placed.reduce((m, p) => Math.max(m, p.depth), 0);
  const rows = placed.length > 0 ? depth + 1 : 0;
  const height = HEADER + rows * ROW + FOOTER;
  const yOf = (d: number) =>
    orientation === "flame" ? HEADER + (depth - d) * ROW : HEADER + d * ROW;
  const totals = `base ${formatValue(tree.baseTotal, unit)} · head ${formatValue(tree.headTotal, unit)}`;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="${FONT}">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(
    `<text x="${PAD}" y="16" font-size="14" font-weight="bold">${escapeXml(`${title} — ${totals}`)}</text>`,
  );
  out.push(
    `<text x="${PAD}" y="34" fill="#444">${escapeXml(truncate(legendText(tree, widths), Math.floor((width - 2 * PAD) / CHAR)))}</text>`,
  );
  if (placed.length === 0) {
    out.push(
      `<text x="${PAD}" y="${HEADER + 12}">${escapeXml(`no samples on the ${widths} side`)}</text>`,
    );
  }
  for (const { node, x, w, depth: d } of placed) {
    const { fill, text } = fillOf(colourLevel(node));
    const y = yOf(d);
    const stroke =
      node.verdict === "fail"
        ? ` stroke="#000" stroke-width="1.5"`
        : node.verdict === "warn"
          ? ` stroke="#000" stroke-dasharray="3 2"`
          : "";
    out.push(`<g><title>${escapeXml(describeNode(node, tree, unit))}</title>`);
    out.push(
      `<rect x="${n2(x)}" y="${y}" width="${n2(Math.max(w - 0.5, 0.1))}" height="${ROW - 1}" fill="${fill}"${stroke} rx="1"/>`,
    );
    const fit = Math.floor((w - 2 * PAD) / CHAR);
    if (fit >= 3) {
      out.push(
        `<text x="${n2(x + PAD)}" y="${y + ROW - 5}" fill="${text}">${escapeXml(truncate(node.name, fit))}</text>`,
      );
    }
    out.push(`</g>`);
  }
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
