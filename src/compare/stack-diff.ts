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
  /** For a "(N narrow frames)" node: how many sibling frames (each with its callees) it stands for. */
  merged?: number;
  /** Sorted by name, then file; a narrow-frames node comes last. */
  children: DiffNode[];
}

export interface DiffTree {
  root: DiffNode;
  baseTotal: number;
  headTotal: number;
  /** Frames folded into "(N narrow frames)" nodes over the whole tree (their callees not counted). */
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
   * Frames below this share of the total on both sides are merged, per
   * parent and with their callees, into one "(N narrow frames)" node. Fraction; default 0.001
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

/** The stack nodes one diff node stands for on one side (empty when the path is absent). */
type Group = readonly StackNode[];

function byNameThenFile(a: { name: string; file: string }, b: { name: string; file: string }) {
  // Plain code-unit order, not localeCompare: the output must not depend on the machine's locale.
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return 0;
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

  const narrow = (b: number, h: number) =>
    (baseTotal > 0 ? b / baseTotal : 0) < opts.minShare &&
    (headTotal > 0 ? h / headTotal : 0) < opts.minShare;

  /** Function key -> dense id, and id -> slot in the level being tallied (−1: none yet). */
  const fidOf = new Map<string, number>();
  let slotOf = new Int32Array(1024).fill(-1);

  /**
   * One node of the diff from the stack nodes it stands for on each side:
   * one per side for an ordinary path; several for a "(N narrow frames)"
   * node and the callees below it, which are summed by function without
   * copying any subtree (each stack node is read once).
   */
  const walk = (
    b: Group,
    h: Group,
    bValue: number,
    hValue: number,
    bSelf: number,
    hSelf: number,
    depth: number,
    label?: string,
  ): DiffNode => {
    const any = (b[0] ?? h[0])!;
    const node = make(
      label ?? any.name,
      label === undefined ? any.file : "",
      bValue,
      hValue,
      bSelf,
      hSelf,
    );
    if (verdicts && label === undefined) {
      const v = verdicts.get(functionKey(any));
      if (v) node.verdict = v;
    }
    if (depth > maxDepth) maxDepth = depth;
    // A narrow merged node's callees are all narrower still: they would only
    // make a tower of "(N narrow frames)" nodes no one can see.
    if (narrow(bValue, hValue)) return node;
    // Sum each function's value per side, recording every callee and its slot
    // in visiting order; then route each callee to its wide group or to the
    // narrow pile from those arrays. A merged group of 10k thin callers
    // (large.cpu) costs one Map lookup per callee and no object per narrow
    // function.
    const sumB: number[] = [];
    const sumH: number[] = [];
    // Self values summed in the same pass: the callees are in cache now, and
    // a merged group's members are scattered all over the heap.
    const selfB: number[] = [];
    const selfH: number[] = [];
    const fids: number[] = [];
    const order: number[] = [];
    const seen: StackNode[] = [];
    const tally = (g: Group, sums: number[], selfs: number[]) => {
      for (const n of g)
        n.children.forEach((child, key) => {
          let f = fidOf.get(key);
          if (f === undefined) {
            f = fidOf.size;
            fidOf.set(key, f);
            if (f >= slotOf.length) {
              const grown = new Int32Array(slotOf.length * 2).fill(-1);
              grown.set(slotOf);
              slotOf = grown;
            }
          }
          let i = slotOf[f]!;
          if (i < 0) {
            i = sumB.length;
            slotOf[f] = i;
            fids.push(f);
            sumB.push(0);
            sumH.push(0);
            selfB.push(0);
            selfH.push(0);
          }
          sums[i]! += child.value;
          selfs[i]! += child.self;
          order.push(i);
          seen.push(child);
        });
    };
    tally(b, sumB, selfB);
    const baseCallees = seen.length;
    tally(h, sumH, selfH);
    // slotOf is shared by every level: clear this level's entries before recursing.
    for (const f of fids) slotOf[f] = -1;
    const wideAt: Array<
      { b: StackNode[]; h: StackNode[]; bv: number; hv: number; bs: number; hs: number } | undefined
    > = [];
    const narrowB: StackNode[] = [];
    const narrowH: StackNode[] = [];
    let narrowFrames = 0;
    let narrowBValue = 0;
    let narrowHValue = 0;
    let narrowBSelf = 0;
    let narrowHSelf = 0;
    for (let i = 0; i < sumB.length; i++) {
      if (narrow(sumB[i]!, sumH[i]!)) {
        narrowFrames++;
        narrowBValue += sumB[i]!;
        narrowHValue += sumH[i]!;
        narrowBSelf += selfB[i]!;
        narrowHSelf += selfH[i]!;
      } else {
        wideAt[i] = { b: [], h: [], bv: sumB[i]!, hv: sumH[i]!, bs: selfB[i]!, hs: selfH[i]! };
      }
    }
    // Every callee in visiting order with its slot, the base side's first.
    for (let k = 0; k < seen.length; k++) {
      const w = wideAt[order[k]!];
      const onBase = k < baseCallees;
      if (w) (onBase ? w.b : w.h).push(seen[k]!);
      else (onBase ? narrowB : narrowH).push(seen[k]!);
    }
    const wide = wideAt.filter((w) => w !== undefined);
    const children = wide.map((k) => walk(k.b, k.h, k.bv, k.hv, k.bs, k.hs, depth + 1));
    children.sort(byNameThenFile);
    if (narrowFrames > 0) {
      // The narrow frames become one node whose callees are theirs, summed by
      // function: a hot leaf reached through thousands of thin callers (a
      // dispatch table, generated handlers) stays visible above the merge.
      const label = `(${narrowFrames} narrow frame${narrowFrames === 1 ? "" : "s"})`;
      const m = walk(
        narrowB,
        narrowH,
        narrowBValue,
        narrowHValue,
        narrowBSelf,
        narrowHSelf,
        depth + 1,
        label,
      );
      m.merged = narrowFrames;
      mergedFrames += narrowFrames;
      children.push(m);
    }
    node.children = children;
    return node;
  };

  const root = walk([base], [head], base.value, head.value, base.self, head.self, 0);
  return { root, baseTotal, headTotal, mergedFrames, nodes, maxDepth, options: opts };
}
