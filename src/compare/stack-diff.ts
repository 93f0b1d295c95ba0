import type { StackNode } from "./aggregate.js";
import type { Comparison, Verdict } from "./types.js";
import { functionKey } from "../model/functions.js";

/**
 * How a node's share of its own side's total moved, as Grafana/pyroscope's
 * diff flamegraph colours it: "grew" (red), "shrank" (blue), "neutral" (grey:
 * within the noise band, or one whole side is empty so shares mean nothing).
 */
export type Change = "grew" | "shrank" | "neutral";

/** One call path present in the base, the head, or both; root first. */
export interface DiffNode {
  name: string;
  file: string;
  /** Inclusive value of the path on each side, in the comparison's unit. */
  base: number;
  head: number;
  /** Value of samples whose leaf is exactly this path. */
  baseSelf: number;
  headSelf: number;
  /** base / base total and head / head total (fractions; 0 when a side is empty). */
  baseShare: number;
  headShare: number;
  /** headShare − baseShare, a fraction of the total (0.01 = one percentage point). */
  shareDelta: number;
  /** shareDelta / baseShare; null when the path is absent from the base. */
  shareRel: number | null;
  change: Change;
  /**
   * Colour strength in [-1, 1]: shareRel clamped (a path new in the head is
   * +1), 0 when neutral. Pyroscope's scale saturates at ±100 % the same way.
   */
  heat: number;
  /** The report's verdict for this node's function (name + file), when it was judged. */
  verdict?: Verdict;
  /** For a "(N narrow frames)" node: how many frames it stands for (N). */
  merged?: number;
  /** Sorted by name, then file; a narrow-frames node comes last. */
  children: DiffNode[];
}

export interface DiffTree {
  root: DiffNode;
  baseTotal: number;
  headTotal: number;
  /** Frames (paths) folded into "(N narrow frames)" nodes, over the whole tree. */
  mergedFrames: number;
  /** Nodes kept in the tree, root and narrow-frames nodes included. */
  nodes: number;
  /** Deepest level below the root (root = 0). */
  maxDepth: number;
  /** The options in force, defaults filled in, so renderers can say what was done. */
  options: Required<Omit<DiffOptions, "verdicts">>;
}

export interface DiffOptions {
  /**
   * Paths below this share of the total on both sides are merged, per
   * parent, into one "(N narrow frames)" node. Fraction; default 0.001
   * (0.1 %): narrower than about one pixel of a 1000 px wide graph.
   */
  minShare?: number;
  /**
   * Noise band: a node is neutral when its share moved by less than
   * `noiseShare` of the total (fraction; default 0.001 = 0.1 percentage
   * point) or by less than `noiseRel` of its base share (fraction; default
   * 0.05 = 5 %). A colour is a hint for the eye, not a statistical test;
   * the report's verdict (shown in tooltips) is the test.
   */
  noiseShare?: number;
  noiseRel?: number;
  /** Verdict per function, keyed by functionKey({name, file}); see verdictsOf. */
  verdicts?: ReadonlyMap<string, Verdict>;
}

export const DEFAULT_DIFF_OPTIONS = { minShare: 0.001, noiseShare: 0.001, noiseRel: 0.05 } as const;

/** The frame verdicts of one comparison of the JSON report, keyed for DiffOptions.verdicts. */
export function verdictsOf(comparison: Comparison): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const f of comparison.frames)
    out.set(functionKey({ name: f.function, file: f.file }), f.verdict);
  return out;
}

function byNameThenFile(a: { name: string; file: string }, b: { name: string; file: string }) {
  // Plain code-unit order, not localeCompare: the output must not depend on the machine's locale.
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return 0;
}

function countNodes(n: StackNode | undefined): number {
  if (!n) return 0;
  let c = 1;
  for (const child of n.children.values()) c += countNodes(child);
  return c;
}

/** Merges two call trees: the union of their paths, each side's values kept apart. */
export function diffStacks(base: StackNode, head: StackNode, options: DiffOptions = {}): DiffTree {
  const opts = {
    minShare: options.minShare ?? DEFAULT_DIFF_OPTIONS.minShare,
    noiseShare: options.noiseShare ?? DEFAULT_DIFF_OPTIONS.noiseShare,
    noiseRel: options.noiseRel ?? DEFAULT_DIFF_OPTIONS.noiseRel,
  };
  const verdicts = options.verdicts;
  const baseTotal = base.value;
  const headTotal = head.value;
  const sidesPresent = baseTotal > 0 && headTotal > 0;
  let mergedFrames = 0;
  let nodes = 0;
  let maxDepth = 0;

  const make = (
    name: string,
    file: string,
    b: number,
    h: number,
    bSelf: number,
    hSelf: number,
  ): DiffNode => {
    const baseShare = baseTotal > 0 ? b / baseTotal : 0;
    const headShare = headTotal > 0 ? h / headTotal : 0;
    const shareDelta = headShare - baseShare;
    const shareRel = baseShare > 0 ? shareDelta / baseShare : null;
    const withinNoise =
      Math.abs(shareDelta) < opts.noiseShare ||
      (shareRel !== null && Math.abs(shareRel) < opts.noiseRel);
    const change: Change =
      !sidesPresent || withinNoise || shareDelta === 0
        ? "neutral"
        : shareDelta > 0
          ? "grew"
          : "shrank";
    const heat =
      change === "neutral" ? 0 : shareRel === null ? 1 : Math.max(-1, Math.min(1, shareRel));
    nodes++;
    return {
      name,
      file,
      base: b,
      head: h,
      baseSelf: bSelf,
      headSelf: hSelf,
      baseShare,
      headShare,
      shareDelta,
      shareRel,
      change,
      heat,
      children: [],
    };
  };

  const narrow = (b: StackNode | undefined, h: StackNode | undefined) =>
    (baseTotal > 0 ? (b?.value ?? 0) / baseTotal : 0) < opts.minShare &&
    (headTotal > 0 ? (h?.value ?? 0) / headTotal : 0) < opts.minShare;

  const walk = (b: StackNode | undefined, h: StackNode | undefined, depth: number): DiffNode => {
    const any = (b ?? h)!;
    const node = make(any.name, any.file, b?.value ?? 0, h?.value ?? 0, b?.self ?? 0, h?.self ?? 0);
    if (verdicts) {
      const v = verdicts.get(functionKey(any));
      if (v) node.verdict = v;
    }
    if (depth > maxDepth) maxDepth = depth;
    const bKids = b?.children;
    const hKids = h?.children;
    const keys = new Set<string>([...(bKids?.keys() ?? []), ...(hKids?.keys() ?? [])]);
    const wide: Array<[StackNode | undefined, StackNode | undefined]> = [];
    const narrowSum = { b: 0, h: 0, frames: 0 };
    for (const key of keys) {
      const bc = bKids?.get(key);
      const hc = hKids?.get(key);
      if (narrow(bc, hc)) {
        // A merged frame's subtree goes with it: it is narrower still.
        narrowSum.b += bc?.value ?? 0;
        narrowSum.h += hc?.value ?? 0;
        narrowSum.frames += countNodes(bc) + countNodes(hc) - countShared(bc, hc);
      } else {
        wide.push([bc, hc]);
      }
    }
    const children = wide.map(([bc, hc]) => walk(bc, hc, depth + 1));
    children.sort(byNameThenFile);
    if (narrowSum.frames > 0) {
      const m = make(
        `(${narrowSum.frames} narrow frame${narrowSum.frames === 1 ? "" : "s"})`,
        "",
        narrowSum.b,
        narrowSum.h,
        // Everything under a merged node is drawn as its own width: count it all as self.
        narrowSum.b,
        narrowSum.h,
      );
      m.merged = narrowSum.frames;
      mergedFrames += narrowSum.frames;
      if (depth + 1 > maxDepth) maxDepth = depth + 1;
      children.push(m);
    }
    node.children = children;
    return node;
  };

  const root = walk(base, head, 0);
  return { root, baseTotal, headTotal, mergedFrames, nodes, maxDepth, options: opts };
}

/** Paths present on both sides, counted once in a merged frame count. */
function countShared(b: StackNode | undefined, h: StackNode | undefined): number {
  if (!b || !h) return 0;
  let c = 1;
  for (const [key, bc] of b.children) c += countShared(bc, h.children.get(key));
  return c;
}
