import { Profile } from "pprof-format";
import { ProfileFormatError } from "../errors.js";
import { toNumber } from "../model/values.js";
import { checkStringIndex, checkTables, missingLocation } from "./pprof-refs.js";
import type { Importer } from "./types.js";

/**
 * pprof protobuf (already gunzipped by the caller). Protobuf has no magic
 * number, so "mine" means: the first byte is a valid tag of one of the
 * Profile message's fields (1..14) with the right wire type, and the bytes
 * are not text. The decoder is then trusted to throw on truncation.
 */
const FIELD_WIRE_TYPES: Record<number, number> = {
  1: 2,
  2: 2,
  3: 2,
  4: 2,
  5: 2,
  6: 2,
  7: 0,
  8: 0,
  9: 0,
  10: 0,
  11: 2,
  12: 0,
  13: 0,
  14: 0,
};

export function looksLikePprof(bytes: Uint8Array): boolean {
  const first = bytes[0];
  if (first === undefined) return false;
  const field = first >> 3;
  const wire = first & 7;
  if (FIELD_WIRE_TYPES[field] !== wire) return false;
  // JSON and folded text start with printable ASCII; field 1..14 tags are 0x08..0x72,
  // which overlaps printable text, so also refuse data that is all text in its first bytes.
  const head = bytes.subarray(0, 64);
  const printable = head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  return !printable;
}

/** A string index as pprof-format decodes it (0 when the field is absent). */
const ix = (v: unknown) => toNumber(v as number | bigint | undefined);

/**
 * pprof's reference rules (pprof-refs.ts), as the lean reader of the
 * compare stage applies them: every sample has one value per sample type,
 * every location and function it points to exists once, every string index
 * is inside the table.
 */
function checkReferences(profile: Profile): void {
  const stringRefs: Array<[string, number]> = [];
  const ref = (what: string, v: unknown) => stringRefs.push([what, ix(v)]);
  profile.sampleType.forEach((t, i) => {
    ref(`sample_type ${i}'s type`, t.type);
    ref(`sample_type ${i}'s unit`, t.unit);
  });
  if (profile.periodType) {
    ref("period_type's type", profile.periodType.type);
    ref("period_type's unit", profile.periodType.unit);
  }
  profile.comment.forEach((c, i) => ref(`comment ${i}`, c));
  ref("drop_frames", profile.dropFrames);
  ref("keep_frames", profile.keepFrames);
  ref("default_sample_type", profile.defaultSampleType);
  for (const m of profile.mapping) {
    ref(`mapping ${ix(m.id)}'s file name`, m.filename);
    ref(`mapping ${ix(m.id)}'s build id`, m.buildId);
  }
  const strings = profile.stringTable.strings;
  const locations = checkTables({
    stringBytes: strings.map((s) => Buffer.byteLength(s)),
    firstString: strings[0],
    mappingIds: profile.mapping.map((m) => ix(m.id)),
    functions: profile.function.map((f) => ({
      id: ix(f.id),
      name: ix(f.name),
      systemName: ix(f.systemName),
      filename: ix(f.filename),
    })),
    locations: profile.location.map((l) => ({
      id: ix(l.id),
      functionIds: l.line.map((line) => ix(line.functionId)),
    })),
    stringRefs,
  });
  const width = profile.sampleType.length;
  profile.sample.forEach((s, i) => {
    if (s.value.length !== width)
      throw new ProfileFormatError(
        "pprof",
        `sample ${i} has ${s.value.length} values but the profile declares ${width} sample types`,
      );
    for (const id of s.locationId) if (!locations.has(ix(id))) throw missingLocation(i, ix(id));
    for (const label of s.label) {
      checkStringIndex(`sample ${i}'s label key`, ix(label.key), strings.length);
      checkStringIndex(`sample ${i}'s label value`, ix(label.str), strings.length);
      checkStringIndex(`sample ${i}'s label unit`, ix(label.numUnit), strings.length);
    }
  });
}

export const pprofImporter: Importer = {
  format: "pprof",
  import(bytes) {
    if (!looksLikePprof(bytes)) return null;
    let profile: Profile;
    try {
      profile = Profile.decode(bytes);
    } catch (err) {
      throw new ProfileFormatError(
        "pprof",
        `protobuf does not decode (${(err as Error).message}); the file is truncated or not a profile`,
      );
    }
    if (profile.sampleType.length === 0) {
      throw new ProfileFormatError("pprof", "no sample_type: not a profile, or an empty one");
    }
    checkReferences(profile);
    return { profile };
  },
};
