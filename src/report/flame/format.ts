import type { DiffNode, DiffTree } from "../../compare/stack-diff.js";
import { formatSigned, formatValue } from "../units.js";

/** A fraction as a percentage: "12.3 %", two decimals under 0.1 % so small shares do not read as zero. */
export function formatShare(f: number): string {
  const p = f * 100;
  return `${Math.abs(p) < 0.1 && p !== 0 ? p.toFixed(2) : p.toFixed(1)} %`;
}

/** The flamegraph's signs: ASCII minus, none when the printed figure rounds to zero ("-0.0" would be noise). */
const FLAME_SIGN = { minus: "-", zero: "", roundedZero: true } as const;

/** A share change in percentage points of the total: "+2.7 pp". */
export function formatPp(delta: number): string {
  const p = delta * 100;
  const decimals = Math.abs(p) < 0.1 && p !== 0 ? 2 : 1;
  return formatSigned(p, { ...FLAME_SIGN, decimals, unit: "pp" });
}

/** A relative change: "+22 %", "new" when there was nothing to compare with. */
export function formatRel(rel: number | null): string {
  if (rel === null) return "new";
  const p = rel * 100;
  return formatSigned(p, { ...FLAME_SIGN, decimals: Math.abs(p) >= 10 ? 0 : 1 });
}

/**
 * The hover text of a frame, shared by the SVG <title> and the HTML page's
 * details panel, so both say the same thing about the same node.
 */
export function describeNode(node: DiffNode, tree: DiffTree, unit: string): string {
  const lines = [node.name];
  if (node.merged !== undefined) {
    lines.push(
      `${node.merged} frames (with their callees) each under ${formatShare(tree.options.minShare)} of both totals, merged`,
    );
  } else if (node.file) {
    lines.push(node.file);
  }
  const side = (v: number, share: number, self: number, which: string) =>
    `${which}: ${formatValue(v, unit)} · ${formatShare(share)} of ${which} (self ${formatValue(self, unit)})`;
  lines.push(side(node.base, node.baseShare, node.baseSelf, "base"));
  lines.push(side(node.head, node.headShare, node.headSelf, "head"));
  const what =
    node.change === "neutral"
      ? "within noise"
      : node.change === "grew"
        ? "share grew"
        : "share shrank";
  const delta =
    node.base === 0 && node.head > 0
      ? "new in head"
      : node.head === 0 && node.base > 0
        ? "gone in head"
        : `${formatPp(node.shareDelta)} (${formatRel(node.shareRel)})`;
  lines.push(`Δ share: ${delta} · ${what}`);
  if (node.verdict) lines.push(`verdict: ${node.verdict}`);
  return lines.join("\n");
}
