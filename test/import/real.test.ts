import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FlamegateError } from "../../src/errors.js";
import { importProfile, importProfileFile } from "../../src/import/index.js";
import { encodeProfileGz } from "../../src/model/gzip.js";
import { totals } from "../../src/model/totals.js";
import { dumpFunctions, dumpStacks, functionTable, typesOf } from "./dump.js";

const REAL = join(import.meta.dirname, "../../fixtures/real");

interface Case {
  file: string;
  format: string;
  types: string;
  /** Sum per sample type. */
  totals: number[];
  /** Index dumped below; the last sample type when absent. */
  index?: number;
  /** The first lines of dumpStacks, exactly. */
  stacks?: string[];
  /** The first lines of dumpFunctions (`name self cum`), exactly. */
  functions?: string[];
  warnings?: RegExp[];
}

// The expected figures were read from the files independently of the
// importers: by hand for the small ones (speedscope's own expectations for
// "simple" are a;b;c 5, a;b;d 4, a;b 5), with a Python script over the JSON
// for the V8 ones, with awk for the perf capture and `go tool pprof -top`
// for the pprof ones.
const CASES: Case[] = [
  {
    file: "speedscope/stackcollapse_simple.txt",
    format: "folded",
    types: "samples/count",
    totals: [14],
    stacks: ["a;b 5", "a;b;c 5", "a;b;d 4"],
  },
  {
    file: "speedscope/stackcollapse_simple-crlf.txt",
    format: "folded",
    types: "samples/count",
    totals: [14],
    stacks: ["a;b 5", "a;b;c 5", "a;b;d 4"],
  },
  {
    file: "speedscope/stackcollapse_simple-with-invalids.txt",
    format: "folded",
    types: "samples/count",
    totals: [14],
    stacks: ["a;b 5", "a;b;c 5", "a;b;d 4"],
    warnings: [/: folded: 3 invalid lines skipped, first at line 1: "# comment that gives extra/],
  },
  {
    file: "speedscope/stackcollapse_recursion.txt",
    format: "folded",
    types: "samples/count",
    totals: [10],
    stacks: ["a;b;a;b 2", "a;b;a;b;c 2", "a;b;a;c 2", "a;a 1", "a;b 1", "a;b;a;b;a;b 1", "b;b 1"],
    // Recursion counts once per sample in cum, as go tool pprof does.
    functions: ["b 5 9", "c 4 4", "a 1 9"],
  },
  {
    file: "speedscope/stackcollapse_perf-vertx-stacks-01-collapsed-all.txt",
    format: "folded",
    types: "samples/count",
    totals: [285],
    functions: [
      "hypercall_page_[k] 23 23",
      "org/mozilla/javascript/ScriptableObject:.createSlot_[j] 20 20",
      "org/mozilla/javascript/ScriptableObject:.getSlot_[j] 13 33",
    ],
  },
  {
    file: "speedscope/speedscope_0.0.1_simple.speedscope.json",
    format: "speedscope",
    types: "samples/count",
    totals: [14],
    stacks: ["a;b 5", "a;b;c 5", "a;b;d 4"],
  },
  {
    file: "speedscope/speedscope_0.1.2_simple-sampled.speedscope.json",
    format: "speedscope",
    types: "cpu/nanoseconds",
    totals: [14e9],
    stacks: ["a;b 5000000000", "a;b;c 5000000000", "a;b;d 4000000000"],
  },
  {
    // Two profiles (py-spy writes one per thread) merge into one.
    file: "speedscope/speedscope_0.6.0_two-sampled.speedscope.json",
    format: "speedscope",
    types: "cpu/nanoseconds",
    totals: [28e9],
    stacks: ["a;b 10000000000", "a;b;c 10000000000", "a;b;d 8000000000"],
  },
  {
    // 29 samples; each lasts until the next one, the last until endTime:
    // 36317 µs = endTime - first sample; (root) is not a frame.
    file: "speedscope/Chrome_65_simple.cpuprofile",
    format: "v8-cpuprofile",
    types: "samples/count,cpu/nanoseconds",
    totals: [29, 36_317_000],
    stacks: [
      "(anonymous) script 164:1;a;c;d 18255000",
      "(anonymous) script 164:1;a;b;d 17002000",
      "(anonymous) script 164:1 1060000",
    ],
  },
  {
    // The same program in Node 10's old shape: same a;b;d time; the last
    // sample gets the mean interval (34345 µs / 28) as the file has no usable end.
    file: "speedscope/node_10.11.0_example.cpuprofile",
    format: "v8-cpuprofile",
    types: "samples/count,cpu/nanoseconds",
    totals: [29, 35_571_607],
    stacks: ["(anonymous);a;c;d 17509607", "(anonymous);a;b;d 17002000", "(anonymous) 1060000"],
  },
  {
    file: "speedscope/Chrome_69_Heap-20181005T144546.heapprofile",
    format: "v8-heapprofile",
    types: "objects/count,space/bytes",
    totals: [0, 10_030_888],
    stacks: ["(V8 API) 1894920"],
    functions: ["(V8 API) 1894920 1894920"],
  },
  {
    file: "speedscope/node_10.11.0_Heap-20181003T105432.heapprofile",
    format: "v8-heapprofile",
    types: "objects/count,space/bytes",
    totals: [0, 525_704],
    functions: [
      "pmessageHandler 164072 164072",
      "cloneArray 65568 65568",
      "applyGetters 33432 33432",
    ],
  },
  {
    // A gzipped Go pprof under a misleading extension.
    file: "speedscope/pprof_simple.prof",
    format: "pprof",
    types: "samples/count,cpu/nanoseconds",
    totals: [150, 1_500_000_000],
    functions: [
      "main.alpha 480000000 480000000",
      "main.beta 390000000 390000000",
      "main.gamma 270000000 270000000",
      "main.delta 220000000 580000000",
    ],
  },
  {
    file: "pprof/sample.cpu.pb.gz",
    format: "pprof",
    types: "samples/count,cpu/nanoseconds",
    totals: [176, 1_760_000_000],
    functions: [
      "runtime.mapiternext 1280000000 1370000000",
      "main.busyLoop 150000000 1760000000",
      "math.Abs 110000000 110000000",
    ],
  },
  {
    file: "pprof/large.cpu.pb.gz",
    format: "pprof",
    types: "samples/count,cpu/nanoseconds",
    totals: [24_029, 240_290_000_000],
    functions: [
      "time.Now 205170000000 205170000000",
      "time.now 22910000000 22910000000",
      "main.next 8810000000 217070000000",
    ],
  },
];

describe("real profiles", () => {
  for (const c of CASES) {
    describe(c.file, () => {
      const path = join(REAL, c.file);
      const bytes = readFileSync(path);
      const imported = importProfileFile(path);
      const index = c.index ?? imported.profile.sampleType.length - 1;

      it(`imports as ${c.format} with the expected figures`, () => {
        expect(imported.format).toBe(c.format);
        expect(typesOf(imported.profile)).toBe(c.types);
        expect(totals(imported.profile)).toEqual(c.totals);
        if (c.stacks)
          expect(dumpStacks(imported.profile, index, { top: c.stacks.length })).toEqual(c.stacks);
        if (c.functions)
          expect(dumpFunctions(imported.profile, index, c.functions.length)).toEqual(c.functions);
        expect(imported.warnings.length).toBe(c.warnings?.length ?? 0);
        c.warnings?.forEach((w, i) => expect(imported.warnings[i]).toMatch(w));
      });

      it("imports the same under an unknown name", () => {
        const again = importProfile(bytes, "unnamed");
        expect(again.format).toBe(c.format);
        expect(totals(again.profile)).toEqual(c.totals);
        expect(again.profile.sample.length).toBe(imported.profile.sample.length);
      });

      it("round-trips through gzipped pprof with the same totals per function", () => {
        const back = importProfile(encodeProfileGz(imported.profile), "round-trip.pb.gz");
        expect(back.format).toBe("pprof");
        expect(typesOf(back.profile)).toBe(c.types);
        expect(totals(back.profile)).toEqual(c.totals);
        expect(functionTable(back.profile, index)).toEqual(functionTable(imported.profile, index));
        expect(back.profile.sample.length).toBe(imported.profile.sample.length);
      });
    });
  }

  it("rejects the incomplete speedscope trace, naming the field", () => {
    const path = join(REAL, "speedscope/speedscope_invalid_incomplete-trace.json");
    expect(() => importProfileFile(path)).toThrow(FlamegateError);
    expect(() => importProfileFile(path)).toThrow(
      `${path}: speedscope: profiles[0].events end with 1 frame(s) still open, innermost 0 ("A"): the trace is incomplete`,
    );
  });
});
