import { join } from "node:path";
import { baselineArtifactName } from "../../github/artifacts.js";
import {
  compareWithBaselines,
  describeBaseline,
  findBaseline,
  type ServiceSets,
} from "./baseline.js";
import type { Flow } from "./flow.js";
import { type Outcome, publish } from "./publish.js";

/**
 * Push to a branch (also workflow_dispatch, schedule): measure, store the set
 * as the baseline `flamegate-<service>-<sha>`, and compare with the previous
 * baseline on the branch for the summary. Never fails the step: the change is
 * merged already and two stored runs differ by runner noise; the gate is the
 * pull request's.
 */
export async function pushFlow(flow: Flow, branch: string | null): Promise<Outcome> {
  const all: ServiceSets[] = [];
  for (const service of flow.inputs.config.services) {
    const head = await flow.measure(
      service,
      join(flow.out, "head"),
      branch ?? flow.ctx.sha,
      service.cwd,
    );
    await flow.upload(
      baselineArtifactName(service.name, flow.ctx.sha),
      head.dir,
      `profiles ${service.name}`,
    );
    const baseline =
      branch === null ? null : await findBaseline(flow, service, branch, null, flow.ctx.sha);
    if (baseline) flow.links.push(baseline.link);
    all.push({ service, head, baseline });
  }
  if (branch === null)
    flow.preface.push("Not on a branch: profiles uploaded, nothing to compare with.");
  else for (const sets of all) describeBaseline(flow, sets, branch, null);
  const compared = await compareWithBaselines(flow, all, flow.gate);
  return { ...(await publish(flow, compared, flow.ctx.sha, null)), failure: null };
}
