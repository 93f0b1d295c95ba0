import { readFileSync, statSync } from "node:fs";
import { FlamegateError, ProfileFormatError } from "../errors.js";
import { MAX_DECOMPRESSED_BYTES, maybeGunzip } from "../model/gzip.js";
import { toNumber } from "../model/values.js";
import { foldedImporter } from "./folded.js";
import { forgetJson, isObject, looksLikeJson, parseJson } from "./json.js";
import { MAX_STRING_BYTES } from "./limits.js";
import { pprofImporter } from "./pprof.js";
import { checkStringLength } from "./pprof-refs.js";
import { speedscopeImporter } from "./speedscope.js";
import type { ImportResult, Importer } from "./types.js";
import { v8CpuProfileImporter } from "./v8-cpuprofile.js";
import { v8HeapProfileImporter } from "./v8-heapprofile.js";

/**
 * Every supported format, tried in order; the first that says "mine" wins.
 * Detection is by content only: a renamed file imports the same. The order
 * goes from the strictest test to the loosest: pprof refuses text; the
 * three JSON importers each need their own top-level keys (nodes /
 * head+selfSize / $schema or profiles+shared) and refuse each other's;
 * folded stacks, which almost any text could resemble, come last and refuse
 * JSON.
 */
export const IMPORTERS: Importer[] = [
  pprofImporter,
  v8CpuProfileImporter,
  v8HeapProfileImporter,
  speedscopeImporter,
  foldedImporter,
];

const SUPPORTED =
  "supported: pprof .pb/.pb.gz, V8 .cpuprofile/.heapprofile, speedscope JSON, folded stacks";

export interface ImportOptions {
  /** Cap on the decompressed size in bytes; MAX_DECOMPRESSED_BYTES by default. */
  maxBytes?: number;
  /**
   * Accept a profile without a single non-zero sample. Off by default: a
   * profile the user hands to `compare` that holds nothing cannot be compared,
   * and saying so here names the file. A capture stage that may legitimately
   * see an idle window can turn it on and decide for itself.
   */
  allowEmpty?: boolean;
}

function decodeText(bytes: Uint8Array): string {
  // UTF-16 files (some Windows tools write folded stacks that way) carry a BOM.
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  const text = new TextDecoder("utf-8").decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Error text from parsers can quote the input, line breaks included; the user gets one line. */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " ");
}

function hasSamples(profile: ImportResult["profile"]): boolean {
  return profile.sample.some((s) => s.value.some((v) => toNumber(v) !== 0));
}

/** Why text that no importer claimed is not a profile, in words the user can act on. */
function notAProfile(where: string, text: string): FlamegateError {
  if (looksLikeJson(text)) {
    const value = parseJson(text);
    if (value === undefined) {
      let problem = "";
      try {
        JSON.parse(text);
      } catch (err) {
        problem = ` (${oneLine((err as Error).message)})`;
      }
      return new FlamegateError(
        `${where}: looks like JSON but does not parse${problem}; the file is truncated or damaged`,
      );
    }
    const shape = isObject(value)
      ? `an object with keys ${Object.keys(value).slice(0, 5).join(", ") || "(none)"}`
      : Array.isArray(value)
        ? "an array"
        : "a JSON value";
    return new FlamegateError(
      `${where}: JSON but not a profile flamegate can read: found ${shape} (${SUPPORTED})`,
    );
  }
  return new FlamegateError(`${where}: not a profile flamegate can read (${SUPPORTED})`);
}

/** No name past MAX_STRING_BYTES, whatever format brought it (pprof-refs.ts). */
function checkStringLengths(profile: ImportResult["profile"], where: string, format: string): void {
  profile.stringTable.strings.forEach((s, i) => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: count exactly only when that could pass.
    if (s.length * 3 > MAX_STRING_BYTES) checkStringLength(where, format, i, Buffer.byteLength(s));
  });
}

/** Import bytes of any supported format; `where` names the source in errors. */
export function importProfile(
  bytes: Uint8Array,
  where: string,
  options: ImportOptions = {},
): ImportResult {
  try {
    return detectAndImport(bytes, where, options);
  } finally {
    forgetJson();
  }
}

function detectAndImport(bytes: Uint8Array, where: string, options: ImportOptions): ImportResult {
  const raw = maybeGunzip(bytes, where, options.maxBytes);
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
      if (err instanceof ProfileFormatError)
        throw new FlamegateError(`${where}: ${oneLine(err.message)}`);
      throw new FlamegateError(`${where}: ${importer.format}: ${oneLine((err as Error).message)}`);
    }
    if (imported) {
      checkStringLengths(imported.profile, where, importer.format);
      if (!options.allowEmpty && !hasSamples(imported.profile))
        throw new FlamegateError(
          `${where}: ${importer.format} profile has no samples; nothing ran while it was captured (check that the load reached the service) or the file is empty`,
        );
      warnings.push(...(imported.warnings ?? []).map((w) => `${where}: ${w}`));
      return { format: importer.format, profile: imported.profile, warnings };
    }
  }
  throw notAProfile(where, lazyText());
}

export function importProfileFile(path: string, options: ImportOptions = {}): ImportResult {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new FlamegateError(
      `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  const limit = options.maxBytes ?? MAX_DECOMPRESSED_BYTES;
  if (size > limit)
    throw new FlamegateError(
      `${path}: ${size} bytes is larger than the ${limit / 1024 / 1024} MiB limit`,
    );
  return importProfile(readFileSync(path), path, options);
}
