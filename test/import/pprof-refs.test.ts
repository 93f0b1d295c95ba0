import { gzipSync } from "node:zlib";
import {
  Function as PprofFunction,
  Label,
  Line,
  Location,
  Mapping,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from "pprof-format";
import { describe, expect, it } from "vitest";
import { FlamegateError } from "../../src/errors.js";
import { importProfile } from "../../src/import/index.js";
import { compareCli, scratch } from "./run-compare.js";

// A pprof file whose references do not hold is refused by `compare` (the
// lean reader, compare/pprof-scan.ts) exactly as by the importer, with one
// line and exit 2: `go tool pprof` refuses each of these files too
// ("malformed profile: sample has nil location", "multiple functions with
// same id: 1", "location id: 2 has a line with nil function", "unrecognized
// profile format" for a string index out of range).

/** main -> work, two samples: the valid profile each case breaks one thing of. */
function profile(): Profile {
  const st = new StringTable();
  return new Profile({
    sampleType: [new ValueType({ type: st.dedup("samples"), unit: st.dedup("count") })],
    function: [
      new PprofFunction({ id: 1, name: st.dedup("main"), filename: st.dedup("main.go") }),
      new PprofFunction({ id: 2, name: st.dedup("work"), filename: st.dedup("work.go") }),
    ],
    location: [
      new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] }),
      new Location({ id: 2, line: [new Line({ functionId: 2, line: 9 })] }),
    ],
    sample: [
      new Sample({ locationId: [2, 1], value: [5] }),
      new Sample({ locationId: [1], value: [3] }),
    ],
    stringTable: st,
  });
}

const REFUSED =
  "; go tool pprof refuses it too: re-capture the profile or fix the tool that wrote it";

/** Each case breaks the profile, or returns the broken bytes itself. */
const CASES: Array<[string, (p: Profile) => unknown, string]> = [
  [
    "a sample pointing at a missing location",
    (p) => (p.sample[0]!.locationId = [99, 1]),
    "sample 0 refers to location 99, which the profile does not define",
  ],
  [
    "a location pointing at a missing function",
    (p) => (p.location[1]!.line[0]!.functionId = 7),
    "location 2 refers to function 7, which the profile does not define",
  ],
  [
    "a line without a function",
    (p) => (p.location[0]!.line[0]!.functionId = 0),
    "location 1 has a line without a function (function id 0)",
  ],
  [
    "two functions with one id",
    (p) => (p.function[1]!.id = 1),
    "two functions have id 1; ids must be unique",
  ],
  [
    "two locations with one id",
    (p) => (p.location[1]!.id = 1),
    "two locations have id 1; ids must be unique",
  ],
  [
    "two mappings with one id",
    (p) => (p.mapping = [new Mapping({ id: 4 }), new Mapping({ id: 4 })]),
    "two mappings have id 4; ids must be unique",
  ],
  [
    "a function with id 0",
    (p) => (p.function[0]!.id = 0),
    "a function has id 0, which pprof reserves",
  ],
  [
    "a function name past the string table",
    (p) => (p.function[0]!.name = 999),
    "function 1's name is string 999, but the string table has 7 strings",
  ],
  [
    "a sample type past the string table",
    (p) => (p.sampleType[0]!.unit = 7),
    "sample_type 0's unit is string 7, but the string table has 7 strings",
  ],
  [
    "a label key past the string table",
    (p) => (p.sample[1]!.label = [new Label({ key: 40, num: 1 })]),
    "sample 1's label key is string 40, but the string table has 7 strings",
  ],
  [
    "a string table that does not start with the empty string",
    // A string "x" written before the encoder's "": every index shifts by one, the table is valid otherwise.
    (p) => Buffer.concat([Buffer.from([(6 << 3) | 2, 1, 0x78]), p.encode()]),
    'the string table does not start with "", as pprof requires',
  ],
];

describe("pprof references: compare refuses what the importer and go tool pprof refuse", () => {
  const file = scratch("pprof-refs");
  const good = file("good.pb.gz", gzipSync(profile().encode()));

  it("the valid profile compares", async () => {
    expect(await compareCli(good, good)).toEqual({ code: 0, stderr: "" });
  });

  for (const [what, breakIt, problem] of CASES) {
    it(what, async () => {
      const p = profile();
      const broken = breakIt(p);
      const bytes = gzipSync(broken instanceof Uint8Array ? broken : p.encode());
      const head = file(`${what.replace(/\W+/g, "-")}.pb.gz`, bytes);
      // The CLI: exit 2 and one line naming the file, what is wrong and what to do.
      expect(await compareCli(good, head)).toEqual({
        code: 2,
        stderr: `flamegate compare: ${head}: pprof: ${problem}${REFUSED}\n`,
      });
      // The importer says the same.
      let error: unknown;
      try {
        importProfile(bytes, head);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(FlamegateError);
      expect((error as Error).message).toBe(`${head}: pprof: ${problem}${REFUSED}`);
    });
  }
});
