import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { handleBlob, handleBlobDownload, handleTwirp, isTwirp } from "./artifact-service.js";
import { runtimeTokenFor } from "./artifact-service.js";
import { sendError } from "./http.js";
import { handleGraphql, handleRest } from "./rest.js";
import { FakeState, type FakeRun, type Injected } from "./state.js";

export { FakeState } from "./state.js";
export type {
  FakeAccount,
  FakeArtifact,
  FakeComment,
  FakePull,
  FakePullFile,
  FakeRun,
} from "./state.js";

/**
 * A local GitHub: the REST API (GITHUB_API_URL), the artifact results
 * service (ACTIONS_RESULTS_URL) and blob storage, on one loopback port.
 * State lives in memory; tests seed and inspect `state`.
 */
export interface FakeGitHub {
  readonly state: FakeState;
  /** http://127.0.0.1:<port>: REST API root and results service origin. */
  readonly url: string;
  /**
   * For GITHUB_SERVER_URL: links only, never fetched. A `.localhost` host,
   * because @actions/artifact refuses any other non-github.com host as GHES.
   */
  readonly serverUrl: string;
  readonly repo: string;
  /** Registers a run (what GITHUB_RUN_ID names) and returns its ACTIONS_RUNTIME_TOKEN. */
  runtimeToken(run: Omit<FakeRun, "backendId" | "jobBackendId">): string;
  /** The next `times` requests matching get this status instead of their answer. */
  inject(failure: Omit<Injected, "times"> & { times?: number }): void;
  /** Holds requests to `path` until `count` are waiting, then releases them together. */
  barrier(path: RegExp, count: number): void;
  close(): Promise<void>;
}

export async function startFakeGitHub(repo = "octo-org/octo-service"): Promise<FakeGitHub> {
  const state = new FakeState();
  let baseUrl = "";
  let serverUrl = "";
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", baseUrl);
    const path = `${url.pathname}${url.search}`;
    const method = req.method ?? "GET";
    res.on("finish", () => state.requests.push({ method, path, status: res.statusCode }));
    const failure = state.injected.find(
      (f) => f.times > 0 && (!f.method || f.method === method) && f.path.test(path),
    );
    if (failure) {
      failure.times--;
      req.resume();
      sendError(res, failure.status, failure.message ?? "injected failure", failure.headers);
      return;
    }
    const handle = async () => {
      const b = state.barrier;
      if (b && method === "GET" && b.path.test(path)) {
        await new Promise<void>((release) => {
          b.waiting.push(release);
          if (b.waiting.length >= b.count) {
            state.barrier = null;
            for (const r of b.waiting) r();
          }
        });
      }
      if (isTwirp(url.pathname)) return handleTwirp(state, baseUrl, req, res, url.pathname);
      if (url.pathname.startsWith("/blob/")) return handleBlob(state, req, res, url);
      if (url.pathname.startsWith("/blob-download/")) return handleBlobDownload(state, res, url);
      if (url.pathname === "/graphql" && method === "POST") return handleGraphql(state, req, res);
      return handleRest(state, baseUrl, serverUrl, repo, req, res, url);
    };
    handle().catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, `fake server bug: ${String(err)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  serverUrl = `http://github.localhost:${port}`;
  return {
    state,
    url: baseUrl,
    serverUrl,
    repo,
    runtimeToken: (run) => runtimeTokenFor(state.runById(run.id) ?? state.addRun(run)),
    inject: (f) => state.injected.push({ ...f, times: f.times ?? 1 }),
    barrier: (path, count) => {
      state.barrier = { path, count, waiting: [] };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
