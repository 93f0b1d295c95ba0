import { type Frame, ProfileBuilder } from "../model/builder.js";
import type { SampleTypeName } from "../model/kinds.js";
import { JsonFields, type JsonObject, isObject, parseJson, quote } from "./json.js";
import { IMPORT_LIMITS, checkStackFrames } from "./limits.js";
import type { Importer } from "./types.js";

/**
 * speedscope's own JSON (https://www.speedscope.app/file-format-schema.json),
 * the format py-spy writes with `--format speedscope`:
 * `{$schema, shared{frames[{name, file?, line?}]}, profiles[...]}` where a
 * profile is "sampled" (samples = root-first frame indexes, weights) or
 * "evented" (open/close events at times).
 *
 * Every profile in the file is merged into one: py-spy writes one profile
 * per thread, and flamegate compares the whole process. Units map to pprof
 * sample types: time units (ns/µs/ms/s) -> cpu/nanoseconds, bytes ->
 * space/bytes, none -> samples/count. Profiles of different units become
 * different sample types of the one profile (a profile's samples carry 0 in
 * the others): `memray transform speedscope` writes the same stacks twice,
 * once in bytes and once in "none", which there counts allocations — so
 * "none" next to a bytes profile is objects/count, not samples/count (which
 * would make the file look like a CPU profile). Weights are rounded to whole
 * units after conversion (pprof values are integers).
 */

const FORMAT = "speedscope";
const SCHEMA = "https://www.speedscope.app/file-format-schema.json";
// Typed explicitly so TypeScript narrows after calls that return never.
const f: JsonFields = new JsonFields(FORMAT);

/** Factor to the pprof unit, and that unit's sample type. */
const UNITS: Record<string, { factor: number; type: SampleTypeName }> = {
  nanoseconds: { factor: 1, type: { type: "cpu", unit: "nanoseconds" } },
  microseconds: { factor: 1e3, type: { type: "cpu", unit: "nanoseconds" } },
  milliseconds: { factor: 1e6, type: { type: "cpu", unit: "nanoseconds" } },
  seconds: { factor: 1e9, type: { type: "cpu", unit: "nanoseconds" } },
  bytes: { factor: 1, type: { type: "space", unit: "bytes" } },
  none: { factor: 1, type: { type: "samples", unit: "count" } },
};
const OBJECTS: SampleTypeName = { type: "objects", unit: "count" };

/** Where one speedscope profile's weights go in the merged profile's values. */
interface Column {
  /** Multiplier from the profile's unit to the sample type's. */
  factor: number;
  index: number;
  width: number;
}

function readFrames(shared: unknown): Frame[] {
  const frames = f.array(f.object(shared, "shared").frames, "shared.frames");
  return frames.map((raw, i) => {
    const path = `shared.frames[${i}]`;
    const fr = f.object(raw, path);
    const line = f.optionalNumber(fr.line, `${path}.line`, 0);
    return {
      name: f.string(fr.name, `${path}.name`),
      file: f.optionalString(fr.file, `${path}.file`),
      line: line > 0 ? Math.floor(line) : 0,
    };
  });
}

/** Root-first frame indexes -> leaf-first frames. */
function stackFrom(indexes: readonly number[], frames: Frame[]): Frame[] {
  const stack: Frame[] = [];
  for (let i = indexes.length - 1; i >= 0; i--) stack.push(frames[indexes[i]!]!);
  return stack;
}

function frameIndex(v: unknown, path: string, frames: Frame[]): number {
  const i = f.integer(v, path);
  if (i < 0 || i >= frames.length)
    f.fail(path, `= ${i} is out of range: shared.frames has ${frames.length} frames`);
  return i;
}

/** The values of one sample: the weight, converted and rounded, in its column; 0 elsewhere. */
function values(weight: number, col: Column, path: string): number[] {
  const v = Math.round(weight * col.factor);
  if (v < 0 || !Number.isSafeInteger(v)) f.wrong(path, weight, "a non-negative weight");
  const out = new Array<number>(col.width).fill(0);
  out[col.index] = v;
  return out;
}

function addSampled(
  p: JsonObject,
  path: string,
  frames: Frame[],
  col: Column,
  out: ProfileBuilder,
) {
  const samples = f.array(p.samples, `${path}.samples`);
  const weights = f.array(p.weights, `${path}.weights`);
  if (weights.length !== samples.length)
    f.fail(`${path}.weights`, `has ${weights.length} entries but samples has ${samples.length}`);
  samples.forEach((s, i) => {
    const sp = `${path}.samples[${i}]`;
    const indexes = f.array(s, sp).map((x, j) => frameIndex(x, `${sp}[${j}]`, frames));
    const w = f.number(weights[i], `${path}.weights[${i}]`);
    out.addSample(stackFrom(indexes, frames), values(w, col, `${path}.weights[${i}]`));
  });
}

/** One open path of an evented profile: frames are shared, so the path is a trie node. */
interface OpenPath {
  frame: number;
  parent: OpenPath | undefined;
  depth: number;
  children: Map<number, OpenPath>;
  /** Time spent with exactly this path open, in the profile's unit. */
  weight: number;
}

/**
 * Replays open/close events; the time between two events goes to the stack
 * open in between. Events must be in time order and properly nested, as the
 * schema requires; the first violation is reported with its index. Open
 * paths live in a trie so each event costs O(1) however deep the stack.
 */
function addEvented(
  p: JsonObject,
  path: string,
  frames: Frame[],
  col: Column,
  out: ProfileBuilder,
) {
  const events = f.array(p.events, `${path}.events`);
  const root: OpenPath = { frame: -1, parent: undefined, depth: 0, children: new Map(), weight: 0 };
  const paths: OpenPath[] = [];
  let cur = root;
  let last = f.optionalNumber(p.startValue, `${path}.startValue`, NaN);
  const label = (i: number) => `${i} (${quote(frames[i]!.name)})`;
  events.forEach((raw, i) => {
    const ep = `${path}.events[${i}]`;
    const e = f.object(raw, ep);
    const at = f.number(e.at, `${ep}.at`);
    const frame = frameIndex(e.frame, `${ep}.frame`, frames);
    if (Number.isNaN(last)) last = at;
    if (at < last) f.fail(`${ep}.at`, `= ${at} is earlier than the event before it (${last})`);
    cur.weight += at - last;
    last = at;
    if (e.type === "O") {
      let next = cur.children.get(frame);
      if (!next) {
        next = { frame, parent: cur, depth: cur.depth + 1, children: new Map(), weight: 0 };
        cur.children.set(frame, next);
        paths.push(next);
      }
      cur = next;
    } else if (e.type === "C") {
      if (cur.parent === undefined) f.fail(ep, `closes frame ${label(frame)} but no frame is open`);
      if (cur.frame !== frame)
        f.fail(
          ep,
          `closes frame ${label(frame)} but frame ${label(cur.frame)} is the innermost open one`,
        );
      cur = cur.parent;
    } else f.wrong(`${ep}.type`, e.type, '"O" or "C"');
  });
  if (cur.parent !== undefined)
    f.fail(
      `${path}.events`,
      `end with ${cur.depth} frame(s) still open, innermost ${label(cur.frame)}: the trace is incomplete`,
    );
  let expanded = 0;
  for (const open of paths) if (open.weight !== 0) expanded += open.depth;
  checkStackFrames(f, `${path}.events`, expanded);
  for (const open of paths) {
    if (open.weight === 0) continue;
    const stack: Frame[] = [];
    for (let n: OpenPath | undefined = open; n && n.parent; n = n.parent)
      stack.push(frames[n.frame]!);
    out.addSample(stack, values(open.weight, col, `${path}.events`));
  }
}

export const speedscopeImporter: Importer = {
  format: FORMAT,
  import(_bytes, text) {
    const o = parseJson(text());
    if (!isObject(o)) return null;
    const claimed = o.$schema === SCHEMA;
    if (!claimed && !(Array.isArray(o.profiles) && isObject(o.shared))) return null;
    const frames = readFrames(o.shared);
    const profiles = f.array(o.profiles, "profiles");
    if (profiles.length === 0) f.fail("profiles", "is empty");
    const parsed = profiles.map((raw, i) => {
      const path = `profiles[${i}]`;
      const p = f.object(raw, path);
      const u = f.string(p.unit, `${path}.unit`);
      const spec =
        UNITS[u] ?? f.wrong(`${path}.unit`, u, `one of ${Object.keys(UNITS).join(", ")}`);
      return { p, path, unit: u, spec };
    });
    const hasBytes = parsed.some((x) => x.unit === "bytes");
    const sampleTypes: SampleTypeName[] = [];
    const columns = parsed.map(({ unit, spec }) => {
      const type = unit === "none" && hasBytes ? OBJECTS : spec.type;
      let index = sampleTypes.findIndex((t) => t.type === type.type);
      if (index < 0) index = sampleTypes.push(type) - 1;
      return { factor: spec.factor, index };
    });
    const builder = new ProfileBuilder({ sampleTypes, limits: IMPORT_LIMITS });
    parsed.forEach(({ p, path }, i) => {
      const col = { ...columns[i]!, width: sampleTypes.length };
      if (p.type === "sampled") addSampled(p, path, frames, col, builder);
      else if (p.type === "evented") addEvented(p, path, frames, col, builder);
      else f.wrong(`${path}.type`, p.type, '"sampled" or "evented"');
    });
    return { profile: builder.build() };
  },
};
