import type { Profile } from "pprof-format";
import { type FunctionId, functionKey } from "../model/functions.js";
import { type SampleTypeName, sampleTypes } from "../model/kinds.js";
import { str, toNumber } from "../model/values.js";

/**
 * What the compare stage needs from one profile, in flat arrays: the sample
 * types, the functions (deduplicated by name + file, as pprof's graph keys
 * them), each location's functions, and a way to walk the samples without
 * allocating per sample. Built either from a decoded pprof-format Profile
 * (any imported format) or straight from pprof bytes by pprof-scan.ts, which
 * never materialises a Sample object.
 */
export interface ProfileView {
  sampleTypes: SampleTypeName[];
  /** Distinct functions (by name + cleaned file). */
  functions: FunctionId[];
  /** Parallel to `functions`: each one's identity across profiles, functionKey of name + cleaned file. */
  keys: string[];
  /** CSR over location indexes: functions of location i are locFns[locStart[i] .. locStart[i+1]), leaf first. */
  locStart: Int32Array;
  locFns: Int32Array;
  sampleCount: number;
  /** pprof's period_type and period: what one sample stands for, when the profile says. */
  period: { type: SampleTypeName; value: number } | null;
  /** pprof's comments (e.g. model/cpu-time.ts OS_CPU_COMMENT). */
  comments: string[];
  /**
   * Calls `visit` once per sample with the stack as location indexes (leaf
   * first, valid in locs[0 .. depth)) and one value per sample type. Both
   * arrays are reused between calls: copy what you keep.
   */
  forEachSample(visit: (locs: Int32Array, depth: number, values: Float64Array) => void): void;
}

/**
 * Go's filepath.Clean for slash-separated paths: pprof cleans every
 * function's file name before keying graph nodes (internal/graph nodeInfo),
 * so "./a.go" and "a.go" are one function there and must be one here.
 */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  // Most paths are already clean: no empty, "." or ".." element, no trailing slash.
  if (!/\/\/|(^|\/)\.\.?(\/|$)|.\/$/.test(p)) return p;
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined === "" ? "." : joined;
}

/**
 * Interns functions by name + cleaned file. The first raw file name seen is
 * kept for display (cleaning "file:///x.js" would turn it into "file:/x.js").
 */
export class FunctionInterner {
  readonly functions: FunctionId[] = [];
  readonly keys: string[] = [];
  private readonly index = new Map<string, number>();

  intern(name: string, file: string): number {
    const key = functionKey({ name, file: file === "" ? "" : cleanPath(file) });
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.functions.length;
      this.functions.push({ name, file });
      this.keys.push(key);
      this.index.set(key, i);
    }
    return i;
  }
}

/** Locations without function info keep their address as the name, as locationFrames does. */
export function addressName(address: number): string {
  return `0x${address.toString(16)}`;
}

/** A view over an already decoded pprof-format Profile (every non-pprof format arrives this way). */
export function viewOfProfile(profile: Profile): ProfileView {
  const interner = new FunctionInterner();
  const fnIndex = new Map<number, number>();
  for (const fn of profile.function) {
    fnIndex.set(toNumber(fn.id), interner.intern(str(profile, fn.name), str(profile, fn.filename)));
  }
  const locIndex = new Map<number, number>();
  const locStart = new Int32Array(profile.location.length + 1);
  const fns: number[] = [];
  profile.location.forEach((loc, i) => {
    locIndex.set(toNumber(loc.id), i);
    const before = fns.length;
    for (const line of loc.line) {
      const f = fnIndex.get(toNumber(line.functionId));
      if (f !== undefined) fns.push(f);
    }
    if (fns.length === before) fns.push(interner.intern(addressName(toNumber(loc.address)), ""));
    locStart[i + 1] = fns.length;
  });
  const width = profile.sampleType.length;
  return {
    sampleTypes: sampleTypes(profile),
    functions: interner.functions,
    keys: interner.keys,
    locStart,
    locFns: Int32Array.from(fns),
    sampleCount: profile.sample.length,
    period: profile.periodType
      ? {
          type: {
            type: str(profile, profile.periodType.type),
            unit: str(profile, profile.periodType.unit),
          },
          value: toNumber(profile.period),
        }
      : null,
    comments: profile.comment.map((c) => str(profile, c)),
    forEachSample(visit) {
      let locs = new Int32Array(64);
      const values = new Float64Array(width);
      for (const sample of profile.sample) {
        const ids = sample.locationId;
        if (ids.length > locs.length) locs = new Int32Array(ids.length * 2);
        let depth = 0;
        for (const id of ids) {
          const l = locIndex.get(toNumber(id));
          // An id with no location is invalid pprof; pprof's CheckValid refuses
          // it, the importer did not, so skip the frame rather than crash.
          if (l !== undefined) locs[depth++] = l;
        }
        for (let i = 0; i < width; i++) values[i] = toNumber(sample.value[i]);
        visit(locs, depth, values);
      }
    },
  };
}
