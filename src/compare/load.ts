import { readFileSync, statSync } from "node:fs";
import { Profile, StringTable, ValueType } from "pprof-format";
import { FlamegateError } from "../errors.js";
import { importProfile } from "../import/index.js";
import { looksLikePprof } from "../import/pprof.js";
import { MAX_DECOMPRESSED_BYTES, maybeGunzip } from "../model/gzip.js";
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
 * Reads a profile file of any supported format. pprof (what profile sets
 * hold) goes through the lean reader; every other format through the
 * importers, then into a view. Errors name the file, in one line.
 */
export function loadProfileFile(path: string): LoadedProfile {
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
  if (size > MAX_DECOMPRESSED_BYTES)
    throw new FlamegateError(
      `${path}: ${size} bytes is larger than the ${MAX_DECOMPRESSED_BYTES / 1024 / 1024} MiB limit`,
    );
  const raw = maybeGunzip(readFileSync(path), path);
  if (raw.length > 0 && looksLikePprof(raw))
    return { path, format: "pprof", view: scanPprof(raw, path), warnings: [] };
  const imported = importProfile(raw, path);
  return {
    path,
    format: imported.format,
    view: viewOfProfile(imported.profile),
    warnings: imported.warnings,
  };
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
