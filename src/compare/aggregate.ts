import type { Profile } from "pprof-format";
import { FlamegateError } from "../errors.js";
import { type FunctionId, functionKey } from "../model/functions.js";
import { type ProfileView, cleanPath, viewOfProfile } from "./profile-view.js";

/** Self and cumulative value of every function of one profile, for one sample index. */
export interface FunctionTable {
  functions: FunctionId[];
  /** Parallel to `functions`: value where the function is the leaf (pprof's flat). */
  self: Float64Array;
  /** Parallel to `functions`: value of samples whose stack holds the function, counted once per sample. */
  cum: Float64Array;
  /** Sum of the sample index over all samples. */
  total: number;
  /** frameKey -> index into the arrays. */
  index: Map<string, number>;
}

/**
 * Per-stack tree: each node is one function on one call path, root first.
 * `value` is the inclusive value of that path (pprof's cum along the path).
 */
export interface StackNode {
  name: string;
  file: string;
  value: number;
  /** Value of samples whose leaf is exactly this path. */
  self: number;
  /** Keyed by frameKey of the child's function. */
  children: Map<string, StackNode>;
}

/**
 * The identity of a function across profiles and rounds: name + cleaned
 * file, which is how `go tool pprof -top -filefunctions` keys its nodes (and
 * plain `-top` too whenever no two functions share a name, as in Go).
 */
export function frameKey(f: FunctionId): string {
  return functionKey({ name: f.name, file: f.file === "" ? "" : cleanPath(f.file) });
}

export function newStackRoot(): StackNode {
  return { name: "all", file: "", value: 0, self: 0, children: new Map() };
}

/** Distinct functions a tree may hold; far beyond any real profile. */
const FN_LIMIT = 2 ** 24;

/**
 * Call paths one tree keeps, by default: ~70 bytes each while building. A
 * real service's profile has 10^4-10^5 paths; random 250k-sample stacks
 * have ~10^7. Past the budget, a sample's path is cut where it leaves the
 * tree and its value counted as that node's self, so every kept node's
 * value stays exact.
 */
export const STACK_NODE_BUDGET = 1_000_000;

/**
 * Paths below this share of the side's total are left out when the tree is
 * materialised (their value stays in their parents): 10x under the 0.1 %
 * at which the flamegraph (stack-diff.ts) merges narrow frames.
 */
export const STACK_MIN_SHARE = 1e-4;

/**
 * (parent node, function) -> child node, open addressing over Int32Arrays:
 * a Map keyed by numbers above 2^31 boxes every key, and a 250k-sample
 * profile creates ~10^6 paths.
 */
class ChildTable {
  private parent = new Int32Array(1 << 12).fill(-1);
  private fn = new Int32Array(1 << 12);
  private node = new Int32Array(1 << 12);
  private used = 0;

  private slot(parent: number, fn: number): number {
    const mask = this.parent.length - 1;
    let i = (Math.imul(parent, 0x9e3779b1) ^ Math.imul(fn, 0x85ebca77)) & mask;
    while (this.parent[i] !== -1 && (this.parent[i] !== parent || this.fn[i] !== fn))
      i = (i + 1) & mask;
    return i;
  }

  get(parent: number, fn: number): number {
    const i = this.slot(parent, fn);
    return this.parent[i] === -1 ? -1 : this.node[i]!;
  }

  set(parent: number, fn: number, node: number): void {
    if ((this.used + 1) * 2 > this.parent.length) this.grow();
    const i = this.slot(parent, fn);
    this.parent[i] = parent;
    this.fn[i] = fn;
    this.node[i] = node;
    this.used++;
  }

  private grow(): void {
    const { parent, fn, node } = this;
    this.parent = new Int32Array(parent.length * 2).fill(-1);
    this.fn = new Int32Array(parent.length * 2);
    this.node = new Int32Array(parent.length * 2);
    for (let i = 0; i < parent.length; i++) {
      if (parent[i] === -1) continue;
      const j = this.slot(parent[i]!, fn[i]!);
      this.parent[j] = parent[i]!;
      this.fn[j] = fn[i]!;
      this.node[j] = node[i]!;
    }
  }
}

/**
 * Builds a per-stack tree over any number of profiles (the rounds of one
 * side) in flat arrays, and turns it into StackNode objects once at the
 * end: a Map<string> lookup and an object per frame of every sample cost
 * seconds of GC on a 250k-sample profile.
 */
export class StackTreeBuilder {
  private readonly gid = new Map<string, number>();
  private readonly fns: FunctionId[] = [];
  private readonly child = new ChildTable();
  private fn = new Int32Array(1024);
  private value = new Float64Array(1024);
  private self = new Float64Array(1024);
  private parent = new Int32Array(1024);
  private size = 1;
  /** Value whose path was cut short because the node budget was spent. */
  truncatedValue = 0;

  constructor(private readonly budget = STACK_NODE_BUDGET) {
    // Node 0 is the root, "all".
    this.fn[0] = -1;
    this.parent[0] = -1;
  }

  /** Global function ids for a view's functions. */
  globalIds(view: ProfileView): Int32Array {
    const out = new Int32Array(view.keys.length);
    view.keys.forEach((key, i) => {
      let g = this.gid.get(key);
      if (g === undefined) {
        g = this.fns.length;
        if (g >= FN_LIMIT)
          throw new FlamegateError(`more than ${FN_LIMIT} distinct functions; too many to draw`);
        this.fns.push(view.functions[i]!);
        this.gid.set(key, g);
      }
      out[i] = g;
    });
    return out;
  }

  /** Adds one sample; `gids` from globalIds of the sample's view. */
  add(view: ProfileView, gids: Int32Array, locs: Int32Array, depth: number, v: number): void {
    const { locStart, locFns } = view;
    let node = 0;
    this.value[0]! += v;
    walk: for (let l = depth - 1; l >= 0; l--) {
      const loc = locs[l]!;
      // Inlined frames are leaf first inside a location: walk them outermost first.
      for (let k = locStart[loc + 1]! - 1, start = locStart[loc]!; k >= start; k--) {
        const g = gids[locFns[k]!]!;
        let c = this.child.get(node, g);
        if (c < 0) {
          if (this.size >= this.budget) {
            this.truncatedValue += v;
            break walk;
          }
          c = this.newNode(node, g);
          this.child.set(node, g, c);
        }
        this.value[c]! += v;
        node = c;
      }
    }
    this.self[node]! += v;
  }

  private newNode(parent: number, g: number): number {
    if (this.size === this.fn.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.fn = grow(this.fn);
      this.value = grow(this.value);
      this.self = grow(this.self);
      this.parent = grow(this.parent);
    }
    const n = this.size++;
    this.fn[n] = g;
    this.parent[n] = parent;
    return n;
  }

  /**
   * The tree as StackNode objects, children keyed by frameKey; paths under
   * `minShare` of the root's value are left out (0 keeps every path).
   */
  build(minShare = STACK_MIN_SHARE): StackNode {
    const keys: string[] = [];
    for (const [key, g] of this.gid) keys[g] = key;
    const nodes: Array<StackNode | undefined> = [newStackRoot()];
    nodes[0]!.value = this.value[0]!;
    nodes[0]!.self = this.self[0]!;
    const cutoff = Math.abs(this.value[0]!) * minShare;
    // Parents are always created before their children, so one pass in id order links them.
    for (let n = 1; n < this.size; n++) {
      const parent = nodes[this.parent[n]!];
      if (!parent || Math.abs(this.value[n]!) < cutoff) continue;
      const f = this.fns[this.fn[n]!]!;
      const node: StackNode = {
        name: f.name,
        file: f.file,
        value: this.value[n]!,
        self: this.self[n]!,
        children: new Map(),
      };
      nodes[n] = node;
      parent.children.set(keys[this.fn[n]!]!, node);
    }
    return nodes[0]!;
  }
}

/**
 * Aggregates by function exactly as `go tool pprof -top` does at function
 * granularity: flat goes to the innermost frame of the leaf location, cum to
 * every distinct function of the stack once per sample, so recursion is
 * counted once (internal/graph's `seen` set); zero-valued samples are
 * skipped. When `stacks` is given, the same pass adds every sample to that
 * per-stack tree, so rounds are summed by passing one builder.
 */
export function aggregateView(
  view: ProfileView,
  sampleIndex: number,
  stacks?: StackTreeBuilder,
): FunctionTable {
  const n = view.functions.length;
  const self = new Float64Array(n);
  const cum = new Float64Array(n);
  // seen[f] === stamp means f was already credited for the current sample.
  const seen = new Int32Array(n);
  const { locStart, locFns } = view;
  const gids = stacks?.globalIds(view);
  let total = 0;
  let stamp = 0;
  view.forEachSample((locs, depth, values) => {
    const v = values[sampleIndex]!;
    if (v === 0) return;
    stamp++;
    total += v;
    if (depth > 0) self[locFns[locStart[locs[0]!]!]!]! += v;
    for (let l = 0; l < depth; l++) {
      const loc = locs[l]!;
      for (let k = locStart[loc]!, end = locStart[loc + 1]!; k < end; k++) {
        const f = locFns[k]!;
        if (seen[f] !== stamp) {
          seen[f] = stamp;
          cum[f]! += v;
        }
      }
    }
    if (stacks) stacks.add(view, gids!, locs, depth, v);
  });
  const index = new Map<string, number>();
  view.keys.forEach((k, i) => index.set(k, i));
  return { functions: view.functions, self, cum, total, index };
}

/** Adds `from` into `into`, path by path. */
function mergeTree(into: StackNode, from: StackNode): void {
  into.value += from.value;
  into.self += from.self;
  for (const [key, c] of from.children) {
    const mine = into.children.get(key);
    if (mine) mergeTree(mine, c);
    else into.children.set(key, c);
  }
}

/** aggregateView over a decoded pprof-format Profile. */
export function aggregateFunctions(profile: Profile, sampleIndex: number): FunctionTable {
  return aggregateView(viewOfProfile(profile), sampleIndex);
}

/**
 * Adds one profile's samples into a stack tree (root first), merging paths by
 * function; call it once per round to sum rounds. Returns the root.
 */
export function addStacks(root: StackNode, profile: Profile, sampleIndex: number): StackNode {
  const builder = new StackTreeBuilder(Infinity);
  aggregateView(viewOfProfile(profile), sampleIndex, builder);
  mergeTree(root, builder.build(0));
  return root;
}
