import { FlamegateError } from "../errors.js";
import type { SampleTypeName } from "../model/kinds.js";
import { FunctionInterner, type ProfileView, addressName } from "./profile-view.js";

/**
 * A lean reader of pprof protobuf (profile.proto of google/pprof) for the
 * compare stage. pprof-format builds one object per sample, location and
 * line and takes ~1.3 s and ~190 MB for a 25 MB profile (docs/benchmarks.md); the
 * compare stage only needs sample types, functions, locations and, per
 * sample, the location ids and values. So: one pass over the top-level
 * fields that decodes everything except samples, then samples are decoded
 * on demand into reused buffers. Input is untrusted: every length is
 * bounds-checked, and a field that runs past its message is "truncated".
 *
 * Field numbers (profile.proto): Profile 1 sample_type, 2 sample, 4
 * location, 5 function, 6 string_table, 11 period_type, 12 period, 13 comment; ValueType 1 type, 2 unit; Sample 1
 * location_id, 2 value (both packed or not); Location 1 id, 3 address, 4
 * line; Line 1 function_id; Function 1 id, 2 name, 4 filename.
 */

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const TWO_32 = 4294967296;

class Truncated extends Error {}

class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /**
   * A varint read as int64 (two's complement), the way pprof-format plus
   * toNumber read it; exact below 2^53. Bounds are checked by the callers
   * of each message, which compare `pos` with `end`.
   */
  varint(): number {
    const buf = this.buf;
    let b = buf[this.pos++]!;
    if (b < 0x80) return b;
    let lo = b & 0x7f;
    b = buf[this.pos++]!;
    lo |= (b & 0x7f) << 7;
    if (b < 0x80) return lo;
    b = buf[this.pos++]!;
    lo |= (b & 0x7f) << 14;
    if (b < 0x80) return lo;
    b = buf[this.pos++]!;
    lo |= (b & 0x7f) << 21;
    if (b < 0x80) return lo;
    b = buf[this.pos++]!;
    lo = (lo | ((b & 0x0f) << 28)) >>> 0;
    let hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      b = buf[this.pos++]!;
      hi |= (b & 0x7f) << 3;
      if (b >= 0x80) {
        b = buf[this.pos++]!;
        hi |= (b & 0x7f) << 10;
        if (b >= 0x80) {
          b = buf[this.pos++]!;
          hi |= (b & 0x7f) << 17;
          if (b >= 0x80) {
            b = buf[this.pos++]!;
            hi |= (b & 0x7f) << 24;
            if (b >= 0x80) {
              b = buf[this.pos++]!;
              hi |= (b & 0x01) << 31;
              if (b >= 0x80) throw new Truncated("a varint longer than 10 bytes");
            }
          }
        }
      }
    }
    return (hi | 0) * TWO_32 + lo;
  }

  /** End offset of a length-delimited field that starts at `pos`. */
  lengthEnd(): number {
    const len = this.varint();
    const end = this.pos + len;
    if (len < 0 || end > this.end) throw new Truncated("a field runs past the end of its message");
    return end;
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        break;
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.pos = this.lengthEnd();
        break;
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        throw new Truncated(`wire type ${wire} is not used by profile.proto`);
    }
    if (this.pos > this.end) throw new Truncated("a field runs past the end of its message");
  }
}

interface RawLocation {
  id: number;
  address: number;
  functionIds: number[];
}

function decodeValueType(r: Reader, end: number): { type: number; unit: number } {
  const vt = { type: 0, unit: 0 };
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WIRE_VARINT) vt.type = r.varint();
    else if (field === 2 && (tag & 7) === WIRE_VARINT) vt.unit = r.varint();
    else r.skip(tag & 7);
  }
  return vt;
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
      let fn = 0;
      while (r.pos < lineEnd) {
        const t = r.varint();
        if (t >>> 3 === 1 && (t & 7) === WIRE_VARINT) fn = r.varint();
        else r.skip(t & 7);
      }
      loc.functionIds.push(fn);
    } else r.skip(wire);
  }
  return loc;
}

function decodeFunction(r: Reader, end: number): { id: number; name: number; file: number } {
  const fn = { id: 0, name: 0, file: 0 };
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire !== WIRE_VARINT) r.skip(wire);
    else if (field === 1) fn.id = r.varint();
    else if (field === 2) fn.name = r.varint();
    else if (field === 4) fn.file = r.varint();
    else r.varint();
  }
  return fn;
}

function checkEnd(r: Reader, end: number): void {
  if (r.pos !== end) throw new Truncated("a field runs past the end of its message");
}

/**
 * Scans pprof bytes (already gunzipped). Throws a FlamegateError naming
 * `where` when the bytes do not decode as a profile.
 */
export function scanPprof(bytes: Uint8Array, where: string): ProfileView {
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return scan(buf, where);
  } catch (err) {
    if (err instanceof Truncated)
      throw new FlamegateError(
        `${where}: pprof: protobuf does not decode (${err.message}); the file is truncated or not a profile`,
      );
    throw err;
  }
}

function scan(buf: Buffer, where: string): ProfileView {
  const r = new Reader(buf, 0, buf.length);
  const rawTypes: Array<{ type: number; unit: number }> = [];
  const locations: RawLocation[] = [];
  const functions: Array<{ id: number; name: number; file: number }> = [];
  const strings: string[] = [];
  let sampleCount = 0;
  let periodType: { type: number; unit: number } | null = null;
  let period = 0;
  const commentIds: number[] = [];
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 12 && wire === WIRE_VARINT) {
      period = r.varint();
      continue;
    }
    // comment: repeated int64 string indexes, packed or one per field (Go writes both).
    if (field === 13 && wire === WIRE_VARINT) {
      commentIds.push(r.varint());
      continue;
    }
    if (field === 13 && wire === WIRE_LEN) {
      const end = r.lengthEnd();
      while (r.pos < end) commentIds.push(r.varint());
      checkEnd(r, end);
      continue;
    }
    if (field === 11 && wire === WIRE_LEN) {
      const end = r.lengthEnd();
      periodType = decodeValueType(r, end);
      checkEnd(r, end);
      continue;
    }
    if (wire !== WIRE_LEN || field < 1 || field > 6 || field === 3) {
      r.skip(wire);
      continue;
    }
    const end = r.lengthEnd();
    if (field === 1) rawTypes.push(decodeValueType(r, end));
    else if (field === 4) locations.push(decodeLocation(r, end));
    else if (field === 5) functions.push(decodeFunction(r, end));
    else if (field === 6) {
      strings.push(buf.toString("utf8", r.pos, end));
      r.pos = end;
    } else {
      // Samples are decoded lazily by forEachSample.
      sampleCount++;
      r.pos = end;
    }
    checkEnd(r, end);
  }
  if (r.pos !== r.end) throw new Truncated("the last field runs past the end of the file");
  if (rawTypes.length === 0)
    throw new FlamegateError(`${where}: pprof: no sample_type: not a profile, or an empty one`);

  const s = (i: number) => strings[i] ?? "";
  const sampleTypes: SampleTypeName[] = rawTypes.map((t) => ({ type: s(t.type), unit: s(t.unit) }));
  const interner = new FunctionInterner();
  const fnIndex = new Map<number, number>();
  for (const fn of functions) fnIndex.set(fn.id, interner.intern(s(fn.name), s(fn.file)));

  const locStart = new Int32Array(locations.length + 1);
  const fns: number[] = [];
  let maxId = 0;
  locations.forEach((loc, i) => {
    const before = fns.length;
    for (const id of loc.functionIds) {
      const f = fnIndex.get(id);
      if (f !== undefined) fns.push(f);
    }
    if (fns.length === before) fns.push(interner.intern(addressName(loc.address), ""));
    locStart[i + 1] = fns.length;
    if (loc.id > maxId) maxId = loc.id;
  });
  const locIndex = locationLookup(locations, maxId);
  const width = sampleTypes.length;

  return {
    sampleTypes,
    functions: interner.functions,
    keys: interner.keys,
    locStart,
    locFns: Int32Array.from(fns),
    sampleCount,
    period: periodType
      ? { type: { type: s(periodType.type), unit: s(periodType.unit) }, value: period }
      : null,
    comments: commentIds.map(s),
    forEachSample(visit) {
      let locs = new Int32Array(256);
      let depth = 0;
      const values = new Float64Array(width);
      const pushLocation = (id: number) => {
        const l = locIndex(id);
        if (l < 0) return;
        if (depth === locs.length) {
          const grown = new Int32Array(locs.length * 2);
          grown.set(locs);
          locs = grown;
        }
        locs[depth++] = l;
      };
      const sr = new Reader(buf, 0, buf.length);
      let sampleNo = 0;
      try {
        while (sr.pos < sr.end) {
          const tag = sr.varint();
          if (tag !== ((2 << 3) | WIRE_LEN)) {
            sr.skip(tag & 7);
            continue;
          }
          const end = sr.lengthEnd();
          depth = 0;
          let nValues = 0;
          while (sr.pos < end) {
            const t = sr.varint();
            const field = t >>> 3;
            const wire = t & 7;
            // Packed (proto3, what Go writes) or one varint per field (proto2 writers).
            if (field === 1 && wire === WIRE_LEN) {
              const stop = sr.lengthEnd();
              while (sr.pos < stop) pushLocation(sr.varint());
              if (sr.pos !== stop) throw new Truncated("a packed field ends inside a varint");
            } else if (field === 1 && wire === WIRE_VARINT) {
              pushLocation(sr.varint());
            } else if (field === 2 && wire === WIRE_LEN) {
              const stop = sr.lengthEnd();
              while (sr.pos < stop) {
                const v = sr.varint();
                if (nValues < width) values[nValues] = v;
                nValues++;
              }
              if (sr.pos !== stop) throw new Truncated("a packed field ends inside a varint");
            } else if (field === 2 && wire === WIRE_VARINT) {
              const v = sr.varint();
              if (nValues < width) values[nValues] = v;
              nValues++;
            } else sr.skip(wire);
          }
          checkEnd(sr, end);
          if (nValues !== width)
            throw new FlamegateError(
              `${where}: pprof: sample ${sampleNo} has ${nValues} values but the profile declares ${width} sample types`,
            );
          visit(locs, depth, values);
          sampleNo++;
        }
      } catch (err) {
        if (err instanceof Truncated)
          throw new FlamegateError(
            `${where}: pprof: protobuf does not decode (${err.message}); the file is truncated or not a profile`,
          );
        throw err;
      }
    },
  };
}

/**
 * Location id -> index. Go numbers locations 1..N, so a flat table is the
 * common case; sparse or huge ids (hostile or foreign writers) use a Map.
 * Unknown ids give -1 and the frame is skipped.
 */
function locationLookup(locations: RawLocation[], maxId: number): (id: number) => number {
  if (maxId <= locations.length * 4 + 1024) {
    const table = new Int32Array(maxId + 1).fill(-1);
    locations.forEach((loc, i) => {
      if (loc.id >= 0) table[loc.id] = i;
    });
    return (id) => (id >= 0 && id <= maxId ? table[id]! : -1);
  }
  const map = new Map<number, number>();
  locations.forEach((loc, i) => map.set(loc.id, i));
  return (id) => map.get(id) ?? -1;
}
