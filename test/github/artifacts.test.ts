import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github/server.js";

/**
 * The artifact round trip through @actions/artifact's own, unmodified code
 * against the fake results service and REST API. @actions/github reads
 * GITHUB_API_URL when it is first imported, so the modules under test are
 * imported after the environment points at the fake.
 */

const TOKEN = "ghs_artifacts_test";
const repo = { owner: "octo-org", repo: "octo-service" };
let fake: FakeGitHub;
let mod: typeof import("../../src/github/artifacts.js");
let api: typeof import("../../src/github/api.js");
let client: import("../../src/github/artifacts.js").ArtifactClient;

beforeAll(async () => {
  fake = await startFakeGitHub();
  fake.state.tokens.set(TOKEN, "write");
  process.env.GITHUB_API_URL = fake.url;
  process.env.GITHUB_SERVER_URL = fake.serverUrl;
  process.env.ACTIONS_RESULTS_URL = `${fake.url}/`;
  process.env.ACTIONS_RUNTIME_TOKEN = fake.runtimeToken({
    id: 55,
    headBranch: "main",
    headSha: "c".repeat(40),
  });
  mod = await import("../../src/github/artifacts.js");
  api = await import("../../src/github/api.js");
  const { DefaultArtifactClient } = await import("@actions/artifact");
  client = new DefaultArtifactClient();
});

afterAll(async () => {
  await fake.close();
  for (const k of [
    "GITHUB_API_URL",
    "GITHUB_SERVER_URL",
    "ACTIONS_RESULTS_URL",
    "ACTIONS_RUNTIME_TOKEN",
  ])
    delete process.env[k];
});

const octokit = () =>
  api.createOctokit({ ...repo, token: TOKEN, apiUrl: fake.url, log: () => undefined });

/** Bytes of the regular files under `dir`: what an unpacked artifact put on disk. */
function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
}

describe("artifacts", () => {
  it("upload -> list by name -> download another run's artifact gives back the same files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flamegate-up-"));
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "manifest.json"), '{"schema":"x"}');
    writeFileSync(join(dir, "sub", "r1.cpu.pb.gz"), Buffer.alloc(300_000, 3));
    const name = mod.baselineArtifactName("api", "c".repeat(40));
    const up = await mod.uploadDirectory(client, name, dir, 7, () => undefined);
    expect(up.size).toBeGreaterThan(0);
    const stored = fake.state.artifacts.find((a) => a.id === up.id);
    expect(stored?.finalized).toBe(true);
    expect(Date.parse(stored?.expiresAt ?? "") - Date.now()).toBeGreaterThan(6 * 86_400_000);

    const [listed] = await mod.listArtifactsNamed(octokit(), repo, name);
    expect(listed).toMatchObject({
      id: up.id,
      runId: 55,
      headBranch: "main",
      headSha: "c".repeat(40),
      expired: false,
    });
    const out = mkdtempSync(join(tmpdir(), "flamegate-down-"));
    await mod.downloadArtifactTo(client, listed!, out, { ...repo, token: TOKEN });
    expect(readFileSync(join(out, "manifest.json"), "utf8")).toBe('{"schema":"x"}');
    expect(readFileSync(join(out, "sub", "r1.cpu.pb.gz")).equals(Buffer.alloc(300_000, 3))).toBe(
      true,
    );
    expect(bytesUnder(out)).toBe(300_000 + 14);
  });

  it("lists by prefix across pages (Link headers) and stops after maxPages", async () => {
    const run = fake.state.runById(55)!;
    for (let i = 0; i < 230; i++) {
      fake.state.artifacts.push({
        id: fake.state.id(),
        name: i % 2 === 0 ? `flamegate-web-${i.toString(16).padStart(40, "0")}` : `coverage-${i}`,
        run,
        data: Buffer.from("zip"),
        digest: null,
        createdAt: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
        expiresAt: "2027-01-01T00:00:00Z",
        expired: false,
        finalized: true,
      });
    }
    const all = await mod.listArtifactsWithPrefix(octokit(), repo, "flamegate-web-");
    expect(all).toHaveLength(115);
    const firstTwoPages = await mod.listArtifactsWithPrefix(octokit(), repo, "flamegate-web-", 2);
    expect(firstTwoPages).toHaveLength(100);
  });

  it("names: a PR's set never looks like a baseline; invalid characters are replaced", () => {
    expect(mod.prArtifactName("api", "d".repeat(40), 9)).toBe(
      `flamegate-api-${"d".repeat(40)}-pr9`,
    );
    expect(mod.baselineArtifactName("a/b:c", "e".repeat(40))).toBe(
      `flamegate-a-b-c-${"e".repeat(40)}`,
    );
    expect(mod.artifactUrl("https://github.com/", repo, 12, 34)).toBe(
      "https://github.com/octo-org/octo-service/actions/runs/12/artifacts/34",
    );
  });
});
