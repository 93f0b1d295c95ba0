import { spawn } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeGitHub } from "../support/fake-github/server.js";

/**
 * Runs the bundled action (dist/index.js) the way the runner does: a fresh
 * `node dist/index.js` with INPUT_* variables (upper-cased, spaces to '_',
 * dashes kept), the GITHUB_* context, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY
 * files, and the artifact runtime variables, all pointing at the fake GitHub.
 */

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, "../..");
/** The bundle under test: dist/index.js (FLAMEGATE_ACTION_BUNDLE overrides it, e.g. for a private build). */
export const DIST = process.env.FLAMEGATE_ACTION_BUNDLE ?? join(ROOT, "dist", "index.js");
export const SETS = join(here, "fixtures", "sets");
export const EVENTS = join(here, "events");

/** Shas used by the event fixtures. */
export const SHA = {
  /** main at the push, and the PR's merge-base. */
  mergeBase: "6dcb09b5b57875f334f61aebed695e2e4193db5e",
  /** The PR's head commit. */
  head: "e5bd3914e2e596debea16f433f57875b5b90bcd6",
  /** main's tip when the PR event fired (pull_request.base.sha). */
  baseTip: "9049f1265b7d61be4a8904a9a27120d2064dab3b",
  /** refs/pull/42/merge, what a pull_request run checks out (GITHUB_SHA). */
  merge: "b6c5e1bd1e3a30e4bfc0cbe3a76d2f2f5d8f0b11",
};

export const TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";

export interface RunOptions {
  event: "push" | "pull_request" | "pull_request_target" | "workflow_run";
  /** File under test/action/events/ (default `${event}.json`), or an absolute path. */
  payload?: string;
  inputs: Record<string, string>;
  runId: number;
  sha: string;
  ref: string;
  /** Branch the fake attributes the run's artifacts to (workflow_run.head_branch). */
  headBranch: string;
  /** Node binary (default this one). */
  node?: string;
  workspace?: string;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** RUNNER_TEMP of this run: reports and profile sets the action wrote. */
  temp: string;
}

/** GITHUB_OUTPUT's format: `name<<DELIM\nvalue\nDELIM\n` (core.setOutput via file commands). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1] ?? ""] = m[3] ?? "";
  return out;
}

/** A free loopback port (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * What the service does first, as hostile code would: for each ancestor up to
 * pid 1, append `==<pid> <readable 0|1>`, its cmdline and its environ
 * (/proc/<pid>/environ) to $ANCESTORS, one record per line group.
 */
const DUMP_ANCESTORS = [
  'p=$$; while [ "$p" -gt 1 ]; do',
  'p=$(awk "/^PPid:/{print \\$2}" /proc/$p/status);',
  '[ "$p" -gt 0 ] || break;',
  "if cat /proc/$p/environ > /dev/null 2>&1; then r=1; else r=0; fi;",
  'printf "==%s %s\\n" "$p" "$r" >> "$ANCESTORS";',
  'tr "\\0\\n" "  " < /proc/$p/cmdline >> "$ANCESTORS"; echo >> "$ANCESTORS";',
  'tr "\\n" " " < /proc/$p/environ >> "$ANCESTORS" 2>/dev/null; echo >> "$ANCESTORS";',
  "done",
].join(" ");

export interface Ancestor {
  pid: number;
  readable: boolean;
  cmdline: string;
  /** The environ as read, NUL-separated. */
  environ: string;
}

/** The records DUMP_ANCESTORS wrote. */
export function readAncestors(file: string): Ancestor[] {
  const records = readFileSync(file, "latin1").split(/^==/m).slice(1);
  return records.map((rec) => {
    const [head = "", cmdline = "", environ = ""] = rec.split("\n");
    const [pid, readable] = head.split(" ");
    return { pid: Number(pid), readable: readable === "1", cmdline, environ };
  });
}

/**
 * A workspace holding flamegate.yml for the Node fixture service (absolute
 * cwd). The start command first dumps the environment the service inherits
 * to env.txt in the workspace, and what it can read of its ancestors'
 * environments to `ancestors`, so tests can check no secret reached either.
 */
export function makeWorkspace(port = 18392): string {
  const ws = mkdtempSync(join(tmpdir(), "flamegate-ws-"));
  writeFileSync(
    join(ws, "flamegate.yml"),
    [
      "version: 1",
      "services:",
      "  orders:",
      "    runtime: node",
      `    cwd: ${join(ROOT, "fixtures", "services", "node")}`,
      `    start: sh -c '${DUMP_ANCESTORS}; env > "$ENV_DUMP"; exec node server.mjs'`,
      `    env: { PORT: "${port}", ENV_DUMP: "${join(ws, "env.txt")}", ANCESTORS: "${join(ws, "ancestors")}" }`,
      `    ready: http://127.0.0.1:${port}/healthz`,
      "    ready-timeout: 20s",
      "    warmup: 0s",
      "    rounds: 1",
      "    profiles: [cpu, alloc]",
      "    load:",
      `      url: http://127.0.0.1:${port}/work`,
      "      connections: 2",
      "      duration: 1s",
      "",
    ].join("\n"),
  );
  return ws;
}

export async function runAction(fake: FakeGitHub, o: RunOptions): Promise<RunResult> {
  const temp = mkdtempSync(join(tmpdir(), "flamegate-runner-"));
  mkdirSync(join(temp, "files"));
  const outputFile = join(temp, "files", "output");
  const summaryFile = join(temp, "files", "summary");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  const workspace = o.workspace ?? makeWorkspace();
  const runtimeToken = fake.runtimeToken({ id: o.runId, headBranch: o.headBranch, headSha: o.sha });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: o.event,
    GITHUB_EVENT_PATH: resolve(EVENTS, o.payload ?? `${o.event}.json`),
    GITHUB_REPOSITORY: fake.repo,
    GITHUB_REPOSITORY_OWNER: fake.repo.split("/")[0],
    GITHUB_SHA: o.sha,
    GITHUB_REF: o.ref,
    GITHUB_RUN_ID: String(o.runId),
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_JOB: "perf",
    GITHUB_WORKFLOW: "flamegate",
    GITHUB_ACTOR: "octocat",
    GITHUB_API_URL: fake.url,
    GITHUB_SERVER_URL: fake.serverUrl,
    GITHUB_GRAPHQL_URL: `${fake.url}/graphql`,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: join(temp, "runner-temp"),
    RUNNER_OS: "Linux",
    ACTIONS_RUNTIME_TOKEN: runtimeToken,
    ACTIONS_RESULTS_URL: `${fake.url}/`,
  };
  mkdirSync(env.RUNNER_TEMP!);
  for (const [name, value] of Object.entries(o.inputs)) {
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  }
  const child = spawn(o.node ?? process.execPath, [DIST], { cwd: workspace, env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  // 'error' (e.g. the node binary is missing) comes instead of 'close'.
  const code = await new Promise<number | null>((done, fail) => {
    child.on("error", fail);
    child.on("close", done);
  });
  if (o.workspace === undefined) rmSync(workspace, { recursive: true, force: true });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, "utf8")),
    summary: readFileSync(summaryFile, "utf8"),
    temp,
  };
}

/** Every regular file under `dir`, for grepping what a run left behind. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** `::error::` lines the action printed (core.setFailed). */
export function errors(r: RunResult): string[] {
  return r.stdout
    .split("\n")
    .filter((l) => l.startsWith("::error::"))
    .map((l) => l.slice("::error::".length));
}
