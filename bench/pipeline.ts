/**
 * npm run bench:pipeline [-- --runtime go,node,python --pairs N --record FILE]
 * npm run bench:pipeline -- --table FILE: the table of recorded arms.
 *
 * What overlapping each round's conversions (perf script, memray's export)
 * with the next round's boot and warm-up buys (session/pipeline.ts), measured
 * as `ab` runs: per runtime, the fixture's 2 × rounds side-rounds at the
 * default budget, once one round after another with each round's conversions
 * run before the next boots (`sequential`, the session before the pipeline)
 * and once pipelined, the arms alternating (ABBA…) so a shared machine's
 * drift hits both alike. Per arm: the wall time of the 2 × rounds side-rounds
 * (builds excluded, as the issue counts `ab`), and the same rounds judged as
 * an A/A `ab` (odd rounds against even, paired), so a conversion running
 * during the next round's warm-up shows if it adds frame noise (σ0) or
 * widens the MDEs. Prints the medians per runtime and arm; records one JSON
 * line per arm with --record.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { compareSets } from "../src/compare/compare.js";
import { readSide } from "../src/compare/inputs.js";
import { median } from "../src/compare/stats/describe.js";
import { DEFAULT_BUDGET, DEFAULT_GATE, RUNTIMES, type Runtime } from "../src/config.js";
import { writeProfileSet } from "../src/model/profile-set.js";
import { fixtureDir, loadFixtureConfig } from "../src/session/fixtures.js";
import {
  type RoundResult,
  runRounds,
  assembleProfileSet,
  buildService,
  runRound,
} from "../src/session/index.js";
import { byKind } from "../eval/real.js";
import { kindFigures } from "../eval/levers.js";

type Arm = "sequential" | "pipelined";

interface ArmRecord {
  runtime: Runtime;
  arm: Arm;
  pair: number;
  sideRounds: number;
  wallSeconds: number;
  verdict: string;
  frameSigma?: number | null;
  mdeHottestPct?: number;
  mde5Pct?: number;
  mdeTotalPct?: number;
  load1: [number, number];
}

const load1 = () => Number(loadavg()[0]!.toFixed(2));

async function runArm(runtime: Runtime, arm: Arm, pair: number): Promise<ArmRecord> {
  const fixture = (await loadFixtureConfig(runtime)).services[0]!;
  const service = {
    ...fixture,
    rounds: DEFAULT_BUDGET.rounds,
    warmupSeconds: DEFAULT_BUDGET.warmupSeconds,
    load: { ...fixture.load, durationSeconds: DEFAULT_BUDGET.durationSeconds },
  };
  const cwd = fixtureDir(runtime);
  const sideRounds = 2 * DEFAULT_BUDGET.rounds;
  const log = () => undefined;
  const loadBefore = load1();
  const started = performance.now();
  let results: RoundResult[];
  if (arm === "sequential") {
    results = [];
    for (let round = 1; round <= sideRounds; round++)
      results.push(await runRound(service, { round, cwd, log }));
  } else {
    const schedule = Array.from({ length: sideRounds }, (_, i) => ({
      key: 0,
      service,
      options: { round: i + 1, cwd, log },
    }));
    results = (await runRounds(schedule)).get(0) ?? [];
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const loadAfter = load1();
  // The side-rounds as an A/A ab: odd against even, paired by position.
  const dir = mkdtempSync(join(tmpdir(), "flamegate-bench-pipeline-"));
  try {
    const sides = ["base", "head"].map((side, parity) => {
      const out = join(dir, side, service.name);
      mkdirSync(out, { recursive: true });
      const rounds = results
        .filter((_, i) => i % 2 === parity)
        .map((r, i) => ({ ...r, record: { ...r.record, round: i + 1 } }));
      writeProfileSet(out, assembleProfileSet(service, rounds, { cwd, ref: side }));
      return join(dir, side);
    });
    const report = compareSets(readSide(sides[0]!), readSide(sides[1]!), DEFAULT_GATE, {
      paired: true,
    }).report;
    const f = kindFigures(byKind(report, "cpu"), DEFAULT_BUDGET.rounds);
    return {
      runtime,
      arm,
      pair,
      sideRounds,
      wallSeconds: Number(wallSeconds.toFixed(1)),
      verdict: report.verdict,
      frameSigma: f?.frameSigma,
      mdeHottestPct: f?.hottest?.mdePct,
      mde5Pct: f?.mde5Pct,
      mdeTotalPct: f?.mdeTotalPct,
      load1: [loadBefore, loadAfter],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "–");

function table(records: ArmRecord[]): string {
  const rows = [
    "| runtime | arm | runs | wall time per ab (median, s) | per side-round (s) | σ0 (median) | MDE hottest / 5 % frame / total (median) | A/A verdicts | load (1 min) |",
    "|---|---|---:|---:|---:|---:|---|---|---|",
  ];
  for (const runtime of RUNTIMES)
    for (const arm of ["sequential", "pipelined"] as const) {
      const rs = records.filter((r) => r.runtime === runtime && r.arm === arm);
      if (rs.length === 0) continue;
      const m = (f: (r: ArmRecord) => number | null | undefined) =>
        median(rs.map((r) => f(r) ?? NaN).filter(Number.isFinite), NaN);
      const wall = m((r) => r.wallSeconds);
      rows.push(
        `| ${runtime} | ${arm} | ${rs.length} | ${fmt(wall)} | ${fmt(wall / rs[0]!.sideRounds, 2)} | ${fmt(m((r) => r.frameSigma) * 100)} % | ${fmt(
          m((r) => r.mdeHottestPct),
          0,
        )} / ${fmt(
          m((r) => r.mde5Pct),
          0,
        )} / ${fmt(
          m((r) => r.mdeTotalPct),
          0,
        )} % | ${rs.map((r) => r.verdict).join(", ")} | ${rs.map((r) => r.load1.join("→")).join(", ")} |`,
      );
    }
  return rows.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runtime: { type: "string", default: "go,node,python" },
      pairs: { type: "string", default: "2" },
      record: { type: "string" },
      table: { type: "string" },
    },
  });
  if (values.table) {
    const lines = readFileSync(values.table, "utf8").split("\n").filter(Boolean);
    console.log(table(lines.map((l) => JSON.parse(l) as ArmRecord)));
    return;
  }
  const runtimes = values.runtime.split(",") as Runtime[];
  for (const r of runtimes)
    if (!RUNTIMES.includes(r)) throw new Error(`--runtime: unknown runtime ${r}`);
  const pairs = Number(values.pairs);
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error("--pairs must be a whole number ≥ 1");
  const records: ArmRecord[] = [];
  for (const runtime of runtimes) {
    const fixture = (await loadFixtureConfig(runtime)).services[0]!;
    await buildService(fixture, fixtureDir(runtime), () => undefined);
    for (let pair = 1; pair <= pairs; pair++) {
      const order: Arm[] =
        pair % 2 === 1 ? ["sequential", "pipelined"] : ["pipelined", "sequential"];
      for (const arm of order) {
        const r = await runArm(runtime, arm, pair);
        records.push(r);
        if (values.record) appendFileSync(values.record, `${JSON.stringify(r)}\n`);
        console.error(
          `${runtime} pair ${pair} ${arm}: ${r.wallSeconds} s, σ0 ${fmt((r.frameSigma ?? NaN) * 100)} %, ${r.verdict}, load ${r.load1.join("→")}`,
        );
      }
    }
  }
  console.log(table(records));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
});
