import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { ServiceConfig } from "../config.js";
import type { OverallVerdict, Report } from "../compare/types.js";
import { REPORT_SCHEMA } from "../compare/types.js";
import { FlamegateError, errorMessage } from "../errors.js";
import type { RepoRef } from "../github/api.js";
import {
  type ArtifactInfo,
  artifactUrl,
  baselineArtifactName,
  downloadArtifactTo,
  listArtifactsNamed,
  listArtifactsWithPrefix,
  listRunArtifacts,
  prArtifactName,
  reportArtifactName,
  safeNamePart,
  uploadDirectory,
} from "../github/artifacts.js";
import { type BaselineChoice, chooseBaseline } from "../github/baseline.js";
import { CommentPermissionError, upsertComment } from "../github/comment.js";
import { commitImage } from "../github/images.js";
import { getPull, mergeBase } from "../github/pulls.js";
import { type ProfileSetOnDisk, readProfileSetDir } from "../model/profile-set-read.js";
import { diffStacks, renderSvg, verdictsOf } from "../report/flame/index.js";
import { textFlamesFor } from "../report/files.js";
import { renderHtml } from "../report/flame/html.js";
import { renderJson } from "../report/json.js";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "../report/markdown.js";
import type { ActionContext, PullRequestEvent, WorkflowRunEvent } from "./context.js";
import { commentAction, countRegressions, mergeReports, shouldFail } from "./decide.js";
import type { Comparison, Deps } from "./engine.js";
import type { ActionInputs } from "./inputs.js";
import { prepareBaseWorktree } from "./worktree.js";

/**
 * The action's flows (DESIGN.md "Baselines", RUNTIMES.md "GitHub"):
 *  push (gate)          measure -> upload flamegate-<service>-<sha> -> compare with the previous one (summary)
 *  pull_request (gate)  measure (or rerun: ab against the merge-base) -> baseline -> compare
 *                       -> upload head + report -> sticky comment -> summary -> outputs
 *  pull_request (measure, fork-safe)  measure -> upload with manifest.pullRequest; no token use
 *  workflow_run (report, fork-safe)   download that run's sets (untrusted) -> check the PR -> compare -> comment
 */

export interface Outcome {
  /** pass | fail | warn | no-baseline, or "measured" in mode measure. */
  verdict: OverallVerdict | "measured";
  reportPath: string | null;
  commentUrl: string | null;
  regressions: number;
  /** Markdown for the job summary. */
  summary: string;
  /** Set when the step must fail (verdict fail and fail-on-regression). */
  failure: string | null;
}

/** Environment the profiled service must not inherit: the inputs (the token) and the runner's own tokens. */
const SECRET_ENV =
  /^(INPUT_|ACTIONS_RUNTIME_TOKEN$|ACTIONS_RESULTS_URL$|ACTIONS_ID_TOKEN_REQUEST_|ACTIONS_CACHE_URL$)/;

/** Runs `fn` (which starts the user's service) with the secrets taken out of the environment it inherits. */
async function withoutSecrets<T>(fn: () => Promise<T>): Promise<T> {
  const saved = Object.entries(process.env).filter(([k]) => SECRET_ENV.test(k));
  for (const [k] of saved) delete process.env[k];
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) process.env[k] = v;
  }
}

interface Side {
  service: ServiceConfig;
  head: ProfileSetOnDisk;
  baseline: { set: ProfileSetOnDisk; choice: BaselineChoice; link: Link } | null;
}

interface Link {
  label: string;
  url: string;
}

const short = (sha: string) => sha.slice(0, 7);

class Flow {
  readonly out: string;
  readonly links: Link[] = [];
  readonly preface: string[] = [];

  constructor(
    readonly inputs: ActionInputs,
    readonly ctx: ActionContext,
    readonly deps: Deps,
  ) {
    this.out = join(ctx.tempDir, `flamegate-${ctx.runId}`);
    mkdirSync(this.out, { recursive: true });
  }

  get repo(): RepoRef {
    return this.ctx.repo;
  }

  get octokit() {
    if (!this.deps.octokit)
      throw new FlamegateError("'github-token' input is empty: this step needs the API");
    return this.deps.octokit;
  }

  /** The head profile set of `service`: measured here, or the `profile-set` input's. */
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

  /** The stored baseline of `service` for a PR into `baseRef` forked at `base`. */
  async findBaseline(
    service: ServiceConfig,
    baseRef: string,
    mergeBaseSha: string | null,
    excludeSha: string | null = null,
  ): Promise<Side["baseline"]> {
    let candidates: ArtifactInfo[] = [];
    if (mergeBaseSha !== null)
      candidates = await listArtifactsNamed(
        this.octokit,
        this.repo,
        baselineArtifactName(service.name, mergeBaseSha),
      );
    let choice = chooseBaseline(candidates, service.name, baseRef, mergeBaseSha, excludeSha);
    if (!choice) {
      candidates = await listArtifactsWithPrefix(
        this.octokit,
        this.repo,
        `flamegate-${safeNamePart(service.name)}-`,
      );
      choice = chooseBaseline(candidates, service.name, baseRef, mergeBaseSha, excludeSha);
    }
    if (!choice) return null;
    const dir = join(this.out, "base", `${safeNamePart(service.name)}-${choice.artifact.id}`);
    await downloadArtifactTo(this.octokit, this.repo, choice.artifact, dir);
    const set = readProfileSetDir(dir);
    if (set.manifest.service !== service.name)
      throw new FlamegateError(
        `baseline artifact ${choice.artifact.name} holds service '${set.manifest.service}', not '${service.name}'`,
      );
    const link = {
      label: `baseline ${service.name} @ ${short(choice.artifact.headSha ?? "")}`,
      url: artifactUrl(
        this.ctx.serverUrl,
        this.repo,
        choice.artifact.runId ?? 0,
        choice.artifact.id,
      ),
    };
    return { set, choice, link };
  }

  describeBaseline(side: Side, baseRef: string, mergeBaseSha: string | null): void {
    const name = side.service.name;
    if (!side.baseline) {
      this.preface.push(
        `${name}: no baseline found on ${baseRef} (no unexpired flamegate-${name}-<sha> artifact from a push); the check passes and this run's profiles are uploaded.`,
      );
      return;
    }
    const c = side.baseline.choice;
    const sha = short(c.artifact.headSha ?? "");
    const where =
      c.match === "merge-base"
        ? `the merge-base ${sha} on ${baseRef}`
        : `the newest stored baseline on ${baseRef}, ${sha} (${mergeBaseSha ? `the merge-base ${short(mergeBaseSha)} has none` : "merge-base unknown"})`;
    const runner =
      side.baseline.set.manifest.runner?.id === side.head.manifest.runner?.id
        ? "same kind of runner"
        : "a different kind of runner: CPU figures carry machine noise, allocation figures hold";
    this.preface.push(`${name}: compared with ${where}; ${runner}.`);
  }

  async compareSides(sides: Side[]): Promise<{ report: Report; parts: Comparison[] }> {
    const parts: Comparison[] = [];
    for (const side of sides) {
      if (side.baseline)
        parts.push(
          await this.deps.engine.compare(
            side.baseline.set.dir,
            side.head.dir,
            this.inputs.config.gate,
          ),
        );
    }
    const report: Report =
      parts.length === 0
        ? { schema: REPORT_SCHEMA, verdict: "no-baseline", comparisons: [] }
        : mergeReports(parts.map((p) => p.report));
    return { report, parts };
  }

  /** JSON + HTML under OUT/report, uploaded as one artifact; returns the JSON path. */
  async writeReport(report: Report, parts: Comparison[], sha: string): Promise<string> {
    const dir = join(this.out, "report");
    mkdirSync(dir, { recursive: true });
    const jsonPath = join(dir, "report.json");
    writeFileSync(jsonPath, renderJson(report));
    writeFileSync(
      join(dir, "report.html"),
      renderHtml(
        { report, flames: parts.flatMap((p) => p.stacks) },
        { title: `flamegate · ${this.inputs.commentKey}` },
      ),
    );
    await this.upload(
      reportArtifactName(this.inputs.commentKey, sha),
      dir,
      "HTML flamegraph report + JSON",
    );
    return jsonPath;
  }

  textFlames(report: Report, parts: Comparison[]): Record<string, string> {
    return textFlamesFor(
      report,
      parts.flatMap((p) => p.stacks),
    );
  }

  /** `image: branch`: the SVG of the worst comparison, committed to the images branch. */
  async image(
    report: Report,
    parts: Comparison[],
    pr: number,
    sha: string,
  ): Promise<string | undefined> {
    if (this.inputs.image !== "branch") return undefined;
    const rank = { fail: 0, warn: 1, pass: 2 } as const;
    const c = [...report.comparisons].sort(
      (a, b) => rank[a.verdict ?? "pass"] - rank[b.verdict ?? "pass"],
    )[0];
    const f =
      c && parts.flatMap((p) => p.stacks).find((s) => s.service === c.service && s.kind === c.kind);
    if (!c || !f) return undefined;
    const svg = renderSvg(diffStacks(f.base, f.head, { verdicts: verdictsOf(c) }), {
      unit: f.unit,
      title: `${c.service} · ${c.kind}`,
    });
    try {
      const img = await commitImage(this.octokit, this.repo, this.ctx.serverUrl, {
        branch: this.inputs.imageBranch,
        path: `pr-${pr}/${sha}/${safeNamePart(c.service)}-${c.kind}.svg`,
        content: svg,
        message: `flamegate: flamegraph diff for #${pr} at ${short(sha)}`,
      });
      return img.url;
    } catch (err) {
      // The comment stands on its own as text; a missing image is worth a warning, not a failure.
      this.deps.warn(`image: branch: cannot commit the flamegraph SVG: ${errorMessage(err)}`);
      return undefined;
    }
  }

  markdown(report: Report, parts: Comparison[], imageUrl?: string): string {
    return renderMarkdown(report, {
      marker: `flamegate:${this.inputs.commentKey}`,
      textFlames: this.textFlames(report, parts),
      links: this.links,
      preface: this.preface,
      maxChars: GITHUB_COMMENT_LIMIT,
      ...(imageUrl ? { imageUrl } : {}),
    });
  }

  async comment(pr: number, report: Report, body: string): Promise<string | null> {
    const action = commentAction(this.inputs.comment, report.verdict);
    if (action === "skip") return null;
    try {
      const c = await upsertComment(
        this.octokit,
        this.repo,
        pr,
        `flamegate:${this.inputs.commentKey}`,
        body,
        {
          updateOnly: action === "update",
        },
      );
      if (c) this.deps.log(`PR comment ${c.action}: ${c.url}`);
      return c?.url ?? null;
    } catch (err) {
      if (err instanceof CommentPermissionError) {
        this.deps.warn(err.message);
        return null;
      }
      throw err;
    }
  }

  outcome(
    report: Report,
    reportPath: string | null,
    commentUrl: string | null,
    summary: string,
  ): Outcome {
    const regressions = countRegressions(report);
    return {
      verdict: report.verdict,
      reportPath,
      commentUrl,
      regressions,
      summary,
      failure: shouldFail(report.verdict, this.inputs.failOnRegression)
        ? `flamegate: ${regressions} regression(s) over the threshold (see the PR comment or the job summary)`
        : null,
    };
  }

  // ---- the flows ----

  /** Push to a branch (also workflow_dispatch, schedule): store the baseline, compare with the previous one. */
  async push(branch: string | null): Promise<Outcome> {
    const sides: Side[] = [];
    for (const service of this.inputs.config.services) {
      const head = await this.measure(
        service,
        join(this.out, "head"),
        branch ?? this.ctx.sha,
        service.cwd,
      );
      await this.upload(
        baselineArtifactName(service.name, this.ctx.sha),
        head.dir,
        `profiles ${service.name}`,
      );
      const baseline =
        branch === null ? null : await this.findBaseline(service, branch, null, this.ctx.sha);
      if (baseline) this.links.push(baseline.link);
      sides.push({ service, head, baseline });
    }
    if (branch === null)
      this.preface.push("Not on a branch: profiles uploaded, nothing to compare with.");
    for (const side of sides) if (branch !== null) this.describeBaseline(side, branch, null);
    const { report, parts } = await this.compareSides(sides);
    const reportPath = await this.writeReport(report, parts, this.ctx.sha);
    // Informational: the change is merged already, and two stored runs differ by runner noise
    // (STATISTICS.md); the gate is the pull request's. The baseline is stored either way.
    return {
      ...this.outcome(report, reportPath, null, this.markdown(report, parts)),
      failure: null,
    };
  }

  /** Where the PR forked from its base: the compare API, else the event's base sha. */
  async mergeBaseOf(baseSha: string, headSha: string): Promise<string> {
    return (await mergeBase(this.octokit, this.repo, baseSha, headSha)) ?? baseSha;
  }

  async pullRequest(pr: PullRequestEvent): Promise<Outcome> {
    const mb = await this.mergeBaseOf(pr.baseSha, pr.headSha);
    const sides: Side[] = [];
    const reruns: ServiceConfig[] = [];
    for (const service of this.inputs.config.services) {
      if (this.inputs.baseline === "rerun") {
        reruns.push(service);
        continue;
      }
      const baseline = await this.findBaseline(service, pr.baseRef, mb);
      if (this.inputs.baseline === "auto") {
        const why = !baseline
          ? "no stored baseline"
          : baseline.set.manifest.runner?.id !== this.deps.engine.fingerprint().id
            ? "the stored baseline came from a different kind of runner"
            : null;
        if (why) {
          this.deps.log(`${service.name}: baseline auto -> rerun (${why})`);
          this.preface.push(
            `${service.name}: ${why}; measured base and head in this job instead (baseline: rerun).`,
          );
          reruns.push(service);
          continue;
        }
      }
      if (baseline) this.links.push(baseline.link);
      const head = await this.measure(
        service,
        join(this.out, "head"),
        `pr-${pr.number}`,
        service.cwd,
      );
      await this.upload(
        prArtifactName(service.name, pr.headSha, pr.number),
        head.dir,
        `profiles ${service.name}`,
      );
      sides.push({ service, head, baseline });
      this.describeBaseline({ service, head, baseline }, pr.baseRef, mb);
    }
    let { report, parts } = await this.compareSides(sides);
    if (reruns.length > 0) {
      const ab = await this.rerun(reruns, mb, pr);
      parts = [...parts, ...ab];
      // A service without a stored baseline contributes "no-baseline", which any ab verdict outranks.
      report = mergeReports([report, ...ab.map((p) => p.report)]);
    }
    const reportPath = await this.writeReport(report, parts, pr.headSha);
    const imageUrl = await this.image(report, parts, pr.number, pr.headSha);
    const body = this.markdown(report, parts, imageUrl);
    const commentUrl = await this.comment(pr.number, report, body);
    return this.outcome(report, reportPath, commentUrl, body);
  }

  /** baseline: rerun — check out the merge-base in a worktree and run ab in this job. */
  async rerun(services: ServiceConfig[], mb: string, pr: PullRequestEvent): Promise<Comparison[]> {
    const worktree = await prepareBaseWorktree(
      this.deps.git,
      this.inputs.workingDirectory,
      mb,
      join(this.out, "base-worktree"),
      this.deps.log,
    );
    try {
      const parts: Comparison[] = [];
      for (const service of services) {
        const abOut = join(this.out, "ab");
        parts.push(
          await withoutSecrets(() =>
            this.deps.engine.ab(
              service,
              worktree.map(service.cwd),
              service.cwd,
              abOut,
              this.inputs.config.gate,
            ),
          ),
        );
        const name = prArtifactName(service.name, pr.headSha, pr.number);
        await this.upload(name, join(abOut, "head", service.name), `profiles ${service.name}`);
        await this.upload(
          `${name}-base`,
          join(abOut, "base", service.name),
          `base profiles ${service.name} @ ${short(mb)}`,
        );
        this.preface.push(
          `${service.name}: base (merge-base ${short(mb)}) and head measured in this job, interleaved rounds (baseline: rerun).`,
        );
      }
      return parts;
    } finally {
      await worktree.remove();
    }
  }

  /** Fork-safe, first half: measure and upload with the PR inside; no write calls with the token. */
  async measureOnly(pr: PullRequestEvent): Promise<Outcome> {
    for (const service of this.inputs.config.services) {
      const measured = await this.measure(
        service,
        join(this.out, "head"),
        `pr-${pr.number}`,
        service.cwd,
      );
      // A copy: a profile-set input is the user's folder, not ours to edit.
      const dir = join(this.out, "upload", service.name);
      cpSync(measured.dir, dir, { recursive: true });
      const manifestPath = join(dir, "manifest.json");
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
      manifest.pullRequest = { number: pr.number, headSha: pr.headSha };
      writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
      await this.upload(
        prArtifactName(service.name, pr.headSha, pr.number),
        dir,
        `profiles ${service.name}`,
      );
    }
    const summary = [
      `### flamegate: measured #${pr.number} at ${short(pr.headSha)}`,
      "",
      `Profiles uploaded (${this.inputs.config.services.map((s) => s.name).join(", ")}); the workflow_run workflow with \`mode: report\` compares them and comments.`,
      "",
      ...this.links.map((l) => `- [${l.label}](${l.url})`),
      "",
    ].join("\n");
    return {
      verdict: "measured",
      reportPath: null,
      commentUrl: null,
      regressions: 0,
      summary,
      failure: null,
    };
  }

  /** Fork-safe, second half: the measuring run's artifacts are untrusted data. */
  async report(run: WorkflowRunEvent): Promise<Outcome> {
    const listed = await listRunArtifacts(this.octokit, this.repo, run.runId);
    const sides: Side[] = [];
    let pr: number | null = null;
    let baseRef = "";
    let mb: string | null = null;
    for (const service of this.inputs.config.services) {
      const prefix = `flamegate-${safeNamePart(service.name)}-${run.headSha}-pr`;
      const artifact = listed.find(
        (a) => a.name.startsWith(prefix) && /^\d+$/.test(a.name.slice(prefix.length)),
      );
      if (!artifact) {
        this.preface.push(
          `${service.name}: run ${run.runId} uploaded no profiles for ${short(run.headSha)}.`,
        );
        continue;
      }
      const dir = join(this.out, "head", `${safeNamePart(service.name)}-${artifact.id}`);
      await downloadArtifactTo(this.octokit, this.repo, artifact, dir);
      const head = readProfileSetDir(dir);
      const claimed = readPullRequest(join(dir, "manifest.json"), artifact.name);
      const named = Number(artifact.name.slice(prefix.length));
      if (
        claimed.number !== named ||
        claimed.headSha !== run.headSha ||
        head.manifest.service !== service.name
      )
        throw new FlamegateError(
          `artifact ${artifact.name}: its manifest says PR #${claimed.number} at ${claimed.headSha} for '${head.manifest.service}', which does not match the artifact's name and run (${short(run.headSha)}); not commenting`,
        );
      if (run.pullRequests.length > 0 && !run.pullRequests.includes(claimed.number))
        throw new FlamegateError(
          `artifact ${artifact.name}: PR #${claimed.number} is not among the run's pull requests (${run.pullRequests.join(", ")})`,
        );
      if (pr !== null && pr !== claimed.number)
        throw new FlamegateError(
          `run ${run.runId} holds profiles for two PRs (#${pr} and #${claimed.number})`,
        );
      if (pr === null) {
        const pull = await getPull(this.octokit, this.repo, claimed.number);
        if (pull.headSha !== run.headSha) {
          const note = `PR #${pull.number} has moved on to ${short(pull.headSha)}; run ${run.runId} measured ${short(run.headSha)}: not commenting (the newer run will).`;
          this.deps.log(note);
          return {
            verdict: "no-baseline",
            reportPath: null,
            commentUrl: null,
            regressions: 0,
            summary: `### flamegate\n\n${note}\n`,
            failure: null,
          };
        }
        pr = pull.number;
        baseRef = pull.baseRef;
        mb = await this.mergeBaseOf(pull.baseSha, run.headSha);
      }
      this.links.push({
        label: `profiles ${service.name}`,
        url: artifactUrl(this.ctx.serverUrl, this.repo, run.runId, artifact.id),
      });
      const baseline = await this.findBaseline(service, baseRef, mb);
      if (baseline) this.links.push(baseline.link);
      sides.push({ service, head, baseline });
      this.describeBaseline({ service, head, baseline }, baseRef, mb);
    }
    if (pr === null)
      throw new FlamegateError(
        `workflow run ${run.runId} (${short(run.headSha)}) uploaded no flamegate profile sets for a pull request; is its workflow using mode: measure?`,
      );
    const { report, parts } = await this.compareSides(sides);
    const reportPath = await this.writeReport(report, parts, run.headSha);
    const imageUrl = await this.image(report, parts, pr, run.headSha);
    const body = this.markdown(report, parts, imageUrl);
    const commentUrl = await this.comment(pr, report, body);
    return this.outcome(report, reportPath, commentUrl, body);
  }
}

const pullRequestClaim = z.object({
  pullRequest: z.object({
    number: z.number().int().positive(),
    headSha: z.string().regex(/^[0-9a-f]{40}$/),
  }),
});

/** manifest.pullRequest of an untrusted head set (the reader already capped the manifest's size). */
function readPullRequest(
  manifestPath: string,
  artifact: string,
): { number: number; headSha: string } {
  const parsed = pullRequestClaim.safeParse(JSON.parse(readFileSync(manifestPath, "utf8")));
  if (!parsed.success)
    throw new FlamegateError(
      `artifact ${artifact}: manifest.pullRequest is missing or malformed; was it made by mode: measure?`,
    );
  return parsed.data.pullRequest;
}

export async function runAction(
  inputs: ActionInputs,
  ctx: ActionContext,
  deps: Deps,
): Promise<Outcome> {
  const flow = new Flow(inputs, ctx, deps);
  const e = ctx.event;
  switch (inputs.mode) {
    case "measure":
      if (e.name !== "pull_request")
        throw new FlamegateError(
          `mode 'measure' runs on pull_request events (the fork-safe first half), not on ${e.name === "other" ? e.raw : e.name}`,
        );
      return flow.measureOnly(e);
    case "report":
      if (e.name !== "workflow_run")
        throw new FlamegateError(
          `mode 'report' runs on workflow_run events (the fork-safe second half), not on ${e.name === "other" ? e.raw : e.name}`,
        );
      return flow.report(e);
    case "gate":
      if (e.name === "push") return flow.push(e.branch);
      if (e.name === "pull_request") return flow.pullRequest(e);
      throw new FlamegateError(
        `mode 'gate' runs on push and pull_request events, not on ${e.name === "other" ? e.raw : e.name}; for workflow_run use mode: report`,
      );
  }
}
