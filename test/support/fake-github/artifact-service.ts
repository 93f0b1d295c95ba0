import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "./http.js";
import type { FakeArtifact, FakeRun, FakeState } from "./state.js";

/**
 * The results service @actions/artifact v6 talks to, faithfully enough that
 * its own code runs unmodified:
 *  - Twirp JSON at ACTIONS_RESULTS_URL: POST /twirp/github.actions.results.api.v1.ArtifactService/<Method>,
 *    request fields in proto names (useProtoFieldName), bearer = ACTIONS_RUNTIME_TOKEN.
 *  - The signed upload URL is an Azure blob URL; @azure/storage-blob's
 *    uploadStream sends Put Block (?comp=block&blockid=…) per 8 MiB chunk,
 *    then Put Block List (?comp=blocklist, XML body).
 *  - The signed download URL serves the zip with content-type application/zip.
 */

const TWIRP_PREFIX = "/twirp/github.actions.results.api.v1.ArtifactService/";

/** A JWT that jwt-decode accepts, carrying the backend ids the way the runner's token does. */
export function runtimeTokenFor(run: FakeRun): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const header = b64({ typ: "JWT", alg: "RS256" });
  const payload = b64({
    scp: `Actions.ExampleScope Actions.Results:${run.backendId}:${run.jobBackendId}`,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 3600,
  });
  return `${header}.${payload}.${Buffer.from("fake-signature").toString("base64url")}`;
}

function backendIdsOf(req: IncomingMessage): { run: string; job: string } | null {
  const auth = req.headers.authorization ?? "";
  const token = auth.replace(/^Bearer /, "");
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      scp?: string;
    };
    const scope = (claims.scp ?? "").split(" ").find((s) => s.startsWith("Actions.Results:"));
    const [, run, job] = scope?.split(":") ?? [];
    return run && job ? { run, job } : null;
  } catch {
    return null;
  }
}

function twirpError(res: ServerResponse, status: number, code: string, msg: string): void {
  sendJson(res, status, { code, msg });
}

function monolith(a: FakeArtifact) {
  const created = new Date(a.createdAt);
  return {
    workflow_run_backend_id: a.run.backendId,
    workflow_job_run_backend_id: a.run.jobBackendId,
    database_id: String(a.id),
    name: a.name,
    size: String(a.data.length),
    created_at: created.toISOString(),
    ...(a.digest ? { digest: a.digest } : {}),
  };
}

export async function handleTwirp(
  state: FakeState,
  baseUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const method = path.slice(TWIRP_PREFIX.length);
  const ids = backendIdsOf(req);
  const run = ids ? state.runs.get(ids.run) : undefined;
  if (!ids || !run) {
    twirpError(res, 401, "unauthenticated", "invalid runtime token");
    return;
  }
  const body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as Record<
    string,
    unknown
  >;
  const ofRun = (a: FakeArtifact) =>
    a.run.backendId === body.workflow_run_backend_id && a.finalized;
  switch (method) {
    case "CreateArtifact": {
      const name = String(body.name);
      if (state.artifacts.some((a) => a.run === run && a.name === name)) {
        twirpError(
          res,
          409,
          "already_exists",
          "an artifact with this name already exists on the workflow run",
        );
        return;
      }
      const artifact: FakeArtifact = {
        id: state.id(),
        name,
        run,
        data: Buffer.alloc(0),
        digest: null,
        createdAt: new Date().toISOString(),
        expiresAt:
          typeof body.expires_at === "string"
            ? body.expires_at
            : new Date(Date.now() + 90 * 86_400_000).toISOString(),
        expired: false,
        finalized: false,
      };
      state.artifacts.push(artifact);
      sendJson(res, 200, {
        ok: true,
        signed_upload_url: `${baseUrl}/blob/actions/artifact-${artifact.id}/${encodeURIComponent(name)}.zip?sig=fake-upload-sig&se=2099-01-01&sp=cw&sv=2021-08-06`,
      });
      return;
    }
    case "FinalizeArtifact": {
      const a = state.artifacts.find((x) => x.run === run && x.name === body.name);
      if (!a) {
        twirpError(res, 404, "not_found", "no artifact to finalize");
        return;
      }
      if (Number(body.size) !== a.data.length) {
        twirpError(res, 400, "invalid_argument", `size ${String(body.size)} != ${a.data.length}`);
        return;
      }
      const hash = (body.hash as string | undefined) ?? null;
      const sha = `sha256:${createHash("sha256").update(a.data).digest("hex")}`;
      if (hash !== null && hash !== sha) {
        twirpError(res, 400, "invalid_argument", `hash ${hash} != ${sha}`);
        return;
      }
      a.digest = sha;
      a.finalized = true;
      sendJson(res, 200, { ok: true, artifact_id: String(a.id) });
      return;
    }
    case "ListArtifacts": {
      const nameFilter = body.name_filter as string | undefined;
      const idFilter = body.id_filter as string | undefined;
      const list = state.artifacts
        .filter(ofRun)
        .filter((a) => nameFilter === undefined || a.name === nameFilter)
        .filter((a) => idFilter === undefined || String(a.id) === String(idFilter));
      sendJson(res, 200, { artifacts: list.map(monolith) });
      return;
    }
    case "GetSignedArtifactURL": {
      const a = state.artifacts.find((x) => ofRun(x) && x.name === body.name);
      if (!a) {
        twirpError(res, 404, "not_found", "artifact not found");
        return;
      }
      sendJson(res, 200, { signed_url: downloadUrl(baseUrl, a) });
      return;
    }
    case "DeleteArtifact": {
      const i = state.artifacts.findIndex((x) => ofRun(x) && x.name === body.name);
      const a = state.artifacts[i];
      if (!a) {
        twirpError(res, 404, "not_found", "artifact not found");
        return;
      }
      state.artifacts.splice(i, 1);
      sendJson(res, 200, { ok: true, artifact_id: String(a.id) });
      return;
    }
    default:
      twirpError(res, 404, "bad_route", `no method ${method}`);
  }
}

export function downloadUrl(baseUrl: string, a: FakeArtifact): string {
  return `${baseUrl}/blob-download/${a.id}.zip?sig=fake-download-sig&se=2099-01-01&sp=r`;
}

/** Azure Blob Storage's Put Block / Put Block List / Put Blob, as used by uploadStream. */
export async function handleBlob(
  state: FakeState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const m = /^\/blob\/actions\/artifact-(\d+)\//.exec(url.pathname);
  const artifact = m ? state.artifacts.find((a) => a.id === Number(m[1])) : undefined;
  if (req.method !== "PUT" || !artifact || url.searchParams.get("sig") !== "fake-upload-sig") {
    res.writeHead(403, { "x-ms-error-code": "AuthenticationFailed" });
    res.end();
    return;
  }
  const body = await readBody(req);
  const blocks = state.blocks.get(artifact.id) ?? new Map<string, Buffer>();
  state.blocks.set(artifact.id, blocks);
  const comp = url.searchParams.get("comp");
  if (comp === "block") {
    blocks.set(url.searchParams.get("blockid") ?? "", body);
  } else if (comp === "blocklist") {
    const ids = [...body.toString("utf8").matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g)]
      .map((x) => x[1] ?? "")
      .map((id) => blocks.get(id));
    if (ids.some((b) => b === undefined)) {
      res.writeHead(400, { "x-ms-error-code": "InvalidBlockList" });
      res.end();
      return;
    }
    artifact.data = Buffer.concat(ids as Buffer[]);
  } else {
    artifact.data = body;
  }
  res.writeHead(201, {
    etag: `"0x${artifact.id.toString(16)}"`,
    "last-modified": new Date().toUTCString(),
    "x-ms-request-id": `req-${artifact.id}`,
    "x-ms-version": "2021-08-06",
    "x-ms-request-server-encrypted": "true",
    "content-length": "0",
  });
  res.end();
}

export function handleBlobDownload(state: FakeState, res: ServerResponse, url: URL): void {
  const m = /^\/blob-download\/(\d+)\.zip$/.exec(url.pathname);
  const artifact = m ? state.artifacts.find((a) => a.id === Number(m[1])) : undefined;
  if (!artifact || url.searchParams.get("sig") !== "fake-download-sig") {
    res.writeHead(403);
    res.end();
    return;
  }
  res.writeHead(200, {
    "content-type": "application/zip",
    ...(artifact.chunked ? {} : { "content-length": String(artifact.data.length) }),
    "content-disposition": `attachment; filename="${artifact.name}.zip"`,
  });
  res.end(artifact.data);
}

export const isTwirp = (path: string) => path.startsWith(TWIRP_PREFIX);
