import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlamegateError } from "../../src/errors.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github/server.js";
import { type ZipEntry, deflatedZeros, makeZip } from "../support/zip.js";

/**
 * The artifact round trip against the fake results service, REST API and
 * blob storage: uploads through @actions/artifact's own, unmodified code,
 * downloads through the REST redirect to the blob. @actions/github reads
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
    await mod.downloadArtifactTo(octokit(), repo, listed!, out);
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

  it("a run counts as this repository's only when the API names both repositories and they match", async () => {
    const run = fake.state.runById(55)!;
    const cases: Array<[string, { repository?: number; head?: number } | undefined, boolean]> = [
      ["same", undefined, true],
      ["fork", { repository: 1, head: 2 }, false],
      ["no-head-id", { repository: 1 }, false],
      ["no-repo-id", { head: 1 }, false],
      ["no-ids", {}, false],
    ];
    for (const [label, ids] of cases)
      fake.state.artifacts.push({
        id: fake.state.id(),
        name: `flamegate-ids-${label}`,
        run,
        data: Buffer.from("zip"),
        digest: null,
        createdAt: "2026-11-01T00:00:00Z",
        expiresAt: "2027-01-01T00:00:00Z",
        expired: false,
        finalized: true,
        ...(ids ? { repositoryIds: ids } : {}),
      });
    const listed = await mod.listArtifactsWithPrefix(octokit(), repo, "flamegate-ids-");
    const sameRepo = Object.fromEntries(listed.map((a) => [a.name, a.sameRepo]));
    expect(sameRepo).toEqual(
      Object.fromEntries(cases.map(([label, , same]) => [`flamegate-ids-${label}`, same])),
    );
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

/** Small limits, so that a bomb needs only a few MiB of zeros. */
const LIMITS = { zipBytes: 1024 * 1024, unpackedBytes: 1024 * 1024, entries: 10 };

describe("downloading an untrusted artifact", () => {
  /** Stores `zip` as another run's finished artifact, as a hostile upload would, and lists it. */
  async function stored(name: string, zip: Buffer, chunked = false) {
    fake.state.artifacts.push({
      id: fake.state.id(),
      name,
      run: fake.state.runById(55)!,
      data: zip,
      digest: null,
      chunked,
      createdAt: new Date().toISOString(),
      expiresAt: "2099-01-01T00:00:00Z",
      expired: false,
      finalized: true,
    });
    const [listed] = await mod.listArtifactsNamed(octokit(), repo, name);
    return listed!;
  }

  /**
   * Downloads `entries` zipped as artifact `name` into <parent>/out with
   * LIMITS, TMPDIR pointed at a folder of its own to see the scratch copy go.
   * `listedBytes` overrides the size the listing gives; `chunked` serves the
   * blob without Content-Length. Returns the error it was refused with and
   * what it left on disk.
   */
  async function refused(name: string, entries: ZipEntry[], listedBytes?: number, chunked = false) {
    const listed = await stored(name, makeZip(entries), chunked);
    const artifact = { ...listed, sizeBytes: listedBytes ?? listed.sizeBytes };
    const parent = mkdtempSync(join(tmpdir(), "flamegate-untrusted-"));
    const scratch = join(parent, "tmp");
    mkdirSync(scratch);
    const out = join(parent, "out");
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    let error: unknown;
    try {
      await mod.downloadArtifactTo(octokit(), repo, artifact, out, LIMITS);
    } catch (err) {
      error = err;
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(error).toBeInstanceOf(FlamegateError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    expect(message).toMatch(new RegExp(`^artifact ${name} \\(id ${artifact.id}\\): `));
    // The downloaded zip does not outlive the call, refused or not.
    expect(readdirSync(scratch)).toEqual([]);
    const onDisk = existsSync(out) ? bytesUnder(out) : 0;
    return { message, parent, onDisk };
  }

  it("a zip bomb is refused on its declared size before a byte is written", async () => {
    const r = await refused("bomb", [
      { name: "manifest.json", data: Buffer.from("{}") },
      { name: "r1.cpu.pb.gz", data: await deflatedZeros(64 * 1024 * 1024) },
    ]);
    expect(r.message).toMatch(
      /: its zip directory declares more than 1048576 unpacked bytes \(the limit\); refusing it as untrusted input$/,
    );
    expect(r.onDisk).toBe(0);
  });

  it("a zip whose directory understates an entry's size stops at the declared size", async () => {
    // Says 1000 bytes; inflates to 8 MiB, eight times the cap.
    const r = await refused("liar", [
      { name: "r1.cpu.pb.gz", data: await deflatedZeros(8 * 1024 * 1024), declaredSize: 1000 },
    ]);
    expect(r.message).toMatch(
      /: entry "r1\.cpu\.pb\.gz" is corrupt \(too many bytes in the stream\. expected 1000\. got at least \d+\); refusing it as untrusted input$/,
    );
    expect(r.onDisk).toBeLessThanOrEqual(1000);
  });

  it("many small entries that together exceed the cap are refused", async () => {
    const quarter = await deflatedZeros(300 * 1024);
    const r = await refused(
      "spread",
      [1, 2, 3, 4].map((i) => ({ name: `r${i}.cpu.pb.gz`, data: quarter })),
    );
    expect(r.message).toContain("its zip directory declares more than 1048576 unpacked bytes");
    expect(r.onDisk).toBe(0);
  });

  it("an entry named ../evil is refused and nothing lands outside the target", async () => {
    const r = await refused("escape", [
      { name: "manifest.json", data: Buffer.from("{}") },
      { name: "../evil", data: Buffer.from("pwned") },
    ]);
    expect(r.message).toMatch(
      /: its zip directory is invalid \(invalid relative path: \.\.\/evil\); refusing it as untrusted input$/,
    );
    expect(readdirSync(r.parent).sort()).toEqual(["tmp"]);
  });

  it("an absolute entry name is refused", async () => {
    const target = join(tmpdir(), `flamegate-absolute-${process.pid}`);
    const r = await refused("absolute", [{ name: target, data: Buffer.from("pwned") }]);
    expect(r.message).toContain(`its zip directory is invalid (absolute path: ${target})`);
    expect(existsSync(target)).toBe(false);
  });

  it("a symbolic link entry is refused, and a name with a newline keeps the error on one line", async () => {
    const r = await refused("link", [
      { name: "link\nx", data: Buffer.from("/etc"), mode: 0o120777 },
    ]);
    expect(r.message).toMatch(
      /: entry "link\\nx" is a symbolic link; refusing it as untrusted input$/,
    );
    expect(r.onDisk).toBe(0);
  });

  it("a zip with more entries than the limit is refused before reading them", async () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({
      name: `f${i}`,
      data: Buffer.from("x"),
    }));
    const r = await refused("crowd", entries);
    expect(r.message).toMatch(
      /: its zip holds 11 entries, over the limit of 10; refusing it as untrusted input$/,
    );
    expect(r.onDisk).toBe(0);
  });

  it("the same name twice is refused", async () => {
    const r = await refused("twice", [
      { name: "manifest.json", data: Buffer.from("{}") },
      { name: "manifest.json", data: Buffer.from("{}") },
    ]);
    expect(r.message).toContain('entry "manifest.json" appears twice');
  });

  it("an artifact listed as larger than the zip limit is not downloaded", async () => {
    const artifact = await stored("listed-big", makeZip([{ name: "a", data: Buffer.from("a") }]));
    const before = fake.state.requests.length;
    const out = mkdtempSync(join(tmpdir(), "flamegate-down-"));
    await expect(
      mod.downloadArtifactTo(
        octokit(),
        repo,
        { ...artifact, sizeBytes: LIMITS.zipBytes + 1 },
        out,
        LIMITS,
      ),
    ).rejects.toThrow(
      `artifact listed-big (id ${artifact.id}): GitHub lists its zip at 1048577 bytes, over the 1048576-byte limit; refusing it as untrusted input`,
    );
    expect(fake.state.requests.length).toBe(before);
  });

  it("a zip larger than the limit is refused though its listing said otherwise", async () => {
    // Incompressible, so the zip is over 1 MiB; the listing claims 100 bytes
    // (GitHub lists the size the uploader reported). Blob storage's Content-Length says more.
    const r = await refused("grown", [{ name: "noise", data: randomBytes(LIMITS.zipBytes) }], 100);
    expect(r.message).toMatch(
      /: its zip is more than 1048576 bytes \(the limit\), though GitHub lists 100; refusing/,
    );
    expect(r.onDisk).toBe(0);
  });

  it("a zip served without Content-Length stops one byte past the limit while it streams", async () => {
    const r = await refused(
      "streamed",
      [{ name: "noise", data: randomBytes(8 * LIMITS.zipBytes) }],
      100,
      true,
    );
    expect(r.message).toMatch(
      /: its zip is more than 1048576 bytes \(the limit\), though GitHub lists 100; refusing/,
    );
    expect(r.onDisk).toBe(0);
  });

  it("a missing artifact is one line naming the REST call and its status", async () => {
    const artifact = await stored("gone", makeZip([{ name: "a", data: Buffer.from("a") }]));
    const out = mkdtempSync(join(tmpdir(), "flamegate-down-"));
    await expect(
      mod.downloadArtifactTo(octokit(), repo, { ...artifact, id: 999_999 }, out, LIMITS),
    ).rejects.toThrow(
      /^GitHub API GET \/repos\/octo-org\/octo-service\/actions\/artifacts\/999999\/zip failed: HTTP 404 /,
    );
  });

  it("a well-formed zip within the limits unpacks with its folders", async () => {
    const artifact = await stored(
      "fine",
      makeZip([
        { name: "manifest.json", data: Buffer.from('{"schema":"x"}') },
        { name: "sub/" },
        { name: "sub/r1.cpu.pb.gz", data: await deflatedZeros(100_000) },
      ]),
    );
    const out = mkdtempSync(join(tmpdir(), "flamegate-down-"));
    await mod.downloadArtifactTo(octokit(), repo, artifact, out, LIMITS);
    expect(readFileSync(join(out, "manifest.json"), "utf8")).toBe('{"schema":"x"}');
    expect(readFileSync(join(out, "sub", "r1.cpu.pb.gz")).equals(Buffer.alloc(100_000))).toBe(true);
    expect(bytesUnder(out)).toBe(100_014);
  });
});
