import { GitHubApiError, apiCall, apiCallOr404, type Octokit, type RepoRef } from "./api.js";

/**
 * The one sticky PR comment: found by a hidden HTML marker, updated in place.
 * Two jobs racing (both list, find nothing, both create) end with one
 * comment: after creating, a job lists again, keeps the oldest marked
 * comment, writes its body there and deletes the newer ones.
 */

export interface StickyComment {
  id: number;
  url: string;
  action: "created" | "updated";
}

/** The marker of the sticky comment for `key` (the comment-key input): `flamegate:<key>`. */
export function commentMarker(key: string): string {
  return `flamegate:${key}`;
}

/** The hidden line that finds our comment again: `<!-- flamegate:<key> -->`. */
export function markerLine(marker: string): string {
  return `<!-- ${marker.replace(/-->/g, "")} -->`;
}

/** A write refused with 403: the token cannot comment (fork PRs get a read-only token). */
export class CommentPermissionError extends GitHubApiError {
  constructor(err: GitHubApiError) {
    super(err.call, err.status, err.apiMessage);
    this.message =
      `cannot write the PR comment: the token lacks 'pull-requests: write' (${err.call}: HTTP ${err.status} ${err.apiMessage}). ` +
      "Add 'permissions: pull-requests: write' to the job; for pull requests from forks the token is always read-only: use the fork-safe two-workflow setup (mode: measure + mode: report, see docs/action.md).";
    this.name = "CommentPermissionError";
  }
}

interface Listed {
  id: number;
  html_url: string;
  body?: string;
}

async function listMarked(
  octokit: Octokit,
  repo: RepoRef,
  issue: number,
  marker: string,
): Promise<Listed[]> {
  const line = markerLine(marker);
  const all = await apiCall(`GET /repos/${repo.owner}/${repo.repo}/issues/${issue}/comments`, () =>
    octokit.paginate(octokit.rest.issues.listComments, {
      ...repo,
      issue_number: issue,
      per_page: 100,
    }),
  );
  return all
    .filter((c) => (c.body ?? "").includes(line))
    .map((c) => ({ id: c.id, html_url: c.html_url, body: c.body ?? "" }))
    .sort((a, b) => a.id - b.id);
}

async function write<T>(call: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await apiCall(call, fn);
  } catch (err) {
    if (err instanceof GitHubApiError && err.status === 403) throw new CommentPermissionError(err);
    throw err;
  }
}

async function update(octokit: Octokit, repo: RepoRef, id: number, body: string): Promise<string> {
  const { data } = await write(
    `PATCH /repos/${repo.owner}/${repo.repo}/issues/comments/${id}`,
    () => octokit.rest.issues.updateComment({ ...repo, comment_id: id, body }),
  );
  return data.html_url;
}

async function remove(octokit: Octokit, repo: RepoRef, ids: number[]): Promise<void> {
  for (const id of ids) {
    // 404: the other racing job deleted it first, which is the outcome we want.
    await apiCallOr404(`DELETE /repos/${repo.owner}/${repo.repo}/issues/comments/${id}`, () =>
      octokit.rest.issues.deleteComment({ ...repo, comment_id: id }),
    );
  }
}

export interface UpsertOptions {
  /** Only update a comment that already exists; never create one (comment: on-regression, passing run). */
  updateOnly?: boolean;
}

/**
 * Creates or updates the comment carrying `marker` on issue/PR `issue`.
 * Returns null when `updateOnly` and there is none.
 */
export async function upsertComment(
  octokit: Octokit,
  repo: RepoRef,
  issue: number,
  marker: string,
  body: string,
  options: UpsertOptions = {},
): Promise<StickyComment | null> {
  const line = markerLine(marker);
  const text = body.includes(line) ? body : `${line}\n${body}`;
  const existing = await listMarked(octokit, repo, issue, marker);
  const [oldest, ...newer] = existing;
  if (oldest) {
    const url = await update(octokit, repo, oldest.id, text);
    await remove(
      octokit,
      repo,
      newer.map((c) => c.id),
    );
    return { id: oldest.id, url, action: "updated" };
  }
  if (options.updateOnly) return null;
  const { data: created } = await write(
    `POST /repos/${repo.owner}/${repo.repo}/issues/${issue}/comments`,
    () => octokit.rest.issues.createComment({ ...repo, issue_number: issue, body: text }),
  );
  // Another job may have created one between our list and our create.
  const after = await listMarked(octokit, repo, issue, marker);
  const keep = after[0];
  if (!keep || keep.id === created.id) {
    await remove(
      octokit,
      repo,
      after.slice(1).map((c) => c.id),
    );
    return { id: created.id, url: created.html_url, action: "created" };
  }
  const url = keep.body === text ? keep.html_url : await update(octokit, repo, keep.id, text);
  await remove(
    octokit,
    repo,
    after.slice(1).map((c) => c.id),
  );
  return { id: keep.id, url, action: "updated" };
}
