import type { DiffNode, DiffTree } from "../../compare/stack-diff.js";

/** Three significant figures at most, fixed notation: deterministic across machines (no locale). */
function short(v: number): string {
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** A value in the profile's unit, scaled for reading: nanoseconds as ns/µs/ms/s, bytes as B/KiB/MiB/GiB. */
export function formatValue(v: number, unit: string): string {
  if (v === 0) return unit === "bytes" ? "0 B" : unit === "nanoseconds" ? "0 s" : "0";
  const a = Math.abs(v);
  if (unit === "nanoseconds") {
    if (a >= 1e9) return `${short(v / 1e9)} s`;
    if (a >= 1e6) return `${short(v / 1e6)} ms`;
    if (a >= 1e3) return `${short(v / 1e3)} µs`;
    return `${short(v)} ns`;
  }
  if (unit === "bytes") {
    if (a >= 2 ** 30) return `${short(v / 2 ** 30)} GiB`;
    if (a >= 2 ** 20) return `${short(v / 2 ** 20)} MiB`;
    if (a >= 2 ** 10) return `${short(v / 2 ** 10)} KiB`;
    return `${v.toFixed(0)} B`;
  }
  const suffix = unit === "count" || unit === "" ? "" : ` ${unit}`;
  if (a >= 1e9) return `${short(v / 1e9)}G${suffix}`;
  if (a >= 1e6) return `${short(v / 1e6)}M${suffix}`;
  if (a >= 1e3) return `${short(v / 1e3)}k${suffix}`;
  return `${Number.isInteger(v) ? v.toFixed(0) : short(v)}${suffix}`;
}

/** A fraction as a percentage: "12.3 %", two decimals under 0.1 % so small shares do not read as zero. */
export function formatShare(f: number): string {
  const p = f * 100;
  return `${Math.abs(p) < 0.1 && p !== 0 ? p.toFixed(2) : p.toFixed(1)} %`;
}

/** Sign in front, none when the printed figure rounds to zero ("-0.0" would be noise). */
function signed(s: string, v: number): string {
  if (parseFloat(s) === 0) return s.replace(/^-/, "");
  return v > 0 ? `+${s}` : s;
}

/** A share change in percentage points of the total: "+2.7 pp". */
export function formatPp(delta: number): string {
  const p = delta * 100;
  return signed(`${Math.abs(p) < 0.1 && p !== 0 ? p.toFixed(2) : p.toFixed(1)} pp`, p);
}

/** A relative change: "+22 %", "new" when there was nothing to compare with. */
export function formatRel(rel: number | null): string {
  if (rel === null) return "new";
  const p = rel * 100;
  return signed(`${Math.abs(p) >= 10 ? p.toFixed(0) : p.toFixed(1)} %`, p);
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
