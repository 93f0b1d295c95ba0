import type { Profile } from "pprof-format";
import { str } from "./values.js";

/** What a profile measures. One file per kind and round in a profile set. */
export const KINDS = ["cpu", "alloc", "heap", "wall", "mutex", "block", "goroutine"] as const;
export type Kind = (typeof KINDS)[number];

export function isKind(s: string): s is Kind {
  return (KINDS as readonly string[]).includes(s);
}

export interface SampleTypeName {
  type: string;
  unit: string;
}

/**
 * The sample type compared for each kind, in order of preference. The names
 * are pprof's own (Go runtime/pprof, and what our importers emit for V8,
 * py-spy, memray and tracemalloc), so a Go allocs profile compares
 * alloc_space, exactly as `go tool pprof` shows it by default.
 */
const PREFERRED: Record<Kind, SampleTypeName[]> = {
  cpu: [
    { type: "cpu", unit: "nanoseconds" },
    { type: "samples", unit: "count" },
  ],
  wall: [
    { type: "wall", unit: "nanoseconds" },
    { type: "samples", unit: "count" },
  ],
  alloc: [
    { type: "alloc_space", unit: "bytes" },
    { type: "space", unit: "bytes" },
    { type: "alloc_objects", unit: "count" },
  ],
  heap: [
    { type: "inuse_space", unit: "bytes" },
    { type: "space", unit: "bytes" },
    { type: "inuse_objects", unit: "count" },
  ],
  mutex: [
    { type: "delay", unit: "nanoseconds" },
    { type: "contentions", unit: "count" },
  ],
  block: [
    { type: "delay", unit: "nanoseconds" },
    { type: "contentions", unit: "count" },
  ],
  goroutine: [{ type: "goroutine", unit: "count" }],
};

export function sampleTypes(profile: Profile): SampleTypeName[] {
  return profile.sampleType.map((vt) => ({
    type: str(profile, vt.type),
    unit: str(profile, vt.unit),
  }));
}

export function sameSampleType(a: SampleTypeName, b: SampleTypeName): boolean {
  return a.type === b.type && a.unit === b.unit;
}

/** Index of the sample type compared for `kind`, or -1 when the profile has none of them. */
export function sampleIndexFor(profile: Profile, kind: Kind): number {
  const have = sampleTypes(profile);
  for (const want of PREFERRED[kind]) {
    const i = have.findIndex((t) => sameSampleType(t, want));
    if (i >= 0) return i;
  }
  return -1;
}

/**
 * The most preferred sample type for `kind` that every profile has (each
 * list is one profile's sample types), e.g. samples/count when a baseline
 * from an older capture lacks the cpu/nanoseconds the head has.
 */
export function commonSampleType(
  kind: Kind,
  profiles: readonly SampleTypeName[][],
): SampleTypeName | undefined {
  return PREFERRED[kind].find((want) =>
    profiles.every((have) => have.some((t) => sameSampleType(t, want))),
  );
}

/**
 * The kind a lone profile file measures, guessed from its sample types (for
 * `compare` on two single files). Allocation is preferred over in-use heap
 * when a profile carries both, as Go's allocs and heap profiles do; the
 * difference is which sample index is compared.
 */
export function guessKind(profile: Profile): Kind | undefined {
  const types = new Set(sampleTypes(profile).map((t) => t.type));
  if (types.has("cpu") || types.has("samples")) return "cpu";
  if (types.has("wall")) return "wall";
  if (types.has("alloc_space") || types.has("space") || types.has("alloc_objects")) return "alloc";
  if (types.has("inuse_space") || types.has("inuse_objects")) return "heap";
  if (types.has("contentions") || types.has("delay")) return "mutex";
  if (types.has("goroutine")) return "goroutine";
  return undefined;
}
