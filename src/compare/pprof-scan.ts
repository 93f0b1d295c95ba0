import { FlamegateError } from "../errors.js";
import { ReadBudget } from "../import/limits.js";
import { checkStringIndex, checkStringLength, checkTables } from "../import/pprof-refs.js";
import {
  Reader,
  Truncated,
  WIRE_LEN,
  WIRE_VARINT,
  checkEnd,
  decodeVarints,
  readRepeated,
} from "../import/protobuf.js";
import type { SampleTypeName } from "../model/kinds.js";
import { type SampleSource, named, sampleWalker } from "./pprof-scan-samples.js";
import { FunctionInterner, type ProfileView, addressName } from "./profile-view.js";

/**
 * A lean reader of pprof protobuf (profile.proto of google/pprof) for the
 * compare stage. pprof-format builds one object per sample, location and
 * line and takes ~1.3 s and ~190 MB for a 25 MB profile (docs/benchmarks.md);
 * the compare stage only needs sample types, functions, locations and, per
 * sample, the location ids and values. So: one pass over the top-level
 * fields that decodes everything except samples, then samples are decoded
 * on demand into reused buffers (pprof-scan-samples.ts). Input is
 * untrusted: every length is bounds-checked, a field that runs past its
 * message is "truncated", every reference is checked as the importer checks
 * it (import/pprof-refs.ts), and what the file costs is charged to the
 * comparison's ReadBudget.
 *
 * Field numbers (profile.proto): Profile 1 sample_type, 2 sample, 3 mapping,
 * 4 location, 5 function, 6 string_table, 7 drop_frames, 8 keep_frames, 11
 * period_type, 12 period, 13 comment, 14 default_sample_type; ValueType 1
 * type, 2 unit; Sample 1 location_id, 2 value (both packed or not), 3 label;
 * Label 1 key, 2 str, 4 num_unit; Mapping 1 id, 5 filename, 6 build_id;
 * Location 1 id, 3 address, 4 line; Line 1 function_id; Function 1 id,
 * 2 name, 3 system_name, 4 filename.
 */

interface RawLocation {
  id: number;
  address: number;
  functionIds: number[];
}

interface RawFunction {
  id: number;
  name: number;
  systemName: number;
  filename: number;
}

interface ValueTypeIds {
  type: number;
  unit: number;
}

/** Everything but the samples, as decoded by the top-level pass. */
interface RawProfile {
  types: ValueTypeIds[];
  mappingIds: number[];
  locations: RawLocation[];
  functions: RawFunction[];
  strings: string[];
  stringBytes: number[];
  sampleCount: number;
  /** Table entries held: strings, sample types, mappings, locations (with their lines), comments. */
  entries: number;
  periodType: ValueTypeIds | null;
  period: number;
  commentIds: number[];
  /** drop_frames (7), keep_frames (8), default_sample_type (14): string indexes. */
  singular: Record<number, number>;
  /** Mappings' string indexes (for the checks). */
  stringRefs: Array<[string, number]>;
}

function decodeLocation(r: Reader, end: number): RawLocation {
  const loc: RawLocation = { id: 0, address: 0, functionIds: [] };
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === WIRE_VARINT) loc.id = r.varint();
    else if (field === 3 && wire === WIRE_VARINT) loc.address = r.varint();
    else if (field === 4 && wire === WIRE_LEN) {
      const lineEnd = r.lengthEnd();
      loc.functionIds.push(decodeVarints(r, lineEnd, 1)[1]!);
    } else r.skip(wire);
  }
  checkEnd(r, end);
  return loc;
}

function decodeFunction(r: Reader, end: number): RawFunction {
  const [, id, name, systemName, filename] = decodeVarints(r, end, 4);
  return { id: id!, name: name!, systemName: systemName!, filename: filename! };
}

/** One string_table entry: refused when too long, charged to the budget, then decoded. */
function decodeString(r: Reader, end: number, raw: RawProfile, budget: ReadBudget, where: string) {
  const bytes = end - r.pos;
  checkStringLength(where, "pprof", raw.strings.length, bytes);
  held(raw, 1, budget, where);
  budget.charge(where, "stringBytes", bytes);
  raw.strings.push(r.buf.toString("utf8", r.pos, end));
  raw.stringBytes.push(bytes);
  r.pos = end;
}

/** A length-delimited top-level field (the caller has read its tag). */
function readMessage(r: Reader, field: number, raw: RawProfile, budget: ReadBudget, where: string) {
  const end = r.lengthEnd();
  if (field === 1) {
    const [, type, unit] = decodeVarints(r, end, 2);
    raw.types.push({ type: type!, unit: unit! });
    held(raw, 1, budget, where);
  } else if (field === 2) {
    // Samples are decoded lazily by forEachSample.
    raw.sampleCount++;
    r.pos = end;
  } else if (field === 3) {
    const m = decodeVarints(r, end, 6);
    raw.mappingIds.push(m[1]!);
    held(raw, 2, budget, where);
    raw.stringRefs.push(
      [`mapping ${m[1]}'s file name`, m[5]!],
      [`mapping ${m[1]}'s build id`, m[6]!],
    );
  } else if (field === 4) {
    const loc = decodeLocation(r, end);
    raw.locations.push(loc);
    held(raw, loc.functionIds.length, budget, where);
  } else if (field === 5) {
    raw.functions.push(decodeFunction(r, end));
    // Checked as they come, so a file with millions is refused before it costs memory.
    if (raw.functions.length > budget.left("functions"))
      budget.charge(where, "functions", raw.functions.length);
  } else if (field === 6) {
    decodeString(r, end, raw, budget, where);
  } else if (field === 11) {
    const [, type, unit] = decodeVarints(r, end, 2);
    raw.periodType = { type: type!, unit: unit! };
  } else r.pos = end;
}

/**
 * Counts `lines` (at least 1) more table entries against the per-file cap:
 * each costs an object or an array slot however few bytes it took.
 */
function held(raw: RawProfile, lines: number, budget: ReadBudget, where: string): void {
  raw.entries += Math.max(1, lines);
  budget.checkFile(where, "fileEntries", raw.entries);
}

/** The top-level pass: every field but the samples' contents. */
function readTables(buf: Buffer, where: string, budget: ReadBudget): RawProfile {
  const r = new Reader(buf, 0, buf.length);
  const raw: RawProfile = {
    types: [],
    mappingIds: [],
    locations: [],
    functions: [],
    strings: [],
    stringBytes: [],
    sampleCount: 0,
    entries: 0,
    periodType: null,
    period: 0,
    commentIds: [],
    singular: {},
    stringRefs: [],
  };
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 12 && wire === WIRE_VARINT) raw.period = r.varint();
    // Singular fields: the last one wins, as in any protobuf decoder.
    else if ((field === 7 || field === 8 || field === 14) && wire === WIRE_VARINT)
      raw.singular[field] = r.varint();
    // comment: repeated int64 string indexes, packed or one per field (Go writes both).
    else if (field === 13 && (wire === WIRE_VARINT || wire === WIRE_LEN))
      readRepeated(r, wire, (v) => {
        raw.commentIds.push(v);
        held(raw, 1, budget, where);
      });
    else if (wire === WIRE_LEN && field >= 1 && field <= 11 && field !== 7 && field !== 8)
      readMessage(r, field, raw, budget, where);
    else r.skip(wire);
  }
  if (r.pos !== r.end) throw new Truncated("the last field runs past the end of the file");
  return raw;
}

/** The pprof rules (import/pprof-refs.ts) over what the top-level pass read. */
function checkRaw(raw: RawProfile): void {
  const count = raw.strings.length;
  raw.types.forEach((t, i) => {
    checkStringIndex(`sample_type ${i}'s type`, t.type, count);
    checkStringIndex(`sample_type ${i}'s unit`, t.unit, count);
  });
  if (raw.periodType) {
    checkStringIndex("period_type's type", raw.periodType.type, count);
    checkStringIndex("period_type's unit", raw.periodType.unit, count);
  }
  raw.commentIds.forEach((c, i) => checkStringIndex(`comment ${i}`, c, count));
  const names: Record<number, string> = {
    7: "drop_frames",
    8: "keep_frames",
    14: "default_sample_type",
  };
  for (const [field, index] of Object.entries(raw.singular))
    checkStringIndex(names[Number(field)]!, index, count);
  checkTables({
    stringBytes: raw.stringBytes,
    firstString: raw.strings[0],
    mappingIds: raw.mappingIds,
    functions: raw.functions,
    locations: raw.locations,
    stringRefs: raw.stringRefs,
  });
}

/**
 * Scans pprof bytes (already gunzipped) and charges them to `budget`.
 * Throws a FlamegateError naming `where` when the bytes do not decode as a
 * profile, break a pprof rule, or overdraw the budget.
 */
export function scanPprof(
  bytes: Uint8Array,
  where: string,
  budget: ReadBudget = new ReadBudget(),
): ProfileView {
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return named(where, () => {
    const raw = readTables(buf, where, budget);
    if (raw.types.length === 0)
      throw new FlamegateError(`${where}: pprof: no sample_type: not a profile, or an empty one`);
    checkRaw(raw);
    budget.charge(where, "samples", raw.sampleCount);
    budget.charge(where, "functions", raw.functions.length);
    return buildView(raw, buf, where, budget);
  });
}

function buildView(raw: RawProfile, buf: Buffer, where: string, budget: ReadBudget): ProfileView {
  const s = (i: number) => raw.strings[i] ?? "";
  const sampleTypes: SampleTypeName[] = raw.types.map((t) => ({
    type: s(t.type),
    unit: s(t.unit),
  }));
  const interner = new FunctionInterner();
  const fnIndex = new Map<number, number>();
  for (const fn of raw.functions) fnIndex.set(fn.id, interner.intern(s(fn.name), s(fn.filename)));

  const locStart = new Int32Array(raw.locations.length + 1);
  const fns: number[] = [];
  let maxId = 0;
  raw.locations.forEach((loc, i) => {
    // checkTables made sure every function id is defined.
    for (const id of loc.functionIds) fns.push(fnIndex.get(id)!);
    if (loc.functionIds.length === 0) fns.push(interner.intern(addressName(loc.address), ""));
    locStart[i + 1] = fns.length;
    if (loc.id > maxId) maxId = loc.id;
  });
  const pt = raw.periodType;
  const source: SampleSource = {
    buf,
    where,
    budget,
    strings: raw.strings.length,
    width: sampleTypes.length,
    locIndex: locationLookup(raw.locations, maxId),
    locStart,
  };
  return {
    sampleTypes,
    functions: interner.functions,
    keys: interner.keys,
    locStart,
    locFns: Int32Array.from(fns),
    sampleCount: raw.sampleCount,
    period: pt ? { type: { type: s(pt.type), unit: s(pt.unit) }, value: raw.period } : null,
    comments: raw.commentIds.map(s),
    // Made outside this scope: a closure here would keep `raw` (every decoded
    // location and function) alive as long as the view.
    forEachSample: sampleWalker(source),
  };
}

/**
 * Location id -> index. Go numbers locations 1..N, so a flat table is the
 * common case; sparse, huge or negative (above 2^63) ids use a Map.
 * checkTables made sure ids are unique and not 0; an unknown id gives -1.
 */
function locationLookup(locations: RawLocation[], maxId: number): (id: number) => number {
  if (maxId <= locations.length * 4 + 1024 && locations.every((loc) => loc.id > 0)) {
    const table = new Int32Array(maxId + 1).fill(-1);
    locations.forEach((loc, i) => (table[loc.id] = i));
    return (id) => (id >= 0 && id <= maxId ? table[id]! : -1);
  }
  const map = new Map<number, number>();
  locations.forEach((loc, i) => map.set(loc.id, i));
  return (id) => map.get(id) ?? -1;
}
