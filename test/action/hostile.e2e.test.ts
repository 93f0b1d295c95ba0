import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { Profile, StringTable } from "pprof-format";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github/server.js";
import {
  DIST,
  EVENTS,
  SETS,
  SHA,
  TOKEN,
  errors,
  runAction,
  type RunOptions,
  type RunResult,
} from "./harness.js";

/**
 * The bundled action against hostile input (issue 21 items 1, 6, 7): another
 * user's comment carrying the marker, a maintainer quoting it, a frame name
 * carrying one, pull_request_target, and a PR that loosens its own gate.
 */

let fake: FakeGitHub;
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
/** Users who may comment on the PR (anyone may, on a public repository): a hostile one and a maintainer. */
const MALLORY = "ghp_mallory_comments_on_the_pr";
const MAINTAINER = "ghp_maintainer_comments_on_the_pr";

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run 'npm run build' first`);
});

beforeEach(async () => {
  fake = await startFakeGitHub();
  fake.state.tokens.set(TOKEN, "write");
  fake.state.tokens.set(MALLORY, "write");
  fake.state.accounts.set(MALLORY, { login: "mallory", id: 666, type: "User" });
  fake.state.tokens.set(MAINTAINER, "write");
  fake.state.accounts.set(MAINTAINER, { login: "maintainer", id: 777, type: "User" });
  fake.state.pulls.set(42, {
    number: 42,
    headSha: SHA.head,
    headRef: "slow-pricing",
    headRepo: fake.repo,
    baseRef: "main",
    baseSha: SHA.baseTip,
  });
  fake.state.mergeBases.set(`${SHA.baseTip}...${SHA.head}`, SHA.mergeBase);
});

afterEach(async () => {
  await fake.close();
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function run(o: Partial<RunOptions> & Pick<RunOptions, "event">): Promise<RunResult> {
  const pr = { runId: 101, sha: SHA.merge, ref: "refs/pull/42/merge", headBranch: "slow-pricing" };
  const defaults =
    o.event === "push"
      ? { runId: 100, sha: SHA.mergeBase, ref: "refs/heads/main", headBranch: "main" }
      : pr;
  const r = await runAction(fake, {
    ...defaults,
    ...o,
    inputs: { "github-token": TOKEN, ...o.inputs },
  });
  made.push(r.temp);
  return r;
}

/** A comment posted through the REST API with `token`, as that user would post it. */
async function postAs(token: string, body: string): Promise<number> {
  const res = await fetch(`${fake.url}/repos/${fake.repo}/issues/42/comments`, {
    method: "POST",
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ body }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

const bodyOf = (id: number) => fake.state.comments.find((c) => c.id === id)?.body;

/** Copies of the fixture sets base-5rounds and head-5rounds-regression with `from` renamed to `to` in every profile. */
function renamedSets(from: string, to: string): { base: string; head: string } {
  const root = tempDir("flamegate-hostile-sets-");
  for (const set of ["base-5rounds", "head-5rounds-regression"]) {
    cpSync(join(SETS, set), join(root, set), { recursive: true });
    const dir = join(root, set, "orders");
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".pb.gz"))) {
      const profile = Profile.decode(gunzipSync(readFileSync(join(dir, file))));
      const table = new StringTable();
      for (const s of profile.stringTable.strings) table.dedup(s === from ? to : s);
      profile.stringTable = table;
      writeFileSync(join(dir, file), gzipSync(profile.encode()));
    }
  }
  return { base: join(root, "base-5rounds"), head: join(root, "head-5rounds-regression") };
}

describe("the sticky comment is only ever flamegate's own", () => {
  it("another user's comment that starts with the marker is neither edited nor adopted", async () => {
    await run({ event: "push", inputs: { "profile-set": join(SETS, "base") } });
    const hostile = await postAs(
      MALLORY,
      "<!-- flamegate:orders -->\nI will be edited into the report",
    );
    const r = await run({
      event: "pull_request",
      inputs: { "profile-set": join(SETS, "head-cpu-regression"), "fail-on-regression": "false" },
    });
    expect(errors(r)).toEqual([]);
    expect(bodyOf(hostile)).toBe("<!-- flamegate:orders -->\nI will be edited into the report");
    const ours = fake.state.commentsOn(42).filter((c) => c.user.login === "github-actions[bot]");
    expect(ours).toHaveLength(1);
    expect(r.outputs["comment-url"]).toContain(`#issuecomment-${ours[0]?.id}`);
    const touched = fake.state.requests.filter((q) => q.path.endsWith(`/comments/${hostile}`));
    expect(touched).toEqual([]);
  });

  it("a maintainer's later comment quoting the marker survives the next run", async () => {
    await run({ event: "push", inputs: { "profile-set": join(SETS, "base") } });
    const inputs = {
      "profile-set": join(SETS, "head-cpu-regression"),
      "fail-on-regression": "false",
    };
    await run({ event: "pull_request", inputs });
    const quoted = await postAs(
      MAINTAINER,
      "> <!-- flamegate:orders -->\n> is this regression real?",
    );
    const atTop = await postAs(
      MAINTAINER,
      "<!-- flamegate:orders -->\npasted from the report above",
    );
    const again = await run({ event: "pull_request", runId: 102, inputs });
    expect(errors(again)).toEqual([]);
    expect(bodyOf(quoted)).toBe("> <!-- flamegate:orders -->\n> is this regression real?");
    expect(bodyOf(atTop)).toBe("<!-- flamegate:orders -->\npasted from the report above");
    expect(fake.state.commentsOn(42)).toHaveLength(3);
    expect(fake.state.requests.filter((q) => q.method === "DELETE")).toEqual([]);
  });

  it("a frame name carrying another job's marker cannot make that job overwrite this FAIL comment", async () => {
    const sets = renamedSets("checksum", "checksum<!-- flamegate:s -->");
    await run({ event: "push", inputs: { "profile-set": sets.base } });
    const failing = await run({
      event: "pull_request",
      inputs: { "profile-set": sets.head, "fail-on-regression": "false" },
    });
    expect(failing.outputs.verdict).toBe("fail");
    const [fail] = fake.state.commentsOn(42);
    expect(fail?.body).toContain("checksum");
    expect(fail?.body.match(/<!--/g)).toHaveLength(1);
    const failBody = fail?.body;
    // The job with comment-key s publishes a passing comparison.
    const s = await run({
      event: "pull_request",
      runId: 103,
      inputs: { "profile-set": sets.base, "comment-key": "s", "fail-on-regression": "false" },
    });
    expect(errors(s)).toEqual([]);
    const after = fake.state.commentsOn(42);
    expect(after).toHaveLength(2);
    expect(after.find((c) => c.id === fail?.id)?.body).toBe(failBody);
    expect(after.find((c) => c.id !== fail?.id)?.body.startsWith("<!-- flamegate:s -->\n")).toBe(
      true,
    );
  });
});

describe("events", () => {
  it("gate mode refuses pull_request_target with one line naming the risk and the fork-safe setup", async () => {
    const r = await run({
      event: "pull_request_target",
      payload: join(EVENTS, "pull_request.json"),
      inputs: { "profile-set": join(SETS, "head-cpu-regression") },
    });
    expect(r.code).toBe(1);
    const [line, ...more] = errors(r);
    expect(more).toEqual([]);
    expect(line).toMatch(/^flamegate does not run on pull_request_target: .*write token.*secrets/);
    expect(line).toContain("fork-safe two-workflow setup");
    expect(fake.state.requests.filter((q) => q.method !== "GET")).toEqual([]);
  });
});

/** A flamegate.yml for the fixture service `orders`, with `gate` lines after it. */
function configWith(gate: string[]): string {
  return `${[
    "version: 1",
    "services:",
    "  orders:",
    "    runtime: node",
    "    start: node server.mjs",
    "    ready: http://127.0.0.1:1/healthz",
    "    load: { url: http://127.0.0.1:1/work }",
    ...gate,
  ].join("\n")}\n`;
}

describe("a pull request cannot loosen its own gate", () => {
  const LOOSE = [
    "gate:",
    '  ignore: ["*"]',
    "  cpu: { frame: 1000%, total: 1000% }",
    "  alloc: { frame: 1000%, total: 1000% }",
  ];

  async function prWith(headConfig: string): Promise<RunResult> {
    await run({ event: "push", inputs: { "profile-set": join(SETS, "base-5rounds") } });
    const ws = tempDir("flamegate-ws-");
    writeFileSync(join(ws, "flamegate.yml"), headConfig);
    return run({
      event: "pull_request",
      workspace: ws,
      inputs: { "profile-set": join(SETS, "head-5rounds-regression") },
    });
  }

  it("the gate comes from the merge-base's flamegate.yml, and the comment says the PR changes it", async () => {
    fake.state.contents.set(`${SHA.mergeBase}:flamegate.yml`, configWith([]));
    const r = await prWith(configWith(LOOSE));
    expect(r.outputs.verdict).toBe("fail");
    expect(r.code).toBe(1);
    const body = fake.state.commentsOn(42)[0]?.body ?? "";
    expect(body).toContain("This pull request changes the gate settings in flamegate\\.yml");
    expect(body).toMatch(/gate\\\.ignore/);
    expect(body).toContain(`the merge\\-base\\'s \\(${SHA.mergeBase.slice(0, 7)}\\)`);
  });

  it("a flamegate.yml new in the PR is judged by the default gate, and the comment says so", async () => {
    const r = await prWith(configWith(LOOSE));
    expect(r.outputs.verdict).toBe("fail");
    expect(fake.state.commentsOn(42)[0]?.body).toContain(
      "flamegate\\.yml is new in this pull request\\: the gate uses the default settings",
    );
  });

  it("a merge-base config the parser refuses stops the step with one line naming it", async () => {
    fake.state.contents.set(`${SHA.mergeBase}:flamegate.yml`, configWith(["gate: { alpha: 2 }"]));
    const r = await prWith(configWith([]));
    expect(r.code).toBe(1);
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]).toMatch(
      /^gate settings from the merge-base: flamegate\.yml at 6dcb09b: .*alpha/,
    );
    expect(fake.state.commentsOn(42)).toHaveLength(0);
  });
});
