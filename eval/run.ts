import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { RUNTIMES, type Runtime } from "../src/config.js";
import { loadNoise } from "./noise.js";
import { type CellResult, formatTable, mdeTable, offlineCells, runCell } from "./offline.js";
import { LEVERS, leverTable, readLeverRecords, runLever } from "./levers.js";
import { looks, looksTable } from "./looks.js";
import {
  ISSUE_VARIANTS,
  issueCells,
  leverCells,
  leverTableOf,
  runLeverCells,
  splitTable,
} from "./gate-levers.js";
import { rejudgeKept, runReal } from "./real.js";
import {
  type ArmRecord,
  DUET_DESIGNS,
  type DuetDesign,
  armsTable,
  rejudgeArms,
  runArms,
} from "./arms.js";

/**
 * npm run eval [-- --scale F --seed N --noise FILE]: the offline evaluation of the gate
 * (docs/statistics.md). Exit code 1 when an acceptance check fails.
 *
 * npm run eval -- --real [--runtime node|go|python] [--pairs N] [--rounds K]
 *   [--seconds S] [--warmup S] [--aa] [--record FILE] [--keep DIR]:
 * the fixture service through ab on this machine, A/A and A/B (--aa: A/A
 * only), judged by the default gate; appends every comparison to FILE
 * (JSON lines), keeps every run's profile sets under DIR (to judge them
 * again) and writes the measured noise to eval/noise-<runtime>.json,
 * which the offline mode reads with --noise.
 *
 * npm run eval -- --real --lever perf|perfhz|perf1k|oscpu [--ab-cpu] [--runtime …] [--pairs N]
 *   [--rounds K] [--seconds S] [--record FILE]: one capture lever, before and
 *   after interleaved in pairs of ab runs (A/A, or the fixture's CPU
 *   regression with --ab-cpu), side by side (eval/levers.ts).
 * npm run eval -- --levers FILE…: the side-by-side table of recorded lever runs.
 *
 * npm run eval -- --gate-levers [--noise FILE] [--cpu-samples N] [--scale F] [--seed N]:
 * the gate-side levers before and after, on the same simulated rounds (eval/gate-levers.ts);
 * with --issue, the threshold and alpha levers on issue 19's cases;
 * with --split HZ, rounds × window splits of one 100 s capture budget per side instead.
 *
 * npm run eval -- --arms [--runtime go|node|python] [--pairs N] --keep DIR [--record FILE]:
 * N runs of eight interleaved arms of the fixture at the default budget (A/A and the
 * issue-19 regressions, eval/arms.ts), every arm kept under DIR and every comparison
 * appended to FILE; with --duets compare|aa|ab|cases, a duet design instead (compare: each pair's
 * sides at the same time against back to back; aa: four A/A pairs side by side; ab: every
 * case side by side, two A/A and two hottest +10 % a run; cases: the A/B cases twice and one
 * A/A; eval/arms.ts captureDuets). npm run eval -- --arms-table FILE…: their table;
 * npm run eval -- --rejudge-arms DIR [--record FILE]: every kept run judged again.
 *
 * npm run eval -- --looks DIR… [--record FILE]: lever 6 (an adaptive budget) on kept duet
 * runs: a first look at 5 rounds that stops on a fail or a decided pass, against the fixed
 * budget, on the same rounds (eval/looks.ts).
 *
 * npm run eval -- --rejudge DIR [--record FILE]: the profile sets kept by
 * --keep DIR, judged again by the current default gate (same real rounds,
 * current statistics), each appended to FILE as --real does.
 */
const { values, positionals } = parseArgs({
  // --levers FILE FILE …, --looks DIR DIR …: the files or directories after the first.
  allowPositionals: true,
  options: {
    scale: { type: "string", default: "1" },
    seed: { type: "string", default: "20261125" },
    real: { type: "boolean", default: false },
    runtime: { type: "string", default: "node" },
    pairs: { type: "string", default: "1" },
    rounds: { type: "string" },
    seconds: { type: "string" },
    warmup: { type: "string" },
    aa: { type: "boolean", default: false },
    record: { type: "string" },
    keep: { type: "string" },
    rejudge: { type: "string" },
    arms: { type: "boolean", default: false },
    duets: { type: "string" },
    "arms-table": { type: "string" },
    "rejudge-arms": { type: "string" },
    looks: { type: "string" },
    lever: { type: "string" },
    "ab-cpu": { type: "boolean", default: false },
    levers: { type: "string" },
    // Simulate with the noise in this file (e.g. eval/noise-go.json from a real run); else the defaults.
    noise: { type: "string" },
    "gate-levers": { type: "boolean", default: false },
    // With --gate-levers: the threshold and alpha levers on issue 19's cases instead.
    issue: { type: "boolean", default: false },
    // With --gate-levers: rounds × window splits of one budget instead, at this many CPU samples a second.
    split: { type: "string" },
    // CPU samples per round in the simulation, instead of the noise model's.
    "cpu-samples": { type: "string" },
  },
});

if (values.arms) {
  const runtime = values.runtime;
  const runs = Number(values.pairs);
  if (
    !(RUNTIMES as readonly string[]).includes(runtime) ||
    !(Number.isInteger(runs) && runs > 0) ||
    (values.duets !== undefined && !Object.keys(DUET_DESIGNS).includes(values.duets)) ||
    values.keep === undefined
  ) {
    process.stderr.write(
      "eval: --arms needs --keep DIR, --runtime node, go or python, --pairs a whole number > 0, and --duets (if given) compare, aa, ab or cases\n",
    );
    process.exit(2);
  }
  const recs = await runArms({
    runtime: runtime as Runtime,
    runs,
    ...(values.duets === undefined ? {} : { duets: values.duets as DuetDesign }),
    keep: values.keep,
    ...(values.record === undefined ? {} : { record: values.record }),
    log: (line) => process.stderr.write(`eval: ${line}\n`),
  });
  process.stdout.write(`${armsTable(recs)}\n`);
  process.exit(0);
}
if (values["arms-table"] !== undefined) {
  const files = [values["arms-table"], ...positionals];
  const recs = files.flatMap((f) =>
    readFileSync(f, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as ArmRecord),
  );
  process.stdout.write(`${armsTable(recs)}\n`);
  process.exit(0);
}
if (values["rejudge-arms"] !== undefined) {
  const { records, calibration } = rejudgeArms(values["rejudge-arms"], values.record);
  process.stdout.write(`${armsTable(records)}\n\n${calibration.join("\n")}\n`);
  process.exit(0);
}
/** The option's path and the positionals after it; exits 2 naming the first that does not exist. */
function existingPaths(option: string, first: string, hint: string): string[] {
  const paths = [first, ...positionals];
  const missing = paths.find((p) => !existsSync(p));
  if (missing !== undefined) {
    process.stderr.write(`eval: --${option} ${missing}: ${hint}\n`);
    process.exit(2);
  }
  return paths;
}

if (values.looks !== undefined) {
  const dirs = existingPaths(
    "looks",
    values.looks,
    "no such directory (give --keep directories of --duets runs)",
  );
  const recs = looks(dirs, (line) => process.stderr.write(`eval: ${line}\n`), values.record);
  process.stdout.write(`${looksTable(recs)}\n`);
  process.exit(0);
}
if (values.rejudge !== undefined) {
  if (!existsSync(values.rejudge)) {
    process.stderr.write(
      `eval: --rejudge ${values.rejudge}: no such directory (give a --keep directory)\n`,
    );
    process.exit(2);
  }
  const table = rejudgeKept(
    values.rejudge,
    (line) => process.stderr.write(`eval: ${line}\n`),
    values.record,
  );
  process.stdout.write(`${table}\n`);
  process.exit(0);
}

if (values.levers !== undefined) {
  const files = existingPaths(
    "levers",
    values.levers,
    "no such file (give --record files of --lever runs)",
  );
  process.stdout.write(`${leverTable(files.flatMap(readLeverRecords))}\n`);
  process.exit(0);
}

if (values.real) {
  const runtime = values.runtime;
  const pairs = Number(values.pairs);
  const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
  if (
    !(RUNTIMES as readonly string[]).includes(runtime) ||
    !(Number.isInteger(pairs) && pairs > 0)
  ) {
    process.stderr.write(
      "eval: --runtime must be node, go or python and --pairs a whole number > 0\n",
    );
    process.exit(2);
  }
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 2)) {
    process.stderr.write("eval: --rounds must be a whole number ≥ 2\n");
    process.exit(2);
  }
  const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
  const warmup = values.warmup === undefined ? undefined : Number(values.warmup);
  if ((seconds !== undefined && !(seconds >= 1)) || (warmup !== undefined && !(warmup >= 0))) {
    process.stderr.write("eval: --seconds must be ≥ 1 and --warmup ≥ 0\n");
    process.exit(2);
  }
  if (values.lever !== undefined) {
    if (!(values.lever in LEVERS)) {
      process.stderr.write(`eval: --lever must be one of ${Object.keys(LEVERS).join(", ")}\n`);
      process.exit(2);
    }
    const table = await runLever({
      lever: values.lever,
      runtime: runtime as Runtime,
      pairs,
      regression: values["ab-cpu"] ? "cpu" : "",
      ...(values.record === undefined ? {} : { record: values.record }),
      ...(rounds === undefined ? {} : { rounds }),
      ...(seconds === undefined ? {} : { seconds }),
      ...(warmup === undefined ? {} : { warmup }),
      log: (line) => process.stderr.write(`eval: ${line}\n`),
    });
    process.stdout.write(`${table}\n`);
    process.exit(0);
  }
  const { table, noise } = await runReal({
    runtime: runtime as Runtime,
    pairs,
    aaOnly: values.aa,
    ...(values.record === undefined ? {} : { record: values.record }),
    ...(values.keep === undefined ? {} : { keep: values.keep }),
    ...(rounds === undefined ? {} : { rounds }),
    ...(seconds === undefined ? {} : { seconds }),
    ...(warmup === undefined ? {} : { warmup }),
    log: (line) => process.stderr.write(`eval: ${line}\n`),
  });
  process.stdout.write(
    `${table}\n\nnoise measured (written to eval/noise-${runtime}.json): ${JSON.stringify(noise, null, 1)}\n`,
  );
  process.exit(0);
}
const scale = Number(values.scale);
const seed = Number(values.seed);
if (!(scale > 0) || !Number.isInteger(seed)) {
  process.stderr.write("eval: --scale must be a positive number and --seed a whole number\n");
  process.exit(2);
}

const cpuSamples = values["cpu-samples"] === undefined ? undefined : Number(values["cpu-samples"]);
if (cpuSamples !== undefined && !(cpuSamples >= 1)) {
  process.stderr.write("eval: --cpu-samples must be a number ≥ 1\n");
  process.exit(2);
}
const noise = {
  ...loadNoise(values.noise),
  ...(cpuSamples === undefined ? {} : { cpuSamplesPerRound: cpuSamples }),
};
if (values["gate-levers"] && values.split !== undefined) {
  const perSecond = Number(values.split);
  if (!(perSecond >= 1)) {
    process.stderr.write("eval: --split must be CPU samples per second ≥ 1\n");
    process.exit(2);
  }
  process.stdout.write(
    `noise model: ${JSON.stringify(noise, null, 1)}\nseed ${seed}, scale ${scale}\n\n${splitTable(noise, perSecond, seed, scale)}\n`,
  );
  process.exit(0);
}
if (values["gate-levers"] && values.issue) {
  const cells = issueCells(scale);
  const hits = runLeverCells(cells, noise, seed, ISSUE_VARIANTS);
  process.stdout.write(
    `noise model: ${JSON.stringify(noise, null, 1)}\nseed ${seed}, scale ${scale}\n\n${leverTableOf(cells, hits, ISSUE_VARIANTS)}\n`,
  );
  process.exit(0);
}
if (values["gate-levers"]) {
  const cells = leverCells(scale);
  const hits = runLeverCells(cells, noise, seed);
  process.stdout.write(
    `noise model: ${JSON.stringify(noise, null, 1)}\nseed ${seed}, scale ${scale}\n\n${leverTableOf(cells, hits)}\n`,
  );
  process.exit(0);
}
process.stdout.write(`noise model: ${JSON.stringify(noise, null, 1)}\n\n`);
const results: CellResult[] = offlineCells(scale).map((cell, i) => {
  const r = runCell(cell, noise, seed + i);
  process.stderr.write(`.`);
  return r;
});
process.stderr.write("\n");
process.stdout.write(`${formatTable(results)}\n\n`);
process.stdout.write(
  `What a budget can detect (median MDEs of simulated A/A ab runs, 80 % power):\n\n${mdeTable(noise)}\n\n`,
);

/** The acceptance checks of the verdict issue, judged on the Wilson interval's point estimate. */
const checks: { what: string; ok: boolean }[] = [];
for (const r of results.filter((x) => x.cell.measure === "false-alarm")) {
  const rate = r.hits / r.cell.trials;
  checks.push({
    what: `${r.cell.name}: gate failures ${(rate * 100).toFixed(2)} % ≤ 0.5 %`,
    ok: rate <= 0.005,
  });
  if (r.pooledP > 0) {
    const below = r.pBelow01 / r.pooledP;
    checks.push({
      what: `${r.cell.name}: pooled frame p < 0.01 in ${(below * 100).toFixed(2)} % ≤ 1 %`,
      ok: below <= 0.01,
    });
  }
}
// A frame that did not change may still fail at the A/A rate (its own noise); the
// improvement must not add to that: the compositional effect is what is checked.
for (const r of results.filter((x) => x.cell.measure === "wrong-frame")) {
  const rate = r.hits / r.cell.trials;
  checks.push({
    what: `${r.cell.name}: ${r.hits} of ${r.cell.trials} (${(rate * 100).toFixed(2)} %) ≤ 0.5 %, the A/A bound`,
    ok: rate <= 0.005,
  });
}
for (const c of checks) process.stdout.write(`${c.ok ? "ok  " : "FAIL"} ${c.what}\n`);
process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
