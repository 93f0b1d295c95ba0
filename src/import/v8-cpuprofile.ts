import { type Frame, ProfileBuilder } from "../model/builder.js";
import {
  JsonFields,
  type JsonObject,
  type JsonPath,
  isObject,
  parseJson,
  subPath,
} from "./json.js";
import { IMPORT_LIMITS, checkStackFrames } from "./limits.js";
import type { Importer } from "./types.js";
import { readCallFrame, v8Frame } from "./v8-frames.js";

/**
 * V8 CPU profile: what Chrome DevTools saves as .cpuprofile, `node --cpu-prof`
 * writes, and the inspector's Profiler.stop returns:
 * `{nodes[{id, callFrame, hitCount, children?}], startTime, endTime, samples, timeDeltas}`
 * (times in µs, samples = leaf node ids). Also Node 10's older shape, a
 * nested `head` tree with the call-frame fields inline and absolute
 * `timestamps` (µs) instead of deltas.
 *
 * Sample types: [samples/count, cpu/nanoseconds]. The time of sample i is
 * the gap to the next sample (timestamp[i+1] - timestamp[i]), as Chrome
 * DevTools and speedscope draw it: a sample says "this stack was running
 * from now until the next tick". The last sample runs to endTime (DevTools
 * closes the last sample at the profile's end; speedscope gives it 0).
 * Negative deltas, which V8 occasionally writes, count as 0 (speedscope
 * does the same) so time never runs backwards.
 *
 * The (root) node is not a frame; (program), (garbage collector) and (idle)
 * are kept as frames of their own so their share stays visible.
 *
 * Chrome's trace-event wrapper ({traceEvents:[...Profile, ProfileChunk]})
 * is not read: it returns null, and the user is told the file is not a
 * profile flamegate can read.
 */

const FORMAT = "v8-cpuprofile";
// Typed explicitly so TypeScript narrows after calls that return never.
const f: JsonFields = new JsonFields(FORMAT);

interface Node {
  id: number;
  frame: Frame;
  isRoot: boolean;
  hitCount: number;
  parent: number | undefined;
}

interface Parsed {
  nodes: Map<number, Node>;
  /** Leaf node id per sample; undefined when the profile only has hitCounts. */
  samples: number[] | undefined;
  /** µs timestamp per sample (non-decreasing), parallel to samples. */
  times: number[] | undefined;
  startTime: number;
  /** µs; the end of the last sample. */
  endTime: number | undefined;
}

function isNewFormat(o: JsonObject): boolean {
  return "nodes" in o && ("samples" in o || "startTime" in o || "timeDeltas" in o);
}

function isOldFormat(o: JsonObject): boolean {
  const head = o.head;
  return (
    isObject(head) &&
    !("callFrame" in head) &&
    !("selfSize" in head) &&
    ("functionName" in head || "hitCount" in head) &&
    ("samples" in o || "timestamps" in o || "startTime" in o)
  );
}

function makeNode(raw: JsonObject, callFrame: JsonObject, path: JsonPath, id: number): Node {
  const cf = readCallFrame(f, callFrame, raw === callFrame ? path : subPath(path, ".callFrame"));
  return {
    id,
    frame: v8Frame(cf),
    isRoot: cf.functionName === "(root)",
    hitCount: f.optionalNumber(raw.hitCount, subPath(path, ".hitCount"), 0),
    parent: undefined,
  };
}

function setParent(nodes: Map<number, Node>, childId: number, parentId: number, path: string) {
  const child = nodes.get(childId);
  if (!child) f.wrong(path, childId, "a node id");
  if (child.parent !== undefined && child.parent !== parentId)
    f.fail(path, `= ${childId}: node ${childId} is the child of two nodes`);
  child.parent = parentId;
}

function readNodes(raw: unknown[]): Map<number, Node> {
  const nodes = new Map<number, Node>();
  raw.forEach((n, i) => {
    const path = `nodes[${i}]`;
    const node = f.object(n, path);
    const id = f.integer(node.id, `${path}.id`);
    if (nodes.has(id)) f.fail(`${path}.id`, `= ${id} is used by two nodes`);
    nodes.set(id, makeNode(node, f.object(node.callFrame, `${path}.callFrame`), path, id));
  });
  raw.forEach((n, i) => {
    const node = n as JsonObject;
    const id = node.id as number;
    if (node.children !== undefined) {
      f.array(node.children, `nodes[${i}].children`).forEach((c, j) => {
        const path = `nodes[${i}].children[${j}]`;
        setParent(nodes, f.integer(c, path), id, path);
      });
    }
    // Trace-event chunks link upwards with `parent` instead of `children`.
    if (node.parent !== undefined) {
      const path = `nodes[${i}].parent`;
      const parent = f.integer(node.parent, path);
      if (!nodes.has(parent)) f.wrong(path, parent, "a node id");
      setParent(nodes, id, parent, path);
    }
  });
  return nodes;
}

/** Node 10's nested `head` tree, flattened; ids are kept when present. */
function readOldTree(head: JsonObject): Map<number, Node> {
  const nodes = new Map<number, Node>();
  let nextId = 1;
  // Explicit stack: real trees are deep enough to overflow recursion.
  const todo: Array<{ raw: unknown; path: JsonPath; parent: number | undefined }> = [
    { raw: head, path: "head", parent: undefined },
  ];
  while (todo.length > 0) {
    const { raw, path, parent } = todo.pop()!;
    const node = f.object(raw, path);
    const id = node.id === undefined ? nextId : f.integer(node.id, subPath(path, ".id"));
    nextId = Math.max(nextId, id + 1);
    if (nodes.has(id)) f.fail(subPath(path, ".id"), `= ${id} is used by two nodes`);
    const made = makeNode(node, node, path, id);
    made.parent = parent;
    nodes.set(id, made);
    if (node.children !== undefined) {
      f.array(node.children, subPath(path, ".children")).forEach((c, j) => {
        todo.push({ raw: c, path: subPath(path, `.children[${j}]`), parent: id });
      });
    }
  }
  return nodes;
}

function readSamples(o: JsonObject, nodes: Map<number, Node>): number[] | undefined {
  if (o.samples === undefined || o.samples === null) return undefined;
  return f.array(o.samples, "samples").map((s, i) => {
    const id = f.integer(s, `samples[${i}]`);
    if (!nodes.has(id)) f.wrong(`samples[${i}]`, id, "a node id");
    return id;
  });
}

/** Running maximum: a timestamp earlier than its predecessor counts as equal to it. */
function monotone(times: number[]): number[] {
  let last = -Infinity;
  return times.map((t) => (last = Math.max(last, t)));
}

function parseNew(o: JsonObject): Parsed {
  const nodes = readNodes(f.array(o.nodes, "nodes"));
  const samples = readSamples(o, nodes);
  const startTime = f.optionalNumber(o.startTime, "startTime", 0);
  const endTime = o.endTime === undefined ? undefined : f.number(o.endTime, "endTime");
  let times: number[] | undefined;
  if (samples && o.timeDeltas !== undefined && o.timeDeltas !== null) {
    const deltas = f.array(o.timeDeltas, "timeDeltas");
    if (deltas.length !== samples.length)
      f.fail("timeDeltas", `has ${deltas.length} entries but samples has ${samples.length}`);
    let t = startTime;
    // µs since startTime, per the V8 protocol; the first delta is from startTime.
    times = deltas.map((d, i) => (t += Math.max(0, f.number(d, `timeDeltas[${i}]`))));
  }
  return { nodes, samples, times, startTime, endTime };
}

function parseOld(o: JsonObject): Parsed {
  const nodes = readOldTree(f.object(o.head, "head"));
  const samples = readSamples(o, nodes);
  let times: number[] | undefined;
  let startTime = 0;
  if (samples && o.timestamps !== undefined && o.timestamps !== null) {
    const stamps = f
      .array(o.timestamps, "timestamps")
      .map((t, i) => f.number(t, `timestamps[${i}]`));
    if (stamps.length !== samples.length && stamps.length !== samples.length + 1)
      f.fail("timestamps", `has ${stamps.length} entries but samples has ${samples.length}`);
    const mono = monotone(stamps);
    // Node 10 writes one timestamp more than samples: the first is the start
    // of profiling (it equals the new format's startTime for the same
    // profile, and the gap to the next one is its first timeDelta).
    const start = mono.length > samples.length ? mono[0]! : undefined;
    times = start === undefined ? mono : mono.slice(1);
    startTime = start ?? times[0] ?? 0;
  }
  // Old startTime/endTime are whole seconds: too coarse to use, so the last
  // sample gets the mean interval.
  return { nodes, samples, times, startTime, endTime: undefined };
}

/**
 * Depth of every node (the root is 1), found without recursion and in
 * linear time: walk up to a node of known depth, then number the way back.
 * A walk longer than the node count means the parent links loop.
 */
function depths(nodes: Map<number, Node>): Map<number, number> {
  const depth = new Map<number, number>();
  for (const start of nodes.values()) {
    const path: Node[] = [];
    let cur: Node | undefined = start;
    while (cur && !depth.has(cur.id)) {
      path.push(cur);
      if (path.length > nodes.size)
        f.fail("nodes", `parent links form a cycle through node ${cur.id}; the profile is corrupt`);
      cur = cur.parent === undefined ? undefined : nodes.get(cur.parent);
    }
    let d = cur ? depth.get(cur.id)! : 0;
    for (let i = path.length - 1; i >= 0; i--) depth.set(path[i]!.id, ++d);
  }
  return depth;
}

/** Leaf-first frames of a node, (root) left out. */
function stackOf(nodes: Map<number, Node>, id: number): Frame[] {
  const frames: Frame[] = [];
  let cur = nodes.get(id);
  const leaf = cur;
  while (cur) {
    if (!(cur.isRoot && cur.parent === undefined && cur !== leaf)) frames.push(cur.frame);
    cur = cur.parent === undefined ? undefined : nodes.get(cur.parent);
  }
  return frames;
}

/** µs -> ns for the profile header; 0 when hostile input makes it unrepresentable. */
function safeNanos(micros: number): number {
  const n = Math.round(micros * 1000);
  return Number.isSafeInteger(n) ? n : 0;
}

function build(p: Parsed): ProfileBuilder {
  // Per leaf node: sample count and µs of time.
  const counts = new Map<number, number>();
  const micros = new Map<number, number>();
  let periodMicros = 0;
  let first = p.startTime;
  let last = p.startTime;
  if (p.samples) {
    const n = p.samples.length;
    const times = p.times;
    if (times && n > 0) {
      first = times[0]!;
      last = times[n - 1]!;
      periodMicros = n > 1 ? (last - first) / (n - 1) : 0;
    } else if (n > 0 && p.endTime !== undefined) {
      // No timestamps: spread the profile's duration evenly over its samples.
      periodMicros = Math.max(0, p.endTime - p.startTime) / n;
    }
    const end = Math.max(last, p.endTime ?? last + periodMicros);
    p.samples.forEach((id, i) => {
      const dt = times ? (i + 1 < n ? times[i + 1]! : end) - times[i]! : periodMicros;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      micros.set(id, (micros.get(id) ?? 0) + dt);
    });
  } else {
    // Only hitCounts: each hit is one tick of the mean interval.
    let hits = 0;
    for (const node of p.nodes.values()) hits += Math.max(0, node.hitCount);
    if (hits > 0 && p.endTime !== undefined)
      periodMicros = Math.max(0, p.endTime - p.startTime) / hits;
    for (const node of p.nodes.values()) {
      const h = Math.max(0, Math.round(node.hitCount));
      if (h === 0) continue;
      counts.set(node.id, h);
      micros.set(node.id, h * periodMicros);
    }
  }
  const durationMicros = Math.max(0, (p.endTime ?? last) - p.startTime);
  const builder = new ProfileBuilder({
    limits: IMPORT_LIMITS,
    sampleTypes: [
      { type: "samples", unit: "count" },
      { type: "cpu", unit: "nanoseconds" },
    ],
    periodType: { type: "cpu", unit: "nanoseconds" },
    period: safeNanos(periodMicros),
    durationNanos: safeNanos(durationMicros),
  });
  const depth = depths(p.nodes);
  let frames = 0;
  for (const id of counts.keys()) frames += depth.get(id) ?? 0;
  checkStackFrames(f, "nodes", frames);
  for (const [id, count] of counts) {
    const nanos = Math.round((micros.get(id) ?? 0) * 1000);
    // pprof values are int64; beyond 2^53 ns (104 days) the deltas are garbage.
    if (!Number.isSafeInteger(nanos))
      f.fail("timeDeltas", `add up to ${nanos} ns for node ${id}, not a plausible duration`);
    builder.addSample(stackOf(p.nodes, id), [count, nanos]);
  }
  return builder;
}

export const v8CpuProfileImporter: Importer = {
  format: FORMAT,
  import(_bytes, text) {
    const o = parseJson(text());
    if (!isObject(o)) return null;
    let parsed: Parsed;
    if (isNewFormat(o)) parsed = parseNew(o);
    else if (isOldFormat(o)) parsed = parseOld(o);
    else return null;
    return { profile: build(parsed).build() };
  },
};
