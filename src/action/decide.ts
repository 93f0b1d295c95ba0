import { worst } from "../compare/severity.js";
import type { OverallVerdict, Report } from "../compare/types.js";
import { REPORT_SCHEMA } from "../compare/types.js";
import type { CommentMode } from "./inputs.js";

/** The action's decisions, pure: reports in, verdicts, counts and yes/no out. */

/** One report from the per-service reports: comparisons concatenated, the worst verdict wins. */
export function mergeReports(reports: Report[]): Report {
  const verdict = worst(
    reports.map((r) => r.verdict),
    "no-baseline",
  );
  return { schema: REPORT_SCHEMA, verdict, comparisons: reports.flatMap((r) => r.comparisons) };
}

/** Failing frames plus failing totals, over all comparisons: the `regressions` output. */
export function countRegressions(report: Report): number {
  return report.comparisons.reduce(
    (n, c) =>
      n +
      c.frames.filter((f) => f.verdict === "fail").length +
      (c.total.verdict === "fail" ? 1 : 0),
    0,
  );
}

/** The step fails when, and only when, the verdict is fail and fail-on-regression is true. */
export function shouldFail(verdict: OverallVerdict, failOnRegression: boolean): boolean {
  return verdict === "fail" && failOnRegression;
}

/**
 * What to do with the sticky comment: "upsert" (create or update), "update"
 * (only refresh one that exists, so a fixed regression does not leave a red
 * comment behind) or "skip".
 */
export function commentAction(
  mode: CommentMode,
  verdict: OverallVerdict,
): "upsert" | "update" | "skip" {
  if (mode === "never") return "skip";
  if (mode === "always") return "upsert";
  return verdict === "fail" ? "upsert" : "update";
}
