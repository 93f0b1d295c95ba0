// Bundles the action (dist/index.js) and the CLI (dist/cli.js) with esbuild, and
// copies the agents injected into profiled services next to them. dist/ is
// committed; CI rebuilds it and fails when it differs.
import { build } from "esbuild";
import { chmodSync, cpSync, mkdirSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist");

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  legalComments: "none",
  logLevel: "warning",
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);",
  },
};

// One build with code splitting: the CLI loads only the chunks of the command it
// runs (compare never parses the GitHub client), which cuts its start-up time.
// The hashbang is legal at the top of any ES module, so every output can carry it.
await build({
  ...common,
  entryPoints: { index: "src/index.ts", cli: "src/cli.ts" },
  outdir: "dist",
  splitting: true,
  chunkNames: "chunk-[hash]",
  banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
});
// Python writes __pycache__ next to the agent when tests import it; never ship it.
cpSync("src/capture/agents", "dist/agents", {
  recursive: true,
  filter: (src) => !src.includes("__pycache__") && !src.endsWith(".gitkeep"),
});
chmodSync("dist/cli.js", 0o755);
