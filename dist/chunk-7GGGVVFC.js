#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  SERVICE_LOG,
  assembleProfileSet,
  freePort,
  runRounds
} from "./chunk-NSHXN4PR.js";
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
} from "./chunk-OQZGWTY3.js";
import {
  ReadBudget,
  parseConfig,
  require_dist,
  writeProfileSet
} from "./chunk-K2WKMCY7.js";
import {
  DEMO_BUDGET,
  FlamegateError,
  __toESM
} from "./chunk-PBW5ETMY.js";

// src/cli/demo.ts
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
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
  let text = readFileSync(file, "utf8");
  const ports = new Set([...text.matchAll(/127\.0\.0\.1:(\d{2,5})\b/g)].map((m) => m[1] ?? ""));
  for (const port of ports) {
    text = text.replace(new RegExp(`\\b${port}\\b`, "g"), String(await freePort()));
  }
  return parseConfig((0, import_yaml.parse)(text), file, dir);
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
  const sides = [
    { name: "base", service: fixture, dir: join2(out, "base") },
    {
      name: "head",
      service: { ...fixture, env: { ...fixture.env, ...regression } },
      dir: join2(out, "head")
    }
  ];
  for (const side of sides) {
    rmSync(side.dir, { recursive: true, force: true });
    mkdirSync(join2(side.dir, fixture.name), { recursive: true });
    writeFileSync(join2(side.dir, fixture.name, SERVICE_LOG), "");
  }
  const started = performance.now();
  log(
    `base = ${fixture.start} in ${fixtureDir("node")}; head = the same with FLAMEGATE_REGRESSION=both (+${DEMO_BUDGET.regressionPct} % in checksum); ${fixture.rounds} rounds each, ${fixture.warmupSeconds} s warm-up, ${fixture.load.type === "builtin" ? `${fixture.load.durationSeconds} s` : "the load command"} captured`
  );
  const schedule = Array.from({ length: fixture.rounds }, (_, i) => i + 1).flatMap(
    (round) => (round % 2 === 1 ? sides : [...sides].reverse()).map((side) => ({
      key: side.name,
      service: side.service,
      options: {
        round,
        logFile: join2(side.dir, fixture.name, SERVICE_LOG),
        log: (line) => log(`${side.name}: ${line}`)
      }
    }))
  );
  const results = await runRounds(schedule);
  for (const side of sides) {
    const set = assembleProfileSet(side.service, results.get(side.name) ?? [], {
      cwd: fixtureDir("node"),
      ref: side.name,
      serviceLog: SERVICE_LOG
    });
    writeProfileSet(join2(side.dir, fixture.name), set);
  }
  const budget = new ReadBudget();
  const { report, stacks, warnings } = compareSets(
    readSide(sides[0].dir, budget),
    readSide(sides[1].dir, budget),
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
flamegate demo: ${((performance.now() - started) / 1e3).toFixed(0)} s; wrote ${sides.map((s) => `${s.dir}/`).join(", ")} and ${files.map(([n]) => n).join(", ")} to ${out}
`
  );
  return report.verdict === "fail" ? 1 : 0;
}
export {
  demoCommand
};
