import type { Profile } from "pprof-format";
import { type FunctionId, functionKey, locationFrames } from "../model/functions.js";
import { toNumber } from "../model/values.js";

/** Self and cumulative value of every function of one profile, for one sample index. */
export interface FunctionTable {
  functions: FunctionId[];
  /** Parallel to `functions`: value where the function is the leaf (pprof's flat). */
  self: Float64Array;
  /** Parallel to `functions`: value of samples whose stack holds the function, counted once per sample. */
  cum: Float64Array;
  /** Sum of the sample index over all samples. */
  total: number;
  /** functionKey -> index into the arrays. */
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
  children: Map<string, StackNode>;
}

/** For each location id, the indexes of its functions, leaf first (inlined frames expanded). */
function locationIndex(
  profile: Profile,
  table: { functions: FunctionId[]; index: Map<string, number> },
) {
  const byLocation = new Map<number, number[]>();
  for (const [id, frames] of locationFrames(profile)) {
    byLocation.set(
      id,
      frames.map((f) => {
        const key = functionKey(f);
        let i = table.index.get(key);
        if (i === undefined) {
          i = table.functions.length;
          table.functions.push(f);
          table.index.set(key, i);
        }
        return i;
      }),
    );
  }
  return byLocation;
}

/**
 * Aggregates by function exactly as `go tool pprof -top` does at function
 * granularity (name + file): flat goes to the innermost frame of the leaf
 * location, cum to every distinct function of the stack once per sample, so
 * recursion is counted once (internal/graph's `seen` set).
 */
export function aggregateFunctions(profile: Profile, sampleIndex: number): FunctionTable {
  const table = { functions: [] as FunctionId[], index: new Map<string, number>() };
  const byLocation = locationIndex(profile, table);
  const n = table.functions.length;
  const self = new Float64Array(n);
  const cum = new Float64Array(n);
  // seen[f] === stamp means f was already credited for the current sample.
  const seen = new Int32Array(n).fill(-1);
  let total = 0;
  const samples = profile.sample;
  for (let s = 0; s < samples.length; s++) {
    const sample = samples[s]!;
    const v = toNumber(sample.value[sampleIndex]);
    if (v === 0) continue;
    total += v;
    const locs = sample.locationId;
    let leafDone = false;
    for (let l = 0; l < locs.length; l++) {
      const fns = byLocation.get(toNumber(locs[l]));
      if (!fns) continue;
      for (let k = 0; k < fns.length; k++) {
        const f = fns[k]!;
        if (!leafDone) {
          self[f]! += v;
          leafDone = true;
        }
        if (seen[f] !== s) {
          seen[f] = s;
          cum[f]! += v;
        }
      }
    }
  }
  return { functions: table.functions, self, cum, total, index: table.index };
}

export function newStackRoot(): StackNode {
  return { name: "all", file: "", value: 0, self: 0, children: new Map() };
}

/**
 * Adds one profile's samples into a stack tree (root first), merging paths by
 * function key; call it once per round to sum rounds. Returns the root.
 */
export function addStacks(root: StackNode, profile: Profile, sampleIndex: number): StackNode {
  const byLocation = new Map<number, FunctionId[]>();
  for (const [id, frames] of locationFrames(profile)) byLocation.set(id, frames);
  for (const sample of profile.sample) {
    const v = toNumber(sample.value[sampleIndex]);
    if (v === 0) continue;
    root.value += v;
    let node = root;
    const locs = sample.locationId;
    for (let l = locs.length - 1; l >= 0; l--) {
      const frames = byLocation.get(toNumber(locs[l]));
      if (!frames) continue;
      // Inlined frames are leaf first inside a location: walk them outermost first.
      for (let k = frames.length - 1; k >= 0; k--) {
        const f = frames[k]!;
        const key = functionKey(f);
        let child = node.children.get(key);
        if (!child) {
          child = { name: f.name, file: f.file, value: 0, self: 0, children: new Map() };
          node.children.set(key, child);
        }
        child.value += v;
        node = child;
      }
    }
    node.self += v;
  }
  return root;
}
