import { FlamegateError } from "../../errors.js";
import type { ActionContext, ActionEvent } from "../context.js";
import type { Deps } from "../engine.js";
import type { ActionInputs } from "../inputs.js";
import { Flow } from "./flow.js";
import { measureFlow } from "./measure.js";
import type { Outcome } from "./publish.js";
import { pullRequestFlow } from "./pull-request.js";
import { pushFlow } from "./push.js";
import { reportFlow } from "./report.js";

export type { Outcome } from "./publish.js";

/**
 * The action's flows, one file each (docs/action.md says what each reads and
 * with which token):
 *  push (gate)          measure -> upload flamegate-<service>-<sha> -> compare with the previous one (summary)
 *  pull_request (gate)  measure (or rerun: ab against the merge-base) -> baseline -> compare
 *                       -> upload head + report -> sticky comment -> summary -> outputs
 *  pull_request (measure, fork-safe)  measure -> upload with manifest.pullRequest; no token use
 *  workflow_run (report, fork-safe)   download that run's sets (untrusted) -> check the PR -> compare -> comment
 */

const eventName = (e: ActionEvent) => (e.name === "other" ? e.raw : e.name);

/** pull_request_target hands the PR's code a write token and the secrets: never measured there. */
const TARGET_REFUSAL =
  "flamegate does not run on pull_request_target: that event gives the job a write token and the repository's secrets while the profiled service runs the pull request's code, so any PR could read them; use pull_request, and for pull requests from forks the fork-safe two-workflow setup (mode: measure + mode: report, docs/action.md)";

export async function runAction(
  inputs: ActionInputs,
  ctx: ActionContext,
  deps: Deps,
): Promise<Outcome> {
  const flow = new Flow(inputs, ctx, deps);
  const e = ctx.event;
  switch (inputs.mode) {
    case "measure":
      if (e.name === "pull_request" && e.target) throw new FlamegateError(TARGET_REFUSAL);
      if (e.name !== "pull_request")
        throw new FlamegateError(
          `mode 'measure' runs on pull_request events (the fork-safe first half), not on ${eventName(e)}`,
        );
      return measureFlow(flow, e);
    case "report":
      if (e.name !== "workflow_run")
        throw new FlamegateError(
          `mode 'report' runs on workflow_run events (the fork-safe second half), not on ${eventName(e)}`,
        );
      return reportFlow(flow, e);
    case "gate":
      if (e.name === "push") return pushFlow(flow, e.branch);
      if (e.name === "pull_request" && e.target) throw new FlamegateError(TARGET_REFUSAL);
      if (e.name === "pull_request") return pullRequestFlow(flow, e);
      throw new FlamegateError(
        `mode 'gate' runs on push and pull_request events, not on ${eventName(e)}; for workflow_run use mode: report`,
      );
  }
}
