import { parseArgs } from "node:util";
import { wilsonInterval } from "../src/compare/stats/wilson.js";
import { loadNoise } from "./noise.js";
import { type CellResult, formatTable, offlineCells, runCell } from "./offline.js";

/**
 * npm run eval [-- --scale F --seed N]: the offline evaluation of the gate
 * (docs/statistics.md). Exit code 1 when an acceptance check fails.
 */
const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    seed: { type: "string", default: "20261125" },
  },
});
const scale = Number(values.scale);
const seed = Number(values.seed);
if (!(scale > 0) || !Number.isInteger(seed)) {
  process.stderr.write("eval: --scale must be a positive number and --seed a whole number\n");
  process.exit(2);
}

const noise = loadNoise();
process.stdout.write(`noise model: ${JSON.stringify(noise, null, 1)}\n\n`);
const results: CellResult[] = offlineCells(scale).map((cell, i) => {
  const r = runCell(cell, noise, seed + i);
  process.stderr.write(`.`);
  return r;
});
process.stderr.write("\n");
process.stdout.write(`${formatTable(results)}\n\n`);

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
for (const r of results.filter((x) => x.cell.measure === "wrong-frame")) {
  const [, hi] = wilsonInterval(r.hits, r.cell.trials);
  checks.push({
    what: `${r.cell.name}: ${r.hits} of ${r.cell.trials} (upper 95 % bound ${(hi * 100).toFixed(2)} %)`,
    ok: r.hits === 0,
  });
}
for (const c of checks) process.stdout.write(`${c.ok ? "ok  " : "FAIL"} ${c.what}\n`);
process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
