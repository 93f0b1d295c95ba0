import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { GateConfig, ServiceConfig } from "../../config.js";
import { FlamegateError } from "../../errors.js";
import type { Octokit, RepoRef } from "../../github/api.js";
import { artifactUrl, uploadDirectory } from "../../github/artifacts.js";
import { type ProfileSetOnDisk, readProfileSetDir } from "../../model/profile-set-read.js";
import type { ActionContext } from "../context.js";
import type { Deps } from "../engine.js";
import type { ActionInputs } from "../inputs.js";
import { withoutSecrets } from "./secret-free.js";

/** A link the comment and the summary list under "Artifacts". */
export interface Link {
  label: string;
  url: string;
}

export const short = (sha: string) => sha.slice(0, 7);

/**
 * One run of the action: its inputs, context and dependencies, the folder it
 * writes under, and what the comment collects on the way (artifact links and
 * the preface lines that say where each baseline came from).
 */
export class Flow {
  readonly out: string;
  readonly links: Link[] = [];
  readonly preface: string[] = [];
  /** The gate comparisons are judged by: the config's, or in a pull request's gate the merge-base's (base-gate.ts). */
  gate: GateConfig;

  constructor(
    readonly inputs: ActionInputs,
    readonly ctx: ActionContext,
    readonly deps: Deps,
  ) {
    this.gate = inputs.config.gate;
    this.out = join(ctx.tempDir, `flamegate-${ctx.runId}`);
    mkdirSync(this.out, { recursive: true });
  }

  get repo(): RepoRef {
    return this.ctx.repo;
  }

  get octokit(): Octokit {
    if (!this.deps.octokit)
      throw new FlamegateError("'github-token' input is empty: this step needs the API");
    return this.deps.octokit;
  }

  /** The head profile set of `service`: measured here (without the secrets), or the `profile-set` input's. */
  async measure(
    service: ServiceConfig,
    outDir: string,
    ref: string,
    cwd: string,
  ): Promise<ProfileSetOnDisk> {
    if (this.inputs.profileSet !== undefined) {
      const own = join(this.inputs.profileSet, service.name);
      return readProfileSetDir(
        existsSync(join(own, "manifest.json")) ? own : this.inputs.profileSet,
      );
    }
    await withoutSecrets(() => this.deps.engine.measure(service, outDir, ref, cwd));
    return readProfileSetDir(join(outDir, service.name));
  }

  /** Uploads `dir` as the artifact `name` of this run and lists it under `label`. */
  async upload(name: string, dir: string, label: string): Promise<void> {
    const a = await uploadDirectory(
      this.deps.artifacts,
      name,
      dir,
      this.inputs.retentionDays,
      this.deps.log,
    );
    this.deps.log(`uploaded artifact ${name} (${a.size} bytes)`);
    this.links.push({
      label,
      url: artifactUrl(this.ctx.serverUrl, this.repo, this.ctx.runId, a.id),
    });
  }
}
