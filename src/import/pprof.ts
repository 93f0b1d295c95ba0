import { Profile } from "pprof-format";
import { ProfileFormatError } from "../errors.js";
import { toNumber } from "../model/values.js";
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

/**
 * What google/pprof's Profile.CheckValid insists on, so a damaged file is
 * refused here instead of silently losing frames later: every sample has one
 * value per sample type, and every location and function it points to exists.
 */
function checkReferences(profile: Profile): void {
  const functions = new Set(profile.function.map((fn) => toNumber(fn.id)));
  const locations = new Set<number>();
  for (const loc of profile.location) {
    const id = toNumber(loc.id);
    if (id === 0)
      throw new ProfileFormatError("pprof", "a location has id 0, which pprof reserves");
    locations.add(id);
    for (const line of loc.line) {
      const fn = toNumber(line.functionId);
      if (fn !== 0 && !functions.has(fn))
        throw new ProfileFormatError(
          "pprof",
          `location ${id} refers to function ${fn}, which the profile does not define`,
        );
    }
  }
  const width = profile.sampleType.length;
  profile.sample.forEach((s, i) => {
    if (s.value.length !== width)
      throw new ProfileFormatError(
        "pprof",
        `sample ${i} has ${s.value.length} values but the profile declares ${width} sample types`,
      );
    for (const id of s.locationId) {
      if (!locations.has(toNumber(id)))
        throw new ProfileFormatError(
          "pprof",
          `sample ${i} refers to location ${toNumber(id)}, which the profile does not define`,
        );
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
