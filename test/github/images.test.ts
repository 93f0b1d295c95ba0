import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOctokit } from "../../src/github/api.js";
import { commitImage } from "../../src/github/images.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github/server.js";

const TOKEN = "ghs_images_test";
const repo = { owner: "octo-org", repo: "octo-service" };
let fake: FakeGitHub;
const octokit = () =>
  createOctokit({ ...repo, token: TOKEN, apiUrl: fake.url, log: () => undefined });

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.state.tokens.set(TOKEN, "write");
});
afterEach(async () => {
  await fake.close();
});

describe("commitImage (git data API)", () => {
  it("starts an orphan branch, then adds commits on top, each holding only its image", async () => {
    const first = await commitImage(octokit(), repo, "https://github.com", {
      branch: "flamegate-images",
      path: "pr-1/a.svg",
      content: "<svg>1</svg>",
      message: "one",
    });
    expect(fake.state.objects.get(first.commitSha)?.parents).toEqual([]);
    const second = await commitImage(octokit(), repo, "https://github.com", {
      branch: "flamegate-images",
      path: "pr-2/b c.svg",
      content: "<svg>2</svg>",
      message: "two",
    });
    const commit = fake.state.objects.get(second.commitSha);
    expect(commit?.parents).toEqual([first.commitSha]);
    expect(fake.state.refs.get("refs/heads/flamegate-images")).toBe(second.commitSha);
    const paths = (sha: string) =>
      fake.state.objects.get(fake.state.objects.get(sha)?.tree ?? "")?.entries?.map((e) => e.path);
    // The tree does not grow with every image; the earlier link keeps its own commit.
    expect(paths(second.commitSha)).toEqual(["pr-2/b c.svg"]);
    expect(paths(first.commitSha)).toEqual(["pr-1/a.svg"]);
    expect(second.url).toBe(
      `https://github.com/octo-org/octo-service/blob/${second.commitSha}/pr-2/b%20c.svg?raw=true`,
    );
  });

  it("tries once more when another job moved the branch (422 not a fast forward)", async () => {
    await commitImage(octokit(), repo, "https://github.com", {
      branch: "img",
      path: "a.svg",
      content: "a",
      message: "a",
    });
    fake.inject({
      method: "PATCH",
      path: /\/git\/refs\/heads\/img/,
      status: 422,
      message: "Update is not a fast forward",
    });
    const r = await commitImage(octokit(), repo, "https://github.com", {
      branch: "img",
      path: "b.svg",
      content: "b",
      message: "b",
    });
    expect(fake.state.refs.get("refs/heads/img")).toBe(r.commitSha);
  });

  it("a token without contents: write fails with the call named", async () => {
    fake.state.tokens.set("ghs_ro", "read");
    const ro = createOctokit({ ...repo, token: "ghs_ro", apiUrl: fake.url, log: () => undefined });
    await expect(
      commitImage(ro, repo, "https://github.com", {
        branch: "img",
        path: "a.svg",
        content: "a",
        message: "a",
      }),
    ).rejects.toThrow(
      "GitHub API POST /repos/octo-org/octo-service/git/blobs failed: HTTP 403 Resource not accessible by integration",
    );
  });
});
