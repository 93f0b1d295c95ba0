import { join } from "node:path";
import { FlamegateError } from "../../errors.js";
import {
  artifactUrl,
  downloadArtifactTo,
  listRunArtifacts,
  prNumberOf,
  safeNamePart,
} from "../../github/artifacts.js";
import { getPull } from "../../github/pulls.js";
import { readProfileSetDir } from "../../model/profile-set-read.js";
import type { WorkflowRunEvent } from "../context.js";
import {
  type ServiceSets,
  compareWithBaselines,
  describeBaseline,
  findBaseline,
  mergeBaseOf,
} from "./baseline.js";
import { type Flow, short } from "./flow.js";
import { type Outcome, nothingToDo, publish } from "./publish.js";
import { checkedPullRequest } from "./untrusted.js";

/** The PR the measuring run's artifacts belong to, as GitHub has it now. */
interface Target {
  pr: number;
  baseRef: string;
  mergeBaseSha: string;
}

/**
 * Fork-safe, second half (mode report, on workflow_run): the measuring run's
 * artifacts are untrusted data (untrusted.ts checks them); compare them with
 * the base branch's baselines and comment on the PR they claim, once GitHub
 * confirms that PR's head is the commit the run measured.
 */
export async function reportFlow(flow: Flow, run: WorkflowRunEvent): Promise<Outcome> {
  const listed = await listRunArtifacts(flow.octokit, flow.repo, run.runId);
  const all: ServiceSets[] = [];
  let target: Target | null = null;
  for (const service of flow.inputs.config.services) {
    const found = listed
      .map((a) => ({ artifact: a, named: prNumberOf(a.name, service.name, run.headSha) }))
      .find((x) => x.named !== null);
    if (!found || found.named === null) {
      flow.preface.push(
        `${service.name}: run ${run.runId} uploaded no profiles for ${short(run.headSha)}.`,
      );
      continue;
    }
    const { artifact, named } = found;
    const dir = join(flow.out, "head", `${safeNamePart(service.name)}-${artifact.id}`);
    await downloadArtifactTo(flow.octokit, flow.repo, artifact, dir);
    const head = readProfileSetDir(dir);
    const pr = checkedPullRequest(artifact, named, head, service.name, run, target?.pr ?? null);
    if (target === null) {
      const pull = await getPull(flow.octokit, flow.repo, pr);
      if (pull.headSha !== run.headSha) {
        const note = `PR #${pull.number} has moved on to ${short(pull.headSha)}; run ${run.runId} measured ${short(run.headSha)}: not commenting (the newer run will).`;
        flow.deps.log(note);
        return nothingToDo("no-baseline", `### flamegate\n\n${note}\n`);
      }
      target = {
        pr: pull.number,
        baseRef: pull.baseRef,
        mergeBaseSha: await mergeBaseOf(flow, pull.baseSha, run.headSha),
      };
    }
    flow.links.push({
      label: `profiles ${service.name}`,
      url: artifactUrl(flow.ctx.serverUrl, flow.repo, run.runId, artifact.id),
    });
    const baseline = await findBaseline(flow, service, target.baseRef, target.mergeBaseSha);
    if (baseline) flow.links.push(baseline.link);
    const sets = { service, head, baseline };
    all.push(sets);
    describeBaseline(flow, sets, target.baseRef, target.mergeBaseSha);
  }
  if (target === null)
    throw new FlamegateError(
      `workflow run ${run.runId} (${short(run.headSha)}) uploaded no flamegate profile sets for a pull request; is its workflow using mode: measure?`,
    );
  const compared = await compareWithBaselines(flow, all, flow.gate);
  return publish(flow, compared, run.headSha, { pr: target.pr, headSha: run.headSha });
}
