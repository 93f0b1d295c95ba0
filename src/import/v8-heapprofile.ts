import { type Frame, ProfileBuilder } from "../model/builder.js";
import { JsonFields, type JsonPath, isObject, parseJson, subPath } from "./json.js";
import { IMPORT_LIMITS, checkStackFrames } from "./limits.js";
import type { Importer } from "./types.js";
import { readCallFrame, v8Frame } from "./v8-frames.js";

/**
 * V8 sampling heap profile: what Chrome DevTools saves as .heapprofile,
 * `node --heap-prof` writes, and the inspector's
 * HeapProfiler.getSamplingProfile returns:
 * `{head{callFrame, selfSize, id, children[...nested]}, samples?[{size, nodeId, ordinal}]}`.
 *
 * Sample types: [objects/count, space/bytes]. space is each node's selfSize,
 * V8's estimate of the bytes allocated there (already scaled up from the
 * sampled allocations). objects is the number of sampled allocations of the
 * node in `samples[]` — a sample count, not scaled — and 0 for every node
 * when the file has no samples[] (Chrome 69 and Node 10 wrote none).
 * Whether the bytes are live or allocated depends on how the profile was
 * taken (includeObjectsCollectedByMajorGC/MinorGC); the file does not say.
 */

const FORMAT = "v8-heapprofile";
// Typed explicitly so TypeScript narrows after calls that return never.
const f: JsonFields = new JsonFields(FORMAT);

interface HeapNode {
  id: number | undefined;
  frame: Frame;
  /** Index of the parent in the node list; -1 for the head. */
  parent: number;
  isRoot: boolean;
  selfSize: number;
}

function readTree(head: unknown): HeapNode[] {
  const nodes: HeapNode[] = [];
  // Explicit stack: allocation trees can be deeper than JS recursion allows.
  const todo: Array<{ raw: unknown; path: JsonPath; parent: number }> = [
    { raw: head, path: "head", parent: -1 },
  ];
  while (todo.length > 0) {
    const { raw, path, parent } = todo.pop()!;
    const node = f.object(raw, path);
    const cfPath = subPath(path, ".callFrame");
    const cf = readCallFrame(f, f.object(node.callFrame, cfPath), cfPath);
    const selfSize = f.optionalNumber(node.selfSize, subPath(path, ".selfSize"), 0);
    if (selfSize < 0) f.wrong(subPath(path, ".selfSize"), selfSize, "a size in bytes");
    const id = node.id === undefined ? undefined : f.integer(node.id, subPath(path, ".id"));
    const index = nodes.length;
    nodes.push({
      id,
      frame: v8Frame(cf),
      parent,
      isRoot: parent === -1 && cf.functionName === "(root)",
      selfSize,
    });
    if (node.children !== undefined) {
      f.array(node.children, subPath(path, ".children")).forEach((c, j) => {
        todo.push({ raw: c, path: subPath(path, `.children[${j}]`), parent: index });
      });
    }
  }
  return nodes;
}

/**
 * Sampled allocations per node id. V8 occasionally lists samples under a
 * node it already pruned from the tree (seen by our Node agent on Node 20);
 * those are real files, so such samples are left out and counted for a
 * warning instead of failing the import. A nodeId that is not even an
 * integer is still an error.
 */
function countSamples(
  raw: unknown,
  ids: Set<number>,
): { counts: Map<number, number>; warning?: string } {
  const counts = new Map<number, number>();
  if (raw === undefined || raw === null) return { counts };
  let orphans = 0;
  let first = "";
  const samples = f.array(raw, "samples");
  samples.forEach((s, i) => {
    const sample = f.object(s, `samples[${i}]`);
    const id = f.integer(sample.nodeId, `samples[${i}].nodeId`);
    if (!ids.has(id)) {
      if (orphans++ === 0) first = `samples[${i}].nodeId = ${id}`;
      return;
    }
    counts.set(id, (counts.get(id) ?? 0) + 1);
  });
  if (orphans === 0) return { counts };
  return {
    counts,
    warning: `${FORMAT}: ${orphans} of ${samples.length} samples[] name a node missing from the tree (first ${first}; V8 writes these when it prunes a node); they are left out of the object counts`,
  };
}

function stackOf(nodes: HeapNode[], index: number): Frame[] {
  const frames: Frame[] = [];
  for (let i = index; i >= 0; i = nodes[i]!.parent) {
    const node = nodes[i]!;
    if (!(node.isRoot && i !== index)) frames.push(node.frame);
  }
  return frames;
}

export const v8HeapProfileImporter: Importer = {
  format: FORMAT,
  import(_bytes, text) {
    const o = parseJson(text());
    if (!isObject(o) || "nodes" in o || !isObject(o.head)) return null;
    if (!("selfSize" in o.head) && !("callFrame" in o.head)) return null;
    const nodes = readTree(o.head);
    const ids = new Set<number>();
    for (const n of nodes) if (n.id !== undefined) ids.add(n.id);
    const { counts, warning } = countSamples(o.samples, ids);
    const builder = new ProfileBuilder({
      limits: IMPORT_LIMITS,
      sampleTypes: [
        { type: "objects", unit: "count" },
        { type: "space", unit: "bytes" },
      ],
    });
    // Values per node first; parents come before children in `nodes`, so
    // depths fill in one pass and the expansion is checked before it happens.
    const values = nodes.map((node) => {
      const objects = node.id === undefined ? 0 : (counts.get(node.id) ?? 0);
      const bytes = Math.round(node.selfSize);
      if (!Number.isSafeInteger(bytes))
        f.fail("head", `has a node with selfSize ${node.selfSize}, not a plausible size`);
      return [objects, bytes];
    });
    const depth = new Array<number>(nodes.length);
    let frames = 0;
    nodes.forEach((node, i) => {
      depth[i] = node.parent < 0 ? 1 : depth[node.parent]! + 1;
      if (values[i]![0] !== 0 || values[i]![1] !== 0) frames += depth[i];
    });
    checkStackFrames(f, "head", frames);
    nodes.forEach((_, i) => {
      const v = values[i]!;
      // Most nodes are callers only, with nothing of their own to add.
      if (v[0] !== 0 || v[1] !== 0) builder.addSample(stackOf(nodes, i), v);
    });
    return { profile: builder.build(), warnings: warning === undefined ? [] : [warning] };
  },
};
