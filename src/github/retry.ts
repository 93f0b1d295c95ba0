/**
 * When to retry a failed GitHub REST call, and after how long. Pure: the
 * status, the response headers and the message in, a delay in ms (or null =
 * give up) out.
 *
 * GitHub's rules (docs "Rate limits for the REST API", "Best practices"):
 * - 429, or 403 with `retry-after`: wait `retry-after` seconds.
 * - 403/429 with `x-ratelimit-remaining: 0`: the primary limit; wait until
 *   `x-ratelimit-reset` (epoch seconds).
 * - A secondary rate limit without `retry-after`: wait at least one minute.
 * - 5xx: transient, retry with exponential backoff.
 * Everything else (401, 403 permission, 404, 410, 422 …) is an answer, not a
 * hiccup: no retry.
 */

export interface RetryPolicy {
  /** Total tries including the first. */
  maxAttempts: number;
  /** Backoff for 5xx: baseDelayMs × 2^(attempt−1), ms. */
  baseDelayMs: number;
  /** A wait the server asks for that is longer than this is not waited for (ms): fail instead. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxWaitMs: 120_000 };

export type Headers = Record<string, string | number | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return v === undefined ? undefined : String(v);
}

/**
 * @param attempt 1 for the first failure, 2 for the second …
 * @param nowMs   the clock, ms since the epoch (for x-ratelimit-reset)
 */
export function retryDelayMs(
  status: number,
  headers: Headers,
  message: string,
  attempt: number,
  nowMs: number,
  policy: RetryPolicy = DEFAULT_RETRY,
): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const bounded = (ms: number) => (ms <= policy.maxWaitMs ? Math.max(ms, 0) : null);
  const retryAfter = header(headers, "retry-after");
  if ((status === 429 || status === 403) && retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    // retry-after may also be an HTTP date (RFC 9110 §10.2.3).
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - nowMs;
    return Number.isNaN(ms) ? null : bounded(ms);
  }
  if (
    (status === 429 || status === 403) &&
    header(headers, "x-ratelimit-remaining") === "0" &&
    header(headers, "x-ratelimit-reset") !== undefined
  ) {
    return bounded(Number(header(headers, "x-ratelimit-reset")) * 1000 - nowMs + 1000);
  }
  if (status === 429 || (status === 403 && /secondary rate limit/i.test(message))) {
    return bounded(60_000);
  }
  if (status >= 500 && status <= 599) {
    return bounded(policy.baseDelayMs * 2 ** (attempt - 1));
  }
  return null;
}
