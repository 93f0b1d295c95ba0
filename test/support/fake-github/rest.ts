import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { downloadUrl } from "./artifact-service.js";
import { page, readBody, sendError, sendJson } from "./http.js";
import type {
  FakeAccount,
  FakeArtifact,
  FakeComment,
  FakePull,
  FakePullFile,
  FakeState,
  GitObject,
} from "./state.js";

/**
 * The REST endpoints flamegate (and @actions/artifact's findBy paths) call,
 * with GitHub's response shapes, pagination Link headers and error bodies.
 * One repository: `owner/name` given at start; other repositories are 404.
 */

interface Ctx {
  state: FakeState;
  /** The account the request's token writes as. */
  account: FakeAccount;
  baseUrl: string;
  serverUrl: string;
  repo: string;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path under /repos/<owner>/<name>, e.g. /issues/7/comments */
  sub: string;
  json: () => Promise<Record<string, unknown>>;
}

function restArtifact(c: Ctx, a: FakeArtifact) {
  const api = `${c.baseUrl}/repos/${c.repo}/actions/artifacts/${a.id}`;
  return {
    id: a.id,
    node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
    name: a.name,
    size_in_bytes: a.data.length,
    url: api,
    archive_download_url: `${api}/zip`,
    expired: a.expired,
    digest: a.digest,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    expires_at: a.expiresAt,
    workflow_run: {
      id: a.run.id,
      ...(a.repositoryIds
        ? {
            ...(a.repositoryIds.repository === undefined
              ? {}
              : { repository_id: a.repositoryIds.repository }),
            ...(a.repositoryIds.head === undefined
              ? {}
              : { head_repository_id: a.repositoryIds.head }),
          }
        : { repository_id: 1, head_repository_id: 1 }),
      head_branch: a.run.headBranch,
      head_sha: a.run.headSha,
    },
  };
}

function restComment(c: Ctx, x: FakeComment) {
  return {
    id: x.id,
    node_id: `IC_${x.id}`,
    url: `${c.baseUrl}/repos/${c.repo}/issues/comments/${x.id}`,
    html_url: `${c.serverUrl}/${c.repo}/pull/${x.issue}#issuecomment-${x.id}`,
    issue_url: `${c.baseUrl}/repos/${c.repo}/issues/${x.issue}`,
    body: x.body,
    user: {
      login: x.user.login,
      id: x.user.id ?? c.state.accountId(x.user.login),
      type: x.user.type,
    },
    created_at: x.createdAt,
    updated_at: x.updatedAt,
    author_association: "NONE",
  };
}

/** A diff entry as GET /pulls/{n}/files answers it (GitHub's `diff-entry`). */
function restPullFile(c: Ctx, p: FakePull, f: FakePullFile) {
  const additions = f.additions ?? 1;
  const deletions = f.deletions ?? 0;
  const path = f.filename.split("/").map(encodeURIComponent).join("/");
  return {
    sha: gitSha("blob", f.filename),
    filename: f.filename,
    status: f.status ?? (f.previous_filename === undefined ? "modified" : "renamed"),
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `${c.serverUrl}/${c.repo}/blob/${p.headSha}/${path}`,
    raw_url: `${c.serverUrl}/${c.repo}/raw/${p.headSha}/${path}`,
    contents_url: `${c.baseUrl}/repos/${c.repo}/contents/${path}?ref=${p.headSha}`,
    patch: `@@ -0,0 +1,${additions} @@`,
    ...(f.previous_filename === undefined ? {} : { previous_filename: f.previous_filename }),
  };
}

function gitSha(kind: string, content: string): string {
  return createHash("sha1").update(`${kind} ${content.length}\0${content}`).digest("hex");
}

function putObject(state: FakeState, obj: GitObject, text: string): string {
  const sha = gitSha(obj.type, text);
  state.objects.set(sha, obj);
  return sha;
}

type Route = [method: string, pattern: RegExp, handler: (c: Ctx, m: RegExpExecArray) => unknown];

const routes: Route[] = [
  [
    "GET",
    /^\/actions\/artifacts$/,
    (c) => {
      const name = c.url.searchParams.get("name");
      // GitHub lists newest first; its order is not documented, so clients must not rely on it and neither do we.
      const all = c.state.artifacts
        .filter((a) => a.finalized && (name === null || a.name === name))
        .sort((a, b) => b.id - a.id);
      const { slice, headers } = page(c.url, all);
      sendJson(
        c.res,
        200,
        { total_count: all.length, artifacts: slice.map((a) => restArtifact(c, a)) },
        headers,
      );
    },
  ],
  [
    "GET",
    /^\/actions\/runs\/(\d+)\/artifacts$/,
    (c, m) => {
      const name = c.url.searchParams.get("name");
      const all = c.state.artifacts.filter(
        (a) => a.finalized && a.run.id === Number(m[1]) && (name === null || a.name === name),
      );
      const { slice, headers } = page(c.url, all);
      sendJson(
        c.res,
        200,
        { total_count: all.length, artifacts: slice.map((a) => restArtifact(c, a)) },
        headers,
      );
    },
  ],
  [
    "GET",
    /^\/actions\/artifacts\/(\d+)\/zip$/,
    (c, m) => {
      const a = c.state.artifacts.find((x) => x.id === Number(m[1]) && x.finalized);
      if (!a) return sendError(c.res, 404, "Not Found");
      if (a.expired) return sendError(c.res, 410, "Artifact has expired");
      c.res.writeHead(302, { location: downloadUrl(c.baseUrl, a), "content-length": "0" });
      c.res.end();
    },
  ],
  [
    "GET",
    /^\/actions\/runs\/(\d+)$/,
    (c, m) => {
      const run = c.state.runById(Number(m[1]));
      if (!run) return sendError(c.res, 404, "Not Found");
      sendJson(c.res, 200, {
        id: run.id,
        head_branch: run.headBranch,
        head_sha: run.headSha,
        html_url: `${c.serverUrl}/${c.repo}/actions/runs/${run.id}`,
      });
    },
  ],
  [
    "GET",
    /^\/pulls\/(\d+)$/,
    (c, m) => {
      const p = c.state.pulls.get(Number(m[1]));
      if (!p) return sendError(c.res, 404, "Not Found");
      sendJson(c.res, 200, {
        number: p.number,
        state: "open",
        html_url: `${c.serverUrl}/${c.repo}/pull/${p.number}`,
        head: { sha: p.headSha, ref: p.headRef, repo: { full_name: p.headRepo } },
        base: { sha: p.baseSha, ref: p.baseRef, repo: { full_name: c.repo } },
      });
    },
  ],
  [
    "GET",
    /^\/pulls\/(\d+)\/files$/,
    (c, m) => {
      const p = c.state.pulls.get(Number(m[1]));
      if (!p) return sendError(c.res, 404, "Not Found");
      // GitHub lists at most 3000 files of a pull request, 30 a page unless per_page (up to 100) says otherwise.
      const all = (p.files ?? []).slice(0, c.state.pullFilesCap);
      const { slice, headers } = page(c.url, all);
      sendJson(
        c.res,
        200,
        slice.map((f) => restPullFile(c, p, f)),
        headers,
      );
    },
  ],
  [
    "GET",
    /^\/compare\/([^/]+)$/,
    (c, m) => {
      const basehead = decodeURIComponent(m[1] ?? "");
      const sha = c.state.mergeBases.get(basehead);
      if (!sha) return sendError(c.res, 404, "Not Found");
      sendJson(c.res, 200, {
        status: "ahead",
        ahead_by: 1,
        behind_by: 0,
        merge_base_commit: { sha },
        base_commit: { sha },
      });
    },
  ],
  [
    "GET",
    /^\/contents\/(.+)$/,
    (c, m) => {
      const path = decodeURIComponent(m[1] ?? "");
      const text = c.state.contents.get(`${c.url.searchParams.get("ref") ?? ""}:${path}`);
      if (text === undefined) return sendError(c.res, 404, "Not Found");
      if ((c.req.headers.accept ?? "").includes("raw")) {
        // What GitHub sends for the raw media type.
        c.res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        c.res.end(text);
        return;
      }
      sendJson(c.res, 200, {
        type: "file",
        path,
        encoding: "base64",
        size: Buffer.byteLength(text),
        content: Buffer.from(text).toString("base64"),
      });
    },
  ],
  [
    "GET",
    /^\/issues\/(\d+)\/comments$/,
    (c, m) => {
      const all = c.state.commentsOn(Number(m[1]));
      const { slice, headers } = page(c.url, all);
      sendJson(
        c.res,
        200,
        slice.map((x) => restComment(c, x)),
        headers,
      );
    },
  ],
  [
    "POST",
    /^\/issues\/(\d+)\/comments$/,
    async (c, m) => {
      const body = (await c.json()).body;
      if (typeof body !== "string" || body.length === 0)
        return sendError(c.res, 422, "Validation Failed");
      if (body.length > 65_536)
        return sendError(c.res, 422, "Validation Failed: body is too long (maximum is 65536)");
      if (!c.state.pulls.has(Number(m[1]))) return sendError(c.res, 404, "Not Found");
      const now = new Date().toISOString();
      const comment: FakeComment = {
        id: c.state.id(),
        issue: Number(m[1]),
        body,
        user: { ...c.account },
        createdAt: now,
        updatedAt: now,
      };
      c.state.comments.push(comment);
      sendJson(c.res, 201, restComment(c, comment));
    },
  ],
  [
    "PATCH",
    /^\/issues\/comments\/(\d+)$/,
    async (c, m) => {
      const comment = c.state.comments.find((x) => x.id === Number(m[1]));
      if (!comment) return sendError(c.res, 404, "Not Found");
      const body = (await c.json()).body;
      if (typeof body !== "string" || body.length > 65_536)
        return sendError(c.res, 422, "Validation Failed");
      comment.body = body;
      comment.updatedAt = new Date().toISOString();
      sendJson(c.res, 200, restComment(c, comment));
    },
  ],
  [
    "DELETE",
    /^\/issues\/comments\/(\d+)$/,
    (c, m) => {
      const i = c.state.comments.findIndex((x) => x.id === Number(m[1]));
      if (i < 0) return sendError(c.res, 404, "Not Found");
      c.state.comments.splice(i, 1);
      c.res.writeHead(204);
      c.res.end();
    },
  ],
  [
    "POST",
    /^\/git\/blobs$/,
    async (c) => {
      const b = await c.json();
      const content = Buffer.from(String(b.content), b.encoding === "base64" ? "base64" : "utf8");
      const sha = putObject(c.state, { type: "blob", content }, content.toString("latin1"));
      sendJson(c.res, 201, { sha, url: `${c.baseUrl}/repos/${c.repo}/git/blobs/${sha}` });
    },
  ],
  [
    "POST",
    /^\/git\/trees$/,
    async (c) => {
      const b = await c.json();
      const base = typeof b.base_tree === "string" ? c.state.objects.get(b.base_tree) : undefined;
      const entries = new Map((base?.entries ?? []).map((e) => [e.path, e]));
      for (const e of (b.tree ?? []) as Array<Record<string, string>>) {
        if (!e.sha || !c.state.objects.has(e.sha))
          return sendError(c.res, 422, "Validation Failed: tree.sha is not a valid blob");
        entries.set(String(e.path), {
          path: String(e.path),
          mode: String(e.mode),
          type: String(e.type),
          sha: e.sha,
        });
      }
      const list = [...entries.values()].sort((x, y) => x.path.localeCompare(y.path));
      const sha = putObject(c.state, { type: "tree", entries: list }, JSON.stringify(list));
      sendJson(c.res, 201, { sha, tree: list });
    },
  ],
  [
    "POST",
    /^\/git\/commits$/,
    async (c) => {
      const b = await c.json();
      const tree = String(b.tree);
      if (c.state.objects.get(tree)?.type !== "tree")
        return sendError(c.res, 422, "Validation Failed: tree is not a tree");
      const parents = (b.parents ?? []) as string[];
      const obj: GitObject = { type: "commit", tree, parents, message: String(b.message) };
      const sha = putObject(c.state, obj, JSON.stringify([tree, parents, b.message, Date.now()]));
      sendJson(c.res, 201, { sha, tree: { sha: tree }, parents: parents.map((p) => ({ sha: p })) });
    },
  ],
  [
    "GET",
    /^\/git\/commits\/([0-9a-f]{40})$/,
    (c, m) => {
      const obj = c.state.objects.get(m[1] ?? "");
      if (obj?.type !== "commit") return sendError(c.res, 404, "Not Found");
      sendJson(c.res, 200, { sha: m[1], tree: { sha: obj.tree }, message: obj.message });
    },
  ],
  [
    "GET",
    /^\/git\/ref\/(.+)$/,
    (c, m) => {
      const ref = `refs/${decodeURIComponent(m[1] ?? "")}`;
      const sha = c.state.refs.get(ref);
      if (!sha) return sendError(c.res, 404, "Not Found");
      sendJson(c.res, 200, { ref, object: { sha, type: "commit" } });
    },
  ],
  [
    "POST",
    /^\/git\/refs$/,
    async (c) => {
      const b = await c.json();
      const ref = String(b.ref);
      if (c.state.refs.has(ref)) return sendError(c.res, 422, "Reference already exists");
      if (c.state.objects.get(String(b.sha))?.type !== "commit")
        return sendError(c.res, 422, "Object does not exist");
      c.state.refs.set(ref, String(b.sha));
      sendJson(c.res, 201, { ref, object: { sha: b.sha, type: "commit" } });
    },
  ],
  [
    "PATCH",
    /^\/git\/refs\/(.+)$/,
    async (c, m) => {
      const ref = `refs/${decodeURIComponent(m[1] ?? "")}`;
      const b = await c.json();
      const old = c.state.refs.get(ref);
      if (!old) return sendError(c.res, 422, "Reference does not exist");
      const commit = c.state.objects.get(String(b.sha));
      if (commit?.type !== "commit") return sendError(c.res, 422, "Object does not exist");
      if (b.force !== true && !(commit.parents ?? []).includes(old))
        return sendError(c.res, 422, "Update is not a fast forward");
      c.state.refs.set(ref, String(b.sha));
      sendJson(c.res, 200, { ref, object: { sha: b.sha, type: "commit" } });
    },
  ],
];

/**
 * POST /graphql: only `viewer { login databaseId }` (what a client asks to
 * learn whom its token writes as); any other query gets GraphQL's error shape.
 */
export async function handleGraphql(
  state: FakeState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const token = (req.headers.authorization ?? "").replace(/^(token|bearer) /i, "");
  if (!state.tokens.has(token)) return sendError(res, 401, "Bad credentials");
  const parsed = JSON.parse((await readBody(req)).toString("utf8") || "{}") as { query?: unknown };
  const query = typeof parsed.query === "string" ? parsed.query : "";
  if (!/^\s*(query\s*)?\{\s*viewer\s*\{[\s\w]*\}\s*\}\s*$/.test(query))
    return sendJson(res, 200, { errors: [{ message: "the fake GitHub answers only viewer" }] });
  const a = state.accountOf(token);
  sendJson(res, 200, { data: { viewer: { login: a.login, databaseId: a.id } } });
}

export async function handleRest(
  state: FakeState,
  baseUrl: string,
  serverUrl: string,
  repo: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const auth = req.headers.authorization ?? "";
  const token = auth.replace(/^(token|bearer) /i, "");
  const permission = state.tokens.get(token);
  if (!permission) return sendError(res, 401, "Bad credentials");
  const prefix = `/repos/${repo}`;
  if (!url.pathname.startsWith(`${prefix}/`)) return sendError(res, 404, "Not Found");
  const sub = url.pathname.slice(prefix.length);
  const method = req.method ?? "GET";
  if (method !== "GET" && permission === "read") {
    // What a fork's pull_request run gets for any write (docs: "Resource not accessible by integration").
    return sendError(res, 403, "Resource not accessible by integration", {
      "x-accepted-github-permissions":
        sub.startsWith("/issues") || sub.startsWith("/pulls")
          ? "issues=write; pull_requests=write"
          : "contents=write",
    });
  }
  for (const [m, pattern, handler] of routes) {
    const match = m === method ? pattern.exec(sub) : null;
    if (!match) continue;
    let parsed: Record<string, unknown> | undefined;
    const json = async () => {
      parsed ??= JSON.parse((await readBody(req)).toString("utf8") || "{}") as Record<
        string,
        unknown
      >;
      return parsed;
    };
    const account = state.accountOf(token);
    await handler({ state, account, baseUrl, serverUrl, repo, req, res, url, sub, json }, match);
    return;
  }
  sendError(res, 404, "Not Found");
}
