import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { DEFAULT_GATE, type GateConfig, loadConfig } from "../../config.js";
import { FlamegateError, errorMessage } from "../../errors.js";
import { fileAt } from "../../github/pulls.js";
import { withThresholds } from "../inputs.js";
import { type Flow, short } from "./flow.js";

/**
 * In gate mode the pull request's own flamegate.yml must not set its gate:
 * `ignore: ["*"]` or `frame: 1000%` in the PR would turn a failing check
 * green. The gate's settings (thresholds, ignore globs, statistics) are read
 * from the merge-base's copy of the config file, as GitHub serves it (the
 * contents API at the merge-base commit: no fetch, and nothing the job's
 * checkout holds can change it), through the same parser; the threshold
 * inputs still apply, since they are the workflow's. The PR's services (how
 * to build, start and load them) are its code and stay its own.
 */

const WHAT = "gate settings from the merge-base";

/** The gate keys whose values differ between `a` and `b`, as config keys (`gate.cpu`, `gate.ignore` …). */
function changedKeys(a: GateConfig, b: GateConfig): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const get = (g: GateConfig, k: string) =>
    JSON.stringify((g as unknown as Record<string, unknown>)[k]);
  return keys.filter((k) => get(a, k) !== get(b, k)).map((k) => `gate.${k}`);
}

/** The repository root the config path is relative to: the checkout's top, else the workspace. */
async function repositoryRoot(flow: Flow, configPath: string): Promise<string> {
  const top = await flow.deps.git(["rev-parse", "--show-toplevel"], dirname(configPath)).then(
    (out) => out.trim(),
    () => "",
  );
  return top === "" ? flow.ctx.workspace : top;
}

/** The gate a pull request is judged by: the merge-base's, with the threshold inputs; says so when the PR changes it. */
export async function baseGate(flow: Flow, mergeBaseSha: string): Promise<GateConfig> {
  const { configPath, config, thresholds } = flow.inputs;
  // One service inline: the gate is the workflow's inputs and defaults, no file to take over.
  if (configPath === null) return config.gate;
  const rel = relative(await repositoryRoot(flow, configPath), configPath)
    .split(sep)
    .join("/");
  // A config outside the repository is not the PR's to change.
  if (rel.startsWith("..") || isAbsolute(rel)) return config.gate;
  const text = await fileAt(flow.octokit, flow.repo, rel, mergeBaseSha);
  let gate: GateConfig;
  if (text === null) {
    gate = withThresholds(DEFAULT_GATE, thresholds);
    flow.preface.push(
      `${rel} is new in this pull request: the gate uses the default settings until it is merged.`,
    );
  } else {
    const dir = join(flow.out, "base-config");
    mkdirSync(dir, { recursive: true });
    const copy = join(dir, basename(rel));
    writeFileSync(copy, text);
    try {
      gate = withThresholds(loadConfig(copy).gate, thresholds);
    } catch (err) {
      throw new FlamegateError(
        `${WHAT}: ${rel} at ${short(mergeBaseSha)}: ${errorMessage(err).split(copy).join(rel)}`,
      );
    }
  }
  const changed = changedKeys(gate, config.gate);
  if (text !== null && changed.length > 0)
    flow.preface.push(
      `This pull request changes the gate settings in ${rel} (${changed.join(", ")}); this check uses the merge-base's (${short(mergeBaseSha)}), and the new ones apply once it is merged.`,
    );
  flow.deps.log(
    `${WHAT}: ${rel} at ${short(mergeBaseSha)}${changed.length > 0 ? ` (the PR changes ${changed.join(", ")})` : ""}`,
  );
  return gate;
}
