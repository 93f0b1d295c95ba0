import type { DiffNode, DiffTree } from "../../compare/stack-diff.js";
import { plainText, truncate } from "./escape.js";
import { formatPp, formatShare } from "./format.js";

export interface TextFlameOptions {
  /** Most lines printed, heading included; default 24. */
  maxLines?: number;
  /** Most characters per line (code points); default 100, at least 60. */
  width?: number;
}

/** Bar cells for a 100 % share; eighth blocks give 64 steps. */
const BAR = 8;
const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
/** Indent per tree level, capped so deep trees keep room for names. */
const INDENT = 2;
const MAX_LEVEL = 8;
const SEP = " › ";

function bar(share: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, share)) * BAR * 8);
  const s = "█".repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
  return s.padEnd(BAR, " ");
}

interface Entry {
  node: DiffNode;
  parent: Entry | undefined;
  index: number;
  children: Entry[];
}

interface Line {
  chain: Entry[];
  level: number;
}

const magnitude = (e: Entry) => Math.abs(e.node.shareDelta);
const byChange = (a: Entry, b: Entry) => magnitude(b) - magnitude(a) || a.index - b.index;

function lines(root: Entry, selected: Set<Entry>): Line[] {
  const out: Line[] = [{ chain: [root], level: 0 }];
  const picked = (e: Entry) => e.children.filter((c) => selected.has(c)).sort(byChange);
  const emit = (start: Entry, level: number) => {
    // A frame with one shown child shares its line: "a › b › c" reads as one path.
    const chain = [start];
    let kids = picked(start);
    while (kids.length === 1) {
      chain.push(kids[0]!);
      kids = picked(kids[0]!);
    }
    out.push({ chain, level });
    for (const k of kids) emit(k, level + 1);
  };
  for (const k of picked(root)) emit(k, 1);
  return out;
}

function label(chain: Entry[], room: number): string {
  const names = chain.map((e) => plainText(e.node.name));
  const last = chain[chain.length - 1]!.node;
  const tag =
    (last.base === 0 && last.head > 0
      ? " (new)"
      : last.head === 0 && last.base > 0
        ? " (gone)"
        : "") + (last.verdict === "fail" || last.verdict === "warn" ? ` [${last.verdict}]` : "");
  const fits = (s: string) => Array.from(s + tag).length <= room;
  const tries = [names.join(SEP)];
  if (names.length > 2) tries.push(`${names[0]}${SEP}…${SEP}${names[names.length - 1]}`);
  if (names.length > 1) tries.push(`…${SEP}${names[names.length - 1]}`);
  const best = tries.find(fits) ?? tries[tries.length - 1]!;
  return truncate(best, Math.max(1, room - Array.from(tag).length)) + tag;
}

/**
 * The most-changed call paths as a small indented tree for the PR comment:
 * a bar of the head share, the head share, the share change in percentage
 * points, then the path. Plain text, bounded to maxLines × width, safe inside
 * a ``` fence (no backticks, no control characters).
 */
export function renderTextFlame(tree: DiffTree, options: TextFlameOptions = {}): string {
  const maxLines = Math.max(3, options.maxLines ?? 24);
  const width = Math.max(60, options.width ?? 100);
  let count = 0;
  const build = (node: DiffNode, parent: Entry | undefined): Entry => {
    const e: Entry = { node, parent, index: count++, children: [] };
    e.children = node.children.map((c) => build(c, e));
    return e;
  };
  const root = build(tree.root, undefined);
  const all: Entry[] = [];
  const collect = (e: Entry) => {
    all.push(e);
    e.children.forEach(collect);
  };
  collect(root);
  const ranked = all.filter((e) => e !== root && e.node.change !== "neutral").sort(byChange);

  // Heading, root line, and one line kept for "… N more".
  const budget = maxLines - 2;
  const selected = new Set<Entry>([root]);
  let shown = 0;
  for (const e of ranked) {
    const added: Entry[] = [];
    for (let a: Entry | undefined = e; a && !selected.has(a); a = a.parent) added.push(a);
    added.forEach((a) => selected.add(a));
    if (lines(root, selected).length > budget) {
      added.forEach((a) => selected.delete(a));
      break;
    }
    shown++;
  }

  const prefix = (n: DiffNode) =>
    `${bar(n.headShare)} ${formatShare(n.headShare).padStart(7)} ${formatPp(n.shareDelta).padStart(9)}  `;
  const prefixWidth = Array.from(prefix(tree.root)).length;
  const out = [
    truncate(
      `${"head".padEnd(BAR)} ${"share".padStart(7)} ${"Δ share".padStart(9)}  call path, root first`,
      width,
    ),
  ];
  for (const { chain, level } of lines(root, selected)) {
    const indent = " ".repeat(Math.min(level, MAX_LEVEL) * INDENT);
    const last = chain[chain.length - 1]!.node;
    const room = width - prefixWidth - indent.length;
    out.push(prefix(last) + indent + label(chain, room));
  }
  const rest = ranked.length - shown;
  if (ranked.length === 0) out.push("no call path's share moved beyond the noise band");
  else if (rest > 0)
    out.push(
      truncate(`… ${rest} more changed frame${rest === 1 ? "" : "s"} in the HTML report`, width),
    );
  return out.join("\n") + "\n";
}
