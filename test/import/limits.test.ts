import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadProfileFile } from "../../src/compare/load.js";
import { FlamegateError } from "../../src/errors.js";
import {
  MAX_STRING_BYTES,
  READ_LIMITS,
  ReadBudget,
  type ReadLimits,
} from "../../src/import/limits.js";
import { longNames, smallProfile } from "./hostile-files.js";
import { compareCli, scratch } from "./run-compare.js";

// One reading budget per comparison (import/limits.ts): past a cap, one line
// naming the file and the limit, exit 2. A hostile file is small on disk:
// gzip compresses a 400 MiB name to 400 KB.

const MiB = 1024 * 1024;
const file = scratch("limits");

describe("compare: one reading budget per comparison, and per name", () => {
  it("a 400 MiB function name in 400 KB of gzip, on each side", async () => {
    const bytes = longNames(1, 400 * MiB);
    expect(bytes.length).toBeLessThan(500_000);
    const base = file("base.pb.gz", bytes);
    const head = file("head.pb.gz", bytes);
    expect(await compareCli(base, head)).toEqual({
      code: 2,
      stderr: `flamegate compare: ${base}: decompresses to more than 64 MiB (gzip bomb or a profile too large to compare); refusing to read it\n`,
    });
  });

  it("a name 1 byte over the limit for one name", async () => {
    const head = file("long-name.pb.gz", longNames(1, MAX_STRING_BYTES + 1));
    const good = file("good.pb.gz", gzipSync(smallProfile().encode()));
    expect(await compareCli(good, good)).toEqual({ code: 0, stderr: "" });
    expect(await compareCli(good, head)).toEqual({
      code: 2,
      stderr: `flamegate compare: ${head}: pprof: string 5 is 1048577 bytes, more than the 1 MiB limit for one name; no real function or file name is that long\n`,
    });
  });

  it("names under every per-file cap that together pass the comparison's", async () => {
    // 40 names of 1 MiB a side: each file is within its caps, the two are 80 MiB of names.
    const bytes = longNames(40, MAX_STRING_BYTES);
    const base = file("names-base.pb.gz", bytes);
    const head = file("names-head.pb.gz", bytes);
    expect(await compareCli(base, head)).toEqual({
      code: 2,
      stderr: `flamegate compare: ${head}: brings the profiles of this comparison past 64 MiB of names in all; compare fewer rounds or smaller profiles\n`,
    });
  });
});

describe("every cap, through the reader compare uses, with small limits", () => {
  const REAL = join(import.meta.dirname, "../../fixtures/real");
  // 3,843 bytes decompressed, 76 samples, 14 functions, 86 locations.
  const pprof = join(REAL, "pprof/sample.cpu.pb.gz");
  // 5 functions, 3 samples, 5 locations.
  const json = join(REAL, "speedscope/Chrome_65_simple.cpuprofile");

  /** The error of reading `paths` in turn on one budget with `limits` replaced. */
  function refusal(limits: Partial<ReadLimits>, ...paths: string[]): string {
    const budget = new ReadBudget({ ...READ_LIMITS, ...limits });
    try {
      for (const path of paths) loadProfileFile(path, budget);
    } catch (err) {
      expect(err).toBeInstanceOf(FlamegateError);
      return (err as Error).message;
    }
    throw new Error("read without a refusal");
  }

  const tail = "; compare fewer rounds or smaller profiles";
  it("decompressed bytes, samples, functions and names add up over files", () => {
    expect(refusal({ bytes: 5000 }, pprof, pprof)).toBe(
      `${pprof}: brings the profiles of this comparison past ${5000 / MiB} MiB decompressed in all${tail}`,
    );
    expect(refusal({ samples: 100 }, pprof, pprof)).toBe(
      `${pprof}: brings the profiles of this comparison past 100 samples in all${tail}`,
    );
    expect(refusal({ functions: 20 }, pprof, pprof)).toBe(
      `${pprof}: brings the profiles of this comparison past 20 functions in all${tail}`,
    );
    expect(refusal({ stringBytes: 1000 }, pprof, pprof)).toMatch(/past .* MiB of names in all/);
    // The importers' formats are charged the same way.
    expect(refusal({ functions: 8 }, json, json)).toBe(
      `${json}: brings the profiles of this comparison past 8 functions in all${tail}`,
    );
  });

  it("locations and size of one file", () => {
    expect(refusal({ fileEntries: 50 }, pprof)).toBe(
      `${pprof}: holds more than 50 strings, locations and other table entries, the limit for one profile${tail}`,
    );
    expect(refusal({ textFileBytes: MiB / 1024 }, json)).toBe(
      `${json}: decompresses to more than ${1 / 1024} MiB, the limit for one JSON or text profile${tail}`,
    );
    const size = readFileSync(pprof).length;
    expect(refusal({ fileBytes: size - 1 }, pprof)).toMatch(/, the limit for one profile; /);
  });
});
