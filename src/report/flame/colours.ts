import type { DiffNode } from "../../compare/stack-diff.js";

/**
 * Diff colours after Grafana/pyroscope: red where a node's share of its own
 * side's total grew, blue where it shrank, grey when neutral; four steps of
 * strength by |heat| (relative share change, saturating at ±100 %).
 */
export const PALETTE = {
  neutral: "#d9d9d9",
  grew: ["#f7d4cf", "#f0a297", "#e2695c", "#c0392b"],
  shrank: ["#d3e1f5", "#a3c2ea", "#6d9bd9", "#2f64b5"],
} as const;

/** Steps at or above which the text goes white, for contrast on the darkest fills. */
const DARK_STEP = 4;

/** −4…4: sign is the direction, magnitude the colour step; 0 is neutral. */
export function colourLevel(node: DiffNode): number {
  if (node.change === "neutral") return 0;
  const step = Math.min(4, Math.max(1, Math.ceil(Math.abs(node.heat) * 4)));
  return node.change === "grew" ? step : -step;
}

export function fillOf(level: number): { fill: string; text: string } {
  if (level === 0) return { fill: PALETTE.neutral, text: "#000" };
  const steps = level > 0 ? PALETTE.grew : PALETTE.shrank;
  const step = Math.abs(level);
  return { fill: steps[step - 1]!, text: step >= DARK_STEP ? "#fff" : "#000" };
}
