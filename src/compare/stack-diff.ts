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

/**
 * What one diff node stands for: the stack nodes on each side (empty when
 * the path is absent) and their summed inclusive and self values.
 */
interface Slice {
  b: Group;
  h: Group;
  bv: number;
  hv: number;
  bs: number;
  hs: number;
}

/** One level's callees tallied per function: summed values per slot, and every callee in visiting order. */
interface Tally {
  sumB: number[];
  sumH: number[];
  selfB: number[];
  selfH: number[];
  /** The slot each callee in `seen` was summed into. */
  order: number[];
  seen: StackNode[];
  /** seen[0 .. baseCallees) are the base side's callees, the rest the head's. */
  baseCallees: number;
}

/** Merges two call trees: the union of their paths, each side's values kept apart. */
export function diffStacks(base: StackNode, head: StackNode, options: DiffOptions = {}): DiffTree {
  const opts = {
    minShare: options.minShare ?? DEFAULT_DIFF_OPTIONS.minShare,
    noiseShare: options.noiseShare ?? DEFAULT_DIFF_OPTIONS.noiseShare,
    noiseRel: options.noiseRel ?? DEFAULT_DIFF_OPTIONS.noiseRel,
  };
  const differ = new StackDiffer(base.value, head.value, opts, options.verdicts);
  const root = differ.walk(
    { b: [base], h: [head], bv: base.value, hv: head.value, bs: base.self, hs: head.self },
    0,
  );
  const { mergedFrames, nodes, maxDepth } = differ;
  return {
    root,
    baseTotal: base.value,
    headTotal: head.value,
    mergedFrames,
    nodes,
    maxDepth,
    options: opts,
  };
}

/** The walk over both trees, with the counts it keeps and the slot table its levels share. */
class StackDiffer {
  mergedFrames = 0;
  nodes = 0;
  maxDepth = 0;
  private readonly sidesPresent: boolean;
  /** Function key -> dense id, and id -> slot in the level being tallied (−1: none yet). */
  private readonly fidOf = new Map<string, number>();
  private slotOf = new Int32Array(1024).fill(-1);

  constructor(
    private readonly baseTotal: number,
    private readonly headTotal: number,
    private readonly opts: Required<Omit<DiffOptions, "verdicts">>,
    private readonly verdicts: ReadonlyMap<string, Verdict> | undefined,
  ) {
    this.sidesPresent = baseTotal > 0 && headTotal > 0;
  }

  /** A node's shares, their change and its colour. */
  private make(name: string, file: string, s: Slice): DiffNode {
    const { baseTotal, headTotal, opts } = this;
    const baseShare = baseTotal > 0 ? s.bv / baseTotal : 0;
    const headShare = headTotal > 0 ? s.hv / headTotal : 0;
    const shareDelta = headShare - baseShare;
    const shareRel = baseShare > 0 ? shareDelta / baseShare : null;
    const withinNoise =
      Math.abs(shareDelta) < opts.noiseShare ||
      (shareRel !== null && Math.abs(shareRel) < opts.noiseRel);
    const change: Change =
      !this.sidesPresent || withinNoise || shareDelta === 0
        ? "neutral"
        : shareDelta > 0
          ? "grew"
          : "shrank";
    const heat =
      change === "neutral" ? 0 : shareRel === null ? 1 : Math.max(-1, Math.min(1, shareRel));
    this.nodes++;
    return {
      name,
      file,
      base: s.bv,
      head: s.hv,
      baseSelf: s.bs,
      headSelf: s.hs,
      baseShare,
      headShare,
      shareDelta,
      shareRel,
      change,
      heat,
      children: [],
    };
  }

  private narrow(b: number, h: number): boolean {
    const { baseTotal, headTotal, opts } = this;
    return (
      (baseTotal > 0 ? b / baseTotal : 0) < opts.minShare &&
      (headTotal > 0 ? h / headTotal : 0) < opts.minShare
    );
  }

  /**
   * One node of the diff from the stack nodes it stands for on each side:
   * one per side for an ordinary path; several for a "(N narrow frames)"
   * node and the callees below it, which are summed by function without
   * copying any subtree (each stack node is read once).
   */
  walk(s: Slice, depth: number, label?: string): DiffNode {
    const any = (s.b[0] ?? s.h[0])!;
    const node = this.make(label ?? any.name, label === undefined ? any.file : "", s);
    if (this.verdicts && label === undefined) {
      const v = this.verdicts.get(functionKey(any));
      if (v) node.verdict = v;
    }
    if (depth > this.maxDepth) this.maxDepth = depth;
    // A narrow merged node's callees are all narrower still: they would only
    // make a tower of "(N narrow frames)" nodes no one can see.
    if (this.narrow(s.bv, s.hv)) return node;
    const { wide, narrow, narrowFrames } = this.route(this.tally(s.b, s.h));
    const children = wide.map((w) => this.walk(w, depth + 1));
    children.sort(byNameThenFile);
    if (narrowFrames > 0) {
      // The narrow frames become one node whose callees are theirs, summed by
      // function: a hot leaf reached through thousands of thin callers (a
      // dispatch table, generated handlers) stays visible above the merge.
      const m = this.walk(
        narrow,
        depth + 1,
        `(${narrowFrames} narrow frame${narrowFrames === 1 ? "" : "s"})`,
      );
      m.merged = narrowFrames;
      this.mergedFrames += narrowFrames;
      children.push(m);
    }
    node.children = children;
    return node;
  }

  /**
   * Sums each callee function's value per side, recording every callee and
   * its slot in visiting order, base side first. A merged group of 10k thin
   * callers (large.cpu) costs one Map lookup per callee and no object per
   * narrow function. Self values are summed in the same pass: the callees are
   * in cache now, and a merged group's members are scattered over the heap.
   */
  private tally(base: Group, head: Group): Tally {
    const t: Tally = {
      sumB: [],
      sumH: [],
      selfB: [],
      selfH: [],
      order: [],
      seen: [],
      baseCallees: 0,
    };
    const fids: number[] = [];
    const add = (g: Group, sums: number[], selfs: number[]) => {
      for (const n of g)
        n.children.forEach((child, key) => {
          const f = this.fid(key);
          let i = this.slotOf[f]!;
          if (i < 0) {
            i = t.sumB.length;
            this.slotOf[f] = i;
            fids.push(f);
            t.sumB.push(0);
            t.sumH.push(0);
            t.selfB.push(0);
            t.selfH.push(0);
          }
          sums[i]! += child.value;
          selfs[i]! += child.self;
          t.order.push(i);
          t.seen.push(child);
        });
    };
    add(base, t.sumB, t.selfB);
    t.baseCallees = t.seen.length;
    add(head, t.sumH, t.selfH);
    // slotOf is shared by every level: clear this level's entries before recursing.
    for (const f of fids) this.slotOf[f] = -1;
    return t;
  }

  /** The dense id of a function key, growing the slot table when needed. */
  private fid(key: string): number {
    let f = this.fidOf.get(key);
    if (f === undefined) {
      f = this.fidOf.size;
      this.fidOf.set(key, f);
      if (f >= this.slotOf.length) {
        const grown = new Int32Array(this.slotOf.length * 2).fill(-1);
        grown.set(this.slotOf);
        this.slotOf = grown;
      }
    }
    return f;
  }

  /** Each tallied callee to its wide slice, or to the one pile of narrow frames. */
  private route(t: Tally): { wide: Slice[]; narrow: Slice; narrowFrames: number } {
    const wideAt: Array<
      { b: StackNode[]; h: StackNode[]; bv: number; hv: number; bs: number; hs: number } | undefined
    > = [];
    const narrow = { b: [] as StackNode[], h: [] as StackNode[], bv: 0, hv: 0, bs: 0, hs: 0 };
    let narrowFrames = 0;
    for (let i = 0; i < t.sumB.length; i++) {
      if (this.narrow(t.sumB[i]!, t.sumH[i]!)) {
        narrowFrames++;
        narrow.bv += t.sumB[i]!;
        narrow.hv += t.sumH[i]!;
        narrow.bs += t.selfB[i]!;
        narrow.hs += t.selfH[i]!;
      } else {
        wideAt[i] = {
          b: [],
          h: [],
          bv: t.sumB[i]!,
          hv: t.sumH[i]!,
          bs: t.selfB[i]!,
          hs: t.selfH[i]!,
        };
      }
    }
    // Every callee in visiting order with its slot, the base side's first.
    for (let k = 0; k < t.seen.length; k++) {
      const w = wideAt[t.order[k]!];
      const onBase = k < t.baseCallees;
      if (w) (onBase ? w.b : w.h).push(t.seen[k]!);
      else (onBase ? narrow.b : narrow.h).push(t.seen[k]!);
    }
    return { wide: wideAt.filter((w) => w !== undefined), narrow, narrowFrames };
  }
}
