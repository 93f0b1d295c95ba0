import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { compareSets } from "../compare/compare.js";
import { readSide } from "../compare/inputs.js";
import type { ServiceConfig } from "../config.js";
import { DEMO_BUDGET } from "../config/defaults.js";
import { FlamegateError } from "../errors.js";
import { ReadBudget } from "../import/limits.js";
import { flameSvgsFor, htmlFor, jsonFor, markdownFor } from "../report/files.js";
import { renderSummary } from "../report/summary.js";
import { fixtureDir, loadFixtureConfig } from "../session/fixtures.js";
import { runAbService } from "./ab.js";

/**
 * flamegate demo [--out DIR] [--rounds N]: needs nothing but Node. Runs the
 * bundled Node fixture service (fixtures/services/node) as the base and, as
 * the head, the same service with its known regression switched on
 * (FLAMEGATE_REGRESSION=both, DEMO_BUDGET.regressionPct % more CPU in checksum,
 * ~1.6x the bytes in buildIndex). Base and head run as `ab` runs them (each
 * round's two sides at the same time, by the fixture's pairing) and are
 * compared paired, so the shared machine's speed hits both alike. Writes both profile sets and the
 * whole report (report.json, report.md, report.html, flame*.svg) into DIR,
 * prints the summary, and exits 1 when the gate finds the regression (it should).
 */

const DEFAULT_OUT = "flamegate-demo";

export interface DemoOptions {
  out?: string;
  rounds?: number;
}

export async function demoCommand(values: DemoOptions): Promise<number> {
  const out = resolve(values.out ?? DEFAULT_OUT);
  const log = (line: string) => process.stderr.write(`flamegate demo: ${line}\n`);
  const config = await loadFixtureConfig("node");
  const fixed = config.services[0];
  if (!fixed) throw new FlamegateError(`${config.source}: the Node fixture defines no service`);
  const fixture: ServiceConfig = {
    ...fixed,
    rounds: values.rounds ?? DEMO_BUDGET.rounds,
    load:
      fixed.load.type === "builtin"
        ? { ...fixed.load, durationSeconds: DEMO_BUDGET.durationSeconds }
        : fixed.load,
  };
  const regression = {
    FLAMEGATE_REGRESSION: "both",
    FLAMEGATE_REGRESSION_PCT: String(DEMO_BUDGET.regressionPct),
  };
  const started = performance.now();
  log(
    `base = ${fixture.start} in ${fixtureDir("node")}; head = the same with FLAMEGATE_REGRESSION=both (+${DEMO_BUDGET.regressionPct} % in checksum); ${fixture.rounds} rounds each, ${fixture.warmupSeconds} s warm-up, ${fixture.load.type === "builtin" ? `${fixture.load.durationSeconds} s` : "the load command"} captured`,
  );
  // runAbService creates both folders afresh; rounds of an earlier, longer run must not linger in them.
  for (const side of ["base", "head"]) rmSync(join(out, side), { recursive: true, force: true });
  const head = { ...fixture, env: { ...fixture.env, ...regression } };
  await runAbService(
    {
      base: { service: fixture, cwd: fixtureDir("node") },
      head: { service: head, cwd: fixtureDir("node") },
    },
    out,
    log,
  );
  const sides = [join(out, "base"), join(out, "head")] as const;

  // One reading budget for both sides, as compare has: its caps hold for the whole comparison.
  const budget = new ReadBudget();
  const { report, stacks, warnings } = compareSets(
    readSide(sides[0], budget),
    readSide(sides[1], budget),
    config.gate,
    { stacks: true, paired: true },
  );
  for (const w of warnings) log(`warning: ${w}`);
  const files: Array<[string, string]> = [
    ["report.json", jsonFor(report)],
    ["report.md", markdownFor(report, stacks)],
    ["report.html", htmlFor(report, stacks, "flamegate demo")],
  ];
  const svgs = flameSvgsFor(report, stacks);
  for (const f of svgs) files.push([`flame.${f.kind}.svg`, f.svg]);
  // flame.svg: the comparison that failed first (else the first), for a quick look.
  const headline = svgs.find((f) => f.headline);
  if (headline) files.push(["flame.svg", headline.svg]);
  for (const [name, text] of files) writeFileSync(join(out, name), text);

  process.stdout.write(renderSummary(report, { stacks }));
  process.stdout.write(
    `\nflamegate demo: ${((performance.now() - started) / 1000).toFixed(0)} s; wrote ${sides.map((s) => `${s}/`).join(", ")} and ${files.map(([n]) => n).join(", ")} to ${out}\n`,
  );
  return report.verdict === "fail" ? 1 : 0;
}
