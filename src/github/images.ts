import { GitHubApiError, apiCall, apiCallOr404, type Octokit, type RepoRef } from "./api.js";

/**
 * `image: branch`: GitHub has no API to attach an image to a comment, and
 * strips data: URLs and inline SVG. So the flamegraph SVG is committed to a
 * branch of its own through the git data API (blob -> tree -> commit -> ref)
 * and linked as https://github.com/<o>/<r>/blob/<sha>/<path>?raw=true, which
 * renders for everyone who can read the repository.
 *
 * Each commit's tree holds only its own image: a link names its commit, so
 * older comments keep their images, while the branch's tree does not grow
 * with every pull request (a tree on top of the last one would list every
 * image ever made, and each new commit would copy that list).
 */

export interface CommittedImage {
  commitSha: string;
  url: string;
}

async function tryCommit(
  octokit: Octokit,
  repo: RepoRef,
  branch: string,
  path: string,
  content: string,
  message: string,
): Promise<string> {
  const r = `${repo.owner}/${repo.repo}`;
  const ref = await apiCallOr404(`GET /repos/${r}/git/ref/heads/${branch}`, () =>
    octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` }),
  );
  const parent = ref?.data.object.sha ?? null;
  const blob = await apiCall(`POST /repos/${r}/git/blobs`, () =>
    octokit.rest.git.createBlob({
      ...repo,
      content: Buffer.from(content, "utf8").toString("base64"),
      encoding: "base64",
    }),
  );
  const tree = await apiCall(`POST /repos/${r}/git/trees`, () =>
    octokit.rest.git.createTree({
      ...repo,
      tree: [{ path, mode: "100644", type: "blob", sha: blob.data.sha }],
    }),
  );
  // No parent: an orphan commit, so the images branch shares no history with the code.
  const commit = await apiCall(`POST /repos/${r}/git/commits`, () =>
    octokit.rest.git.createCommit({
      ...repo,
      message,
      tree: tree.data.sha,
      parents: parent ? [parent] : [],
    }),
  );
  if (parent) {
    await apiCall(`PATCH /repos/${r}/git/refs/heads/${branch}`, () =>
      octokit.rest.git.updateRef({
        ...repo,
        ref: `heads/${branch}`,
        sha: commit.data.sha,
        force: false,
      }),
    );
  } else {
    await apiCall(`POST /repos/${r}/git/refs`, () =>
      octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: commit.data.sha }),
    );
  }
  return commit.data.sha;
}

export async function commitImage(
  octokit: Octokit,
  repo: RepoRef,
  serverUrl: string,
  options: { branch: string; path: string; content: string; message: string },
): Promise<CommittedImage> {
  const { branch, path, content, message } = options;
  let sha: string;
  try {
    sha = await tryCommit(octokit, repo, branch, path, content, message);
  } catch (err) {
    // 422: another job moved or created the branch between our read and our write; once more.
    if (!(err instanceof GitHubApiError && err.status === 422)) throw err;
    sha = await tryCommit(octokit, repo, branch, path, content, message);
  }
  const url = `${serverUrl.replace(/\/$/, "")}/${repo.owner}/${repo.repo}/blob/${sha}/${path.split("/").map(encodeURIComponent).join("/")}?raw=true`;
  return { commitSha: sha, url };
}
