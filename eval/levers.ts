import { valueWeight } from "../src/compare/verdict/frames.js";
import { DEFAULT_VARIANT, alphaFrames } from "../src/compare/verdict/policy.js";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { runAbService } from "../src/cli/ab.js";
import { compareSets } from "../src/compare/compare.js";
import { readSide } from "../src/compare/inputs.js";
import { importProfileFile } from "../src/import/index.js";
import { addOsCpuTime } from "../src/model/cpu-time.js";
import { encodeProfileGz } from "../src/model/gzip.js";
import { readProfileSets } from "../src/model/profile-set-read.js";
import { minimalDetectableLog } from "../src/compare/stats/mde.js";
import type { Comparison, Report } from "../src/compare/types.js";
import { DEFAULT_GATE, type GateConfig, type Runtime, type ServiceConfig } from "../src/config.js";
import { fixtureDir, loadFixtureConfig } from "../src/session/fixtures.js";
import { runnerFingerprint } from "../src/session/fingerprint.js";
import { withRegression } from "./real.js";

/**
 * `npm run eval -- --real --lever NAME`: one capture lever measured before
 * and after on the same machine in one run. Each pair runs the fixture's ab
 * once with the lever off and once with it on, the order alternating from
 * pair to pair, so load on the machine hits both arms alike. Every ab is
 * judged by the default gate and appended to `record` (JSON lines) with the
 * machine's load average, its wall time and which CPU profiler ran; the
 * table gives, per arm, the median σ0, CPU samples per round, the MDEs of
 * the hottest tested frame, of a 5 % frame and of the total, and the wall
 * time per ab.
 */

type Sampling = ServiceConfig["sampling"];

/** The fixture's `sampling` settings each arm of a lever overrides (sampling.cpu-profiler, …). */
export const LEVERS: Record<
  string,
  { before: Partial<Sampling>; after: Partial<Sampling>; afterStart?: (start: string) => string }
> = {
  perf: { before: { cpuProfiler: "runtime" }, after: { cpuProfiler: "perf" } },
  oscpu: { before: { cpuTotal: "profiler" }, after: { cpuTotal: "os" } },
  // perf at the config's sampling rate (1000 Hz) against 4000 Hz.
  perfhz: {
    before: { cpuProfiler: "perf" },
    after: { cpuProfiler: "perf", perfHz: 4000 },
  },
  // perf at py-spy's 200 Hz against 1000 Hz.
  perf1k: {
    before: { cpuProfiler: "perf", perfHz: 200 },
    after: { cpuProfiler: "perf", perfHz: 1000 },
  },
  // py-spy sampling only the thread that holds the GIL, at 1 kHz (it sees ~0.4 of the threads' samples).
  pygil: {
    before: {},
    after: { pythonThreads: "gil", cpuHz: 1000 },
  },
  // Node without TurboFan's inlining, so a function keeps its frame in every process.
  noinline: {
    before: {},
    after: {},
    afterStart: (start) => start.replace(/^node /, "node --no-turbo-inlining "),
  },
};

export interface LeverOptions {
  lever: string;
  runtime: Runtime;
  pairs: number;
  rounds?: number;
  seconds?: number;
  warmup?: number;
  /** "" for A/A, "cpu" for the fixture's CPU regression in the head. */
  regression: "" | "cpu";
  record?: string;
  log: (line: string) => void;
}

/** What one ab of one arm measured, for the record and the table. */
export interface ArmRecord {
  lever: string;
  arm: "before" | "after";
  runtime: Runtime;
  cell: string;
  /** Rounds per side and seconds of load per window. */
  rounds?: number;
  seconds?: number;
  pair: number;
  at: string;
  /** 1-minute load average when the ab started and ended. */
  load1: [number, number];
  wallSeconds: number;
  verdict: string;
  cpuProfiler: string;
  cpu?: KindFigures;
  /** The same rounds judged with each CPU profile's total set to the OS's count (lever 3). */
  cpuOs?: KindFigures;
  alloc?: KindFigures;
}

interface KindFigures {
  verdict: string | undefined;
  samplesPerRound: number | undefined;
  frameSigma: number | null | undefined;
  mdeTotalPct: number | undefined;
  mde5Pct: number;
  /** Degrees of freedom of the moderated-variance prior, and the run noise of the total (log SD). */
  priorDf: number | undefined;
  totalSigma: number | null | undefined;
  /** The tested frame with the largest self share. */
  hottest?: { function: string; sharePct: number; mdePct: number; deltaPct: number | null };
  /** The fixture's regressed frame (main.hashPayload, hashPayload, …) when tested. */
  target?: {
    function: string;
    deltaPct: number | null;
    p: number;
    verdict: string;
    sharePct: number;
    mdePct: number;
  };
  familySize: number;
}

/** The frames the fixtures' CPU regression grows (FLAMEGATE_REGRESSION=cpu). */
const TARGET = /^(?:main\.hashPayload|hash_payload|checksum)$/;

/**
 * The MDE (percent, at `power`) of a frame holding `share` of the total, by
 * the gate's own formula (compare/verdict/power.ts minimalDetectable) with this
 * comparison's σ0, prior df, samples per round and family size. Paired rounds.
 */
export function frameMdePct(
  c: Comparison,
  share: number,
  rounds: number,
  family: number,
  gate: GateConfig = DEFAULT_GATE,
  power = 0.8,
): number {
  const n = c.noise?.samplesPerRound ?? 0;
  const s0 = (c.noise?.frameSigma ?? 0) ** 2;
  const df = (c.noise?.priorDf ?? 0) + rounds - 1;
  const se = Math.sqrt((1 / (share * n + 0.5) + s0) * (2 / rounds));
  // The first weighted-Holm step's level of a one-value frame of this share, taking the
  // family's weights to sum to 1 (the tested frames' self shares sum to at most 1, so
  // this errs on the strict side).
  const level = alphaFrames(gate) * valueWeight(share, Math.max(1, family), 1, DEFAULT_VARIANT);
  return (Math.exp(minimalDetectableLog(se, level, power, df)) - 1) * 100;
}

export function kindFigures(
  c: Comparison | undefined,
  rounds: number,
  gate: GateConfig = DEFAULT_GATE,
  power = 0.8,
): KindFigures | undefined {
  if (!c) return undefined;
  const tested = c.frames.filter((f) => f.untested === undefined && f.pRaw !== undefined);
  // The hottest frame by its own (self) samples in the base, as a flamegraph's widest leaf.
  const hot = [...tested].sort((a, b) => b.self.base - a.self.base)[0];
  const hotShare = hot && c.total.base > 0 ? hot.self.base / c.total.base : 0;
  const target = c.frames.find((f) => TARGET.test(f.function) && f.pRaw !== undefined);
  return {
    verdict: c.verdict,
    samplesPerRound: c.noise?.samplesPerRound,
    frameSigma: c.noise?.frameSigma,
    mdeTotalPct: c.mde.totalPct,
    mde5Pct: c.mde.deltaPct,
    priorDf: c.noise?.priorDf,
    totalSigma: c.noise?.totalSigma,
    ...(hot
      ? {
          hottest: {
            function: hot.function,
            sharePct: hotShare * 100,
            mdePct: frameMdePct(c, hotShare, rounds, tested.length, gate, power),
            deltaPct: hot.self.deltaPct,
          },
        }
      : {}),
    ...(target
      ? {
          target: {
            function: target.function,
            deltaPct: target.tested === "self" ? target.self.deltaPct : target.cum.deltaPct,
            p: target.p,
            verdict: target.verdict,
            sharePct: (target.shareBase ?? 0) * 100,
            mdePct: frameMdePct(c, target.shareBase ?? 0, rounds, tested.length, gate, power),
          },
        }
      : {}),
    familySize: tested.length,
  };
}

/**
 * Lever 3 on the rounds already captured: every CPU profile of the ab run in
 * `dir` gets the window's OS-counted CPU as its cpu/nanoseconds total
 * (model/cpu-time.ts, as the session does with sampling.cpu-total: os), in place.
 */
function rewriteWithOsCpu(dir: string): void {
  for (const side of ["base", "head"])
    for (const set of readProfileSets(join(dir, side)).values())
      set.manifest.rounds.forEach((r, i) => {
        const file = set.files[i]?.cpu;
        const seconds = r.windows?.cpu?.cpuSeconds ?? r.cpuSeconds;
        if (file === undefined || seconds === undefined) return;
        const profile = importProfileFile(file).profile;
        if (addOsCpuTime(profile, seconds * 1e9, true))
          writeFileSync(file, encodeProfileGz(profile));
      });
}

/** The CPU profiler the rounds' manifests name (distinct values joined). */
function cpuProfilerOf(dir: string): string {
  const names = new Set<string>();
  for (const side of ["base", "head"])
    for (const set of readProfileSets(join(dir, side)).values())
      for (const r of set.manifest.rounds) if (r.profilers?.cpu) names.add(r.profilers.cpu);
  return [...names].join(" | ") || "unknown";
}

async function runArm(o: LeverOptions, arm: "before" | "after", pair: number): Promise<ArmRecord> {
  const service = (await loadFixtureConfig(o.runtime)).services[0]!;
  const lever = LEVERS[o.lever]!;
  service.sampling = { ...service.sampling, ...lever[arm] };
  if (arm === "after" && lever.afterStart) service.start = lever.afterStart(service.start);
  const out = mkdtempSync(join(tmpdir(), "flamegate-lever-"));
  const load0 = loadavg()[0]!;
  const t0 = performance.now();
  try {
    const cwd = fixtureDir(o.runtime);
    const opts = { pairs: 1, log: o.log, runtime: o.runtime, ...pick(o) };
    await runAbService(
      {
        base: { service: withRegression(service, "", opts), cwd },
        head: { service: withRegression(service, o.regression, opts), cwd },
      },
      out,
      (line) => o.log(`[${arm}] ${line}`),
    );
    const wallSeconds = (performance.now() - t0) / 1000;
    const judge = (): Report =>
      compareSets(readSide(join(out, "base")), readSide(join(out, "head")), DEFAULT_GATE, {
        paired: true,
      }).report;
    const report = judge();
    const rounds = o.rounds ?? service.rounds;
    const byKind = (k: string, r = report) => r.comparisons.find((c) => c.kind === k);
    const cpu = kindFigures(byKind("cpu"), rounds);
    const alloc = kindFigures(byKind("alloc"), rounds);
    const cpuProfiler = cpuProfilerOf(out);
    rewriteWithOsCpu(out);
    const cpuOs = kindFigures(byKind("cpu", judge()), rounds);
    return {
      lever: o.lever,
      arm,
      runtime: o.runtime,
      cell: o.regression === "" ? "A/A" : "A/B cpu",
      rounds,
      seconds: o.seconds ?? service.load.durationSeconds,
      pair,
      at: new Date().toISOString(),
      load1: [round2(load0), round2(loadavg()[0]!)],
      wallSeconds: round2(wallSeconds),
      verdict: report.verdict,
      cpuProfiler,
      ...(cpu ? { cpu } : {}),
      ...(cpuOs ? { cpuOs } : {}),
      ...(alloc ? { alloc } : {}),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const pick = (o: LeverOptions) => ({
  ...(o.rounds === undefined ? {} : { rounds: o.rounds }),
  ...(o.seconds === undefined ? {} : { seconds: o.seconds }),
  ...(o.warmup === undefined ? {} : { warmup: o.warmup }),
});

const round2 = (x: number) => Math.round(x * 100) / 100;

export async function runLever(o: LeverOptions): Promise<string> {
  if (!LEVERS[o.lever]) throw new Error(`unknown lever ${o.lever}`);
  const records: ArmRecord[] = [];
  for (let i = 0; i < o.pairs; i++) {
    // Alternate which arm goes first, so a trend in the machine's load hits both alike.
    const order: ("before" | "after")[] = i % 2 === 0 ? ["before", "after"] : ["after", "before"];
    for (const arm of order) {
      o.log(`${o.lever} ${arm} ${i + 1}/${o.pairs}`);
      const r = await runArm(o, arm, i + 1);
      records.push(r);
      if (o.record) appendFileSync(o.record, `${JSON.stringify(r)}\n`);
      o.log(
        `${o.lever} ${arm} ${i + 1}/${o.pairs}: ${r.verdict}, ${r.cpu?.samplesPerRound?.toFixed(0)} cpu samples/round, σ0 ${fmt((r.cpu?.frameSigma ?? NaN) * 100)} %, ${r.wallSeconds} s, load ${r.load1.join("→")}`,
      );
    }
  }
  return leverTable(records);
}

/** Records of earlier runs (JSON lines), for a table over several sessions. */
export function readLeverRecords(file: string): ArmRecord[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as ArmRecord);
}

function median(xs: (number | null | undefined)[]): number {
  const v = xs
    .filter((x): x is number => typeof x === "number" && Number.isFinite(x))
    .sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "–");

/**
 * Per runtime, lever and cell, the two arms side by side (medians over the
 * ab runs): what the issue asks to compare before adopting a lever.
 */
export function leverTable(records: ArmRecord[]): string {
  const fp = runnerFingerprint();
  const groups = new Map<string, ArmRecord[]>();
  // Lever 3 was judged on the same rounds: its rows sit under the arm they re-judge.
  const expanded = records.flatMap((r) => [
    r,
    ...(r.cpuOs ? [{ ...r, arm: `${r.arm}, OS CPU total` as ArmRecord["arm"], cpu: r.cpuOs }] : []),
  ]);
  for (const r of expanded) {
    const key = `${r.runtime}|${r.lever}|${r.cell}|${r.rounds ?? "?"}×${r.seconds ?? "?"} s|${r.arm}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows = [...groups].map(([key, rs]) => {
    const [runtime, lever, cell, budget, arm] = key.split("|");
    const cpu = rs.map((r) => r.cpu);
    const hot = cpu.map((c) => c?.hottest);
    const target = cpu.map((c) => c?.target).filter((t) => t !== undefined);
    const caught = target.filter((t) => t.verdict === "fail").length;
    const gate =
      cell === "A/A"
        ? `${rs.filter((r) => r.verdict === "fail").length} fail`
        : `${caught} of ${target.length} caught (median Δ ${fmt(median(target.map((t) => t.deltaPct)))} %)`;
    const cells = [
      runtime,
      lever,
      cell,
      budget,
      arm,
      String(rs.length),
      rs[0]?.cpuProfiler ?? "",
      `${fmt(median(cpu.map((c) => c?.frameSigma)) * 100)} %`,
      fmt(median(cpu.map((c) => c?.priorDf)), 0),
      fmt(median(cpu.map((c) => c?.samplesPerRound)), 0),
      `${fmt(median(hot.map((h) => h?.mdePct)))} % (${hot[0]?.function ?? "–"}, ${fmt(median(hot.map((h) => h?.sharePct)))} %)`,
      `${fmt(median(target.map((t) => t.mdePct)))} % (${fmt(median(target.map((t) => t.sharePct)))} %)`,
      `${fmt(median(cpu.map((c) => c?.mde5Pct)))} %`,
      `${fmt(median(cpu.map((c) => c?.mdeTotalPct)))} %`,
      `${fmt(median(cpu.map((c) => c?.totalSigma)) * 100)} %`,
      gate,
      `${fmt(median(rs.map((r) => r.wallSeconds)), 0)} s`,
      fmt(median(rs.map((r) => (r.load1[0] + r.load1[1]) / 2))),
    ];
    return `| ${cells.join(" | ")} |`;
  });
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${fp.cpuModel} × ${fp.cores} cores (medians over the ab runs of each arm; σ0 and MDEs of the cpu comparison, 80 % power)`,
    "",
    "| runtime | lever | cell | rounds × load | arm | ab runs | cpu profiler | σ0 | prior df | cpu samples / round | MDE hottest self frame (its share) | MDE regressed frame (its share) | MDE 5 % frame | MDE total | σ total / run | gate | wall time / ab | load avg (1 min) |",
    "|---|---|---|---|---|---:|---|---:|---:|---:|---|---|---:|---:|---:|---|---:|---:|",
    ...rows,
  ].join("\n");
}
