import { execFileSync } from "node:child_process";
import type { FrameResult, Report } from "../compare/types.js";

/**
 * The pull request's own files: every listed frame whose source file the
 * change touched is marked (FrameResult.changed), and the report keeps how
 * many files changed (Report.changedFiles), so the first line can say
 * whether the failing frames lie in them.
 */

/** Path separators normalised, no leading "./" or "/": the form both sides are matched in. */
const norm = (p: string) => p.replace(/\\/g, "/").replace(/^(\.\/|\/)+/, "");

/**
 * A frame's file is a changed file when one path ends with the other on a
 * path boundary: profiles name files absolutely (Go, Python), relative to
 * the service (V8: the script's last segment), git relative to the repository.
 */
export function inChangedFile(file: string, changed: readonly string[]): boolean {
  if (file === "") return false;
  const f = norm(file);
  return changed.some((c) => {
    const p = norm(c);
    if (p === "") return false;
    return f === p || f.endsWith(`/${p}`) || p.endsWith(`/${f}`);
  });
}

/** Marks the frames in changed files; returns the report with `changedFiles` set. */
export function markChanged(report: Report, changed: readonly string[]): Report {
  const mark = (f: FrameResult): FrameResult =>
    inChangedFile(f.file, changed) ? { ...f, changed: true } : f;
  return {
    ...report,
    changedFiles: changed.length,
    comparisons: report.comparisons.map((c) => ({ ...c, frames: c.frames.map(mark) })),
  };
}

/**
 * `git diff --name-only` from the merge-base of the base checkout's HEAD to
 * the head checkout's working tree (so uncommitted changes count, as `ab`
 * measures them); null when either is not a git checkout of one repository.
 */
export function changedFilesBetween(baseDir: string, headDir: string): string[] | null {
  const git = (cwd: string, args: string[]) =>
    execFileSync("git", ["-C", cwd, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 30_000,
    }).trim();
  try {
    const base = git(baseDir, ["rev-parse", "HEAD"]);
    const mergeBase = git(headDir, ["merge-base", base, "HEAD"]);
    const out = git(headDir, ["diff", "--name-only", "--no-renames", mergeBase]);
    return out === "" ? [] : out.split("\n");
  } catch {
    return null;
  }
}
