#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);

// src/paths.ts
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
var cached;
function packageRoot() {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (; ; ) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "flamegate") {
      cached = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir)
      throw new Error(
        "flamegate: cannot find the package root above " + fileURLToPath(import.meta.url)
      );
    dir = up;
  }
}
function agentsDir() {
  const here = dirname(fileURLToPath(import.meta.url));
  return existsSync(join(here, "agents")) ? join(here, "agents") : join(packageRoot(), "src", "capture", "agents");
}

export {
  packageRoot,
  agentsDir
};
