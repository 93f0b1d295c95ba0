import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Two projects, chosen by path (`npm run test:unit`, `npm run test:e2e`;
 * `npm test` runs both, unit first):
 * - e2e: files that boot real services, spawn the CLI or the bundled action,
 *   or drive a browser. A loaded service and its profiler compete for the
 *   same cores, so these run one file at a time.
 * - unit: every other test file (pure stages, importers, report, stats,
 *   config, the GitHub client against the in-process fake), in parallel.
 * The rule: every *.test.ts under test/browser, test/capture, test/cli and
 * test/session is e2e, except the pure files named in PURE; so is
 * test/action/action.test.ts and any *.e2e.test.ts; everything else is unit.
 */
const E2E_DIRS = ["browser/", "capture/", "cli/", "session/"];
const PURE = [
  "capture/perf.test.ts",
  "capture/pyspy-read.test.ts",
  "capture/pyspy.test.ts",
  "session/error-rate.test.ts",
  "session/ports.test.ts",
  "session/rendezvous.test.ts",
  "session/windows.test.ts",
];
const E2E = readdirSync(fileURLToPath(new URL("test", import.meta.url)), { recursive: true })
  .map((f) => String(f).replaceAll("\\", "/"))
  .filter(
    (f) =>
      f.endsWith(".e2e.test.ts") ||
      f === "action/action.test.ts" ||
      (f.endsWith(".test.ts") && E2E_DIRS.some((d) => f.startsWith(d)) && !PURE.includes(f)),
  )
  .map((f) => `test/${f}`);

export default defineConfig({
  test: {
    // Generous, for a loaded 2-core runner: a timeout is a timing assertion too.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Unit files in parallel even on 2 cores (vitest's default is cores - 1 workers).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: E2E,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: E2E,
          // One file at a time, in one worker: never two loads at once on 2 cores.
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
