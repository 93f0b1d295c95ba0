import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FlamegateError } from "../../src/errors.js";
import { importProfile } from "../../src/import/index.js";
import { ProfileBuilder } from "../../src/model/builder.js";
import { MAX_DECOMPRESSED_BYTES } from "../../src/model/gzip.js";
import { totals } from "../../src/model/totals.js";

const REAL = join(import.meta.dirname, "../../fixtures/real");
const WHERE = "in/profile.bin";

const utf8 = (s: string) => new TextEncoder().encode(s);
const json = (v: unknown) => utf8(JSON.stringify(v));

/** The error importProfile throws for `bytes`; fails the test when it returns or throws anything else. */
function failure(bytes: Uint8Array, options: Parameters<typeof importProfile>[2] = {}): string {
  let error: unknown;
  try {
    importProfile(bytes, WHERE, options);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(FlamegateError);
  const message = (error as FlamegateError).message;
  // One line that names the file, then the problem.
  expect(message).not.toContain("\n");
  expect(message.startsWith(`${WHERE}: `)).toBe(true);
  return message.slice(WHERE.length + 2);
}

/** A minimal valid V8 CPU profile: (root) -> main -> work, three samples. */
function cpuprofile(): Record<string, unknown> {
  const frame = (functionName: string, lineNumber: number) => ({
    functionName,
    scriptId: "1",
    url: "file:///app/x.js",
    lineNumber,
    columnNumber: 0,
  });
  return {
    nodes: [
      { id: 1, callFrame: frame("(root)", -1), hitCount: 0, children: [2] },
      { id: 2, callFrame: frame("main", 0), hitCount: 1, children: [3] },
      { id: 3, callFrame: frame("work", 9), hitCount: 2 },
    ],
    startTime: 1000,
    endTime: 4000,
    samples: [2, 3, 3],
    timeDeltas: [500, 1000, 1000],
  };
}

describe("hostile and broken input gives one FlamegateError line", () => {
  it("truncated gzip", () => {
    const gz = readFileSync(join(REAL, "pprof/sample.cpu.pb.gz"));
    expect(failure(gz.subarray(0, gz.length >> 1))).toMatch(/^gzip data is corrupt or truncated/);
  });

  it("random bytes", () => {
    // A fixed xorshift stream, so the test is the same on every run.
    let x = 2463534242;
    const bytes = Uint8Array.from({ length: 4096 }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x & 0xff;
    });
    expect(failure(bytes)).toMatch(/^not a profile flamegate can read|^pprof: /);
  });

  it("a gzip bomb (1 GiB of zeros in 1 MB) is stopped at the cap", () => {
    // 1024 gzip members of 1 MiB of zeros each: gunzip reads concatenated members.
    const member = gzipSync(Buffer.alloc(1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 1024 }, () => member));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    // The default cap is 512 MiB; a smaller one keeps the test light, the code path is the same.
    expect(MAX_DECOMPRESSED_BYTES).toBe(512 * 1024 * 1024);
    expect(failure(bomb, { maxBytes: 8 * 1024 * 1024 })).toMatch(
      /^decompresses to more than 8 MiB \(gzip bomb or a profile too large to compare\); refusing to read it$/,
    );
  });

  it("empty file, plain or gzipped", () => {
    expect(failure(new Uint8Array(0))).toMatch(/^empty file; expected a profile/);
    expect(failure(gzipSync(Buffer.alloc(0)))).toMatch(/^empty file; expected a profile/);
  });

  it("zero-sample profiles of every format are rejected at import", () => {
    const empty = new ProfileBuilder({ sampleTypes: [{ type: "samples", unit: "count" }] }).build();
    expect(failure(gzipSync(empty.encode()))).toMatch(/^pprof profile has no samples; /);
    expect(failure(json({ ...cpuprofile(), samples: [], timeDeltas: [] }))).toMatch(
      /^v8-cpuprofile profile has no samples; /,
    );
    expect(failure(utf8("a;b 0\na;c 0\n"))).toMatch(/^folded profile has no samples; /);
    const heap = {
      head: { callFrame: { functionName: "(root)", url: "" }, selfSize: 0, children: [] },
    };
    expect(failure(json(heap))).toMatch(/^v8-heapprofile profile has no samples; /);
  });

  it("a zero-sample profile imports when the caller allows it", () => {
    const r = importProfile(json({ ...cpuprofile(), samples: [], timeDeltas: [] }), WHERE, {
      allowEmpty: true,
    });
    expect(r.profile.sample).toEqual([]);
  });

  it("valid JSON that is not a profile", () => {
    expect(failure(json({ name: "flamegate", version: 1 }))).toBe(
      "JSON but not a profile flamegate can read: found an object with keys name, version (supported: pprof .pb/.pb.gz, V8 .cpuprofile/.heapprofile, speedscope JSON, folded stacks)",
    );
    expect(failure(json([1, 2, 3]))).toMatch(
      /^JSON but not a profile flamegate can read: found an array/,
    );
    // Chrome's trace-event wrapper is not read.
    expect(failure(json({ traceEvents: [{ name: "Profile", args: {} }] }))).toMatch(
      /^JSON but not a profile .*keys traceEvents/,
    );
  });

  it("a truncated JSON profile says so", () => {
    const text = JSON.stringify(cpuprofile());
    expect(failure(utf8(text.slice(0, 80)))).toMatch(
      /^looks like JSON but does not parse \(.+\); the file is truncated or damaged$/,
    );
  });

  it("a JSON parse error quoting a line break still gives one line", () => {
    // Node quotes the input in its message: `"[\n#" is not valid JSON`.
    expect(failure(utf8("[\n#"))).toMatch(/^looks like JSON but does not parse \(.*\); the file/);
  });

  it("text that is not folded stacks", () => {
    expect(failure(utf8("hello world\nthis is a README\nversion 2\n"))).toMatch(
      /^not a profile flamegate can read/,
    );
  });
});

describe("a recognised profile with a broken field names the field", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      "sample id",
      { samples: [2, 3, 3, 99], timeDeltas: [1, 1, 1, 1] },
      "v8-cpuprofile: samples[3] = 99 is not a node id",
    ],
    [
      "delta count",
      { timeDeltas: [1, 1] },
      "v8-cpuprofile: timeDeltas has 2 entries but samples has 3",
    ],
    [
      "delta type",
      { timeDeltas: [1, "x", 1] },
      'v8-cpuprofile: timeDeltas[1] = "x" is not a number',
    ],
    ["nodes type", { nodes: {} }, "v8-cpuprofile: nodes = {} is not an array"],
    ["end time", { endTime: "late" }, 'v8-cpuprofile: endTime = "late" is not a number'],
  ];
  for (const [what, patch, message] of cases) {
    it(`cpuprofile: ${what}`, () => {
      expect(failure(json({ ...cpuprofile(), ...patch }))).toBe(message);
    });
  }

  it("cpuprofile: a child id that is not a node, a duplicate id, a cycle", () => {
    const p = cpuprofile();
    const nodes = p.nodes as Array<Record<string, unknown>>;
    expect(
      failure(json({ ...p, nodes: [nodes[0], { ...nodes[1], children: [7] }, nodes[2]] })),
    ).toBe("v8-cpuprofile: nodes[1].children[0] = 7 is not a node id");
    expect(failure(json({ ...p, nodes: [nodes[0], nodes[1], { ...nodes[2], id: 2 }] }))).toBe(
      "v8-cpuprofile: nodes[2].id = 2 is used by two nodes",
    );
    // 2 -> 3 -> 2, detached from the root.
    const cycle = [{ ...nodes[0], children: [] }, nodes[1], { ...nodes[2], children: [2] }];
    expect(failure(json({ ...p, nodes: cycle }))).toMatch(
      /^v8-cpuprofile: nodes parent links form a cycle/,
    );
  });

  it("cpuprofile: negative deltas count as zero, as V8 writes them at times", () => {
    const r = importProfile(json({ ...cpuprofile(), timeDeltas: [500, -200, 1000] }), WHERE);
    // Sample times 1500, 1500 (clamped), 2500; end 4000: durations 0, 1000, 1500 µs.
    expect(totals(r.profile)).toEqual([3, 2_500_000]);
  });

  it("heapprofile: negative selfSize, samples on unknown or pruned nodes", () => {
    const head = (selfSize: unknown) => ({
      callFrame: { functionName: "(root)", url: "" },
      selfSize: 0,
      id: 1,
      children: [
        {
          callFrame: { functionName: "alloc", url: "a.js", lineNumber: 3 },
          selfSize,
          id: 2,
          children: [],
        },
      ],
    });
    expect(failure(json({ head: head(-5) }))).toBe(
      "v8-heapprofile: head.children[0].selfSize = -5 is not a size in bytes",
    );
    // V8 sometimes lists samples under a node it pruned: kept out of the counts, with a warning.
    const r = importProfile(
      json({
        head: head(64),
        samples: [
          { size: 64, nodeId: 2, ordinal: 1 },
          { size: 64, nodeId: 9, ordinal: 2 },
        ],
      }),
      WHERE,
    );
    expect(totals(r.profile)).toEqual([1, 64]);
    expect(r.warnings).toEqual([
      `${WHERE}: v8-heapprofile: 1 of 2 samples[] name a node missing from the tree (first samples[1].nodeId = 9; V8 writes these when it prunes a node); they are left out of the object counts`,
    ]);
    expect(
      failure(json({ head: head(64), samples: [{ size: 64, nodeId: "2", ordinal: 1 }] })),
    ).toBe('v8-heapprofile: samples[0].nodeId = "2" is not an integer');
  });

  it("heapprofile: a 20,000-deep tree imports without overflowing the stack", () => {
    // Built as text: JSON.stringify itself recurses and would overflow first.
    const open = Array.from(
      { length: 20_000 },
      (_, i) => `{"callFrame":{"functionName":"f${i % 10}","url":""},"selfSize":0,"children":[`,
    ).join("");
    const leaf = '{"callFrame":{"functionName":"leaf","url":""},"selfSize":8,"children":[]}';
    const text = `{"head":${open}${leaf}${"]}".repeat(20_000)}}`;
    const r = importProfile(utf8(text), WHERE);
    expect(totals(r.profile)).toEqual([0, 8]);
    expect(r.profile.sample[0]!.locationId.length).toBe(20_001);
  });

  it("pprof: a sample pointing at a location the profile does not define", () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: "samples", unit: "count" }] });
    b.addSample([{ name: "main", file: "main.go", line: 3 }], [5]);
    const profile = b.build();
    profile.sample[0]!.locationId = [99];
    expect(failure(gzipSync(profile.encode()))).toBe(
      "pprof: sample 0 refers to location 99, which the profile does not define; go tool pprof refuses it too: re-capture the profile or fix the tool that wrote it",
    );
  });

  it("cpuprofile: a 20,000-deep chain sampled at every level is refused, not expanded to 200 million frames", () => {
    const nodes = Array.from({ length: 20_000 }, (_, i) => ({
      id: i + 1,
      callFrame: { functionName: `f${i}`, url: "" },
      children: i + 1 < 20_000 ? [i + 2] : [],
    }));
    const samples = nodes.map((n) => n.id);
    expect(
      failure(
        json({ nodes, startTime: 0, endTime: 20_000, samples, timeDeltas: samples.map(() => 1) }),
      ),
    ).toBe(
      "v8-cpuprofile: nodes expand to 200010000 stack frames, more than the 20000000 limit; the call tree is too deep to be a real profile",
    );
  });

  const speedscope = (profile: Record<string, unknown>) => ({
    $schema: "https://www.speedscope.app/file-format-schema.json",
    shared: { frames: [{ name: "a" }, { name: "b" }] },
    profiles: [
      { type: "sampled", name: "t", unit: "none", startValue: 0, endValue: 2, ...profile },
    ],
  });

  it("speedscope: frame index out of range, weights mismatch, negative weight, unknown unit", () => {
    expect(failure(json(speedscope({ samples: [[0], [0, 2]], weights: [1, 1] })))).toBe(
      "speedscope: profiles[0].samples[1][1] = 2 is out of range: shared.frames has 2 frames",
    );
    expect(failure(json(speedscope({ samples: [[0]], weights: [] })))).toBe(
      "speedscope: profiles[0].weights has 0 entries but samples has 1",
    );
    expect(failure(json(speedscope({ samples: [[0]], weights: [-1] })))).toBe(
      "speedscope: profiles[0].weights[0] = -1 is not a non-negative weight",
    );
    expect(failure(json(speedscope({ unit: "furlongs", samples: [], weights: [] })))).toMatch(
      /^speedscope: profiles\[0\]\.unit = "furlongs" is not one of nanoseconds, /,
    );
  });

  it("speedscope: profiles in different units become different sample types", () => {
    const mixed = speedscope({ unit: "bytes", samples: [[0]], weights: [64] });
    (mixed.profiles as unknown[]).push({
      type: "sampled",
      unit: "milliseconds",
      samples: [[1]],
      weights: [2],
    });
    const r = importProfile(json(mixed), WHERE);
    expect(r.profile.sampleType.map((t) => r.profile.stringTable.strings[Number(t.type)])).toEqual([
      "space",
      "cpu",
    ]);
    expect(totals(r.profile)).toEqual([64, 2_000_000]);
  });

  it("speedscope: evented close of the wrong frame, time going backwards", () => {
    const evented = (events: unknown[]) => speedscope({ type: "evented", events });
    expect(
      failure(
        json(
          evented([
            { type: "O", frame: 0, at: 0 },
            { type: "O", frame: 1, at: 1 },
            { type: "C", frame: 0, at: 2 },
          ]),
        ),
      ),
    ).toBe(
      'speedscope: profiles[0].events[2] closes frame 0 ("a") but frame 1 ("b") is the innermost open one',
    );
    expect(
      failure(
        json(
          evented([
            { type: "O", frame: 0, at: 5 },
            { type: "C", frame: 0, at: 4 },
          ]),
        ),
      ),
    ).toBe("speedscope: profiles[0].events[1].at = 4 is earlier than the event before it (5)");
  });
});

describe("folded stacks: ambiguous lines", () => {
  it("counts invalid lines and warns with the first one", () => {
    const r = importProfile(
      utf8("a;b 3\nnot a sample\na;c 2.5\na;c 2\na;d -1\n\na;e 1\na;f 1\n"),
      WHERE,
    );
    expect(r.format).toBe("folded");
    expect(totals(r.profile)).toEqual([7]);
    expect(r.warnings).toEqual([
      `${WHERE}: folded: 3 invalid lines skipped, first at line 2: "not a sample"`,
    ]);
  });

  it("refuses text that is mostly not folded stacks", () => {
    expect(failure(utf8("a;b 3\nfoo\nbar\n"))).toMatch(/^not a profile flamegate can read/);
  });

  it("accepts tabs, trailing spaces, frames with spaces, and py-spy's empty stack", () => {
    const r = importProfile(utf8("main;do work (app.py:3)\t4  \r\n 2\n"), WHERE);
    expect(totals(r.profile)).toEqual([6]);
    const names = r.profile.function.map((f) => r.profile.stringTable.strings[Number(f.name)]);
    expect(names).toEqual(["do work", "main"]);
    expect(r.profile.sample.map((s) => s.locationId.length).sort()).toEqual([0, 2]);
  });

  it("UTF-16 with a BOM, as some Windows tools write it", () => {
    const text = "a;b;c 1\r\na;b 5\r\n";
    const le = new Uint8Array(2 + text.length * 2);
    le.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) le[2 + i * 2] = text.charCodeAt(i);
    expect(totals(importProfile(le, WHERE).profile)).toEqual([6]);
  });
});
