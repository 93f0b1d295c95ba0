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

export async function prepareBaseWorktree(
  git: Git,
  repoDir: string,
  sha: string,
  dest: string,
  log: (line: string) => void,
): Promise<BaseWorktree> {
  if (!/^[0-9a-f]{40}$/.test(sha))
    throw new FlamegateError(`baseline: rerun: '${sha}' is not a commit sha`);
  let top: string;
  try {
    top = (await git(["rev-parse", "--show-toplevel"], repoDir)).trim();
  } catch (err) {
    throw new FlamegateError(
      `baseline: rerun needs the repository checked out (actions/checkout) at ${repoDir}: ${errorMessage(err)}`,
    );
  }
  const have = await git(["cat-file", "-e", `${sha}^{commit}`], top).then(
    () => true,
    () => false,
  );
  if (!have) {
    log(`baseline: rerun: fetching the merge-base ${sha.slice(0, 7)} (shallow clone)`);
    try {
      await git(["fetch", "--no-tags", "--depth=1", "origin", sha], top);
    } catch (err) {
      throw new FlamegateError(
        `baseline: rerun: cannot fetch the merge-base ${sha} from origin: ${errorMessage(err)}`,
      );
    }
  }
  await git(["worktree", "add", "--force", "--detach", dest, sha], top);
  log(`baseline: rerun: merge-base ${sha.slice(0, 7)} checked out at ${dest}`);
  return {
    dir: dest,
    map: (path) => resolve(dest, relative(top, path)),
    remove: async () => {
      await git(["worktree", "remove", "--force", dest], top).catch((err: unknown) => {
        log(`baseline: rerun: could not remove the worktree ${dest}: ${errorMessage(err)}`);
      });
    },
  };
}
