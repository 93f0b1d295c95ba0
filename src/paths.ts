import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The flamegate package root (where package.json, fixtures/ and dist/ live).
 * Found by walking up from this module, because the same code runs from
 * src/ under tsx/vitest and bundled from dist/.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "flamegate"
    ) {
      cached = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir)
      throw new Error(
        "flamegate: cannot find the package root above " + fileURLToPath(import.meta.url),
      );
    dir = up;
  }
}

/** Files injected into services (Node and Python agents): dist/agents when bundled, src/capture/agents from source. */
export function agentsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return existsSync(join(here, "agents"))
    ? join(here, "agents")
    : join(packageRoot(), "src", "capture", "agents");
}
