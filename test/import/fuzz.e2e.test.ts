import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { Profile } from "pprof-format";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";
import { longNames } from "./hostile-files.js";
import { mutated } from "./mutate.js";
import { compareCli, scratch } from "./run-compare.js";

// The importer fuzz (issue 21): mutations of every real profile in
// fixtures/real and fixtures/captured, in every importer format, go through
// `flamegate compare` against the profile they came from. Whatever the
// bytes: exit 0, 1 or 2; on 2 one line; never an internal error or a stack
// trace. Most run in this process through the CLI's own entry (src/cli.ts
// main); a fixed sample, and the hostile files of the memory report, run
// through the built CLI (dist/cli.js) in a process of their own, whose peak
// RSS must stay under 1 GB. Fixed seeds: the same inputs on every run.

const SEED = 20261205;
const ROOT = packageRoot();
const REAL = join(ROOT, "fixtures/real");
const CAPTURED = join(ROOT, "fixtures/captured");
const CLI = join(ROOT, "dist/cli.js");
/** Every STRIDE-th input also runs through the real CLI process. */
const STRIDE = 90;
const GB = 1024 * 1024 * 1024;

type Format = "pprof" | "json" | "folded";

/** Each real profile, its format family and how many mutants it gets (large files fewer). */
const CORPUS: Array<[string, Format, number]> = [
  [join(REAL, "pprof/sample.cpu.pb.gz"), "pprof", 210],
  [join(REAL, "pprof/large.cpu.pb.gz"), "pprof", 4],
  [join(REAL, "speedscope/pprof_simple.prof"), "pprof", 120],
  [join(CAPTURED, "go/cpu.pb.gz"), "pprof", 150],
  [join(CAPTURED, "go/allocs.pb.gz"), "pprof", 150],
  [join(CAPTURED, "demo/base/orders/r1.cpu.pb.gz"), "pprof", 60],
  [join(CAPTURED, "demo/head/orders/r1.alloc.pb.gz"), "pprof", 60],
  [join(REAL, "speedscope/Chrome_65_simple.cpuprofile"), "json", 110],
  [join(REAL, "speedscope/node_10.11.0_example.cpuprofile"), "json", 100],
  [join(REAL, "speedscope/Chrome_65_sucrase.cpuprofile"), "json", 4],
  [join(CAPTURED, "node/capture.cpuprofile"), "json", 80],
  [join(REAL, "speedscope/node_10.11.0_Heap-20181003T105432.heapprofile"), "json", 80],
  [join(REAL, "speedscope/Chrome_69_Heap-20181005T144546.heapprofile"), "json", 20],
  [join(CAPTURED, "node/capture.heapprofile"), "json", 30],
  [join(REAL, "speedscope/speedscope_0.0.1_simple.speedscope.json"), "json", 100],
  [join(REAL, "speedscope/speedscope_0.1.2_simple-sampled.speedscope.json"), "json", 100],
  [join(REAL, "speedscope/speedscope_0.6.0_two-sampled.speedscope.json"), "json", 100],
  [join(CAPTURED, "python/prog.speedscope.json"), "json", 80],
  [join(CAPTURED, "python/alloc.memray.speedscope.json"), "json", 80],
  [join(REAL, "speedscope/stackcollapse_simple.txt"), "folded", 100],
  [join(REAL, "speedscope/stackcollapse_simple-crlf.txt"), "folded", 80],
  [join(REAL, "speedscope/stackcollapse_recursion.txt"), "folded", 80],
  [join(REAL, "speedscope/stackcollapse_simple-with-invalids.txt"), "folded", 80],
  [join(REAL, "speedscope/stackcollapse_perf-vertx-stacks-01-collapsed-all.txt"), "folded", 10],
  [join(CAPTURED, "python/prog.folded.txt"), "folded", 100],
];

const isGzip = (b: Uint8Array) => b[0] === 0x1f && b[1] === 0x8b;

/** Byte-level damage: set bytes, cut the end, repeat or drop a span, insert junk. */
function damaged(raw: Uint8Array) {
  const op = fc.tuple(
    fc.constantFrom("set", "cut", "repeat", "drop", "insert"),
    fc.nat(),
    fc.nat(),
    fc.integer({ min: 0, max: 255 }),
  );
  return fc.array(op, { minLength: 1, maxLength: 6 }).map((ops) => {
    let b = Buffer.from(raw);
    for (const [kind, at, span, value] of ops) {
      const i = b.length === 0 ? 0 : at % b.length;
      const n = 1 + (span % 64);
      if (kind === "set") b[i] = value;
      else if (kind === "cut") b = b.subarray(0, i);
      else if (kind === "repeat") b = Buffer.concat([b.subarray(0, i + n), b.subarray(i)]);
      else if (kind === "drop") b = Buffer.concat([b.subarray(0, i), b.subarray(i + n)]);
      else b = Buffer.concat([b.subarray(0, i), Buffer.alloc(n, value), b.subarray(i)]);
    }
    return new Uint8Array(b);
  });
}

/** pprof with its tables damaged: ids and string indexes moved, entries dropped or doubled. */
function brokenPprof(raw: Uint8Array) {
  const n = fc.integer({ min: -2, max: 1 << 20 });
  const op = fc.tuple(fc.nat(5), fc.nat(), n);
  return fc.array(op, { minLength: 1, maxLength: 4 }).map((ops) => {
    const p = Profile.decode(raw);
    for (const [what, at, value] of ops) {
      const pick = <T>(xs: T[]) => (xs.length === 0 ? undefined : xs[at % xs.length]);
      const small = value % (p.stringTable.strings.length + 3);
      if (what === 0) {
        const s = pick(p.sample);
        if (s && s.locationId.length > 0) s.locationId[at % s.locationId.length] = small;
      } else if (what === 1) {
        const l = pick(p.location);
        if (l) l.id = small;
      } else if (what === 2) {
        const f = pick(p.function);
        if (f) f.name = value;
      } else if (what === 3) {
        const line = pick(p.location)?.line[0];
        if (line) line.functionId = small;
      } else if (what === 4) {
        const f = pick(p.function);
        if (f) p.function.push(f);
      } else p.sample.splice(at % (p.sample.length + 1), 1);
    }
    return p.encode();
  });
}

/** Folded stacks with lines dropped, repeated, swapped, or their counts and frames damaged. */
function brokenFolded(text: string) {
  const lines = text.split(/(?<=\n)/);
  const op = fc.tuple(fc.nat(3), fc.nat(), fc.string({ maxLength: 12 }));
  return fc.array(op, { minLength: 1, maxLength: 5 }).map((ops) => {
    const out = [...lines];
    for (const [what, at, junk] of ops) {
      const i = at % Math.max(1, out.length);
      if (what === 0) out.splice(i, 1);
      else if (what === 1) out.splice(i, 0, out[i] ?? junk);
      else if (what === 2) out[i] = (out[i] ?? "").replace(/\d+(\s*)$/, `${junk}$1`);
      else out[i] = (out[i] ?? "").replace(/;/, `;${junk};`);
    }
    return new TextEncoder().encode(out.join(""));
  });
}

/** Mutants of one file: damaged bytes or a damaged structure, gzipped as the original was (or not). */
function mutants(format: Format, original: Uint8Array) {
  const raw = isGzip(original) ? gunzipSync(original) : original;
  const structural =
    format === "pprof"
      ? brokenPprof(raw)
      : format === "json"
        ? mutated(JSON.parse(new TextDecoder().decode(raw))).map((v) =>
            new TextEncoder().encode(JSON.stringify(v)),
          )
        : brokenFolded(new TextDecoder().decode(raw));
  return fc
    .tuple(fc.oneof(damaged(raw), structural), fc.boolean())
    .map(([b, zip]) => (zip ? new Uint8Array(gzipSync(b)) : b));
}

/** What a run must show: exit 0, 1 or 2; on 2 one line; no internal error, no stack trace. */
function checkOutcome(code: number, stderr: string): void {
  expect([0, 1, 2]).toContain(code);
  expect(stderr).not.toMatch(/internal error|^\s+at /m);
  if (code === 2) expect(stderr.trimEnd().split("\n")).toHaveLength(1);
}

/** The built CLI in its own process: exit code, stderr and peak RSS in bytes. */
async function realCli(args: string[]): Promise<{ code: number; stderr: string; peak: number }> {
  const child = spawn(process.execPath, [CLI, "compare", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  // The high-water mark of the process's RSS (VmHWM), read until it exits.
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // Gone between two polls.
    }
  }, 20);
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
  clearInterval(poll);
  return { code, stderr, peak };
}

describe("fuzz: mutated real profiles through `flamegate compare`", () => {
  const file = scratch("fuzz");
  const sample: Array<[string, string]> = [];
  /** Per format: how many mutants compared (exit 0 or 1) and how many were refused (exit 2). */
  const outcomes = new Map<Format, { compared: number; refused: number }>();
  let runs = 0;

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npm run build` first");
  });

  CORPUS.forEach(([path, format, numRuns], i) => {
    it(`${path.slice(ROOT.length + 1)} (${numRuns} mutants)`, async () => {
      const original = readFileSync(path);
      await fc.assert(
        fc.asyncProperty(mutants(format, original), async (bytes) => {
          const head = file(`head-${i}`, bytes);
          const { code, stderr } = await compareCli(path, head);
          checkOutcome(code, stderr);
          const o = outcomes.get(format) ?? { compared: 0, refused: 0 };
          if (code === 2) o.refused++;
          else o.compared++;
          outcomes.set(format, o);
          if (runs++ % STRIDE === 0) sample.push([path, file(`sample-${runs}`, bytes)]);
        }),
        { seed: SEED + i, numRuns },
      );
    });
  });

  it("at least 2,000 inputs, of every format, some compared and some refused", () => {
    expect(runs).toBeGreaterThanOrEqual(2000);
    expect([...outcomes.keys()].sort()).toEqual(["folded", "json", "pprof"]);
    // Mutants that still compare and mutants that are refused, in every format: the
    // mutations reach past the first check, and the checks do refuse.
    for (const o of outcomes.values()) {
      expect(o.compared).toBeGreaterThan(20);
      expect(o.refused).toBeGreaterThan(20);
    }
  });

  it("a sample, and the memory report's hostile files, through the built CLI under 1 GB", async () => {
    // Two 400 KB .pb.gz holding one 400 MiB name each, and four rounds of that a side.
    const big = file("big.pb.gz", longNames(1, 400 * 1024 * 1024));
    const sets = ["base", "head"].map((side) => {
      const dir = join(file.dir, `set-${side}`);
      mkdirSync(dir, { recursive: true });
      const manifest = JSON.parse(
        readFileSync(join(CAPTURED, "demo/base/orders/manifest.json"), "utf8"),
      ) as { rounds: Array<Record<string, unknown>>; config: Record<string, unknown> };
      const round = manifest.rounds[0]!;
      manifest.rounds = [1, 2, 3, 4].map((r) => ({
        ...round,
        round: r,
        files: { cpu: `r${r}.cpu.pb.gz` },
      }));
      manifest.config.rounds = 4;
      for (let r = 1; r <= 4; r++) writeFileSync(join(dir, `r${r}.cpu.pb.gz`), readFileSync(big));
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
      return dir;
    });
    const cases: Array<[string, string]> = [...sample, [big, big], [sets[0]!, sets[1]!]];
    expect(cases.length).toBeGreaterThanOrEqual(24);
    for (const [base, head] of cases) {
      const { code, stderr, peak } = await realCli(["--base", base, "--head", head]);
      checkOutcome(code, stderr);
      expect(peak).toBeLessThan(GB);
    }
    // The hostile ones are refused, naming the file and the limit.
    const refused = await realCli(["--base", sets[0]!, "--head", sets[1]!]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/r1\.cpu\.pb\.gz: decompresses to more than 64 MiB/);
  });
});
