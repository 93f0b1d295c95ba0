import { join } from "node:path";
import type { GateConfig, ServiceConfig } from "../../config.js";
import type { Report } from "../../compare/types.js";
import { REPORT_SCHEMA } from "../../compare/types.js";
import { FlamegateError } from "../../errors.js";
import {
  type ArtifactInfo,
  artifactUrl,
  baselineArtifactName,
  downloadArtifactTo,
  listArtifactsNamed,
  listArtifactsWithPrefix,
  safeNamePart,
  serviceArtifactPrefix,
} from "../../github/artifacts.js";
import { type BaselineChoice, chooseBaseline } from "../../github/baseline.js";
import { mergeBase } from "../../github/pulls.js";
import { type ProfileSetOnDisk, readProfileSetDir } from "../../model/profile-set-read.js";
import { mergeReports } from "../decide.js";
import type { ServiceComparison } from "../engine.js";
import { type Flow, type Link, short } from "./flow.js";

/** A stored baseline: the profile set, why it was chosen, and its link. */
export interface StoredBaseline {
  set: ProfileSetOnDisk;
  choice: BaselineChoice;
  link: Link;
}

/** One service's profile sets: its head, and the stored baseline to compare with when one was found. */
export interface ServiceSets {
  service: ServiceConfig;
  head: ProfileSetOnDisk;
  baseline: StoredBaseline | null;
}

/** Where the PR forked from its base: the compare API, else the event's base sha. */
export async function mergeBaseOf(flow: Flow, baseSha: string, headSha: string): Promise<string> {
  return (await mergeBase(flow.octokit, flow.repo, baseSha, headSha)) ?? baseSha;
}

/**
 * The stored baseline of `service` for a change into `baseRef` forked at
 * `mergeBaseSha`: the artifact at the merge-base, else the newest on the
 * branch (github/baseline.ts decides). Downloaded as untrusted data.
 */
export async function findBaseline(
  flow: Flow,
  service: ServiceConfig,
  baseRef: string,
  mergeBaseSha: string | null,
  excludeSha: string | null = null,
): Promise<StoredBaseline | null> {
  let candidates: ArtifactInfo[] = [];
  if (mergeBaseSha !== null)
    candidates = await listArtifactsNamed(
      flow.octokit,
      flow.repo,
      baselineArtifactName(service.name, mergeBaseSha),
    );
  let choice = chooseBaseline(candidates, service.name, baseRef, mergeBaseSha, excludeSha);
  if (!choice) {
    candidates = await listArtifactsWithPrefix(
      flow.octokit,
      flow.repo,
      serviceArtifactPrefix(service.name),
    );
    choice = chooseBaseline(candidates, service.name, baseRef, mergeBaseSha, excludeSha);
  }
  if (!choice) return null;
  const dir = join(flow.out, "base", `${safeNamePart(service.name)}-${choice.artifact.id}`);
  await downloadArtifactTo(flow.octokit, flow.repo, choice.artifact, dir);
  const set = readProfileSetDir(dir);
  if (set.manifest.service !== service.name)
    throw new FlamegateError(
      `baseline artifact ${choice.artifact.name} holds service '${set.manifest.service}', not '${service.name}'`,
    );
  const link = {
    label: `baseline ${service.name} @ ${short(choice.artifact.headSha ?? "")}`,
    url: artifactUrl(flow.ctx.serverUrl, flow.repo, choice.artifact.runId ?? 0, choice.artifact.id),
  };
  return { set, choice, link };
}

/** The preface line that says which baseline `sets` was compared with, and on what kind of runner. */
export function describeBaseline(
  flow: Flow,
  sets: ServiceSets,
  baseRef: string,
  mergeBaseSha: string | null,
): void {
  const name = sets.service.name;
  if (!sets.baseline) {
    flow.preface.push(
      `${name}: no baseline found on ${baseRef} (no unexpired flamegate-${name}-<sha> artifact from a push); the check passes and this run's profiles are uploaded.`,
    );
    return;
  }
  const c = sets.baseline.choice;
  const sha = short(c.artifact.headSha ?? "");
  const where =
    c.match === "merge-base"
      ? `the merge-base ${sha} on ${baseRef}`
      : `the newest stored baseline on ${baseRef}, ${sha} (${mergeBaseSha ? `the merge-base ${short(mergeBaseSha)} has none` : "merge-base unknown"})`;
  const runner =
    sets.baseline.set.manifest.runner?.id === sets.head.manifest.runner?.id
      ? "same kind of runner"
      : "a different kind of runner: CPU figures carry machine noise, allocation figures hold";
  flow.preface.push(`${name}: compared with ${where}; ${runner}.`);
}

/** Compares each service that has a baseline; none at all is the "no-baseline" report. */
export async function compareWithBaselines(
  flow: Flow,
  all: ServiceSets[],
  gate: GateConfig,
): Promise<{ report: Report; parts: ServiceComparison[] }> {
  const parts: ServiceComparison[] = [];
  for (const sets of all) {
    if (sets.baseline)
      parts.push(await flow.deps.engine.compare(sets.baseline.set.dir, sets.head.dir, gate));
  }
  const report: Report =
    parts.length === 0
      ? { schema: REPORT_SCHEMA, verdict: "no-baseline", comparisons: [] }
      : mergeReports(parts.map((p) => p.report));
  return { report, parts };
}
