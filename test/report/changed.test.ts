import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FrameResult, Report } from "../../src/compare/types.js";
import { changedFilesBetween, inChangedFile, markChanged } from "../../src/report/changed.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { renderSummary } from "../../src/report/summary.js";

function frame(fn: string, file: string, verdict: "fail" | "pass"): FrameResult {
  const v = { base: 100, head: 200, deltaPct: 100, perWork: { base: 1, head: 2 } };
  return { function: fn, file, self: v, cum: v, ci: [50, 150], p: 0.0001, verdict, tested: "self" };
}

function report(): Report {
  return {
    schema: "flamegate.report/v1",
    verdict: "fail",
    comparisons: [
      {
        service: "api",
        runtime: "go",
        kind: "cpu",
        unit: "nanoseconds",
        unitOfWork: "request",
        base: { rounds: 3, requests: 300, total: 1e6 },
        head: { rounds: 3, requests: 300, total: 1e6 },
        total: { base: 1e6, head: 1e6, deltaPct: 0, ci: [-5, 5], p: 1, verdict: "pass" },
        frames: [
          frame("main.sign", "/home/ci/repo/svc/sign.go", "fail"),
          frame("json.Marshal", "/usr/local/go/src/encoding/json/encode.go", "pass"),
        ],
        mde: { frameSharePct: 1, deltaPct: 10 },
        verdict: "fail",
      },
    ],
  };
}

describe("the change's own files", () => {
  it("matches a frame's file to a changed path on a path boundary, absolute or short", () => {
    expect(inChangedFile("/home/ci/repo/svc/sign.go", ["svc/sign.go"])).toBe(true);
    expect(inChangedFile("server.mjs", ["fixtures/services/node/server.mjs"])).toBe(true);
    expect(inChangedFile("/home/ci/repo/svc/design.go", ["svc/sign.go", "sign.go"])).toBe(false);
    expect(inChangedFile("", ["a.go"])).toBe(false);
  });

  it("marks the frames, and the first line says whether the failing ones lie in changed files", () => {
    const marked = markChanged(report(), ["svc/sign.go", "README.md"]);
    expect(marked.changedFiles).toBe(2);
    expect(marked.comparisons[0]!.frames.map((f) => f.changed === true)).toEqual([true, false]);
    const md = renderMarkdown(marked);
    expect(md.split("\n")[0]).toMatch(/`main\.sign`.*; in a file this change touched\.$/);
    expect(md).toContain("`main.sign` <sub>✎ changed file</sub>");
    expect(renderSummary(marked).split("\n")[0]).toMatch(/; in a file this change touched$/);

    const elsewhere = markChanged(report(), ["docs/x.md"]);
    expect(renderSummary(elsewhere).split("\n")[0]).toMatch(/; not in a file this change touched$/);
    // Unknown (no list): nothing is said.
    expect(renderSummary(report()).split("\n")[0]).not.toMatch(/change touched/);
  });

  it("lists the files changed from the merge-base to the head's working tree", () => {
    const repo = mkdtempSync(join(tmpdir(), "flamegate-changed-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", repo, ...args], {
        encoding: "utf8",
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "t",
          GIT_AUTHOR_EMAIL: "t@example.com",
          GIT_COMMITTER_NAME: "t",
          GIT_COMMITTER_EMAIL: "t@example.com",
        },
      });
    git("init", "-q", "-b", "main");
    writeFileSync(join(repo, "a.go"), "package a\n");
    writeFileSync(join(repo, "b.go"), "package b\n");
    git("add", ".");
    git("commit", "-q", "-m", "base");
    const base = mkdtempSync(join(tmpdir(), "flamegate-changed-base-"));
    git("worktree", "add", "-q", "--detach", join(base, "wt"), "main");
    git("checkout", "-q", "-b", "pr");
    writeFileSync(join(repo, "a.go"), "package a\n\nfunc A() {}\n");
    git("commit", "-q", "-am", "change a");
    writeFileSync(join(repo, "b.go"), "package b // uncommitted\n");
    expect(changedFilesBetween(join(base, "wt"), repo)?.sort()).toEqual(["a.go", "b.go"]);
    expect(changedFilesBetween(tmpdir(), repo)).toBeNull();
  });
});
