#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  SERVICE_LOG,
  assembleProfileSet,
  buildService,
  runRounds,
  withOwnPorts
} from "./chunk-SMSBL2ZI.js";
import {
  compareSets,
  needsStacks,
  readSide,
  renderSummary,
  writeReportFiles
} from "./chunk-BZNKWF7U.js";
import {
  ReadBudget,
  loadConfig,
  writeProfileSet
} from "./chunk-QVMRSD7E.js";
import {
  FlamegateError
} from "./chunk-NLRHZH6U.js";

// src/cli/ab.ts
import { randomInt } from "node:crypto";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";

// src/report/changed.ts
import { execFileSync } from "node:child_process";
var norm = (p) => p.replace(/\\/g, "/").replace(/^(\.\/|\/)+/, "");
function inChangedFile(file, changed) {
  if (file === "") return false;
  const f = norm(file);
  return changed.some((c) => {
    const p = norm(c);
    if (p === "") return false;
    return f === p || f.endsWith(`/${p}`) || p.endsWith(`/${f}`);
  });
}
function markChanged(report, changed) {
  const mark = (f) => inChangedFile(f.file, changed) ? { ...f, changed: true } : f;
  return {
    ...report,
    changedFiles: changed.length,
    comparisons: report.comparisons.map((c) => ({ ...c, frames: c.frames.map(mark) }))
  };
}
function changedFilesBetween(baseDir, headDir) {
  const git = (cwd, args) => execFileSync("git", ["-C", cwd, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    timeout: 3e4
  }).trim();
  try {
    const base = git(baseDir, ["rev-parse", "HEAD"]);
    const mergeBase = git(headDir, ["merge-base", base, "HEAD"]);
    const out = git(headDir, ["diff", "--name-only", "--no-renames", mergeBase]);
    return out === "" ? [] : out.split("\n");
  } catch {
    return null;
  }
}

// src/cli/ab.ts
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
  const { rounds, pairing } = sides.base.service;
  const simultaneous = pairing === "simultaneous";
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
  const writeSets = (results2) => {
    for (const side of ["base", "head"]) {
      const set = assembleProfileSet(sides[side].service, results2[side], {
        cwd: sides[side].cwd,
        ref: side,
        serviceLog: SERVICE_LOG
      });
      writeProfileSet(dirs[side], set);
    }
  };
  const services = {
    base: sides.base.service,
    head: sides.head.service
  };
  if (simultaneous) {
    const own = await withOwnPorts(sides.head.service);
    if (own.moved.size === 0)
      throw new FlamegateError(
        `services.${name}: pairing is simultaneous, which runs the head beside the base on ports of its own, but ready, pprof and load.url name no port to move; write the port in them (http://127.0.0.1:8080/healthz) or set pairing: sequential`
      );
    services.head = own.service;
    const moved = [...own.moved].map(([from, to]) => `${to} for ${from}`).join(", ");
    log(
      `${name}: base and head run at the same time in each round (pairing: simultaneous); the head on port ${moved}`
    );
  }
  const scheduled = (side, round) => ({
    key: side,
    service: services[side],
    options: {
      round,
      cwd: sides[side].cwd,
      logFile: logs[side],
      // The round logs its own notes through this.
      log: (l) => log(`${side}: ${l}`)
    }
  });
  function* schedule() {
    for (const plan of planRounds(rounds, coin)) {
      log(
        `${name}: round ${plan.round}/${rounds}: ${simultaneous ? "base and head" : plan.order.join(" then ")}`
      );
      const both = plan.order.map((side) => scheduled(side, plan.round));
      if (simultaneous) yield both;
      else yield* both;
    }
  }
  const bySide = (m) => ({
    base: m.get("base") ?? [],
    head: m.get("head") ?? []
  });
  const results = await runRounds(schedule(), (finished) => {
    const done = bySide(finished);
    if (done.base.length === 0 || done.head.length === 0) return;
    writeSets(done);
    log(
      `${name}: a round failed; the ${done.base.length} base and ${done.head.length} head rounds before it are written to ${dirs.base} and ${dirs.head}`
    );
  });
  writeSets(bySide(results));
}
function abReportPaths(values, outDir) {
  return {
    json: resolve(values.json ?? join(outDir, "report.json")),
    markdown: resolve(values.markdown ?? join(outDir, "report.md")),
    html: resolve(values.html ?? join(outDir, "report.html"))
  };
}
async function abCommand(values) {
  const baseDir = directory("--base-dir", values.baseDir);
  const headDir = directory("--head-dir", values.headDir);
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
  const paths = abReportPaths(values, outDir);
  const budget = new ReadBudget();
  const compared = compareSets(
    readSide(join(outDir, "base"), budget),
    readSide(join(outDir, "head"), budget),
    config.gate,
    { paired: true, stacks: needsStacks(paths) }
  );
  const { warnings, stacks } = compared;
  const changed = changedFilesBetween(baseDir, headDir);
  const report = changed ? markChanged(compared.report, changed) : compared.report;
  for (const w of warnings) log(`warning: ${w}`);
  const written = await writeReportFiles(report, stacks, paths, "flamegate ab");
  process.stdout.write(renderSummary(report, { stacks }));
  process.stdout.write(`
flamegate ab: wrote ${written.join(", ")}
`);
  return report.verdict === "fail" ? 1 : 0;
}

export {
  markChanged,
  planRounds,
  sideCwd,
  runAbService,
  abReportPaths,
  abCommand
};
