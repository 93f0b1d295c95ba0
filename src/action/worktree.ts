import { relative, resolve } from "node:path";
import { FlamegateError, errorMessage } from "../errors.js";

/**
 * `baseline: rerun`: the merge-base checked out next to the PR's tree with
 * `git worktree`, so base and head build and run in the same job. CI clones
 * are shallow (actions/checkout fetch-depth 1), so the commit is fetched
 * first when it is missing: `git fetch --no-tags --depth=1 origin <sha>`.
 */

export type Git = (args: string[], cwd: string) => Promise<string>;

export interface BaseWorktree {
  /** The checkout root of the merge-base. */
  dir: string;
  /** A path inside the PR's checkout -> the same path inside the worktree. */
  map(path: string): string;
  remove(): Promise<void>;
}

/** The checkout root of `repoDir`; `what` names the feature that needs it in the error. */
async function repoTop(git: Git, repoDir: string, what: string): Promise<string> {
  try {
    return (await git(["rev-parse", "--show-toplevel"], repoDir)).trim();
  } catch (err) {
    throw new FlamegateError(
      `${what} needs the repository checked out (actions/checkout) at ${repoDir}: ${errorMessage(err)}`,
    );
  }
}

/** Makes commit `sha` present in the clone at `top`, fetching it alone from origin when the clone lacks it. */
async function ensureCommit(
  git: Git,
  top: string,
  sha: string,
  what: string,
  log: (line: string) => void,
): Promise<void> {
  if (!/^[0-9a-f]{40}$/.test(sha))
    throw new FlamegateError(`${what}: '${sha}' is not a commit sha`);
  const have = await git(["cat-file", "-e", `${sha}^{commit}`], top).then(
    () => true,
    () => false,
  );
  if (have) return;
  log(`${what}: fetching the merge-base ${sha.slice(0, 7)} (shallow clone)`);
  try {
    await git(["fetch", "--no-tags", "--depth=1", "origin", sha], top);
  } catch (err) {
    throw new FlamegateError(
      `${what}: cannot fetch the merge-base ${sha} from origin: ${errorMessage(err)}`,
    );
  }
}

export async function prepareBaseWorktree(
  git: Git,
  repoDir: string,
  sha: string,
  dest: string,
  log: (line: string) => void,
): Promise<BaseWorktree> {
  const what = "baseline: rerun";
  if (!/^[0-9a-f]{40}$/.test(sha))
    throw new FlamegateError(`${what}: '${sha}' is not a commit sha`);
  const top = await repoTop(git, repoDir, what);
  await ensureCommit(git, top, sha, what, log);
  await git(["worktree", "add", "--force", "--detach", dest, sha], top);
  log(`${what}: merge-base ${sha.slice(0, 7)} checked out at ${dest}`);
  return {
    dir: dest,
    map: (path) => resolve(dest, relative(top, path)),
    remove: async () => {
      await git(["worktree", "remove", "--force", dest], top).catch((err: unknown) => {
        log(`${what}: could not remove the worktree ${dest}: ${errorMessage(err)}`);
      });
    },
  };
}
