import { randomInt } from "node:crypto";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { compareSets } from "../compare/compare.js";
import { readSide } from "../compare/inputs.js";
import { type ServiceConfig, loadConfig } from "../config.js";
import { FlamegateError } from "../errors.js";
import { ReadBudget } from "../import/limits.js";
import { type ProfileSet, writeProfileSet } from "../model/profile-set.js";
import { changedFilesBetween, markChanged } from "../report/changed.js";
import { renderSummary } from "../report/summary.js";
import { type ReportPaths, needsStacks, writeReportFiles } from "./report-files.js";
import {
  type RoundResult,
  SERVICE_LOG,
  assembleProfileSet,
  buildService,
  type ScheduledRound,
  runRounds,
  withOwnPorts,
} from "../session/index.js";

/**
 * flamegate ab --base-dir DIR --head-dir DIR --config FILE --out DIR
 * [--json FILE] [--markdown FILE] [--html FILE]; the reports default to
 * OUT/report.{json,md,html}.
 *
 * Runs the base (the config's commands with --base-dir as working
 * directory) and the head (--head-dir) of every service on this machine in
 * rounds, each round's two sides at the same time (pairing: simultaneous, the
 * head on ports of its own) or one after the other in an order drawn at
 * random (sequential), then compares them paired by round: the machine's
 * speed hits both sides of a pair alike, and the paired tests cancel it
 * (docs/statistics.md). Profile sets go to OUT/base and OUT/head.
 */

export type Side = "base" | "head";

export interface AbRoundPlan {
  round: number;
  /** Which side runs first in this round. */
  order: [Side, Side];
}

/** One plan per round, each order drawn independently: `coin()` true puts the head first. */
export function planRounds(rounds: number, coin: () => boolean): AbRoundPlan[] {
  return Array.from({ length: rounds }, (_, i) => ({
    round: i + 1,
    order: coin() ? ["head", "base"] : ["base", "head"],
  }));
}

/**
 * The service's working directory re-anchored on a side's tree: the config
 * names it relative to its own folder (cwd: services/api), and ab runs it in
 * the same place under --base-dir and --head-dir.
 */
export function sideCwd(service: ServiceConfig, configDir: string, sideDir: string): string {
  const rel = relative(configDir, service.cwd);
  if (rel.startsWith("..") || isAbsolute(rel))
    throw new FlamegateError(
      `services.${service.name}.cwd: '${service.cwd}' is outside the config's folder (${configDir}); ab runs each side's copy of it, so give cwd relative to the config file`,
    );
  return join(sideDir, rel);
}

function directory(flag: string, path: string | undefined): string {
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

/** What one side runs: the service as configured, and where. */
export interface AbSide {
  service: ServiceConfig;
  cwd: string;
}

/**
 * Both sides of one service: build each once, then the rounds (both sides at
 * once, or in an order drawn by `coin` in each round); profile sets written to
 * OUT/base/<service> and OUT/head/<service>. The two sides may differ in
 * more than their directory (the evaluation injects a regression through
 * the head's env), but they share the service name.
 */
export async function runAbService(
  sides: Record<Side, AbSide>,
  outDir: string,
  log: (line: string) => void,
  coin: () => boolean = () => randomInt(2) === 1,
): Promise<void> {
  const name = sides.base.service.name;
  const { rounds, pairing } = sides.base.service;
  const simultaneous = pairing === "simultaneous";
  const dirs: Record<Side, string> = {
    base: join(outDir, "base", name),
    head: join(outDir, "head", name),
  };
  const logs: Record<Side, string> = {
    base: join(dirs.base, SERVICE_LOG),
    head: join(dirs.head, SERVICE_LOG),
  };
  for (const side of ["base", "head"] as const) {
    mkdirSync(dirs[side], { recursive: true });
    writeFileSync(logs[side], "");
    await buildService(
      sides[side].service,
      sides[side].cwd,
      (l) => log(`${side}: ${l}`),
      logs[side],
    );
  }
  const writeSets = (results: Record<Side, RoundResult[]>) => {
    for (const side of ["base", "head"] as const) {
      const set: ProfileSet = assembleProfileSet(sides[side].service, results[side], {
        cwd: sides[side].cwd,
        ref: side,
        serviceLog: SERVICE_LOG,
      });
      writeProfileSet(dirs[side], set);
    }
  };
  const services: Record<Side, ServiceConfig> = {
    base: sides.base.service,
    head: sides.head.service,
  };
  if (simultaneous) {
    const own = await withOwnPorts(sides.head.service);
    if (own.moved.size === 0)
      throw new FlamegateError(
        `services.${name}: pairing is simultaneous, which runs the head beside the base on ports of its own, but ready, pprof and load.url name no port to move; write the port in them (http://127.0.0.1:8080/healthz) or set pairing: sequential`,
      );
    services.head = own.service;
    const moved = [...own.moved].map(([from, to]) => `${to} for ${from}`).join(", ");
    log(
      `${name}: base and head run at the same time in each round (pairing: simultaneous); the head on port ${moved}`,
    );
  }
  const scheduled = (side: Side, round: number): ScheduledRound<Side> => ({
    key: side,
    service: services[side],
    options: {
      round,
      cwd: sides[side].cwd,
      logFile: logs[side],
      // The round logs its own notes through this.
      log: (l) => log(`${side}: ${l}`),
    },
  });
  // A generator, so each round's progress line comes when the round starts.
  function* schedule(): Generator<ScheduledRound<Side> | ScheduledRound<Side>[]> {
    for (const plan of planRounds(rounds, coin)) {
      log(
        `${name}: round ${plan.round}/${rounds}: ${simultaneous ? "base and head" : plan.order.join(" then ")}`,
      );
      const both = plan.order.map((side) => scheduled(side, plan.round));
      if (simultaneous) yield both;
      else yield* both;
    }
  }
  const bySide = (m: Map<Side, RoundResult[]>) => ({
    base: m.get("base") ?? [],
    head: m.get("head") ?? [],
  });
  const results = await runRounds(schedule(), (finished) => {
    // The rounds already done cost minutes: they stay on disk for a look or a compare.
    const done = bySide(finished);
    if (done.base.length === 0 || done.head.length === 0) return;
    writeSets(done);
    log(
      `${name}: a round failed; the ${done.base.length} base and ${done.head.length} head rounds before it are written to ${dirs.base} and ${dirs.head}`,
    );
  });
  writeSets(bySide(results));
}

export interface AbOptions {
  baseDir?: string;
  headDir?: string;
  config?: string;
  out?: string;
  json?: string;
  markdown?: string;
  html?: string;
}

/** The three report files: each where its flag says, else OUT/report.{json,md,html}. */
export function abReportPaths(values: AbOptions, outDir: string): ReportPaths {
  return {
    json: resolve(values.json ?? join(outDir, "report.json")),
    markdown: resolve(values.markdown ?? join(outDir, "report.md")),
    html: resolve(values.html ?? join(outDir, "report.html")),
  };
}

export async function abCommand(values: AbOptions): Promise<number> {
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
  const log = (line: string) => process.stderr.write(`flamegate ab: ${line}\n`);

  for (const service of config.services) {
    await runAbService(
      {
        base: { service, cwd: sideCwd(service, configDir, baseDir) },
        head: { service, cwd: sideCwd(service, configDir, headDir) },
      },
      outDir,
      log,
    );
  }

  const paths = abReportPaths(values, outDir);
  // One reading budget for both sides, as compare has: its caps hold for the whole comparison.
  const budget = new ReadBudget();
  const compared = compareSets(
    readSide(join(outDir, "base"), budget),
    readSide(join(outDir, "head"), budget),
    config.gate,
    { paired: true, stacks: needsStacks(paths) },
  );
  const { warnings, stacks } = compared;
  // Frames in the files this change touched are marked (git diff from the merge-base).
  const changed = changedFilesBetween(baseDir, headDir);
  const report = changed ? markChanged(compared.report, changed) : compared.report;
  for (const w of warnings) log(`warning: ${w}`);
  const written = await writeReportFiles(report, stacks, paths, "flamegate ab");
  process.stdout.write(renderSummary(report, { stacks }));
  process.stdout.write(`\nflamegate ab: wrote ${written.join(", ")}\n`);
  return report.verdict === "fail" ? 1 : 0;
}
