import type { Profile } from "pprof-format";

/**
 * An importer turns the bytes of one foreign format into a pprof Profile.
 * It returns null for "not my format" (detection is by content, never by
 * file name) and throws ProfileFormatError for "my format, but broken",
 * naming the field.
 */
export interface Importer {
  /** Short name shown to users, e.g. "pprof", "v8-cpuprofile". */
  format: string;
  import(bytes: Uint8Array, text: () => string): Imported | null;
}

export interface Imported {
  profile: Profile;
  /** Things the user should know (e.g. invalid lines skipped in folded stacks). */
  warnings?: string[];
}

export interface ImportResult {
  format: string;
  profile: Profile;
  /** Things the user should know (e.g. invalid lines skipped in folded stacks). */
  warnings: string[];
}
