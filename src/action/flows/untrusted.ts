import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { FlamegateError } from "../../errors.js";
import type { ArtifactInfo } from "../../github/artifacts.js";
import type { ProfileSetOnDisk } from "../../model/profile-set-read.js";
import type { WorkflowRunEvent } from "../context.js";
import { short } from "./flow.js";

/**
 * The checks on a measuring run's artifact in mode report. The run executed
 * the PR's code, so everything in the artifact is untrusted data: its
 * manifest must claim the PR its name carries, at the head the run measured,
 * for the service it is filed under.
 */

const pullRequestClaim = z.object({
  pullRequest: z.object({
    number: z.number().int().positive(),
    headSha: z.string().regex(/^[0-9a-f]{40}$/),
  }),
});

/** manifest.pullRequest of an untrusted head set (the reader already capped the manifest's size). */
function readPullRequest(
  manifestPath: string,
  artifact: string,
): { number: number; headSha: string } {
  const parsed = pullRequestClaim.safeParse(JSON.parse(readFileSync(manifestPath, "utf8")));
  if (!parsed.success)
    throw new FlamegateError(
      `artifact ${artifact}: manifest.pullRequest is missing or malformed; was it made by mode: measure?`,
    );
  return parsed.data.pullRequest;
}

/**
 * The PR number `head` (downloaded from `artifact`, named for PR `named`)
 * belongs to, once its claims match the name, the run and the service.
 */
export function checkedPullRequest(
  artifact: ArtifactInfo,
  named: number,
  head: ProfileSetOnDisk,
  service: string,
  run: WorkflowRunEvent,
  seen: number | null,
): number {
  const claimed = readPullRequest(join(head.dir, "manifest.json"), artifact.name);
  if (
    claimed.number !== named ||
    claimed.headSha !== run.headSha ||
    head.manifest.service !== service
  )
    throw new FlamegateError(
      `artifact ${artifact.name}: its manifest says PR #${claimed.number} at ${claimed.headSha} for '${head.manifest.service}', which does not match the artifact's name and run (${short(run.headSha)}); not commenting`,
    );
  if (run.pullRequests.length > 0 && !run.pullRequests.includes(claimed.number))
    throw new FlamegateError(
      `artifact ${artifact.name}: PR #${claimed.number} is not among the run's pull requests (${run.pullRequests.join(", ")})`,
    );
  if (seen !== null && seen !== claimed.number)
    throw new FlamegateError(
      `run ${run.runId} holds profiles for two PRs (#${seen} and #${claimed.number})`,
    );
  return claimed.number;
}
