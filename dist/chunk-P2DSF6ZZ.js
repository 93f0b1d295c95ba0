#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  needsStacks,
  writeReportFiles
} from "./chunk-KUSF6KAR.js";
import {
  SERVICE_LOG,
  assembleProfileSet,
  buildService,
  runRound
} from "./chunk-G45YGDW3.js";
import {
  compareSets,
  readSide,
  renderSummary
} from "./chunk-FPAJZUQI.js";
import {
  loadConfig,
  writeProfileSet
} from "./chunk-27IXE333.js";
import {
  FlamegateError
} from "./chunk-QMCRCNTE.js";

// src/cli/ab.ts
import { randomInt } from "node:crypto";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
function planRounds(rounds, coin) {
  return Array.from({ length: rounds }, (_, i) => ({
    round: i + 1,
    order: coin() ? ["head", "base"] : ["base", "head"]
  }));
}
function sideCwd(service, configDir, sideDir) {
  const rel = relative(configDir, service.cwd);
  if (rel.startsWith("..") || isAbsolute(rel))
    throw new FlamegateError(
      `services.${service.name}.cwd: '${service.cwd}' is outside the config's folder (${configDir}); ab runs each side's copy of it, so give cwd relative to the config file`
    );
  return join(sideDir, rel);
}
function directory(flag, path) {
  if (!path) throw new FlamegateError(`${flag} DIR is required`);
  const abs = resolve(path);
  let ok = false;
  try {
    ok = statSync(abs).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new FlamegateError(`${flag} '${path}' is not a directory`);
  return abs;
}
async function runAbService(sides, outDir, log, coin = () => randomInt(2) === 1) {
  const name = sides.base.service.name;
  const rounds = sides.base.service.rounds;
  const dirs = {
    base: join(outDir, "base", name),
    head: join(outDir, "head", name)
  };
  const logs = {
    base: join(dirs.base, SERVICE_LOG),
    head: join(dirs.head, SERVICE_LOG)
  };
  for (const side of ["base", "head"]) {
    mkdirSync(dirs[side], { recursive: true });
    writeFileSync(logs[side], "");
    await buildService(
      sides[side].service,
      sides[side].cwd,
      (l) => log(`${side}: ${l}`),
      logs[side]
    );
  }
  const results = { base: [], head: [] };
  for (const plan of planRounds(rounds, coin)) {
    log(`${name}: round ${plan.round}/${rounds}: ${plan.order.join(" then ")}`);
    for (const side of plan.order) {
      const r = await runRound(sides[side].service, {
        round: plan.round,
        cwd: sides[side].cwd,
        logFile: logs[side],
        log: (l) => log(`${side}: ${l}`)
      });
      for (const n of r.notes) log(`${side}: ${n}`);
      results[side].push(r);
    }
  }
  for (const side of ["base", "head"]) {
    const set = assembleProfileSet(sides[side].service, results[side], {
      cwd: sides[side].cwd,
      ref: side,
      serviceLog: SERVICE_LOG
    });
    writeProfileSet(dirs[side], set);
  }
}
async function abCommand(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      "base-dir": { type: "string" },
      "head-dir": { type: "string" },
      config: { type: "string" },
      out: { type: "string" },
      json: { type: "string" },
      markdown: { type: "string" },
      html: { type: "string" }
    },
    strict: true,
    allowPositionals: false
  });
  const baseDir = directory("--base-dir", values["base-dir"]);
  const headDir = directory("--head-dir", values["head-dir"]);
  if (!values.config)
    throw new FlamegateError("--config FILE is required (the path of your flamegate.yml)");
  if (!values.out)
    throw new FlamegateError("--out DIR is required (where both sides' profile sets go)");
  const configPath = resolve(values.config);
  const config = loadConfig(configPath);
  if (config.services.length === 0)
    throw new FlamegateError(`${config.source}: no services defined; add one under 'services:'`);
  const configDir = dirname(configPath);
  const outDir = resolve(values.out);
  const log = (line) => process.stderr.write(`flamegate ab: ${line}
`);
  for (const service of config.services) {
    await runAbService(
      {
        base: { service, cwd: sideCwd(service, configDir, baseDir) },
        head: { service, cwd: sideCwd(service, configDir, headDir) }
      },
      outDir,
      log
    );
  }
  const paths = { json: values.json, markdown: values.markdown, html: values.html };
  const { report, warnings, stacks } = compareSets(
    readSide(join(outDir, "base")),
    readSide(join(outDir, "head")),
    config.gate,
    { paired: true, stacks: needsStacks(paths) }
  );
  for (const w of warnings) log(`warning: ${w}`);
  await writeReportFiles(report, stacks, paths, "flamegate ab");
  process.stdout.write(renderSummary(report));
  return report.verdict === "fail" ? 1 : 0;
}

export {
  planRounds,
  sideCwd,
  runAbService,
  abCommand
};
