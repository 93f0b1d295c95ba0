import { Profile } from "pprof-format";
import { ProfileFormatError } from "../errors.js";
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
    for (const [i, s] of profile.sample.entries()) {
      if (s.value.length !== profile.sampleType.length) {
        throw new ProfileFormatError(
          "pprof",
          `sample ${i} has ${s.value.length} values but the profile declares ${profile.sampleType.length} sample types`,
        );
      }
    }
    return { profile };
  },
};
