import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAbService } from "../src/cli/ab.js";
import { compareSets } from "../src/compare/compare.js";
import { readSide } from "../src/compare/inputs.js";
import { trigamma } from "../src/compare/stats/polygamma.js";
import { wilsonInterval } from "../src/compare/stats/wilson.js";
import type { Comparison, Report } from "../src/compare/types.js";
import type { Runtime, ServiceConfig } from "../src/config.js";
import { fixtureDir, loadFixtureConfig } from "../src/session/fixtures.js";
import { runnerFingerprint } from "../src/session/fingerprint.js";
import { NOISE_FILE } from "./noise.js";
import { DEFAULT_NOISE, type NoiseModel } from "./simulate.js";

/**
 * The real evaluation: the fixture service of one runtime, run by `ab`'s
 * own runAbService on this machine, base and head interleaved and paired,
 * in A/A (the same build on both sides) and A/B (the head with
 * FLAMEGATE_REGRESSION=cpu or alloc, the fixture's known regression), then
 * compared by the real compare stage. Prints the same kind of table as the
 * offline mode, and writes the noise the A/A runs measured to
 * eval/noise.json for the offline simulation.
 */

export interface RealOptions {
  runtime: Runtime;
  /** ab runs per cell. */
  pairs: number;
  /** Rounds per side in each ab run (default: the fixture's own). */
  rounds?: number;
  log: (line: string) => void;
}

type CellName = "A/A" | "A/B cpu" | "A/B alloc";

interface RealCell {
  name: CellName;
  regression: "" | "cpu" | "alloc";
  reports: Report[];
}

function withRegression(
  service: ServiceConfig,
  regression: string,
  rounds?: number,
): ServiceConfig {
  return {
    ...service,
    ...(rounds === undefined ? {} : { rounds }),
    env: regression === "" ? service.env : { ...service.env, FLAMEGATE_REGRESSION: regression },
  };
}

async function abOnce(service: ServiceConfig, regression: RealCell["regression"], o: RealOptions) {
  const out = mkdtempSync(join(tmpdir(), "flamegate-eval-"));
  try {
    const cwd = fixtureDir(o.runtime);
    await runAbService(
      {
        base: { service: withRegression(service, "", o.rounds), cwd },
        head: { service: withRegression(service, regression, o.rounds), cwd },
      },
      out,
      o.log,
    );
    const { report } = compareSets(
      readSide(join(out, "base")),
      readSide(join(out, "head")),
      {
        ...(await loadFixtureConfig(o.runtime)).gate,
      },
      { paired: true },
    );
    return report;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const byKind = (r: Report, kind: string): Comparison | undefined =>
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
  const cells: RealCell[] = [
    { name: "A/A", regression: "", reports: [] },
    { name: "A/B cpu", regression: "cpu", reports: [] },
    { name: "A/B alloc", regression: "alloc", reports: [] },
  ];
  for (let i = 0; i < o.pairs; i++) {
    for (const cell of cells) {
      o.log(`${cell.name} ${i + 1}/${o.pairs}`);
      cell.reports.push(await abOnce(service, cell.regression, o));
    }
  }
  const fp = runnerFingerprint();
  const noise = noiseFromReports(
    cells[0]!.reports,
    `real A/A ab runs of the ${o.runtime} fixture (${o.pairs} × ${o.rounds ?? service.rounds} rounds per side), ${new Date().toISOString().slice(0, 10)}, ${fp.cpuModel} × ${fp.cores} cores; sigmaJob and sigmaFrameJob are defaults (one machine cannot show them)`,
  );
  writeFileSync(NOISE_FILE, `${JSON.stringify(noise, null, 2)}\n`);
  const table = [
    "| cell | ab runs | measure | rate | 95 % CI (Wilson) | warn verdicts | MDE at 5 % share | top frame of each run |",
    "|---|---:|---|---:|---|---:|---:|---|",
    ...cells.map(tableRow),
  ].join("\n");
  return { table, noise };
}
