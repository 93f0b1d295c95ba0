import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { worstFirst } from "../../compare/severity.js";
import type { OverallVerdict, Report } from "../../compare/types.js";
import { errorMessage } from "../../errors.js";
import { reportArtifactName, safeNamePart } from "../../github/artifacts.js";
import { CommentPermissionError, commentMarker, upsertComment } from "../../github/comment.js";
import { commitImage } from "../../github/images.js";
import { pullFiles } from "../../github/pulls.js";
import { diffStacks, renderSvg, verdictsOf } from "../../report/flame/index.js";
import { renderHtml } from "../../report/flame/html.js";
import { markChanged } from "../../report/changed.js";
import { textFlamesFor } from "../../report/files.js";
import { renderJson } from "../../report/json.js";
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "../../report/markdown.js";
import { commentAction, countRegressions, shouldFail } from "../decide.js";
import type { ServiceComparison } from "../engine.js";
import { type Flow, short } from "./flow.js";

/** What a flow hands back to main.ts: the outputs, the job summary and whether the step fails. */
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

/** An outcome with nothing compared and nothing to fail: `summary` says why. */
export function nothingToDo(verdict: Outcome["verdict"], summary: string): Outcome {
  return { verdict, reportPath: null, commentUrl: null, regressions: 0, summary, failure: null };
}

/** The report and the call trees it was computed from, ready to publish. */
export interface Compared {
  report: Report;
  parts: ServiceComparison[];
}

/** Where the comment goes: the PR and the head commit it measured. */
export interface PublishTarget {
  pr: number;
  headSha: string;
}

/**
 * JSON + HTML report (uploaded) → flamegraph image (image: branch) → markdown
 * → the sticky comment (when there is a PR) → the outcome.
 */
export async function publish(
  flow: Flow,
  compared: Compared,
  sha: string,
  target: PublishTarget | null,
): Promise<Outcome> {
  const { parts } = compared;
  const report = await withChangedFiles(flow, compared.report, target);
  const reportPath = await writeReport(flow, { report, parts }, sha);
  const imageUrl = target ? await image(flow, compared, target) : undefined;
  const stacks = parts.flatMap((p) => p.stacks);
  const body = renderMarkdown(report, {
    marker: commentMarker(flow.inputs.commentKey),
    stacks,
    textFlames: textFlamesFor(report, stacks),
    links: flow.links,
    preface: flow.preface,
    maxChars: GITHUB_COMMENT_LIMIT,
    ...(imageUrl ? { imageUrl } : {}),
  });
  const commentUrl = target ? await comment(flow, target.pr, report, body) : null;
  const regressions = countRegressions(report);
  return {
    verdict: report.verdict,
    reportPath,
    commentUrl,
    regressions,
    summary: body,
    failure: shouldFail(report.verdict, flow.inputs.failOnRegression)
      ? `flamegate: ${regressions} regression(s) over the threshold (see the PR comment or the job summary)`
      : null,
  };
}

/** The report with the frames in the PR's own files marked; unmarked when GitHub does not list them. */
async function withChangedFiles(
  flow: Flow,
  report: Report,
  target: PublishTarget | null,
): Promise<Report> {
  if (!target) return report;
  const files = await pullFiles(flow.octokit, flow.repo, target.pr).catch(() => null);
  return files ? markChanged(report, files) : report;
}

/** JSON + HTML under OUT/report, uploaded as one artifact; returns the JSON path. */
async function writeReport(flow: Flow, { report, parts }: Compared, sha: string): Promise<string> {
  const dir = join(flow.out, "report");
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, "report.json");
  writeFileSync(jsonPath, renderJson(report));
  writeFileSync(
    join(dir, "report.html"),
    renderHtml(
      { report, flames: parts.flatMap((p) => p.stacks) },
      { title: `flamegate · ${flow.inputs.commentKey}` },
    ),
  );
  await flow.upload(
    reportArtifactName(flow.inputs.commentKey, sha),
    dir,
    "HTML flamegraph report + JSON",
  );
  return jsonPath;
}

/** `image: branch`: the SVG of the worst comparison, committed to the images branch. */
async function image(
  flow: Flow,
  { report, parts }: Compared,
  { pr, headSha }: PublishTarget,
): Promise<string | undefined> {
  if (flow.inputs.image !== "branch") return undefined;
  const c = [...report.comparisons].sort((a, b) =>
    worstFirst(a.verdict ?? "pass", b.verdict ?? "pass"),
  )[0];
  const f =
    c && parts.flatMap((p) => p.stacks).find((s) => s.service === c.service && s.kind === c.kind);
  if (!c || !f) return undefined;
  const svg = renderSvg(diffStacks(f.base, f.head, { verdicts: verdictsOf(c) }), {
    unit: f.unit,
    title: `${c.service} · ${c.kind}`,
  });
  try {
    const img = await commitImage(flow.octokit, flow.repo, flow.ctx.serverUrl, {
      branch: flow.inputs.imageBranch,
      path: `pr-${pr}/${headSha}/${safeNamePart(c.service)}-${c.kind}.svg`,
      content: svg,
      message: `flamegate: flamegraph diff for #${pr} at ${short(headSha)}`,
    });
    return img.url;
  } catch (err) {
    // The comment stands on its own as text; a missing image is worth a warning, not a failure.
    flow.deps.warn(`image: branch: cannot commit the flamegraph SVG: ${errorMessage(err)}`);
    return undefined;
  }
}

/** The sticky comment, as the `comment` input asks; a token that may not write gets one warning. */
async function comment(
  flow: Flow,
  pr: number,
  report: Report,
  body: string,
): Promise<string | null> {
  const action = commentAction(flow.inputs.comment, report.verdict);
  if (action === "skip") return null;
  try {
    const c = await upsertComment(
      flow.octokit,
      flow.repo,
      pr,
      commentMarker(flow.inputs.commentKey),
      body,
      { updateOnly: action === "update", warn: flow.deps.warn },
    );
    if (c) flow.deps.log(`PR comment ${c.action}: ${c.url}`);
    return c?.url ?? null;
  } catch (err) {
    if (err instanceof CommentPermissionError) {
      flow.deps.warn(err.message);
      return null;
    }
    throw err;
  }
}
