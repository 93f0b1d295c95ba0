import { type Frame, ProfileBuilder } from "../model/builder.js";
import { JsonFields, isObject, parseJson } from "./json.js";
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
  const todo: Array<{ raw: unknown; path: string; parent: number }> = [
    { raw: head, path: "head", parent: -1 },
  ];
  while (todo.length > 0) {
    const { raw, path, parent } = todo.pop()!;
    const node = f.object(raw, path);
    const cf = readCallFrame(f, f.object(node.callFrame, `${path}.callFrame`), `${path}.callFrame`);
    const selfSize = f.optionalNumber(node.selfSize, `${path}.selfSize`, 0);
    if (selfSize < 0) f.wrong(`${path}.selfSize`, selfSize, "a size in bytes");
    const id = node.id === undefined ? undefined : f.integer(node.id, `${path}.id`);
    const index = nodes.length;
    nodes.push({
      id,
      frame: v8Frame(cf),
      parent,
      isRoot: parent === -1 && cf.functionName === "(root)",
      selfSize,
    });
    if (node.children !== undefined) {
      f.array(node.children, `${path}.children`).forEach((c, j) => {
        todo.push({ raw: c, path: `${path}.children[${j}]`, parent: index });
      });
    }
  }
  return nodes;
}

/** Sampled allocations per node id. */
function countSamples(raw: unknown, ids: Set<number>): Map<number, number> {
  const counts = new Map<number, number>();
  if (raw === undefined || raw === null) return counts;
  f.array(raw, "samples").forEach((s, i) => {
    const sample = f.object(s, `samples[${i}]`);
    const id = f.integer(sample.nodeId, `samples[${i}].nodeId`);
    if (!ids.has(id)) f.wrong(`samples[${i}].nodeId`, id, "a node id");
    counts.set(id, (counts.get(id) ?? 0) + 1);
  });
  return counts;
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
    const counts = countSamples(o.samples, ids);
    const builder = new ProfileBuilder({
      sampleTypes: [
        { type: "objects", unit: "count" },
        { type: "space", unit: "bytes" },
      ],
    });
    nodes.forEach((node, i) => {
      const objects = node.id === undefined ? 0 : (counts.get(node.id) ?? 0);
      const bytes = Math.round(node.selfSize);
      if (!Number.isSafeInteger(bytes))
        f.fail("head", `has a node with selfSize ${node.selfSize}, not a plausible size`);
      builder.addSample(stackOf(nodes, i), [objects, bytes]);
    });
    return { profile: builder.build() };
  },
};
