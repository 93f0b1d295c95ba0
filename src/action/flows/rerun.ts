import { join } from "node:path";
import type { ServiceConfig } from "../../config.js";
import { prArtifactName } from "../../github/artifacts.js";
import type { PullRequestEvent } from "../context.js";
import type { ServiceComparison } from "../engine.js";
import { prepareBaseWorktree } from "../worktree.js";
import { type Flow, short } from "./flow.js";
import { withoutSecrets } from "./secret-free.js";

/**
 * `baseline: rerun`: check out the merge-base in a worktree and measure base
 * and head in interleaved rounds in this job (`flamegate ab`), both sides
 * uploaded as artifacts of the PR.
 */
export async function rerun(
  flow: Flow,
  services: ServiceConfig[],
  mergeBaseSha: string,
  pr: PullRequestEvent,
): Promise<ServiceComparison[]> {
  const worktree = await prepareBaseWorktree(
    flow.deps.git,
    flow.inputs.workingDirectory,
    mergeBaseSha,
    join(flow.out, "base-worktree"),
    flow.deps.log,
  );
  try {
    const parts: ServiceComparison[] = [];
    for (const service of services) {
      const abOut = join(flow.out, "ab");
      parts.push(
        await withoutSecrets(() =>
          flow.deps.engine.ab(service, worktree.map(service.cwd), service.cwd, abOut, flow.gate),
        ),
      );
      const name = prArtifactName(service.name, pr.headSha, pr.number);
      await flow.upload(name, join(abOut, "head", service.name), `profiles ${service.name}`);
      await flow.upload(
        `${name}-base`,
        join(abOut, "base", service.name),
        `base profiles ${service.name} @ ${short(mergeBaseSha)}`,
      );
      flow.preface.push(
        `${service.name}: base (merge-base ${short(mergeBaseSha)}) and head measured in this job, interleaved rounds (baseline: rerun).`,
      );
    }
    return parts;
  } finally {
    await worktree.remove();
  }
}
