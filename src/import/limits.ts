import { FlamegateError } from "../errors.js";
import type { JsonFields } from "./json.js";

/**
 * The most frames one import may expand into, summed over every sample's
 * stack. Tree formats (V8 profiles, speedscope's evented traces) store each
 * path once, so a small hostile file — a 20,000-deep chain with a sample at
 * every level — would expand to 20,000² frames and exhaust memory. Real
 * profiles stay far below: the 240 s Go profile in fixtures/real has about
 * 0.6 million. Importers count first (cheap: one depth per node) and refuse
 * before expanding anything.
 */
export const MAX_STACK_FRAMES = 20_000_000;

/** Throws, naming `path`, when `frames` stack frames would be too many to expand. */
export function checkStackFrames(f: JsonFields, path: string, frames: number): void {
  if (frames > MAX_STACK_FRAMES)
    f.fail(
      path,
      `expand to ${frames} stack frames, more than the ${MAX_STACK_FRAMES} limit; the call tree is too deep to be a real profile`,
    );
}

const MiB = 1024 * 1024;

/**
 * What one imported (JSON or text) profile may build. The importers build
 * an object per sample and per frame (~600 bytes each with the parsed JSON
 * behind them), so these keep one import under ~500 MB. A 60 s Node CPU
 * profile has a few thousand frames and one sample per call-tree node; py-spy
 * at 100 Hz writes 6,000 samples a minute per thread.
 */
export const IMPORT_LIMITS = { samples: 500_000, locations: 250_000 };

/**
 * The longest string (function, file or label name) a profile may hold, in
 * bytes. The longest real names are demangled C++ templates and inline
 * `data:` script URLs, tens to hundreds of KB; a longer one is an attack
 * (a 400 MiB name gzips to 400 KB) and is refused before it is decoded.
 */
export const MAX_STRING_BYTES = 1 * MiB;

/**
 * What one comparison (every file of both sides, all rounds and kinds) may
 * read in all. Files are read one at a time, but each leaves its function
 * table (names included) behind until the report is written, so what is
 * retained grows with the file count; these caps keep the peak of any input
 * that passes them under 1 GB of RSS. Each is far above a real comparison:
 * a 240 s Go CPU profile (fixtures/real) is 2.4 MB decompressed with 0.6 MB
 * of strings, 20,000 samples and 23,000 functions, and a comparison of 10
 * rounds of 3 kinds per side reads 60 such files.
 */
export interface ReadLimits {
  /** Decompressed bytes of one file: one file's buffer is held while it is read. */
  fileBytes: number;
  /** Decompressed bytes of one JSON or text file: parsed JSON costs up to ~30 times its size. */
  textFileBytes: number;
  /** Decompressed bytes of every file: bounds the reading time. */
  bytes: number;
  /** Bytes of every string table: names are kept in the function tables. */
  stringBytes: number;
  /** Samples of every file: each costs a walk of its stack. */
  samples: number;
  /** Functions of every file: each is kept (~200 bytes with its name key) per round. */
  functions: number;
  /** Stack frames of every sample of every file, inlined lines included: each costs a step of the walk. */
  frames: number;
  /**
   * Table entries of one file (strings, sample types, mappings, comments,
   * locations and their lines): held, ~100 bytes each, while it is read.
   */
  fileEntries: number;
}

export const READ_LIMITS: ReadLimits = {
  // 2.5 times the largest real profile seen (a 250k-sample Go CPU profile, 25 MB).
  fileBytes: 64 * MiB,
  // 16 times the largest real JSON profile seen (a 1 MB Chrome CPU profile).
  textFileBytes: 16 * MiB,
  // 16 files at the single-file cap, or 400 of the 240 s profile.
  bytes: 1024 * MiB,
  // 100 times the 240 s profile's 0.6 MB; kept names cost up to 4 bytes per byte (UTF-16, keys).
  stringBytes: 64 * MiB,
  // 32 files of the 250k-sample profile.
  samples: 8_000_000,
  // 20 files of the 240 s profile's 23,000; ~300 bytes each when kept.
  functions: 500_000,
  // 300 times the 240 s profile's 0.6 million; a few seconds of walking.
  frames: 200_000_000,
  // 13 times the 240 s profile's 75,000 (23,000 each of strings, locations and lines).
  fileEntries: 1_000_000,
};

const LIMIT_WORDS: Record<keyof ReadLimits, (limit: number) => string> = {
  fileBytes: (n) => `decompresses to more than ${n / MiB} MiB, the limit for one profile`,
  textFileBytes: (n) =>
    `decompresses to more than ${n / MiB} MiB, the limit for one JSON or text profile`,
  bytes: (n) => `brings the profiles of this comparison past ${n / MiB} MiB decompressed in all`,
  stringBytes: (n) => `brings the profiles of this comparison past ${n / MiB} MiB of names in all`,
  samples: (n) => `brings the profiles of this comparison past ${n} samples in all`,
  functions: (n) => `brings the profiles of this comparison past ${n} functions in all`,
  frames: (n) => `brings the profiles of this comparison past ${n} stack frames in all`,
  fileEntries: (n) =>
    `holds more than ${n} strings, locations and other table entries, the limit for one profile`,
};

/**
 * The reading budget of one comparison: every file read for it is charged,
 * and the first that overdraws is refused with one line naming it and the
 * limit. Per-file limits are checked against the file alone.
 */
export class ReadBudget {
  private readonly used = { bytes: 0, stringBytes: 0, samples: 0, functions: 0, frames: 0 };

  constructor(readonly limits: ReadLimits = READ_LIMITS) {}

  /** What is left of a comparison-wide limit. */
  left(what: keyof ReadBudget["used"]): number {
    return this.limits[what] - this.used[what];
  }

  /** Charges `amount`; throws, naming `where`, when that passes the limit. */
  charge(where: string, what: keyof ReadBudget["used"], amount: number): void {
    this.used[what] += amount;
    if (this.used[what] > this.limits[what]) throw overLimit(where, what, this.limits[what]);
  }

  /** Throws unless `amount` fits a per-file limit. */
  checkFile(
    where: string,
    what: "fileBytes" | "textFileBytes" | "fileEntries",
    amount: number,
  ): void {
    if (amount > this.limits[what]) throw overLimit(where, what, this.limits[what]);
  }
}

export function overLimit(where: string, what: keyof ReadLimits, limit: number): FlamegateError {
  return new FlamegateError(
    `${where}: ${LIMIT_WORDS[what](limit)}; compare fewer rounds or smaller profiles`,
  );
}
