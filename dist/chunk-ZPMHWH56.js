#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  runAbService
} from "./chunk-P3GFI7QY.js";
import {
  withOwnPorts
} from "./chunk-SMSBL2ZI.js";
import {
  packageRoot
} from "./chunk-7RDH22UK.js";
import {
  compareSets,
  flameSvgsFor,
  htmlFor,
  markdownFor,
  readSide,
  renderJson,
  renderSummary
} from "./chunk-BZNKWF7U.js";
import {
  ReadBudget,
  parseConfig,
  require_dist
} from "./chunk-QVMRSD7E.js";
import {
  DEMO_BUDGET,
  FlamegateError,
  __toESM
} from "./chunk-NLRHZH6U.js";

// src/cli/demo.ts
import { rmSync, writeFileSync } from "node:fs";
import { join as join2, resolve } from "node:path";

// src/session/fixtures.ts
var import_yaml = __toESM(require_dist(), 1);
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
function fixtureDir(runtime) {
  return join(packageRoot(), "fixtures", "services", runtime);
}
async function loadFixtureConfig(runtime) {
  const dir = fixtureDir(runtime);
  const file = join(dir, "flamegate.yml");
  if (!existsSync(file))
    throw new FlamegateError(
      `${file}: the ${runtime} fixture service is missing from this flamegate package; reinstall it`
    );
  const config = parseConfig((0, import_yaml.parse)(readFileSync(file, "utf8")), file, dir);
  const services = [];
  for (const service of config.services) services.push((await withOwnPorts(service)).service);
  return { ...config, services };
}

// src/cli/demo.ts
var DEFAULT_OUT = "flamegate-demo";
async function demoCommand(values) {
  const out = resolve(values.out ?? DEFAULT_OUT);
  const log = (line) => process.stderr.write(`flamegate demo: ${line}
`);
  const config = await loadFixtureConfig("node");
  const fixed = config.services[0];
  if (!fixed) throw new FlamegateError(`${config.source}: the Node fixture defines no service`);
  const fixture = {
    ...fixed,
    rounds: values.rounds ?? DEMO_BUDGET.rounds,
    load: fixed.load.type === "builtin" ? { ...fixed.load, durationSeconds: DEMO_BUDGET.durationSeconds } : fixed.load
  };
  const regression = {
    FLAMEGATE_REGRESSION: "both",
    FLAMEGATE_REGRESSION_PCT: String(DEMO_BUDGET.regressionPct)
  };
  const started = performance.now();
  log(
    `base = ${fixture.start} in ${fixtureDir("node")}; head = the same with FLAMEGATE_REGRESSION=both (+${DEMO_BUDGET.regressionPct} % in checksum); ${fixture.rounds} rounds each, ${fixture.warmupSeconds} s warm-up, ${fixture.load.type === "builtin" ? `${fixture.load.durationSeconds} s` : "the load command"} captured`
  );
  for (const side of ["base", "head"]) rmSync(join2(out, side), { recursive: true, force: true });
  const head = { ...fixture, env: { ...fixture.env, ...regression } };
  await runAbService(
    {
      base: { service: fixture, cwd: fixtureDir("node") },
      head: { service: head, cwd: fixtureDir("node") }
    },
    out,
    log
  );
  const sides = [join2(out, "base"), join2(out, "head")];
  const budget = new ReadBudget();
  const { report, stacks, warnings } = compareSets(
    readSide(sides[0], budget),
    readSide(sides[1], budget),
    config.gate,
    { stacks: true, paired: true }
  );
  for (const w of warnings) log(`warning: ${w}`);
  const files = [
    ["report.json", renderJson(report)],
    ["report.md", markdownFor(report, stacks)],
    ["report.html", htmlFor(report, stacks, "flamegate demo")]
  ];
  const svgs = flameSvgsFor(report, stacks);
  for (const f of svgs) files.push([`flame.${f.kind}.svg`, f.svg]);
  const headline = svgs.find((f) => f.headline);
  if (headline) files.push(["flame.svg", headline.svg]);
  for (const [name, text] of files) writeFileSync(join2(out, name), text);
  process.stdout.write(renderSummary(report, { stacks }));
  process.stdout.write(
    `
flamegate demo: ${((performance.now() - started) / 1e3).toFixed(0)} s; wrote ${sides.map((s) => `${s}/`).join(", ")} and ${files.map(([n]) => n).join(", ")} to ${out}
`
  );
  return report.verdict === "fail" ? 1 : 0;
}
export {
  demoCommand
};
