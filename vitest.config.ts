import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Two projects, chosen by path (`npm run test:unit`, `npm run test:e2e`;
 * `npm test` runs both, unit first):
 * - e2e: the files below, which boot real services, spawn the CLI or the
 *   bundled action, or drive a browser. A loaded service and its profiler
 *   compete for the same cores, so these run one file at a time.
 * - unit: every other test/**\/*.test.ts (pure stages, importers, report,
 *   stats, config, the GitHub client against the in-process fake), files in
 *   parallel.
 * So a new file in test/browser, test/capture, test/cli or test/session lands
 * in e2e, and so does any *.e2e.test.ts; everything else (new files in
 * test/action included) lands in unit. A pure file in an e2e folder is
 * excepted by name (capture/perf, capture/pyspy, session/error-rate,
 * session/windows).
 */
const E2E = [
  "test/action/action.test.ts",
  "test/browser/**/*.test.ts",
  "test/capture/**/!(perf|pyspy).test.ts",
  "test/cli/**/*.test.ts",
  "test/session/**/!(error-rate|windows).test.ts",
  "test/**/*.e2e.test.ts",
];

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
