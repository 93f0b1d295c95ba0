import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOctokit } from "../../src/github/api.js";
import { CommentPermissionError, upsertComment } from "../../src/github/comment.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github/server.js";

const TOKEN = "ghs_comment_test_token";
let fake: FakeGitHub;
const repo = { owner: "octo-org", repo: "octo-service" };
const logs: string[] = [];

function octokit(token = TOKEN) {
  return createOctokit({ ...repo, token, apiUrl: fake.url, log: (l) => logs.push(l) });
}

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.state.tokens.set(TOKEN, "write");
  fake.state.pulls.set(7, {
    number: 7,
    headSha: "b".repeat(40),
    headRef: "feature",
    headRepo: "octo-org/octo-service",
    baseRef: "main",
    baseSha: "a".repeat(40),
  });
  logs.length = 0;
});
afterEach(async () => {
  await fake.close();
});

describe("upsertComment", () => {
  it("creates once, then updates the same comment in place", async () => {
    const first = await upsertComment(octokit(), repo, 7, "flamegate:api", "first body");
    expect(first?.action).toBe("created");
    const second = await upsertComment(octokit(), repo, 7, "flamegate:api", "second body");
    expect(second).toMatchObject({ id: first?.id, action: "updated" });
    const comments = fake.state.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toBe("<!-- flamegate:api -->\nsecond body");
    expect(second?.url).toBe(
      `${fake.serverUrl}/octo-org/octo-service/pull/7#issuecomment-${first?.id}`,
    );
  });

  it("finds its comment on a later page and leaves other comments alone", async () => {
    for (let i = 0; i < 130; i++) {
      fake.state.comments.push({
        id: fake.state.id(),
        issue: 7,
        body: i === 120 ? "<!-- flamegate:api -->\nold" : `human comment ${i}`,
        user:
          i === 120
            ? { login: "github-actions[bot]", type: "Bot" }
            : { login: "someone", type: "User" },
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-01T00:00:00Z",
      });
    }
    const r = await upsertComment(octokit(), repo, 7, "flamegate:api", "new");
    expect(r?.action).toBe("updated");
    expect(fake.state.commentsOn(7)).toHaveLength(130);
    expect(fake.state.requests.some((q) => q.path.includes("page=2"))).toBe(true);
  });

  it("a different marker is a different comment", async () => {
    await upsertComment(octokit(), repo, 7, "flamegate:api", "api");
    await upsertComment(octokit(), repo, 7, "flamegate:worker", "worker");
    expect(fake.state.commentsOn(7)).toHaveLength(2);
  });

  it("two jobs racing end with one comment carrying one of their bodies", async () => {
    // Both list before either creates: the worst interleaving, forced by the barrier.
    fake.barrier(/\/issues\/7\/comments/, 2);
    const [a, b] = await Promise.all([
      upsertComment(octokit(), repo, 7, "flamegate:api", "from job A"),
      upsertComment(octokit(), repo, 7, "flamegate:api", "from job B"),
    ]);
    const comments = fake.state.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(a?.id).toBe(comments[0]?.id);
    expect(b?.id).toBe(comments[0]?.id);
    expect(["<!-- flamegate:api -->\nfrom job A", "<!-- flamegate:api -->\nfrom job B"]).toContain(
      comments[0]?.body,
    );
    expect(
      fake.state.requests.filter((q) => q.method === "POST" && q.path.includes("/issues/")),
    ).toHaveLength(2);
  });

  it("cleans up duplicates left by an earlier race", async () => {
    for (const body of ["<!-- flamegate:api -->\nA", "<!-- flamegate:api -->\nB"]) {
      fake.state.comments.push({
        id: fake.state.id(),
        issue: 7,
        body,
        user: { login: "github-actions[bot]", type: "Bot" },
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-01T00:00:00Z",
      });
    }
    await upsertComment(octokit(), repo, 7, "flamegate:api", "C");
    expect(fake.state.commentsOn(7).map((c) => c.body)).toEqual(["<!-- flamegate:api -->\nC"]);
  });

  it("updateOnly does not create", async () => {
    expect(
      await upsertComment(octokit(), repo, 7, "flamegate:api", "x", { updateOnly: true }),
    ).toBeNull();
    expect(fake.state.commentsOn(7)).toHaveLength(0);
  });

  it("a read-only token (fork PR) gets one line pointing at the fork-safe setup", async () => {
    fake.state.tokens.set("ghs_read_only", "read");
    const err = await upsertComment(octokit("ghs_read_only"), repo, 7, "flamegate:api", "x").catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommentPermissionError);
    expect((err as Error).message).toContain("pull-requests: write");
    expect((err as Error).message).toContain("mode: measure + mode: report");
    expect((err as Error).message).not.toContain("\n");
  });

  it("retries 5xx and secondary rate limits, honouring retry-after", async () => {
    fake.inject({ method: "GET", path: /\/issues\/7\/comments/, status: 502, times: 1 });
    fake.inject({
      method: "POST",
      path: /\/issues\/7\/comments/,
      status: 403,
      message:
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      headers: { "retry-after": "1" },
    });
    fake.inject({
      method: "GET",
      path: /\/issues\/7\/comments/,
      status: 429,
      headers: { "retry-after": "1" },
    });
    const r = await upsertComment(octokit(), repo, 7, "flamegate:api", "body");
    expect(r?.action).toBe("created");
    expect(logs.filter((l) => l.includes("retrying"))).toHaveLength(3);
    expect(logs.join("\n")).toContain("retrying in 1.0 s");
  });

  it("gives up on a 5xx after a bounded number of attempts", async () => {
    fake.inject({ method: "GET", path: /\/issues\/7\/comments/, status: 503, times: 10 });
    const api = createOctokit({
      ...repo,
      token: TOKEN,
      apiUrl: fake.url,
      log: (l) => logs.push(l),
      retry: { maxAttempts: 3, baseDelayMs: 10, maxWaitMs: 1000 },
    });
    await expect(upsertComment(api, repo, 7, "flamegate:api", "x")).rejects.toThrow(
      "GitHub API GET /repos/octo-org/octo-service/issues/7/comments failed: HTTP 503",
    );
    expect(fake.state.requests.filter((q) => q.status === 503)).toHaveLength(3);
  });

  it("404 and 422 are answers, not retried", async () => {
    await expect(upsertComment(octokit(), repo, 99, "flamegate:api", "x")).rejects.toThrow(
      /HTTP 404/,
    );
    await expect(
      upsertComment(octokit(), repo, 7, "flamegate:api", "x".repeat(70_000)),
    ).rejects.toThrow(/HTTP 422 Validation Failed/);
    expect(logs).toHaveLength(0);
  });
});

describe("whose comment is ours", () => {
  const seed = (body: string, login = "mallory", type = "User") => {
    const c = {
      id: fake.state.id(),
      issue: 7,
      body,
      user: { login, type },
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
    };
    fake.state.comments.push(c);
    return c;
  };

  it("never adopts another user's comment that starts with the marker", async () => {
    const hostile = seed("<!-- flamegate:api -->\nlooks like flamegate");
    const r = await upsertComment(octokit(), repo, 7, "flamegate:api", "report");
    expect(r?.action).toBe("created");
    expect(r?.id).not.toBe(hostile.id);
    expect(fake.state.commentsOn(7).map((c) => c.body)).toEqual([
      "<!-- flamegate:api -->\nlooks like flamegate",
      "<!-- flamegate:api -->\nreport",
    ]);
    expect(fake.state.requests.some((q) => q.path.endsWith(`/comments/${hostile.id}`))).toBe(false);
  });

  it("never deletes a later comment that quotes the marker, by a maintainer or by itself", async () => {
    const ours = await upsertComment(octokit(), repo, 7, "flamegate:api", "first");
    seed("> <!-- flamegate:api -->\n> why is this red?", "maintainer");
    seed("<!-- flamegate:api -->\nquoted from the top", "maintainer");
    seed("<!-- flamegate:other -->\nx\n<!-- flamegate:api -->", "github-actions[bot]", "Bot");
    const again = await upsertComment(octokit(), repo, 7, "flamegate:api", "second");
    expect(again).toMatchObject({ id: ours?.id, action: "updated" });
    expect(fake.state.commentsOn(7)).toHaveLength(4);
    expect(fake.state.requests.filter((q) => q.method === "DELETE")).toEqual([]);
  });

  it("writes the marker first and no other '<!--' a reader's text could turn into one", async () => {
    await upsertComment(octokit(), repo, 7, "flamegate:api", "name `<!-- flamegate:s -->` here");
    const [c] = fake.state.commentsOn(7);
    expect(c?.body.startsWith("<!-- flamegate:api -->\n")).toBe(true);
    expect(c?.body.match(/<!--/g)).toHaveLength(1);
    // The job with key s does not take that comment for its own.
    await upsertComment(octokit(), repo, 7, "flamegate:s", "s report");
    expect(fake.state.commentsOn(7)).toHaveLength(2);
  });

  it("with a user's token, its own comments are the ones it adopts, not github-actions[bot]'s", async () => {
    fake.state.tokens.set("ghp_perf_bot", "write");
    fake.state.accounts.set("ghp_perf_bot", { login: "perf-bot", id: 5150, type: "User" });
    const bots = seed("<!-- flamegate:api -->\nfrom GITHUB_TOKEN", "github-actions[bot]", "Bot");
    const mine = await upsertComment(octokit("ghp_perf_bot"), repo, 7, "flamegate:api", "one");
    expect(mine?.action).toBe("created");
    const again = await upsertComment(octokit("ghp_perf_bot"), repo, 7, "flamegate:api", "two");
    expect(again).toMatchObject({ id: mine?.id, action: "updated" });
    expect(fake.state.comments.find((c) => c.id === bots.id)?.body).toContain("from GITHUB_TOKEN");
  });

  it("when GraphQL cannot say who the token is, warns once and counts only github-actions[bot]'s", async () => {
    fake.inject({ method: "POST", path: /^\/graphql/, status: 404 });
    const hostile = seed("<!-- flamegate:api -->\nhostile");
    const warnings: string[] = [];
    const r = await upsertComment(octokit(), repo, 7, "flamegate:api", "report", {
      warn: (l) => warnings.push(l),
    });
    expect(r?.action).toBe("created");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/only comments by github-actions\[bot\] count/);
    expect(fake.state.comments.find((c) => c.id === hostile.id)?.body).toBe(
      "<!-- flamegate:api -->\nhostile",
    );
  });
});
