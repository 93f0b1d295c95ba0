import type { Profile } from "pprof-format";
import { str, toNumber } from "./values.js";

/** A function as flamegate compares it: pprof aggregates by name and file. */
export interface FunctionId {
  name: string;
  file: string;
}

/** Stable key for a function: name + file, as `go tool pprof -top` groups them. */
export function functionKey(f: FunctionId): string {
  return `${f.name}\u0000${f.file}`;
}

/**
 * For each location id, the functions it stands for, leaf first: a location
 * with inlined frames has several lines, line[0] being the innermost (pprof's
 * convention). Locations without function info (unsymbolised addresses) get
 * the hex address as name, as pprof prints them.
 */
export function locationFrames(profile: Profile): Map<number, FunctionId[]> {
  const functions = new Map<number, FunctionId>();
  for (const fn of profile.function) {
    functions.set(toNumber(fn.id), {
      name: str(profile, fn.name),
      file: str(profile, fn.filename),
    });
  }
  const locations = new Map<number, FunctionId[]>();
  for (const loc of profile.location) {
    const frames: FunctionId[] = [];
    for (const line of loc.line) {
      const fn = functions.get(toNumber(line.functionId));
      if (fn) frames.push(fn);
    }
    if (frames.length === 0) {
      frames.push({ name: `0x${toNumber(loc.address).toString(16)}`, file: "" });
    }
    locations.set(toNumber(loc.id), frames);
  }
  return locations;
}
