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

/** Largest file fileAt reads, in bytes: a config file, not a data set. */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The text of `path` (relative to the repository root) at commit `ref`, from
 * GET /repos/{o}/{r}/contents/{path}?ref= (raw); null when the commit has no
 * such file (404). GitHub answers, so nothing in the job's checkout can
 * change it.
 */
export async function fileAt(
  octokit: Octokit,
  repo: RepoRef,
  path: string,
  ref: string,
): Promise<string | null> {
  const r = await apiCallOr404(
    `GET /repos/${repo.owner}/${repo.repo}/contents/${path}?ref=${ref}`,
    () => octokit.rest.repos.getContent({ ...repo, path, ref, mediaType: { format: "raw" } }),
  );
  if (r === null) return null;
  // GitHub serves raw contents as text/plain; octokit hands that over as a string, other types as bytes.
  const raw: unknown = r.data;
  const data =
    typeof raw === "string"
      ? raw
      : raw instanceof ArrayBuffer || raw instanceof Uint8Array
        ? Buffer.from(raw as Uint8Array).toString("utf8")
        : null;
  if (data === null)
    throw new FlamegateError(
      `${path} at ${ref.slice(0, 7)} is not a file (GitHub lists a folder there)`,
    );
  if (Buffer.byteLength(data) > MAX_FILE_BYTES)
    throw new FlamegateError(
      `${path} at ${ref.slice(0, 7)} is over ${MAX_FILE_BYTES} bytes; is it the config file?`,
    );
  return data;
}

/** GitHub lists at most this many files of a pull request; past it we stop asking. */
export const MAX_PR_FILES = 3000;

/**
 * The paths a pull request changes, from GET /repos/{o}/{r}/pulls/{n}/files,
 * 100 a page, following the Link header up to MAX_PR_FILES entries (renamed
 * files under both names); null when GitHub does not list them (404).
 */
export async function pullFiles(
  octokit: Octokit,
  repo: RepoRef,
  n: number,
): Promise<string[] | null> {
  const files = await apiCallOr404(`GET /repos/${repo.owner}/${repo.repo}/pulls/${n}/files`, () => {
    let seen = 0;
    return octokit.paginate(
      octokit.rest.pulls.listFiles,
      { ...repo, pull_number: n, per_page: 100 },
      (response, done) => {
        seen += response.data.length;
        // A server that lists more than GitHub's cap still gets no request past it.
        if (seen >= MAX_PR_FILES) done();
        return response.data;
      },
    );
  });
  if (files === null) return null;
  return files
    .slice(0, MAX_PR_FILES)
    .flatMap((f) => (f.previous_filename ? [f.filename, f.previous_filename] : [f.filename]));
}
