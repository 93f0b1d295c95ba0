import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FlamegateError, ProfileFormatError } from "../../src/errors.js";
import { IMPORTERS, importProfile } from "../../src/import/index.js";
import { totals } from "../../src/model/totals.js";
import { toNumber } from "../../src/model/values.js";
import { mutated, weirdNumber } from "./mutate.js";

// Whatever the bytes, importProfile returns a profile or throws one
// FlamegateError line naming the file; each importer on its own returns
// null, a profile, or throws ProfileFormatError — never a TypeError or a
// RangeError from a field it did not check. Runs are kept moderate so the
// file takes a few seconds.
const WHERE = "fuzz/input";
// FUZZ_RUNS=1000 npx vitest run test/import/properties searches harder.
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Imports `bytes`; returns the profile or the error message, and checks the invariants either way. */
function importOrError(bytes: Uint8Array): { format: string; sums: number[] } | string {
  let result;
  try {
    result = importProfile(bytes, WHERE);
  } catch (err) {
    if (!(err instanceof FlamegateError)) throw err;
    expect(err.message.startsWith(`${WHERE}: `)).toBe(true);
    expect(err.message).not.toContain("\n");
    return err.message;
  }
  const { format, profile } = result;
  expect(profile.sample.length).toBeGreaterThan(0);
  if (format !== "pprof") {
    // Our importers write whole, representable pprof values only.
    for (const s of profile.sample)
      for (const v of s.value) expect(Number.isSafeInteger(toNumber(v))).toBe(true);
  }
  expect(() => profile.encode()).not.toThrow();
  return { format, sums: totals(profile) };
}

/** Every importer alone: null, a profile, or a ProfileFormatError. */
function eachImporterIsClean(bytes: Uint8Array): void {
  const text = new TextDecoder().decode(bytes);
  for (const importer of IMPORTERS) {
    try {
      importer.import(bytes, () => text);
    } catch (err) {
      if (!(err instanceof ProfileFormatError)) {
        throw new Error(
          `${importer.format} threw ${(err as Error).name}: ${(err as Error).message}`,
        );
      }
      expect(err.message.startsWith(`${importer.format}: `)).toBe(true);
    }
  }
}

const json = (v: unknown) => utf8(JSON.stringify(v));

describe("arbitrary bytes", () => {
  it("raw, gzipped, and behind a gzip or protobuf header", () => {
    const bytes = fc.uint8Array({ maxLength: 512 });
    const shaped = fc.oneof(
      bytes,
      bytes.map((b) => new Uint8Array(gzipSync(b))),
      bytes.map((b) => Uint8Array.from([0x1f, 0x8b, ...b])),
      bytes.map((b) => Uint8Array.from([0x0a, ...b])),
    );
    fc.assert(
      fc.property(shaped, (b) => {
        importOrError(b);
        eachImporterIsClean(b);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("a real pprof profile with bytes flipped", () => {
    const raw = gunzipSync(
      readFileSync(join(import.meta.dirname, "../../fixtures/real/pprof/sample.cpu.pb.gz")),
    );
    const flips = fc.array(
      fc.tuple(fc.nat({ max: raw.length - 1 }), fc.integer({ min: 0, max: 255 })),
      {
        minLength: 1,
        maxLength: 8,
      },
    );
    fc.assert(
      fc.property(flips, fc.nat({ max: raw.length }), (changes, cut) => {
        const b = Uint8Array.from(raw.subarray(0, Math.max(1, cut)));
        for (const [i, v] of changes) if (i < b.length) b[i] = v;
        importOrError(b);
        eachImporterIsClean(b);
      }),
      { numRuns: RUNS },
    );
  });

  it("any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const b = json(v);
        importOrError(b);
        eachImporterIsClean(b);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("well-formed but wrong structures", () => {
  const callFrame = fc.record(
    {
      functionName: fc.oneof(fc.constantFrom("(root)", "(program)", "", "f", "g"), fc.integer()),
      url: fc.oneof(fc.constantFrom("", "file:///a.js", "https://x/y/"), fc.constant(null)),
      lineNumber: weirdNumber,
      scriptId: fc.oneof(fc.string({ maxLength: 3 }), fc.integer()),
    },
    { requiredKeys: [] },
  );

  it("cpuprofile shapes: wrong types, dangling ids, negative deltas", () => {
    const id = fc.oneof(fc.integer({ min: 0, max: 8 }), weirdNumber);
    const node = fc.record(
      {
        id,
        callFrame: fc.oneof(callFrame, fc.anything()),
        hitCount: weirdNumber,
        children: fc.oneof(fc.array(id, { maxLength: 3 }), fc.anything()),
        parent: id,
      },
      { requiredKeys: ["id", "callFrame"] },
    );
    const profile = fc.record(
      {
        nodes: fc.oneof(fc.array(node, { maxLength: 8 }), fc.anything()),
        startTime: weirdNumber,
        endTime: weirdNumber,
        samples: fc.array(id, { maxLength: 12 }),
        timeDeltas: fc.array(weirdNumber, { maxLength: 12 }),
      },
      { requiredKeys: ["nodes"] },
    );
    fc.assert(
      fc.property(profile, (p) => {
        const b = json(p);
        const r = importOrError(b);
        if (typeof r !== "string") expect(r.format).toBe("v8-cpuprofile");
        eachImporterIsClean(b);
      }),
      { numRuns: RUNS },
    );
  });

  it("valid cpuprofiles: one count per sample, and time = endTime - first sample", () => {
    const profile = fc
      .record({
        parents: fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
        picks: fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        deltas: fc.array(fc.integer({ min: -50, max: 5000 }), { minLength: 30, maxLength: 30 }),
        tail: fc.nat({ max: 5000 }),
      })
      .map(({ parents, picks, deltas, tail }) => {
        // Node 1 is (root); node i+2 hangs under any earlier node.
        const n = parents.length + 1;
        const children: number[][] = Array.from({ length: n }, () => []);
        parents.forEach((p, i) => children[p % (i + 1)]!.push(i + 2));
        const nodes = children.map((c, i) => ({
          id: i + 1,
          callFrame: { functionName: i === 0 ? "(root)" : `f${i % 4}`, url: "", lineNumber: i },
          children: c,
        }));
        const samples = picks.map((p) => (p % n) + 1);
        const timeDeltas = deltas.slice(0, samples.length);
        let t = 0;
        const times = timeDeltas.map((d) => (t += Math.max(0, d)));
        return { nodes, startTime: 0, endTime: t + tail, samples, timeDeltas, first: times[0]! };
      });
    fc.assert(
      fc.property(profile, ({ first, ...p }) => {
        const r = importOrError(json(p));
        if (typeof r === "string") {
          // Every sample lasting 0 µs still counts once, so this never happens.
          throw new Error(r);
        }
        expect(r.sums).toEqual([p.samples.length, (p.endTime - first) * 1000]);
      }),
      { numRuns: RUNS },
    );
  });

  it("heapprofile shapes: nested trees with wrong fields", () => {
    const { tree } = fc.letrec((tie) => ({
      tree: fc.record(
        {
          callFrame: fc.oneof(
            { weight: 4, arbitrary: callFrame },
            { weight: 1, arbitrary: fc.anything() },
          ),
          selfSize: weirdNumber,
          id: fc.oneof(fc.integer({ min: 0, max: 6 }), weirdNumber),
          children: fc.oneof(
            { depthSize: "small", withCrossShrink: true },
            fc.constant([]),
            fc.array(tie("tree"), { maxLength: 3 }),
            fc.anything(),
          ),
        },
        { requiredKeys: ["callFrame"] },
      ),
    }));
    const samples = fc.array(
      fc.record({
        size: weirdNumber,
        nodeId: fc.oneof(fc.integer({ min: 0, max: 6 }), weirdNumber),
        ordinal: fc.nat(),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(tree, fc.option(samples), (head, s) => {
        const b = json(s === null ? { head } : { head, samples: s });
        importOrError(b);
        eachImporterIsClean(b);
      }),
      { numRuns: RUNS },
    );
  });

  it("speedscope shapes: out-of-range frame indexes, odd weights, unbalanced events", () => {
    const frames = fc.array(
      fc.record(
        {
          name: fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
          file: fc.string({ maxLength: 4 }),
          line: weirdNumber,
        },
        { requiredKeys: ["name"] },
      ),
      { maxLength: 4 },
    );
    const index = fc.integer({ min: -1, max: 5 });
    const sampled = fc.record({
      type: fc.constant("sampled"),
      unit: fc.constantFrom("none", "seconds", "bytes", "milliseconds", "parsecs"),
      samples: fc.array(fc.array(index, { maxLength: 4 }), { maxLength: 6 }),
      weights: fc.array(weirdNumber, { maxLength: 6 }),
    });
    const evented = fc.record({
      type: fc.constant("evented"),
      unit: fc.constantFrom("none", "microseconds"),
      startValue: weirdNumber,
      events: fc.array(
        fc.record({ type: fc.constantFrom("O", "C", "X"), frame: index, at: weirdNumber }),
        { maxLength: 8 },
      ),
    });
    const file = fc.record({
      $schema: fc.constant("https://www.speedscope.app/file-format-schema.json"),
      shared: fc.record({ frames }),
      profiles: fc.array(fc.oneof(sampled, evented), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(file, (v) => {
        const b = json(v);
        const r = importOrError(b);
        if (typeof r !== "string") expect(r.format).toBe("speedscope");
        eachImporterIsClean(b);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("real profiles with fields mutated", () => {
  const REAL = join(import.meta.dirname, "../../fixtures/real/speedscope");
  const files = [
    join(REAL, "Chrome_65_simple.cpuprofile"),
    join(REAL, "node_10.11.0_example.cpuprofile"),
    join(REAL, "node_10.11.0_Heap-20181003T105432.heapprofile"),
    join(REAL, "speedscope_0.0.1_simple.speedscope.json"),
    join(REAL, "speedscope_0.1.2_simple-sampled.speedscope.json"),
    join(REAL, "speedscope_0.6.0_two-sampled.speedscope.json"),
    join(import.meta.dirname, "../../fixtures/captured/node/capture.cpuprofile"),
  ];
  for (const file of files) {
    it(file.slice(file.lastIndexOf("/") + 1), () => {
      const base: unknown = JSON.parse(readFileSync(file, "utf8"));
      fc.assert(
        fc.property(mutated(base), (v) => {
          const b = json(v);
          importOrError(b);
          eachImporterIsClean(b);
        }),
        { numRuns: Math.ceil(RUNS * 0.4) },
      );
    });
  }
});

describe("folded stacks", () => {
  const name = fc.stringMatching(/^[a-z_<>.:() ]{1,6}$/).filter((s) => s.trim() === s);
  const stack = fc.array(name, { minLength: 1, maxLength: 5 }).map((a) => a.join(";"));
  const weirdWeight = fc.constantFrom(
    "1.5",
    "-3",
    "1e3",
    "0x10",
    "",
    "99999999999999999999",
    "+4",
    "NaN",
  );

  it("total = sum of the valid lines, and one warning counting the invalid ones", () => {
    const lines = fc
      .tuple(
        fc.array(fc.tuple(stack, fc.nat({ max: 1e6 }), fc.constantFrom(" ", "\t", "  ")), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.array(fc.tuple(stack, weirdWeight), { maxLength: 12 }),
        fc.constantFrom("\n", "\r\n"),
      )
      .filter(([good, bad]) => bad.length <= good.length);
    fc.assert(
      fc.property(lines, ([good, bad, eol]) => {
        const text = [
          ...good.map(([s, w, sep]) => `${s}${sep}${w}`),
          ...bad.map(([s, w]) => `${s} ${w}`),
        ].join(eol);
        const sum = good.reduce((a, [, w]) => a + w, 0);
        let result;
        try {
          result = importProfile(utf8(text), WHERE);
        } catch (err) {
          // Only when every valid weight is 0.
          expect(sum).toBe(0);
          expect((err as Error).message).toMatch(/folded profile has no samples/);
          return;
        }
        expect(result.format).toBe("folded");
        expect(totals(result.profile)).toEqual([sum]);
        expect(result.warnings.length).toBe(bad.length === 0 ? 0 : 1);
        if (bad.length > 0)
          expect(result.warnings[0]).toContain(`folded: ${bad.length} invalid line`);
      }),
      { numRuns: RUNS },
    );
  });

  it("arbitrary text never throws anything but a FlamegateError", () => {
    const text = fc.array(
      fc.oneof(
        fc.string({ maxLength: 20 }),
        stack.map((s) => `${s} 3`),
      ),
      { maxLength: 10 },
    );
    fc.assert(
      fc.property(text, fc.constantFrom("\n", "\r\n", "\r"), (lines, eol) => {
        const b = utf8(lines.join(eol));
        importOrError(b);
        eachImporterIsClean(b);
      }),
      { numRuns: RUNS },
    );
  });
});
