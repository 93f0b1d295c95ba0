import { getOctokit } from "@actions/github";
import { FlamegateError, errorMessage } from "../errors.js";
import { DEFAULT_RETRY, type Headers, type RetryPolicy, retryDelayMs } from "./retry.js";

/**
 * The GitHub REST client flamegate uses: octokit (as @actions/github builds
 * it: proxy, user agent, GITHUB_API_URL) with bounded retries on rate limits
 * and 5xx (retry.ts), and errors turned into one line that names the call
 * and the status. The token is only ever handed to octokit.
 */

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface ApiOptions extends RepoRef {
  token: string;
  apiUrl: string;
  /** Progress lines (retries); the action passes core.info. */
  log: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  retry?: RetryPolicy;
}

/** A REST call that failed with an HTTP status (after retries). */
export class GitHubApiError extends FlamegateError {
  constructor(
    readonly call: string,
    readonly status: number,
    readonly apiMessage: string,
  ) {
    super(`GitHub API ${call} failed: HTTP ${status} ${apiMessage}`);
    this.name = "GitHubApiError";
  }
}

interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers?: Headers; data?: unknown };
}

function isHttpError(err: unknown): err is HttpErrorLike {
  return (
    typeof err === "object" &&
    err !== null &&
    typeof (err as { status?: unknown }).status === "number" &&
    (err as { status: number }).status >= 400
  );
}

/** GitHub's own `message` field when there is one, else octokit's. */
function apiMessageOf(err: HttpErrorLike): string {
  const data = err.response?.data;
  if (typeof data === "object" && data !== null && "message" in data) {
    return String(data.message);
  }
  return err.message.replace(/ - https:\/\/docs\.github\.com\S*$/, "");
}

export function createOctokit(options: ApiOptions): ReturnType<typeof getOctokit> {
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl.replace(/\/$/, "") });
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const policy = options.retry ?? DEFAULT_RETRY;
  octokit.hook.wrap("request", async (request, endpoint) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(endpoint);
      } catch (err) {
        if (!isHttpError(err)) throw err;
        const message = apiMessageOf(err);
        const delay = retryDelayMs(
          err.status,
          err.response?.headers ?? {},
          message,
          attempt,
          now(),
          policy,
        );
        if (delay === null) throw err;
        const route = `${endpoint.method} ${new URL(endpoint.url, options.apiUrl).pathname}`;
        options.log(
          `GitHub API ${route}: HTTP ${err.status} ${message}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${policy.maxAttempts})`,
        );
        await sleep(delay);
      }
    }
  });
  return octokit;
}

export type Octokit = ReturnType<typeof createOctokit>;

/** Runs one API call; an HTTP failure becomes a GitHubApiError naming `call`. */
export async function apiCall<T>(call: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isHttpError(err)) throw new GitHubApiError(call, err.status, apiMessageOf(err));
    throw new FlamegateError(`GitHub API ${call} failed: ${errorMessage(err)}`, { cause: err });
  }
}

/** Like apiCall, but a 404 is an answer: null. */
export async function apiCallOr404<T>(call: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await apiCall(call, fn);
  } catch (err) {
    if (err instanceof GitHubApiError && err.status === 404) return null;
    throw err;
  }
}
