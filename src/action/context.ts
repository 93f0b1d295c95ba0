import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { z } from "zod";
import { FlamegateError } from "../errors.js";
import type { RepoRef } from "../github/api.js";

/**
 * The run's environment (GITHUB_* variables and the event payload at
 * GITHUB_EVENT_PATH) parsed once. Only the fields flamegate decides on are
 * read; the payload shapes are GitHub's webhook payloads.
 */

export interface PushEvent {
  name: "push";
  /** The branch pushed to (or dispatched/scheduled on); null for tags. */
  branch: string | null;
}

export interface PullRequestEvent {
  name: "pull_request";
  number: number;
  baseRef: string;
  baseSha: string;
  headSha: string;
  /** The head repository is not this one: the token is read-only. */
  fork: boolean;
  /**
   * pull_request_target: the run has the base repository's write token and
   * secrets, whoever opened the PR; flamegate refuses to run PR code there.
   */
  target: boolean;
}

export interface WorkflowRunEvent {
  name: "workflow_run";
  /** The run that measured (its artifacts hold the head profile sets). */
  runId: number;
  headSha: string;
  headBranch: string | null;
  /** The event that triggered the measuring run, e.g. "pull_request". */
  triggeringEvent: string;
  conclusion: string | null;
  /** Empty for forks (GitHub does not fill it); the number comes from the artifact then. */
  pullRequests: number[];
}

export type ActionEvent =
  PushEvent | PullRequestEvent | WorkflowRunEvent | { name: "other"; raw: string };

export interface ActionContext {
  repo: RepoRef;
  serverUrl: string;
  apiUrl: string;
  runId: number;
  /** GITHUB_SHA: for pull_request the merge commit that was checked out. */
  sha: string;
  workspace: string;
  /** Where reports and profile sets are written (RUNNER_TEMP). */
  tempDir: string;
  event: ActionEvent;
}

const pullRequestPayload = z.object({
  pull_request: z.object({
    number: z.number().int().positive(),
    base: z.object({ ref: z.string(), sha: z.string(), repo: z.object({ full_name: z.string() }) }),
    head: z.object({
      sha: z.string(),
      repo: z.object({ full_name: z.string() }).nullable(),
    }),
  }),
});

const workflowRunPayload = z.object({
  workflow_run: z.object({
    id: z.number().int().positive(),
    head_sha: z.string(),
    head_branch: z.string().nullable(),
    event: z.string(),
    conclusion: z.string().nullable(),
    pull_requests: z.array(z.object({ number: z.number().int().positive() })),
  }),
});

function need(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v)
    throw new FlamegateError(
      `${name} is not set: flamegate's action runs inside GitHub Actions (use the CLI elsewhere)`,
    );
  return v;
}

function parseEvent(name: string, payload: unknown, ref: string): ActionEvent {
  const where = `the ${name} event payload (GITHUB_EVENT_PATH)`;
  switch (name) {
    case "push":
    case "workflow_dispatch":
    case "schedule":
      return {
        name: "push",
        branch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null,
      };
    case "pull_request":
    case "pull_request_target": {
      const p = pullRequestPayload.safeParse(payload);
      if (!p.success)
        throw new FlamegateError(
          `${where} lacks pull_request fields: ${p.error.issues[0]?.message ?? ""}`,
        );
      const pr = p.data.pull_request;
      return {
        name: "pull_request",
        number: pr.number,
        baseRef: pr.base.ref,
        baseSha: pr.base.sha,
        headSha: pr.head.sha,
        fork: pr.head.repo?.full_name !== pr.base.repo.full_name,
        target: name === "pull_request_target",
      };
    }
    case "workflow_run": {
      const p = workflowRunPayload.safeParse(payload);
      if (!p.success)
        throw new FlamegateError(
          `${where} lacks workflow_run fields: ${p.error.issues[0]?.message ?? ""}`,
        );
      const run = p.data.workflow_run;
      return {
        name: "workflow_run",
        runId: run.id,
        headSha: run.head_sha,
        headBranch: run.head_branch,
        triggeringEvent: run.event,
        conclusion: run.conclusion,
        pullRequests: run.pull_requests.map((x) => x.number),
      };
    }
    default:
      return { name: "other", raw: name };
  }
}

export function parseContext(env: NodeJS.ProcessEnv): ActionContext {
  const [owner, repo] = need(env, "GITHUB_REPOSITORY").split("/");
  if (!owner || !repo)
    throw new FlamegateError(
      `GITHUB_REPOSITORY must be owner/name but got '${env.GITHUB_REPOSITORY}'`,
    );
  const eventName = need(env, "GITHUB_EVENT_NAME");
  const eventPath = need(env, "GITHUB_EVENT_PATH");
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(eventPath, "utf8")) as unknown;
  } catch (err) {
    throw new FlamegateError(
      `cannot read the event payload at GITHUB_EVENT_PATH ${eventPath}: ${(err as Error).message}`,
    );
  }
  const runId = Number(need(env, "GITHUB_RUN_ID"));
  if (!Number.isInteger(runId))
    throw new FlamegateError(`GITHUB_RUN_ID must be a number but got '${env.GITHUB_RUN_ID}'`);
  return {
    repo: { owner, repo },
    serverUrl: (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/$/, ""),
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/$/, ""),
    runId,
    sha: need(env, "GITHUB_SHA"),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    tempDir: env.RUNNER_TEMP ?? tmpdir(),
    event: parseEvent(eventName, payload, env.GITHUB_REF ?? ""),
  };
}
