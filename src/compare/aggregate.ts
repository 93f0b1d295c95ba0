import type { Profile } from "pprof-format";
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

/**
 * Aggregates by function exactly as `go tool pprof -top` does at function
 * granularity: flat goes to the innermost frame of the leaf location, cum to
 * every distinct function of the stack once per sample, so recursion is
 * counted once (internal/graph's `seen` set); zero-valued samples are
 * skipped. When `stacks` is given, the same pass adds every sample to that
 * per-stack tree (root first), so rounds are summed by passing one root.
 */
export function aggregateView(
  view: ProfileView,
  sampleIndex: number,
  stacks?: StackNode,
): FunctionTable {
  const functions = view.functions;
  const n = functions.length;
  const keys = functions.map(frameKey);
  const self = new Float64Array(n);
  const cum = new Float64Array(n);
  // seen[f] === stamp means f was already credited for the current sample.
  const seen = new Int32Array(n).fill(-1);
  const { locStart, locFns } = view;
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
    if (stacks) {
      stacks.value += v;
      let node = stacks;
      for (let l = depth - 1; l >= 0; l--) {
        const loc = locs[l]!;
        // Inlined frames are leaf first inside a location: walk them outermost first.
        for (let k = locStart[loc + 1]! - 1, start = locStart[loc]!; k >= start; k--) {
          const f = locFns[k]!;
          const key = keys[f]!;
          let child = node.children.get(key);
          if (!child) {
            const fn = functions[f]!;
            child = { name: fn.name, file: fn.file, value: 0, self: 0, children: new Map() };
            node.children.set(key, child);
          }
          child.value += v;
          node = child;
        }
      }
      node.self += v;
    }
  });
  const index = new Map<string, number>();
  keys.forEach((k, i) => index.set(k, i));
  return { functions, self, cum, total, index };
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
  aggregateView(viewOfProfile(profile), sampleIndex, root);
  return root;
}
