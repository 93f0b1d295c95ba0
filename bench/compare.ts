/**
 * npm run bench: the whole `node dist/cli.js compare` process (read, gunzip,
 * decode, aggregate, judge, render JSON + markdown) against
 * `go tool pprof -top -diff_base` on the same files, in the same run,
 * interleaved, on:
 *   - large.cpu.pb.gz against itself (a real 2.4 MB Go CPU profile, 23k functions)
 *   - a generated pair of ~25 MB profiles (250k samples each), made
 *     deterministically under the OS temp dir on first use.
 * Prints each side's median wall and CPU time and peak RSS (GNU time's %e, %U+%S, %M)
 * and the ratio flamegate / pprof. Run `npm run build` first.
 *
 *   npm run bench [-- --reps 5] [-- --only large|pair]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  Function as PprofFunction,
  Line,
  Location,
  Mapping,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from "pprof-format";
import { packageRoot } from "../src/paths.js";

const root = packageRoot();
const repsArg = process.argv.indexOf("--reps");
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 5;
const onlyArg = process.argv.indexOf("--only");
const ONLY = onlyArg > 0 ? process.argv[onlyArg + 1] : undefined;

/** Deterministic PRNG (mulberry32), so the generated pair is the same on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SAMPLES = 250_000;
const FUNCTIONS = 12_000;
const FILES = 600;
/** CPU profile period: 100 Hz, as Go samples. */
const PERIOD_NS = 10_000_000;

/**
 * A Go-like CPU profile: a call graph where each function calls a few
 * others (Zipf-weighted, so some paths are hot), stacks walked from
 * runtime.main down 8-79 frames, one location per call site (10 % with an
 * inlined frame), sample values 1-4 samples. `slow` multiplies the weight of
 * samples passing through function 7 (the head's regression).
 */
function generate(seed: number, slow: number): Profile {
  const rand = rng(seed);
  const strings = new StringTable();
  const graph = rng(42); // the call graph is the same on both sides
  const functions: PprofFunction[] = [];
  for (let i = 0; i < FUNCTIONS; i++) {
    const name = i === 0 ? "runtime.main" : `example.com/svc/pkg${i % 97}.(*T${i % 13}).Method${i}`;
    functions.push(
      new PprofFunction({
        id: i + 1,
        name: strings.dedup(name),
        systemName: strings.dedup(name),
        filename: strings.dedup(`/src/example.com/svc/pkg${i % 97}/file${i % FILES}.go`),
        startLine: 10 + (i % 500),
      }),
    );
  }
  const callees: number[][] = functions.map(() => {
    const n = 1 + Math.floor(graph() * 4);
    return Array.from(
      { length: n },
      () => 1 + (Math.floor(FUNCTIONS * graph() ** 3) % (FUNCTIONS - 1)),
    );
  });
  const locations: Location[] = [];
  const siteOf = new Map<number, number>();
  const site = (caller: number, slot: number): number => {
    const key = caller * 8 + slot;
    let id = siteOf.get(key);
    if (id === undefined) {
      id = locations.length + 1;
      const lines = [new Line({ functionId: caller + 1, line: 20 + slot * 7 })];
      if (graph() < 0.1) {
        const inl = 1 + Math.floor(graph() * (FUNCTIONS - 1));
        lines.unshift(new Line({ functionId: inl + 1, line: 5 }));
      }
      locations.push(new Location({ id, mappingId: 1, address: 0x400000 + id * 16, line: lines }));
      siteOf.set(key, id);
    }
    return id;
  };
  const samples: Sample[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const depth = 8 + Math.floor(rand() * 72);
    const stack: number[] = [];
    let fn = 0;
    let through7 = false;
    for (let d = 0; d < depth; d++) {
      const options = callees[fn]!;
      const slot = Math.floor(rand() * options.length);
      stack.push(site(fn, slot));
      fn = options[slot]!;
      if (fn === 7) through7 = true;
    }
    stack.push(site(fn, 7));
    stack.reverse(); // leaf first, as pprof stores stacks
    const count = Math.max(1, Math.round((1 + Math.floor(rand() * 4)) * (through7 ? slow : 1)));
    samples.push(new Sample({ locationId: stack, value: [count, count * PERIOD_NS] }));
  }
  const vt = (type: string, unit: string) =>
    new ValueType({ type: strings.dedup(type), unit: strings.dedup(unit) });
  return new Profile({
    sampleType: [vt("samples", "count"), vt("cpu", "nanoseconds")],
    sample: samples,
    mapping: [
      new Mapping({
        id: 1,
        memoryStart: 0x400000,
        memoryLimit: 0x4000000,
        filename: strings.dedup("/app/svc"),
        hasFunctions: true,
        hasFilenames: true,
        hasLineNumbers: true,
        hasInlineFrames: true,
      }),
    ],
    location: locations,
    function: functions,
    stringTable: strings,
    periodType: vt("cpu", "nanoseconds"),
    period: PERIOD_NS,
    durationNanos: 60_000_000_000,
    timeNanos: 1_764_000_000_000_000_000n,
  });
}

function generatedPair(): { base: string; head: string; rawMB: number } {
  const dir = join(tmpdir(), `flamegate-bench-${SAMPLES}-${FUNCTIONS}-v2`);
  const base = join(dir, "base.cpu.pb.gz");
  const head = join(dir, "head.cpu.pb.gz");
  let rawMB = 0;
  if (!existsSync(head)) {
    mkdirSync(dir, { recursive: true });
    process.stdout.write(`generating the 250k-sample pair in ${dir} ...\n`);
    for (const [path, seed, slow] of [
      [base, 1, 1],
      [head, 2, 1.3],
    ] as const) {
      const raw = generate(seed, slow).encode();
      rawMB = raw.length / 1e6;
      writeFileSync(path, gzipSync(raw, { level: 6 }));
    }
  }
  return { base, head, rawMB };
}

interface Run {
  seconds: number;
  /** User + system CPU seconds: steadier than wall time when others share the machine. */
  cpuSeconds: number;
  maxRssMB: number;
}

/** Runs a command under GNU time; returns wall seconds and peak RSS. */
function timed(cmd: string, args: string[], okCodes: number[]): Run {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", cmd, ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  const last = r.stderr.trimEnd().split("\n").pop() ?? "";
  const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/.exec(last);
  // GNU time reports "Command exited with non-zero status N" before its own line.
  const code = r.status ?? -1;
  if (!m || !okCodes.includes(code))
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${code}):\n${r.stderr}`);
  return {
    seconds: Number(m[1]),
    cpuSeconds: Number(m[2]) + Number(m[3]),
    maxRssMB: Number(m[4]) / 1024,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function bench(label: string, base: string, head: string, pprofBin: string): void {
  const out = join(tmpdir(), "flamegate-bench-out");
  mkdirSync(out, { recursive: true });
  const ours: Run[] = [];
  const theirs: Run[] = [];
  for (let i = 0; i < REPS; i++) {
    // Interleaved, alternating which goes first, so machine load hits both alike.
    const runOurs = () =>
      ours.push(
        timed(
          process.execPath,
          [
            join(root, "dist", "cli.js"),
            "compare",
            "--base",
            base,
            "--head",
            head,
            "--json",
            join(out, "report.json"),
            "--markdown",
            join(out, "report.md"),
          ],
          [0, 1],
        ),
      );
    const runTheirs = () =>
      theirs.push(timed(pprofBin, ["-symbolize=none", "-top", "-diff_base", base, head], [0]));
    if (i % 2 === 0) {
      runOurs();
      runTheirs();
    } else {
      runTheirs();
      runOurs();
    }
  }
  const o = median(ours.map((r) => r.seconds));
  const t = median(theirs.map((r) => r.seconds));
  const row = (name: string, runs: Run[]) =>
    `  ${name.padEnd(34)} median ${median(runs.map((r) => r.seconds)).toFixed(2)} s  (runs ${runs.map((r) => r.seconds.toFixed(2)).join(" ")})  CPU median ${median(runs.map((r) => r.cpuSeconds)).toFixed(2)} s  peak RSS ${Math.max(...runs.map((r) => r.maxRssMB)).toFixed(0)} MB`;
  process.stdout.write(
    [
      `${label}`,
      row("flamegate compare (dist/cli.js)", ours),
      row("go tool pprof -top -diff_base", theirs),
      `  ratio flamegate / pprof: wall ${(o / t).toFixed(2)} (target <= 0.5), CPU ${(median(ours.map((r) => r.cpuSeconds)) / median(theirs.map((r) => r.cpuSeconds))).toFixed(2)}`,
      "",
    ].join("\n"),
  );
}

if (!existsSync(join(root, "dist", "cli.js")))
  throw new Error("dist/cli.js is missing: run `npm run build` first");
const pprofBin = execFileSync("go", ["tool", "-n", "pprof"], { encoding: "utf8" }).trim();
const large = join(root, "fixtures", "golden", "pprof", "inputs", "large.cpu.pb.gz");
const pair = generatedPair();
const size = (p: string) => (statSync(p).size / 1e6).toFixed(1);
process.stdout.write(
  `node ${process.version}, ${REPS} interleaved repetitions each; pprof binary ${pprofBin}\n` +
    `generated pair: ${size(pair.base)} MB + ${size(pair.head)} MB gzipped${pair.rawMB ? `, ${pair.rawMB.toFixed(1)} MB raw each` : ""}\n\n`,
);
if (ONLY !== "pair")
  bench(
    "large.cpu.pb.gz vs itself (2.4 MB raw, 20k samples, 23k functions)",
    large,
    large,
    pprofBin,
  );
if (ONLY !== "large")
  bench("generated pair (250k samples each, 12k functions)", pair.base, pair.head, pprofBin);
