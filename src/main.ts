import { execFile } from "node:child_process";
import { join } from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import * as core from "@actions/core";
import { parseContext } from "./action/context.js";
import { wipeInitialEnvironment } from "./action/environ.js";
import type { Deps, Engine } from "./action/engine.js";
import { runAction } from "./action/flows/index.js";
import { SECRET_ENV } from "./action/flows/secret-free.js";
import { parseInputs } from "./action/inputs.js";
import { runAbService } from "./cli/ab.js";
import { compareSets } from "./compare/compare.js";
import { readSide } from "./compare/inputs.js";
import { FlamegateError, errorMessage } from "./errors.js";
import { ReadBudget } from "./import/limits.js";
import { createOctokit } from "./github/api.js";
import { runService } from "./session/index.js";
import { runnerFingerprint } from "./session/fingerprint.js";

/**
 * The action: inputs -> pipeline -> outputs. The only place that calls
 * core.setFailed. Everything it decides is in action/ (flows, decide);
 * everything it talks to is built here and passed in.
 */

/** git needs none of the secrets (actions/checkout configured its own credentials). */
function gitEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !SECRET_ENV.test(k)));
}

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      { cwd, env: { ...gitEnv(), GIT_TERMINAL_PROMPT: "0" }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`git ${args.join(" ")}: ${stderr.trim() || err.message}`));
        else resolve(stdout);
      },
    );
  });
}

const engine: Engine = {
  measure: async (service, outDir, ref, cwd) => {
    await runService(service, { outDir, ref, cwd, log: (line) => core.info(line) });
  },
  compare: async (baseDir, headDir, gate) => {
    await Promise.resolve();
    // Artifacts may come from a fork: one reading budget caps the whole comparison.
    const budget = new ReadBudget();
    const r = compareSets(readSide(baseDir, budget), readSide(headDir, budget), gate, {
      stacks: true,
    });
    for (const w of r.warnings) core.warning(w);
    return { report: r.report, stacks: r.stacks };
  },
  ab: async (service, baseDir, headDir, outDir, gate) => {
    const log = (line: string) => core.info(line);
    await runAbService(
      { base: { service, cwd: baseDir }, head: { service, cwd: headDir } },
      outDir,
      log,
    );
    const budget = new ReadBudget();
    const r = compareSets(
      readSide(join(outDir, "base", service.name), budget),
      readSide(join(outDir, "head", service.name), budget),
      gate,
      { paired: true, stacks: true },
    );
    for (const w of r.warnings) core.warning(w);
    return { report: r.report, stacks: r.stacks };
  },
  fingerprint: runnerFingerprint,
};

export async function run(): Promise<void> {
  // First, before anything can start a process: take the token out of /proc/<pid>/environ (environ.ts).
  const unwiped = wipeInitialEnvironment();
  if (unwiped !== null && process.platform === "linux")
    core.warning(
      `cannot clear the action's initial environment (${unwiped}): processes of this user can read the token in /proc/${process.pid}/environ; see docs/action.md`,
    );
  try {
    const inputs = parseInputs(
      (name) => core.getInput(name),
      process.env.GITHUB_WORKSPACE ?? process.cwd(),
    );
    // The runner masks secrets it handed out; a token from elsewhere is masked here.
    if (inputs.token !== "") core.setSecret(inputs.token);
    const ctx = parseContext(process.env);
    const log = (line: string) => core.info(line);
    const deps: Deps = {
      engine,
      octokit:
        inputs.token === "" || inputs.mode === "measure"
          ? null
          : createOctokit({ ...ctx.repo, token: inputs.token, apiUrl: ctx.apiUrl, log }),
      artifacts: new DefaultArtifactClient(),
      git,
      log,
      warn: (line) => core.warning(line),
    };
    const outcome = await runAction(inputs, ctx, deps);
    core.setOutput("verdict", outcome.verdict);
    core.setOutput("report", outcome.reportPath ?? "");
    core.setOutput("comment-url", outcome.commentUrl ?? "");
    core.setOutput("regressions", String(outcome.regressions));
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(outcome.summary).write();
    if (outcome.failure) core.setFailed(outcome.failure);
  } catch (err) {
    if (err instanceof FlamegateError) {
      for (const line of err.details) core.info(line);
      core.setFailed(err.message);
    } else {
      if (err instanceof Error && err.stack) core.debug(err.stack);
      core.setFailed(`flamegate: internal error: ${errorMessage(err)} (please report it)`);
    }
  }
}
