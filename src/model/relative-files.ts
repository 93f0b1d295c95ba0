import { realpathSync } from "node:fs";
import type { Profile } from "pprof-format";
import { str } from "./values.js";

/**
 * Rewrites the file names of a profile's functions that lie under `root` (the
 * directory the service ran in) to paths relative to it. Functions are keyed
 * by name + file, so without this `ab` and `baseline: rerun` — which run the
 * base in a worktree and the head in the checkout — would see every frame of
 * the service's own code as removed on one side and new on the other, and a
 * baseline stored from /home/runner/work/a/a would not match a run elsewhere.
 * V8 reports scripts as file:// URLs, Go and Python as absolute paths; both
 * forms are handled. Returns how many functions were rewritten.
 */
export function relativizeFiles(profile: Profile, root: string): number {
  const prefixes = rootPrefixes(root);
  let rewritten = 0;
  for (const fn of profile.function) {
    const file = str(profile, fn.filename);
    const relative = stripRoot(file, prefixes);
    if (relative !== undefined) {
      fn.filename = profile.stringTable.dedup(relative);
      rewritten++;
    }
  }
  return rewritten;
}

/** The root as given and as resolved through symlinks, each with a trailing slash. */
function rootPrefixes(root: string): string[] {
  const roots = new Set([root]);
  try {
    roots.add(realpathSync(root));
  } catch {
    // A root that no longer exists still matches textually.
  }
  return [...roots].map((r) => (r.endsWith("/") ? r : `${r}/`));
}

function stripRoot(file: string, prefixes: string[]): string | undefined {
  let path = file;
  if (path.startsWith("file://")) {
    try {
      path = decodeURIComponent(new URL(path).pathname);
    } catch {
      return undefined;
    }
  }
  for (const prefix of prefixes) {
    if (path.startsWith(prefix) && path.length > prefix.length) return path.slice(prefix.length);
  }
  return undefined;
}
