import { describe, expect, it } from "vitest";
import { retryDelayMs } from "../../src/github/retry.js";

const NOW = Date.parse("2026-11-25T10:00:00Z");
const policy = { maxAttempts: 4, baseDelayMs: 1000, maxWaitMs: 120_000 };

describe("retryDelayMs", () => {
  it("honours retry-after on 429 and on a secondary rate limit 403", () => {
    expect(retryDelayMs(429, { "retry-after": "3" }, "", 1, NOW, policy)).toBe(3000);
    expect(
      retryDelayMs(
        403,
        { "retry-after": "2" },
        "You have exceeded a secondary rate limit",
        1,
        NOW,
        policy,
      ),
    ).toBe(2000);
  });

  it("waits until x-ratelimit-reset when the primary limit is spent", () => {
    const reset = String(NOW / 1000 + 30);
    expect(
      retryDelayMs(
        403,
        { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
        "API rate limit exceeded",
        1,
        NOW,
        policy,
      ),
    ).toBe(31_000);
  });

  it("a secondary limit without retry-after waits a minute", () => {
    expect(retryDelayMs(403, {}, "You have exceeded a secondary rate limit.", 1, NOW, policy)).toBe(
      60_000,
    );
  });

  it("backs off exponentially on 5xx and stops after maxAttempts", () => {
    expect([1, 2, 3].map((a) => retryDelayMs(502, {}, "", a, NOW, policy))).toEqual([
      1000, 2000, 4000,
    ]);
    expect(retryDelayMs(502, {}, "", 4, NOW, policy)).toBeNull();
  });

  it("does not wait longer than maxWaitMs: gives up instead", () => {
    expect(retryDelayMs(429, { "retry-after": "3600" }, "", 1, NOW, policy)).toBeNull();
  });

  it("never retries answers: 401, permission 403, 404, 410, 422", () => {
    for (const status of [401, 403, 404, 410, 422])
      expect(
        retryDelayMs(status, {}, "Resource not accessible by integration", 1, NOW, policy),
      ).toBeNull();
  });
});
