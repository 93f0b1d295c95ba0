import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ServiceConfig } from "../config.js";
import {
  type Manifest,
  PROFILE_SET_SCHEMA,
  type ProfileSet,
  writeProfileSet,
} from "../model/profile-set.js";
import { gitCommit, runnerFingerprint } from "./fingerprint.js";
import { runToCompletion } from "./process.js";
import { runRounds } from "./pipeline.js";
import type { RoundResult } from "./round.js";

/**
 * A whole run of one service: build once, then `rounds` rounds (a fresh
 * process each), then the profile set on disk:
 * OUT/<service>/manifest.json, r<round>.<kind>.pb.gz and service.log.
 * When a round fails, the rounds before it are written before the error
 * goes up.
 */

export interface RunServiceOptions {
  /** Profile sets go to OUT/<service>/. */
  outDir: string;
  /** Label for the manifest, e.g. a branch name or "base"; the commit comes from git. */
  ref?: string;
  /** Directory build and start run in (default service.cwd). */
  cwd?: string;
  /** Overrides service.rounds. */
  rounds?: number;
  log: (line: string) => void;
}

/** Name of the service's output file inside the profile set. */
export const SERVICE_LOG = "service.log";

/** Runs the optional `build` command once, in `cwd`; its output goes to `logFile` too. */
export async function buildService(
  service: ServiceConfig,
  cwd: string,
  log: (line: string) => void,
  logFile?: string,
): Promise<void> {
  if (!service.build) return;
  log(`${service.name}: building: ${service.build}`);
  if (logFile)
    writeFileSync(logFile, `=== flamegate: build: ${service.build} (in ${cwd}) ===\n`, {
      flag: "a",
    });
  const { seconds } = await runToCompletion(`service '${service.name}': build`, service.build, {
    cwd,
    env: { ...process.env, ...service.env },
    ...(logFile ? { logFile } : {}),
  });
  log(`${service.name}: built in ${seconds.toFixed(1)} s`);
}

const REDACTED = "<redacted>";

/** The service config as stored in the manifest: env and header values redacted (keys kept). */
export function redactedConfig(service: ServiceConfig): unknown {
  const redact = (o: Record<string, string>) =>
    Object.fromEntries(Object.keys(o).map((k) => [k, REDACTED]));
  return {
    ...service,
    env: redact(service.env),
    load:
      service.load.type === "builtin"
        ? { ...service.load, headers: redact(service.load.headers) }
        : service.load,
  };
}

/** Builds the in-memory profile set (manifest + profiles) from finished rounds. */
export function assembleProfileSet(
  service: ServiceConfig,
  rounds: RoundResult[],
  meta: { cwd: string; ref?: string; serviceLog?: string },
): ProfileSet {
  const commit = gitCommit(meta.cwd);
  const created = new Date().toISOString();
  const manifest: Manifest = {
    schema: PROFILE_SET_SCHEMA,
    service: service.name,
    runtime: service.runtime,
    runtimeVersion: rounds[0]?.runtimeVersion ?? "unknown",
    ref: meta.ref ?? null,
    commit,
    created,
    runner: runnerFingerprint(),
    unitOfWork: service.load.type === "builtin" ? "request" : "second",
    config: redactedConfig(service),
    rounds: rounds.map((r) => r.record),
    labels: {
      service: service.name,
      commit: commit ?? meta.ref ?? "unknown",
      runtime: service.runtime,
      timestamp: created,
    },
    ...(meta.serviceLog ? { serviceLog: meta.serviceLog } : {}),
  };
  return { manifest, profiles: rounds.map((r) => r.profiles) };
}

/** build -> rounds -> profile set written under OUT/<service>/; returns it. */
export async function runService(
  service: ServiceConfig,
  opts: RunServiceOptions,
): Promise<ProfileSet> {
  const cwd = opts.cwd ?? service.cwd;
  const dir = join(opts.outDir, service.name);
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, SERVICE_LOG);
  writeFileSync(logFile, "");
  await buildService(service, cwd, opts.log, logFile);
  const rounds = opts.rounds ?? service.rounds;
  const write = (results: RoundResult[]) => {
    const set = assembleProfileSet(service, results, {
      cwd,
      ...(opts.ref === undefined ? {} : { ref: opts.ref }),
      serviceLog: SERVICE_LOG,
    });
    writeProfileSet(dir, set);
    return set;
  };
  const schedule = Array.from({ length: rounds }, (_, i) => ({
    key: service.name,
    service,
    options: { round: i + 1, cwd, logFile, log: opts.log },
  }));
  const results = await runRounds(schedule, (finished) => {
    // The rounds already done cost minutes: they stay on disk for a look or a re-run.
    const done = finished.get(service.name) ?? [];
    if (done.length === 0) return;
    write(done);
    opts.log(
      `${service.name}: round ${done.length + 1} failed; the ${done.length} round${done.length === 1 ? "" : "s"} before it ${done.length === 1 ? "is" : "are"} written to ${dir} (a profile set with fewer rounds than asked for)`,
    );
  });
  const set = write(results.get(service.name) ?? []);
  opts.log(`${service.name}: profile set written to ${dir}`);
  return set;
}
