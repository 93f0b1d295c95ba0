import type { Profile } from "pprof-format";

/**
 * pprof-format decodes varints as `number` below 2^28 and `bigint` above, and
 * negative int64 values (delta profiles contain them) as unsigned 64-bit
 * bigints. Every value read from a decoded Profile goes through here.
 */
export function toNumber(v: number | bigint | undefined): number {
  if (v === undefined) return 0;
  if (typeof v === "number") return v;
  return Number(BigInt.asIntN(64, v));
}

/** A string-table lookup that tolerates hostile indexes (out of range -> ""). */
export function str(profile: Profile, index: number | bigint | undefined): string {
  const i = toNumber(index);
  return profile.stringTable.strings[i] ?? "";
}
