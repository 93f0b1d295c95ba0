import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOctokit } from "../../src/github/api.js";
import { MAX_PR_FILES, pullFiles } from "../../src/github/pulls.js";
import {
  startFakeGitHub,
  type FakeGitHub,
  type FakePullFile,
} from "../support/fake-github/server.js";

const TOKEN = "ghs_pulls_test_token";
let fake: FakeGitHub;
const repo = { owner: "octo-org", repo: "octo-service" };

const octokit = () => createOctokit({ ...repo, token: TOKEN, apiUrl: fake.url, log: () => {} });
const paths = (n: number) => Array.from({ length: n }, (_, i) => `src/f${i}.ts`);
const filePages = () =>
  fake.state.requests.filter((q) =>
    /^\/repos\/octo-org\/octo-service\/pulls\/7\/files/.test(q.path),
  );

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
});
afterEach(async () => {
  await fake.close();
});

describe("pullFiles", () => {
  it("follows the Link header over pages of 100 and lists a renamed file under both names", async () => {
    const files: FakePullFile[] = paths(250).map((filename) => ({ filename }));
    files[120] = { filename: "src/new.ts", previous_filename: "src/old.ts" };
    fake.state.pulls.get(7)!.files = files;
    const got = await pullFiles(octokit(), repo, 7);
    expect(got).toHaveLength(251);
    expect(got?.slice(119, 123)).toEqual([
      "src/f119.ts",
      "src/new.ts",
      "src/old.ts",
      "src/f121.ts",
    ]);
    expect(got?.at(-1)).toBe("src/f249.ts");
    expect(filePages().map((q) => new URL(q.path, fake.url).searchParams.get("page"))).toEqual([
      null,
      "2",
      "3",
    ]);
    expect(filePages().every((q) => q.path.includes("per_page=100"))).toBe(true);
  });

  it("stops at GitHub's 3000 files", async () => {
    fake.state.pulls.get(7)!.files = paths(3200).map((filename) => ({ filename }));
    const got = await pullFiles(octokit(), repo, 7);
    expect(MAX_PR_FILES).toBe(3000);
    expect(got).toHaveLength(3000);
    expect(got?.at(-1)).toBe("src/f2999.ts");
    expect(filePages()).toHaveLength(30);
  });

  it("asks for no page past 3000 files even when the server lists more", async () => {
    fake.state.pullFilesCap = 10_000;
    fake.state.pulls.get(7)!.files = paths(3500).map((filename) => ({ filename }));
    const got = await pullFiles(octokit(), repo, 7);
    expect(got).toHaveLength(3000);
    expect(filePages()).toHaveLength(30);
  });

  it("answers null for a pull request GitHub does not know (404)", async () => {
    expect(await pullFiles(octokit(), repo, 8)).toBeNull();
  });
});
