import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAbService } from "../src/cli/ab.js";
import { compareSets } from "../src/compare/compare.js";
import { readSide } from "../src/compare/inputs.js";
import { trigamma } from "../src/compare/stats/polygamma.js";
import { wilsonInterval } from "../src/compare/stats/wilson.js";
import type { Comparison, Report } from "../src/compare/types.js";
import { DEFAULT_GATE, RUNTIMES, type Runtime, type ServiceConfig } from "../src/config.js";
import { fixtureDir, loadFixtureConfig } from "../src/session/fixtures.js";
import { runnerFingerprint } from "../src/session/fingerprint.js";
import { noiseFile } from "./noise.js";
import { DEFAULT_NOISE, type NoiseModel } from "./simulate.js";

/**
 * The real evaluation: the fixture service of one runtime, run by `ab`'s
 * own runAbService on this machine, base and head interleaved and paired,
 * in A/A (the same build on both sides) and A/B (the head with
 * FLAMEGATE_REGRESSION=cpu or alloc, the fixture's known regression), then
 * compared by the real compare stage with the product's default gate (the
 * fixture's flamegate.yml gives the service, not the thresholds). Prints the
 * same kind of table as the offline mode, the pooled calibration of the A/A
 * frame p-values, and writes the noise the A/A runs measured to
 * eval/noise-<runtime>.json for the offline simulation (`--noise`). Every comparison is appended
 * to `record` (JSON lines) as soon as it is judged, so a long run that is
 * stopped keeps what it measured.
 */

export interface RealOptions {
  runtime: Runtime;
  /** ab runs per cell. */
  pairs: number;
  /** Rounds per side in each ab run (default: the fixture's own). */
  rounds?: number;
  /** Seconds of load per capture window, and of warm-up (default: the fixture's own). */
  seconds?: number;
  warmup?: number;
  /** Only the A/A cell (the false-alarm measurement). */
  aaOnly?: boolean;
  /** JSON-lines file every judged comparison is appended to. */
  record?: string;
  /**
   * Directory the profile sets of every ab run are kept in (<cell>-<run>/base|head),
   * so the comparisons can be judged again with other gate statistics.
   */
  keep?: string;
  log: (line: string) => void;
}

export type CellName = "A/A" | "A/B cpu" | "A/B alloc";

interface RealCell {
  name: CellName;
  regression: "" | "cpu" | "alloc";
  reports: Report[];
}

export function withRegression(
  service: ServiceConfig,
  regression: string,
  o: Pick<RealOptions, "rounds" | "warmup" | "seconds">,
): ServiceConfig {
  return {
    ...service,
    ...(o.rounds === undefined ? {} : { rounds: o.rounds }),
    ...(o.warmup === undefined ? {} : { warmupSeconds: o.warmup }),
    load: o.seconds === undefined ? service.load : { ...service.load, durationSeconds: o.seconds },
    env: regression === "" ? service.env : { ...service.env, FLAMEGATE_REGRESSION: regression },
  };
}

async function abOnce(
  service: ServiceConfig,
  regression: RealCell["regression"],
  o: RealOptions,
  keepAs: string,
) {
  const out = mkdtempSync(join(tmpdir(), "flamegate-eval-"));
  try {
    const cwd = fixtureDir(o.runtime);
    await runAbService(
      {
        base: { service: withRegression(service, "", o), cwd },
        head: { service: withRegression(service, regression, o), cwd },
      },
      out,
      o.log,
    );
    const report = judgeRun(out);
    if (o.keep) cpSync(out, join(o.keep, keepAs), { recursive: true });
    return report;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** One ab run's profile sets (<dir>/base, <dir>/head) compared as `ab` compares them, by the default gate. */
function judgeRun(dir: string): Report {
  return compareSets(readSide(join(dir, "base")), readSide(join(dir, "head")), DEFAULT_GATE, {
    paired: true,
  }).report;
}

export const byKind = (r: Report, kind: string): Comparison | undefined =>
  r.comparisons.find((c) => c.kind === kind);

const meanOf = (xs: (number | null | undefined)[]) => {
  const v = xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return v.length === 0 ? undefined : v.reduce((a, b) => a + b, 0) / v.length;
};

/** The noise model the A/A runs measured; components they cannot show keep the defaults. */
export function noiseFromReports(reports: Report[], label: string): NoiseModel {
  const cpu = reports.map((r) => byKind(r, "cpu")).filter((c): c is Comparison => !!c);
  const alloc = reports.map((r) => byKind(r, "alloc")).filter((c): c is Comparison => !!c);
  const priorDf = meanOf(cpu.map((c) => c.noise?.priorDf));
  // If σ² across frames ~ scaled inverse χ²(d0), Var(log σ²) = trigamma(d0/2); σ's log-SD is half its root.
  const spread = priorDf === undefined ? undefined : Math.sqrt(trigamma(priorDf / 2)) / 2;
  const requests = meanOf(cpu.map((c) => (c.base.requests ?? NaN) / c.base.rounds));
  const pick = (v: number | undefined, d: number) => (v === undefined ? d : v);
  return {
    source: label,
    cpuSamplesPerRound: pick(
      meanOf(cpu.map((c) => c.noise?.samplesPerRound)),
      DEFAULT_NOISE.cpuSamplesPerRound,
    ),
    allocSamplesPerRound: pick(
      meanOf(alloc.map((c) => c.noise?.samplesPerRound)),
      DEFAULT_NOISE.allocSamplesPerRound,
    ),
    requestsPerRound: pick(requests, DEFAULT_NOISE.requestsPerRound),
    // Two jobs on different machines: one ab run cannot show it.
    sigmaJob: DEFAULT_NOISE.sigmaJob,
    sigmaRound: pick(meanOf(cpu.map((c) => c.noise?.totalDriftSigma)), DEFAULT_NOISE.sigmaRound),
    sigmaRun: pick(meanOf(cpu.map((c) => c.noise?.totalSigma)), DEFAULT_NOISE.sigmaRun),
    sigmaFrame: pick(meanOf(cpu.map((c) => c.noise?.frameSigma)), DEFAULT_NOISE.sigmaFrame),
    sigmaFrameAlloc: pick(
      meanOf(alloc.map((c) => c.noise?.frameSigma)),
      DEFAULT_NOISE.sigmaFrameAlloc ?? DEFAULT_NOISE.sigmaFrame,
    ),
    sigmaFrameSpread: pick(spread, DEFAULT_NOISE.sigmaFrameSpread),
    sigmaFrameJob: DEFAULT_NOISE.sigmaFrameJob,
  };
}

/** One judged comparison, compact: what the A/A calibration and the README need. */
function recordLine(runtime: Runtime, cell: CellName, run: number, r: Report): string {
  return JSON.stringify({
    runtime,
    cell,
    run,
    at: new Date().toISOString(),
    verdict: r.verdict,
    comparisons: r.comparisons.map((c) => ({
      kind: c.kind,
      verdict: c.verdict,
      samplesPerRound: c.noise?.samplesPerRound,
      frameSigma: c.noise?.frameSigma,
      total: { deltaPct: c.total.deltaPct, p: c.total.p, verdict: c.total.verdict },
      mde: c.mde,
      frames: c.frames
        .filter((f) => f.pRaw !== undefined && f.untested === undefined)
        .map((f) => ({
          function: f.function,
          tested: f.tested,
          deltaPct: f.tested === "self" ? f.self.deltaPct : f.cum.deltaPct,
          pRaw: f.pRaw,
          verdict: f.verdict,
        })),
    })),
  });
}

/** Tested frames of all reports (of one kind, when given), and how many had a raw p below 0.01. */
export function pooledCalibration(
  reports: Report[],
  kind?: string,
): { tested: number; below01: number } {
  let tested = 0;
  let below01 = 0;
  for (const c of reports.flatMap((r) => r.comparisons)) {
    if (kind !== undefined && c.kind !== kind) continue;
    for (const f of c.frames) {
      if (f.untested !== undefined || f.pRaw === undefined) continue;
      tested++;
      if (f.pRaw < 0.01) below01++;
    }
  }
  return { tested, below01 };
}

function calibrationLine(reports: Report[]): string {
  const part = (kind?: string) => {
    const { tested, below01 } = pooledCalibration(reports, kind);
    return `${below01} of ${tested}${tested === 0 ? "" : ` (${pct(below01 / tested)})`}`;
  };
  return `A/A pooled frame p-values below 0.01: ${part()} tested frames (calibrated when ≤ 1 %); cpu ${part("cpu")}, alloc ${part("alloc")}`;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function tableRow(cell: RealCell): string {
  const n = cell.reports.length;
  const kind = cell.regression === "alloc" ? "alloc" : "cpu";
  const fails = cell.reports.filter((r) =>
    cell.regression === "" ? r.verdict === "fail" : byKind(r, kind)?.verdict === "fail",
  ).length;
  const warns = cell.reports.filter((r) => r.verdict === "warn").length;
  const [lo, hi] = wilsonInterval(fails, n);
  const top = cell.reports
    .map((r) => byKind(r, kind)?.frames[0])
    .map((f) => (f ? `${f.function} ${f.cum.deltaPct?.toFixed(1) ?? "new"} % (${f.verdict})` : "–"))
    .join("; ");
  const measure = cell.regression === "" ? "gate fails" : `${kind} comparison fails`;
  const mde = meanOf(cell.reports.map((r) => byKind(r, kind)?.mde.deltaPct));
  return `| ${cell.name} | ${n} | ${measure} | ${pct(fails / n)} | ${pct(lo)} – ${pct(hi)} | ${pct(warns / n)} | ${mde?.toFixed(1) ?? "–"} % | ${top} |`;
}

export async function runReal(o: RealOptions): Promise<{ table: string; noise: NoiseModel }> {
  const service = (await loadFixtureConfig(o.runtime)).services[0];
  if (!service) throw new Error(`the ${o.runtime} fixture config names no service`);
  const cells = newCells().slice(0, o.aaOnly ? 1 : 3);
  for (let i = 0; i < o.pairs; i++) {
    for (const cell of cells) {
      o.log(`${cell.name} ${i + 1}/${o.pairs}`);
      const keepAs = `${keptName(cell)}-${i + 1}`;
      const report = await abOnce(service, cell.regression, o, keepAs);
      cell.reports.push(report);
      if (o.record)
        appendFileSync(o.record, `${recordLine(o.runtime, cell.name, i + 1, report)}\n`);
      o.log(`${cell.name} ${i + 1}/${o.pairs}: ${report.verdict}`);
    }
  }
  const fp = runnerFingerprint();
  const noise = noiseFromReports(
    cells[0]!.reports,
    `real A/A ab runs of the ${o.runtime} fixture (${o.pairs} × ${o.rounds ?? service.rounds} rounds of ${o.seconds ?? service.load.durationSeconds} s per side), ${new Date().toISOString().slice(0, 10)}, ${fp.cpuModel} × ${fp.cores} cores; sigmaJob and sigmaFrameJob are defaults (one machine cannot show them)`,
  );
  writeFileSync(noiseFile(o.runtime), `${JSON.stringify(noise, null, 2)}\n`);
  return { table: realTable(cells), noise };
}

/**
 * `npm run eval -- --rejudge DIR [--record FILE]`: the profile sets an earlier
 * `--real --keep DIR` run kept, judged again by the current default gate (and
 * appended to `record` as --real does). The captures are the same real rounds,
 * so a change of the statistics is measured on them without new noise.
 */
export function rejudgeKept(dir: string, log: (line: string) => void, record?: string): string {
  const cells = newCells();
  for (const cell of cells) {
    const prefix = `${keptName(cell)}-`;
    const runs = readdirSync(dir)
      .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
      .filter((n) => existsSync(join(dir, n, "base")) && existsSync(join(dir, n, "head")))
      .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
    for (const run of runs) {
      const report = judgeRun(join(dir, run));
      cell.reports.push(report);
      const runtime = report.comparisons[0]?.runtime;
      if (record && isRuntime(runtime))
        appendFileSync(
          record,
          `${recordLine(runtime, cell.name, Number(run.slice(prefix.length)), report)}\n`,
        );
      log(`${run}: ${report.verdict}`);
    }
  }
  return realTable(cells.filter((c) => c.reports.length > 0));
}

const isRuntime = (s: string | undefined): s is Runtime =>
  (RUNTIMES as readonly (string | undefined)[]).includes(s);

function newCells(): RealCell[] {
  return [
    { name: "A/A", regression: "", reports: [] },
    { name: "A/B cpu", regression: "cpu", reports: [] },
    { name: "A/B alloc", regression: "alloc", reports: [] },
  ];
}

/** The kept run directories of a cell are <keptName>-<run>, e.g. a-b-cpu-3. */
const keptName = (cell: RealCell) => cell.name.replace(/\W+/g, "-").toLowerCase();

function realTable(cells: RealCell[]): string {
  const table = [
    "| cell | ab runs | measure | rate | 95 % CI (Wilson) | warn verdicts | MDE at 5 % share | top frame of each run |",
    "|---|---:|---|---:|---|---:|---:|---|",
    ...cells.map(tableRow),
  ].join("\n");
  const aa = cells.find((c) => c.regression === "");
  return aa ? `${table}\n\n${calibrationLine(aa.reports)}` : table;
}
