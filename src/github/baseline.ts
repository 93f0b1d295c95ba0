import { type ArtifactInfo, baselineArtifactName, serviceArtifactPrefix } from "./artifacts.js";

/**
 * Which stored profile set is the baseline of a pull request (docs/action.md,
 * "How a baseline is found"): the base branch's artifact at the merge-base commit, else the
 * newest unexpired one on the base branch. Pure: the listed artifacts in, the
 * choice out. GitHub's list order is not documented, so we sort by created_at.
 */

export interface BaselineChoice {
  artifact: ArtifactInfo;
  /** "merge-base" when it is the exact commit the PR forked from. */
  match: "merge-base" | "newest";
}

/** True when `a` is a baseline of `service` made on `branch` by this repository's own runs. */
function isBaselineOf(a: ArtifactInfo, service: string, branch: string): boolean {
  const prefix = serviceArtifactPrefix(service);
  const sha = a.name.slice(prefix.length);
  return (
    a.name.startsWith(prefix) &&
    /^[0-9a-f]{40}$/.test(sha) &&
    !a.expired &&
    a.sameRepo &&
    a.headBranch === branch &&
    // The name's commit must be the run's commit: a name alone is not proof.
    (a.headSha === null || a.headSha === sha)
  );
}

export function chooseBaseline(
  artifacts: ArtifactInfo[],
  service: string,
  baseBranch: string,
  mergeBase: string | null,
  /** Never pick the commit being measured (a push compares with the previous baseline). */
  excludeSha: string | null = null,
): BaselineChoice | null {
  const usable = artifacts
    .filter((a) => isBaselineOf(a, service, baseBranch))
    .filter((a) => excludeSha === null || a.name !== baselineArtifactName(service, excludeSha))
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id);
  if (mergeBase !== null) {
    const exact = usable.find((a) => a.name === baselineArtifactName(service, mergeBase));
    if (exact) return { artifact: exact, match: "merge-base" };
  }
  const newest = usable[0];
  return newest ? { artifact: newest, match: "newest" } : null;
}
