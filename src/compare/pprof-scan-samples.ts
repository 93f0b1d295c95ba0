import { FlamegateError, ProfileFormatError } from "../errors.js";
import type { ReadBudget } from "../import/limits.js";
import { checkStringIndex, missingLocation } from "../import/pprof-refs.js";
import {
  Reader,
  Truncated,
  WIRE_LEN,
  WIRE_VARINT,
  checkEnd,
  decodeVarints,
} from "../import/protobuf.js";
import type { ProfileView } from "./profile-view.js";

/**
 * The samples half of the lean pprof reader (pprof-scan.ts): samples are
 * decoded on demand, one at a time, into reused buffers, their references
 * and label strings checked, and the frames walked charged to the budget.
 */

/** Runs `read`, turning a decoding or rule error into one line naming `where`. */
export function named<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof Truncated)
      throw new FlamegateError(
        `${where}: pprof: protobuf does not decode (${err.message}); the file is truncated or not a profile`,
      );
    if (err instanceof ProfileFormatError) throw new FlamegateError(`${where}: ${err.message}`);
    throw err;
  }
}

/** What walking the samples needs, and nothing of the decoded tables. */
export interface SampleSource {
  buf: Buffer;
  where: string;
  budget: ReadBudget;
  /** Size of the string table, for the label checks. */
  strings: number;
  /** Values per sample: the sample types. */
  width: number;
  locIndex: (id: number) => number;
  locStart: Int32Array;
}

export function sampleWalker(source: SampleSource): ProfileView["forEachSample"] {
  return (visit) => named(source.where, () => walkSamples(source, visit));
}

/** A sample's label (key, str, num_unit are string indexes); only checked. */
function checkLabel(r: Reader, end: number, sampleNo: number, strings: number): void {
  const [, key, str, , numUnit] = decodeVarints(r, end, 4);
  checkStringIndex(`sample ${sampleNo}'s label key`, key!, strings);
  checkStringIndex(`sample ${sampleNo}'s label value`, str!, strings);
  checkStringIndex(`sample ${sampleNo}'s label unit`, numUnit!, strings);
}

/**
 * Decodes every sample in turn into reused buffers (ProfileView.forEachSample),
 * charging the frames walked (inlined lines included) to the budget.
 */
function walkSamples(source: SampleSource, visit: Parameters<ProfileView["forEachSample"]>[0]) {
  const { width, locIndex, locStart, budget } = source;
  let locs = new Int32Array(256);
  let depth = 0;
  let nValues = 0;
  let sampleNo = 0;
  let frames = 0;
  const framesLeft = budget.left("frames");
  const values = new Float64Array(width);
  const pushLocation = (id: number) => {
    const l = locIndex(id);
    if (l < 0) throw missingLocation(sampleNo, id);
    if (depth === locs.length) {
      const grown = new Int32Array(locs.length * 2);
      grown.set(locs);
      locs = grown;
    }
    locs[depth++] = l;
    frames += locStart[l + 1]! - locStart[l]!;
  };
  const pushValue = (v: number) => {
    if (nValues < width) values[nValues] = v;
    nValues++;
  };
  const r = new Reader(source.buf, 0, source.buf.length);
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag !== ((2 << 3) | WIRE_LEN)) {
      r.skip(tag & 7);
      continue;
    }
    const end = r.lengthEnd();
    depth = 0;
    nValues = 0;
    while (r.pos < end) {
      const t = r.varint();
      const field = t >>> 3;
      const wire = t & 7;
      // Packed (proto3, what Go writes) or one varint per field (proto2
      // writers); inline, as this loop runs once per frame of every sample.
      if (field === 1 && wire === WIRE_LEN) {
        const stop = r.lengthEnd();
        while (r.pos < stop) pushLocation(r.varint());
        if (r.pos !== stop) throw new Truncated("a packed field ends inside a varint");
      } else if (field === 1 && wire === WIRE_VARINT) pushLocation(r.varint());
      else if (field === 2 && wire === WIRE_LEN) {
        const stop = r.lengthEnd();
        while (r.pos < stop) pushValue(r.varint());
        if (r.pos !== stop) throw new Truncated("a packed field ends inside a varint");
      } else if (field === 2 && wire === WIRE_VARINT) pushValue(r.varint());
      else if (field === 3 && wire === WIRE_LEN)
        checkLabel(r, r.lengthEnd(), sampleNo, source.strings);
      else r.skip(wire);
    }
    checkEnd(r, end);
    if (nValues !== width)
      throw new ProfileFormatError(
        "pprof",
        `sample ${sampleNo} has ${nValues} values but the profile declares ${width} sample types`,
      );
    if (frames > framesLeft) budget.charge(source.where, "frames", frames);
    visit(locs, depth, values);
    sampleNo++;
  }
  budget.charge(source.where, "frames", frames);
}
