import { FlamegateError, ProfileFormatError } from "../errors.js";
import { MAX_STRING_BYTES } from "./limits.js";

/**
 * The reference rules of pprof (google/pprof's decoder and
 * Profile.CheckValid), shared by the importer (import/pprof.ts, over a
 * decoded pprof-format Profile) and the lean reader of the compare stage
 * (compare/pprof-scan.ts, over raw bytes), so the two refuse the same
 * files: a damaged table would otherwise drop frames or merge functions
 * and give wrong numbers without a word. `go tool pprof` refuses every
 * file these rules refuse.
 */

/** The profile as id and string-index tables: all the rules need. */
export interface PprofTables {
  /** Byte length of each string of string_table, in order. */
  stringBytes: ArrayLike<number>;
  /** The first string; pprof requires "". */
  firstString: string | undefined;
  mappingIds: ArrayLike<number>;
  functions: ReadonlyArray<{ id: number; name: number; systemName: number; filename: number }>;
  locations: ReadonlyArray<{ id: number; functionIds: ArrayLike<number> }>;
  /** Every other string index the profile holds outside samples, with what holds it. */
  stringRefs: ReadonlyArray<readonly [what: string, index: number]>;
}

const REFUSED =
  "go tool pprof refuses it too: re-capture the profile or fix the tool that wrote it";

/** One line for a broken reference: what, then what to do. */
export function damaged(problem: string): ProfileFormatError {
  return new ProfileFormatError("pprof", `${problem}; ${REFUSED}`);
}

/** Throws unless `index` names a string of a table of `count` strings. */
export function checkStringIndex(what: string, index: number, count: number): void {
  if (!(index >= 0 && index < count))
    throw damaged(`${what} is string ${index}, but the string table has ${count} strings`);
}

/**
 * One string longer than MAX_STRING_BYTES: refused before it is decoded,
 * so a 400 MiB "function name" (a few hundred KB gzipped) costs nothing.
 */
export function checkStringLength(
  where: string,
  format: string,
  index: number,
  bytes: number,
): void {
  if (bytes > MAX_STRING_BYTES)
    throw new FlamegateError(
      `${where}: ${format}: string ${index} is ${bytes} bytes, more than the ${MAX_STRING_BYTES / 1024 / 1024} MiB limit for one name; no real function or file name is that long`,
    );
}

/** Ids are unique and not 0 (pprof reserves 0 for "none"); returns the set. */
function uniqueIds(what: string, ids: Iterable<number>): Set<number> {
  const seen = new Set<number>();
  for (const id of ids) {
    if (id === 0) throw damaged(`a ${what} has id 0, which pprof reserves`);
    if (seen.has(id)) throw damaged(`two ${what}s have id ${id}; ids must be unique`);
    seen.add(id);
  }
  return seen;
}

/**
 * Every rule outside the samples; returns the location ids so each
 * sample's references can be checked (checkSampleLocation) as it is read.
 */
export function checkTables(t: PprofTables): Set<number> {
  const count = t.stringBytes.length;
  if (count > 0 && t.firstString !== "")
    throw damaged('the string table does not start with "", as pprof requires');
  uniqueIds("mapping", Array.from(t.mappingIds));
  const functions = uniqueIds(
    "function",
    t.functions.map((f) => f.id),
  );
  for (const f of t.functions) {
    checkStringIndex(`function ${f.id}'s name`, f.name, count);
    checkStringIndex(`function ${f.id}'s system name`, f.systemName, count);
    checkStringIndex(`function ${f.id}'s file name`, f.filename, count);
  }
  const locations = uniqueIds(
    "location",
    t.locations.map((l) => l.id),
  );
  for (const loc of t.locations)
    for (const fn of Array.from(loc.functionIds))
      if (!functions.has(fn))
        throw damaged(
          fn === 0
            ? `location ${loc.id} has a line without a function (function id 0)`
            : `location ${loc.id} refers to function ${fn}, which the profile does not define`,
        );
  for (const [what, index] of t.stringRefs) checkStringIndex(what, index, count);
  return locations;
}

export function missingLocation(sample: number, id: number): ProfileFormatError {
  return damaged(`sample ${sample} refers to location ${id}, which the profile does not define`);
}
