import { GitHubApiError, apiCall, apiCallOr404, type Octokit, type RepoRef } from "./api.js";

/**
 * The one sticky PR comment: found by a hidden HTML marker on its first line,
 * updated in place. Only comments written by the token's own identity whose
 * body starts with the marker are ours: anyone can type the marker into a
 * comment, and a token with `pull-requests: write` may edit or delete any
 * comment on the PR, so adopting by the marker alone would let another user
 * have the report written into a comment they can edit afterwards, or have a
 * maintainer's comment that quotes the marker deleted. Two jobs racing (both
 * list, find nothing, both create) end with one comment: after creating, a
 * job lists again, keeps the oldest of ours, writes its body there and
 * deletes the newer ones.
 */

export interface StickyComment {
  id: number;
  url: string;
  action: "created" | "updated";
}

/** Who the token writes as: its login, and its account id when the API reported one. */
export interface TokenIdentity {
  login: string;
  id: number | null;
}

/** The job's GITHUB_TOKEN writes as this bot (REST `user.login` of its comments). */
export const ACTIONS_BOT: TokenIdentity = { login: "github-actions[bot]", id: 41898282 };

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

/**
 * The identity the token writes as, from GraphQL `viewer`: REST `GET /user`
 * answers 403 for GITHUB_TOKEN and app installation tokens, `viewer` answers
 * for those and for user tokens alike (`github-actions[bot]` for
 * GITHUB_TOKEN). When GraphQL cannot be reached, the job's own bot is assumed
 * with a warning: a stricter match than any marker, which no user can post as.
 */
export async function tokenIdentity(
  octokit: Octokit,
  warn: (line: string) => void = () => undefined,
): Promise<TokenIdentity> {
  try {
    const r = await octokit.graphql<{ viewer?: { login?: unknown; databaseId?: unknown } }>(
      "query { viewer { login databaseId } }",
    );
    const login = r.viewer?.login;
    const id = r.viewer?.databaseId;
    if (typeof login === "string" && login !== "")
      return { login, id: typeof id === "number" ? id : null };
    throw new Error("no viewer.login in the answer");
  } catch (err) {
    warn(
      `cannot tell which account the token writes as (GraphQL viewer: ${err instanceof Error ? err.message : String(err)}); only comments by ${ACTIONS_BOT.login} count as flamegate's`,
    );
    return ACTIONS_BOT;
  }
}

/** Written by `me`: the same login, and the same account id when both are known. */
function writtenBy(user: { login?: string; id?: number } | null | undefined, me: TokenIdentity) {
  return user?.login === me.login && (me.id === null || user.id === undefined || user.id === me.id);
}

/** Every `<!--` after the marker line made inert, so no text in the body can pass for a marker. */
function stickyBody(line: string, body: string): string {
  const rest = body.startsWith(`${line}\n`) ? body.slice(line.length + 1) : body;
  return `${line}\n${rest.replace(/<!--/g, "<\u200b!--")}`;
}

async function listMarked(
  octokit: Octokit,
  repo: RepoRef,
  issue: number,
  marker: string,
  me: TokenIdentity,
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
    .filter((c) => writtenBy(c.user, me) && (c.body ?? "").startsWith(`${line}\n`))
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
  /** Who the token writes as; asked of the API (tokenIdentity) when not given. */
  identity?: TokenIdentity;
  /** Where a warning goes (the identity could not be asked). */
  warn?: (line: string) => void;
}

/**
 * Creates or updates our comment carrying `marker` on issue/PR `issue`.
 * Returns null when `updateOnly` and there is none. Never edits or deletes a
 * comment another account wrote, nor one that only quotes the marker.
 */
export async function upsertComment(
  octokit: Octokit,
  repo: RepoRef,
  issue: number,
  marker: string,
  body: string,
  options: UpsertOptions = {},
): Promise<StickyComment | null> {
  const me = options.identity ?? (await tokenIdentity(octokit, options.warn));
  const text = stickyBody(markerLine(marker), body);
  const existing = await listMarked(octokit, repo, issue, marker, me);
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
  const after = await listMarked(octokit, repo, issue, marker, me);
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
