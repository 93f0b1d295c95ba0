import { join } from "node:path";
import type { ServiceConfig } from "../../config.js";
import { prArtifactName } from "../../github/artifacts.js";
import type { PullRequestEvent } from "../context.js";
import { mergeReports } from "../decide.js";
import {
  type ServiceSets,
  type StoredBaseline,
  compareWithBaselines,
  describeBaseline,
  findBaseline,
  mergeBaseOf,
} from "./baseline.js";
import { baseGate } from "./base-gate.js";
import type { Flow } from "./flow.js";
import { type Outcome, publish } from "./publish.js";
import { rerun } from "./rerun.js";

/**
 * pull_request in gate mode: measure (or, with baseline rerun, measure base
 * and head here) -> baseline -> compare -> upload head + report -> sticky
 * comment -> summary -> outputs.
 */
export async function pullRequestFlow(flow: Flow, pr: PullRequestEvent): Promise<Outcome> {
  const mergeBaseSha = await mergeBaseOf(flow, pr.baseSha, pr.headSha);
  flow.gate = await baseGate(flow, mergeBaseSha);
  const all: ServiceSets[] = [];
  const reruns: ServiceConfig[] = [];
  for (const service of flow.inputs.config.services) {
    if (flow.inputs.baseline === "rerun") {
      reruns.push(service);
      continue;
    }
    const baseline = await findBaseline(flow, service, pr.baseRef, mergeBaseSha);
    if (flow.inputs.baseline === "auto" && autoReruns(flow, service, baseline)) {
      reruns.push(service);
      continue;
    }
    if (baseline) flow.links.push(baseline.link);
    const head = await flow.measure(
      service,
      join(flow.out, "head"),
      `pr-${pr.number}`,
      service.cwd,
    );
    await flow.upload(
      prArtifactName(service.name, pr.headSha, pr.number),
      head.dir,
      `profiles ${service.name}`,
    );
    const sets = { service, head, baseline };
    all.push(sets);
    describeBaseline(flow, sets, pr.baseRef, mergeBaseSha);
  }
  let { report, parts } = await compareWithBaselines(flow, all, flow.gate);
  if (reruns.length > 0) {
    const ab = await rerun(flow, reruns, mergeBaseSha, pr);
    parts = [...parts, ...ab];
    // A service without a stored baseline contributes "no-baseline", which any ab verdict outranks.
    report = mergeReports([report, ...ab.map((p) => p.report)]);
  }
  return publish(flow, { report, parts }, pr.headSha, { pr: pr.number, headSha: pr.headSha });
}

/** baseline: auto measures both sides here when there is no stored baseline or it came from another kind of runner. */
function autoReruns(flow: Flow, service: ServiceConfig, baseline: StoredBaseline | null): boolean {
  const why = !baseline
    ? "no stored baseline"
    : baseline.set.manifest.runner?.id !== flow.deps.engine.fingerprint().id
      ? "the stored baseline came from a different kind of runner"
      : null;
  if (!why) return false;
  flow.deps.log(`${service.name}: baseline auto -> rerun (${why})`);
  flow.preface.push(
    `${service.name}: ${why}; measured base and head in this job instead (baseline: rerun).`,
  );
  return true;
}
