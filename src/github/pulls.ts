import { FlamegateError } from "../errors.js";
import { apiCall, apiCallOr404, type Octokit, type RepoRef } from "./api.js";

/** Pull request facts from the REST API (fork-safe report mode cross-checks with them). */

export interface PullInfo {
  number: number;
  headSha: string;
  baseRef: string;
  baseSha: string;
}

export async function getPull(octokit: Octokit, repo: RepoRef, n: number): Promise<PullInfo> {
  const { data } = await apiCall(`GET /repos/${repo.owner}/${repo.repo}/pulls/${n}`, () =>
    octokit.rest.pulls.get({ ...repo, pull_number: n }),
  );
  return {
    number: data.number,
    headSha: data.head.sha,
    baseRef: data.base.ref,
    baseSha: data.base.sha,
  };
}

/**
 * The merge-base of `base` and `head` from GET /repos/{o}/{r}/compare/{base}...{head}
 * (merge_base_commit.sha); null when GitHub does not know one of them (404).
 */
export async function mergeBase(
  octokit: Octokit,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<string | null> {
  const r = await apiCallOr404(
    `GET /repos/${repo.owner}/${repo.repo}/compare/${base}...${head}`,
    () =>
      octokit.rest.repos.compareCommitsWithBasehead({
        ...repo,
        basehead: `${base}...${head}`,
        per_page: 1,
      }),
  );
  const sha = r?.data.merge_base_commit.sha;
  if (r && !sha) throw new FlamegateError(`GitHub API compare ${base}...${head}: no merge base`);
  return sha ?? null;
}
