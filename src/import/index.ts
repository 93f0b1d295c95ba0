import { readFileSync, statSync } from "node:fs";
import { FlamegateError, ProfileFormatError } from "../errors.js";
import { MAX_DECOMPRESSED_BYTES, maybeGunzip } from "../model/gzip.js";
import { pprofImporter } from "./pprof.js";
import type { ImportResult, Importer } from "./types.js";

/**
 * Every supported format, tried in order; the first that says "mine" wins.
 * Detection is by content only: a renamed file imports the same.
 */
export const IMPORTERS: Importer[] = [pprofImporter];

function decodeText(bytes: Uint8Array): string {
  // UTF-16 files (some Windows tools write folded stacks that way) carry a BOM.
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  const text = new TextDecoder("utf-8").decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Import bytes of any supported format; `where` names the source in errors. */
export function importProfile(bytes: Uint8Array, where: string): ImportResult {
  const raw = maybeGunzip(bytes, where);
  if (raw.length === 0)
    throw new FlamegateError(
      `${where}: empty file; expected a profile (pprof, .cpuprofile, .heapprofile, speedscope JSON or folded stacks)`,
    );
  let text: string | undefined;
  const lazyText = () => (text ??= decodeText(raw));
  const warnings: string[] = [];
  for (const importer of IMPORTERS) {
    let imported;
    try {
      imported = importer.import(raw, lazyText);
    } catch (err) {
      if (err instanceof ProfileFormatError) throw new FlamegateError(`${where}: ${err.message}`);
      throw new FlamegateError(`${where}: ${importer.format}: ${(err as Error).message}`);
    }
    if (imported) {
      warnings.push(...(imported.warnings ?? []));
      return { format: importer.format, profile: imported.profile, warnings };
    }
  }
  throw new FlamegateError(
    `${where}: not a profile flamegate can read (supported: pprof .pb/.pb.gz, V8 .cpuprofile/.heapprofile, speedscope JSON, folded stacks)`,
  );
}

export function importProfileFile(path: string): ImportResult {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new FlamegateError(
      `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  if (size > MAX_DECOMPRESSED_BYTES)
    throw new FlamegateError(
      `${path}: ${size} bytes is larger than the ${MAX_DECOMPRESSED_BYTES / 1024 / 1024} MiB limit`,
    );
  return importProfile(readFileSync(path), path);
}
