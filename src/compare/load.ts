import { readFileSync, statSync } from "node:fs";
import { Profile, StringTable, ValueType } from "pprof-format";
import { FlamegateError } from "../errors.js";
import { importProfile } from "../import/index.js";
import { looksLikePprof } from "../import/pprof.js";
import { ReadBudget } from "../import/limits.js";
import { maybeGunzip } from "../model/gzip.js";
import { toNumber } from "../model/values.js";
import { type Kind, type SampleTypeName, guessKind, sampleIndexFor } from "../model/kinds.js";
import { scanPprof } from "./pprof-scan.js";
import { type ProfileView, viewOfProfile } from "./profile-view.js";

/** One profile file, read for comparison. */
export interface LoadedProfile {
  path: string;
  /** "pprof" or the importer's format name. */
  format: string;
  view: ProfileView;
  warnings: string[];
}

/**
 * Reads a profile file of any supported format and charges what it holds to
 * `budget`, the comparison's (import/limits.ts). pprof (what profile sets
 * hold) goes through the lean reader; every other format through the
 * importers, then into a view. Errors name the file, in one line.
 */
export function loadProfileFile(
  path: string,
  budget: ReadBudget = new ReadBudget(),
): LoadedProfile {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new FlamegateError(`${path}: not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof FlamegateError) throw err;
    throw new FlamegateError(
      `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  budget.checkFile(path, "fileBytes", size);
  const raw = maybeGunzip(readFileSync(path), path, budget.limits.fileBytes);
  budget.charge(path, "bytes", raw.length);
  if (raw.length > 0 && looksLikePprof(raw))
    return { path, format: "pprof", view: scanPprof(raw, path, budget), warnings: [] };
  budget.checkFile(path, "textFileBytes", raw.length);
  const imported = importProfile(raw, path);
  chargeProfile(path, imported.profile, budget);
  return {
    path,
    format: imported.format,
    view: viewOfProfile(imported.profile),
    warnings: imported.warnings,
  };
}

/** Charges an imported profile to the budget as the lean reader charges pprof (pprof-scan.ts). */
function chargeProfile(path: string, profile: Profile, budget: ReadBudget): void {
  const strings = profile.stringTable.strings;
  let stringBytes = 0;
  for (const s of strings) stringBytes += Buffer.byteLength(s);
  budget.charge(path, "stringBytes", stringBytes);
  budget.charge(path, "samples", profile.sample.length);
  budget.charge(path, "functions", profile.function.length);
  const lines = new Map(profile.location.map((l) => [toNumber(l.id), Math.max(1, l.line.length)]));
  let entries = strings.length + profile.sampleType.length;
  for (const n of lines.values()) entries += n;
  budget.checkFile(path, "fileEntries", entries);
  let walked = 0;
  for (const sample of profile.sample)
    for (const id of sample.locationId) walked += lines.get(toNumber(id)) ?? 0;
  budget.charge(path, "frames", walked);
}

/** A Profile holding only sample types, so kinds.ts answers for a view. */
function typesOnly(types: SampleTypeName[]): Profile {
  const strings = new StringTable();
  return new Profile({
    sampleType: types.map(
      (t) => new ValueType({ type: strings.dedup(t.type), unit: strings.dedup(t.unit) }),
    ),
    stringTable: strings,
  });
}

export function guessViewKind(view: ProfileView): Kind | undefined {
  return guessKind(typesOnly(view.sampleTypes));
}

export function viewSampleIndex(view: ProfileView, kind: Kind): number {
  return sampleIndexFor(typesOnly(view.sampleTypes), kind);
}

export function typeName(t: SampleTypeName): string {
  return `${t.type}/${t.unit}`;
}
