import { join } from "node:path";
import type { Profile } from "pprof-format";
import { describe, expect, it } from "vitest";
import { aggregateFunctions } from "../../src/compare/aggregate.js";
import { importProfileFile } from "../../src/import/index.js";
import { type Kind, sampleIndexFor } from "../../src/model/kinds.js";
import { totals } from "../../src/model/totals.js";
import { dumpStacks, typesOf } from "./dump.js";

// Profiles flamegate's own capture programs produced with each runtime's
// profiler (fixtures/captured/README.md says how); the hot functions are
// known from the programs' source (fixtures/programs/).
const CAPTURED = join(import.meta.dirname, "../../fixtures/captured");

interface Row {
  name: string;
  file: string;
  self: number;
  cum: number;
}

/** Functions by self value for the kind's sample type, largest first, as `go tool pprof -top` lists them. */
function top(profile: Profile, kind: Kind): { rows: Row[]; total: number } {
  const t = aggregateFunctions(profile, sampleIndexFor(profile, kind));
  const rows = t.functions
    .map((f, i) => ({ name: f.name, file: f.file, self: t.self[i]!, cum: t.cum[i]! }))
    .sort((a, b) => b.self - a.self || b.cum - a.cum);
  return { rows, total: t.total };
}

function fn(rows: Row[], name: string): Row {
  const row = rows.find((r) => r.name === name);
  if (!row) throw new Error(`${name} is not in the profile: ${rows.map((r) => r.name).join(", ")}`);
  return row;
}

describe("Go runtime/pprof captures", () => {
  it("cpu.pb.gz: hashLoop and countPrimes hold most of the CPU, in main.go", () => {
    const { format, profile } = importProfileFile(join(CAPTURED, "go/cpu.pb.gz"));
    expect(format).toBe("pprof");
    expect(typesOf(profile)).toBe("samples/count,cpu/nanoseconds");
    const { rows, total } = top(profile, "cpu");
    expect(total).toBe(500_000_000); // 50 samples at 100 Hz
    const hash = fn(rows, "main.hashLoop");
    const primes = fn(rows, "main.countPrimes");
    expect(hash.file).toMatch(/fixtures\/programs\/go\/main\.go$/);
    expect(primes.file).toBe(hash.file);
    expect(hash.cum + primes.cum).toBeGreaterThanOrEqual(0.8 * total);
    // countPrimes does its own work (inlined loop), hashLoop calls into sha256.
    expect(primes.self).toBeGreaterThan(0);
    expect(rows[0]!.name).toMatch(/sha256/);
  });

  it("allocs.pb.gz: makeBuffers has most bytes, buildStrings most objects", () => {
    const { profile } = importProfileFile(join(CAPTURED, "go/allocs.pb.gz"));
    expect(typesOf(profile)).toBe(
      "alloc_objects/count,alloc_space/bytes,inuse_objects/count,inuse_space/bytes",
    );
    const bytes = top(profile, "alloc");
    expect(bytes.rows[0]!.name).toBe("main.makeBuffers");
    expect(bytes.rows[0]!.self).toBeGreaterThan(0.9 * bytes.total);
    const objects = aggregateFunctions(profile, 0);
    const i = objects.index.get(
      `main.buildStrings\u0000${fn(bytes.rows, "main.buildStrings").file}`,
    )!;
    expect(objects.cum[i]).toBeGreaterThan(0.9 * objects.total);
  });
});

describe("py-spy 0.4.3 captures of the same program", () => {
  const raw = importProfileFile(join(CAPTURED, "python/prog.folded.txt"));
  const speedscope = importProfileFile(join(CAPTURED, "python/prog.speedscope.json"));

  it("raw: slow_fib and count_vowels's generator are the hot functions, in prog.py with lines", () => {
    expect(raw.format).toBe("folded");
    expect(raw.warnings).toEqual([]);
    const { rows, total } = top(raw.profile, "cpu");
    expect(total).toBe(209); // py-spy printed "Samples: 209"
    expect(rows.slice(0, 2).map((r) => `${r.name} (${r.file})`)).toEqual([
      "slow_fib (prog.py)",
      "count_vowels.<locals>.<genexpr> (prog.py)",
    ]);
    expect(fn(rows, "count_vowels").cum).toBeGreaterThanOrEqual(
      fn(rows, "count_vowels.<locals>.<genexpr>").cum,
    );
    // Frames keep their line: the recursive call is on line 13 of prog.py.
    const stacks = dumpStacks(raw.profile, 0, { withFiles: true });
    // The one line of prog.folded.txt that ends in the generator, count 82.
    expect(stacks[0]).toBe(
      "<module> (prog.py);main (prog.py);count_vowels (prog.py);count_vowels.<locals>.<genexpr> (prog.py) 82",
    );
    expect(
      stacks.some((l) =>
        l.startsWith("<module> (prog.py);main (prog.py);slow_fib (prog.py);slow_fib (prog.py);"),
      ),
    ).toBe(true);
    const lines = raw.profile.location.map((l) => Number(l.line[0]?.line ?? 0));
    expect(lines).toContain(13);
  });

  it("speedscope: the same functions, full paths, 10 ms per sample", () => {
    expect(speedscope.format).toBe("speedscope");
    expect(typesOf(speedscope.profile)).toBe("cpu/nanoseconds");
    expect(totals(speedscope.profile)).toEqual([198 * 10_000_000]); // "Samples: 198" at 100 Hz
    const { rows } = top(speedscope.profile, "cpu");
    expect(rows.slice(0, 2).map((r) => r.name)).toEqual([
      "slow_fib",
      "count_vowels.<locals>.<genexpr>",
    ]);
    expect(rows[0]!.file).toMatch(/fixtures\/programs\/python\/prog\.py$/);
  });
});

describe("memray 1.20 capture, transformed to speedscope", () => {
  it("bytes and allocation counts become two sample types; make_blocks holds 40 × 256 KiB", () => {
    const { format, profile } = importProfileFile(
      join(CAPTURED, "python/alloc.memray.speedscope.json"),
    );
    expect(format).toBe("speedscope");
    // The "none" profile next to a bytes one counts allocations: objects, not CPU samples.
    expect(typesOf(profile)).toBe("space/bytes,objects/count");
    const stacks = dumpStacks(profile, 0, { top: 2 });
    // 40 bytearrays of 262144 bytes, plus memray's 40 bytes of list growth; the numbers are in the file.
    expect(stacks).toEqual([
      "_run_tracker;run_path;_run_module_code;_run_code;<module>;main;make_blocks;<listcomp> 10485800",
      "_run_tracker;run_path;_run_module_code;_run_code;<module>;main;make_records;<listcomp> 6464416",
    ]);
    const { rows } = top(profile, "alloc");
    expect(rows[0]!.name).toBe("<listcomp>");
    expect(rows[0]!.file).toBe("alloc.py");
  });
});

describe("Node inspector captures", () => {
  it("capture.cpuprofile: fib and sortNumbers with its anonymous comparator, in capture.mjs", () => {
    const { format, profile } = importProfileFile(join(CAPTURED, "node/capture.cpuprofile"));
    expect(format).toBe("v8-cpuprofile");
    expect(totals(profile)[0]).toBe(675); // samples[] has 675 entries
    const { rows, total } = top(profile, "cpu");
    const fib = fn(rows, "fib");
    const sort = fn(rows, "sortNumbers");
    expect(fib.file).toMatch(/\/fixtures\/programs\/node\/capture\.mjs$/);
    expect(fib.cum + sort.cum).toBeGreaterThan(0.8 * total);
    // The comparator `(a, b) => a - b` on line 25 is named after where it is defined.
    const comparator = fn(rows, "(anonymous) capture.mjs:25");
    expect(comparator.self).toBeGreaterThan(0);
    expect(
      dumpStacks(profile, 1).some((l) => /;sortNumbers;\(anonymous\) capture\.mjs:25 \d+$/.test(l)),
    ).toBe(true);
  });

  it("capture.heapprofile: makeArrays has most bytes, makeRecords the rest", () => {
    const { format, profile } = importProfileFile(join(CAPTURED, "node/capture.heapprofile"));
    expect(format).toBe("v8-heapprofile");
    expect(typesOf(profile)).toBe("objects/count,space/bytes");
    expect(totals(profile)[0]).toBe(1900); // samples[] has 1900 entries
    const { rows, total } = top(profile, "alloc");
    expect(rows.slice(0, 2).map((r) => r.name)).toEqual(["makeArrays", "makeRecords"]);
    expect(rows[0]!.file).toMatch(/\/fixtures\/programs\/node\/capture\.mjs$/);
    expect(rows[0]!.self + rows[1]!.self).toBeGreaterThan(0.95 * total);
  });
});
