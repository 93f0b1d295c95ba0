import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { probePerf } from "../../src/capture/perf.js";
import type { Runtime } from "../../src/config.js";
import { buildService, runRound } from "../../src/session/index.js";
import { loadFixtureConfig } from "../../src/session/fixtures.js";
import { trackedGroups } from "../../src/session/reaper.js";
import { cumByFunction } from "./go-python-service.js";

/**
 * A real round of the Go and Node fixtures with sampling.cpu-profiler: perf:
 * the CPU profile comes from perf, names the service's own functions, and
 * the manifest says which profiler ran. Skipped where perf may not record.
 */

let perfOk = false;
beforeAll(async () => {
  perfOk = (await probePerf()).ok;
});

async function perfRound(runtime: Runtime, cwd?: string) {
  const loaded = (await loadFixtureConfig(runtime)).services[0]!;
  const fixture = cwd ? { ...loaded, cwd } : loaded;
  if (fixture.load.type !== "builtin") throw new Error("the fixture's load must be built in");
  const service = {
    ...fixture,
    sampling: { ...fixture.sampling, cpuProfiler: "perf" as const },
    warmupSeconds: 1,
    load: { ...fixture.load, durationSeconds: 2 },
  };
  await buildService(service, service.cwd, () => undefined);
  return runRound(service, { round: 1, log: () => undefined });
}

describe("perf as the CPU profiler", () => {
  it("profiles the Go fixture's functions, and alloc still comes from net/http/pprof", async (t) => {
    if (!perfOk) t.skip();
    const r = await perfRound("go");
    expect(r.record.profilers.cpu).toMatch(/^perf .* record -e task-clock/);
    expect(r.record.profilers.alloc).toMatch(/net\/http\/pprof allocs/);
    const cpu = cumByFunction(r.profiles.cpu!, "cpu");
    // The functions that hold most of the samples: at 100 Hz a loaded machine's
    // window can hold ~50, which may miss one of a few % (buildIndex's share).
    for (const fn of ["main.hashPayload", "main.work"]) expect(cpu.cum.has(fn), fn).toBe(true);
    expect(trackedGroups()).toEqual([]);
  });

  it("names the Node fixture's JS functions through V8's perf map, and leaves no V8 log behind", async (t) => {
    if (!perfOk) t.skip();
    // A copy, so the service's directory holds only what the round left there.
    const cwd = mkdtempSync(join(tmpdir(), "flamegate-node-perf-"));
    const source = (await loadFixtureConfig("node")).services[0]!.cwd;
    copyFileSync(join(source, "server.mjs"), join(cwd, "server.mjs"));
    const r = await perfRound("node", cwd);
    expect(r.record.profilers.cpu).toMatch(/^perf .* record -e task-clock/);
    const cpu = cumByFunction(r.profiles.cpu!, "cpu");
    expect(cpu.cum.get("handleWork")?.file).toMatch(/server\.mjs$/);
    expect(cpu.cum.has("buildIndex")).toBe(true);
    expect(trackedGroups()).toEqual([]);
    // --perf-basic-prof makes V8 open isolate-0x…-<pid>-v8.log in the working directory.
    expect(readdirSync(cwd)).toEqual(["server.mjs"]);
    rmSync(cwd, { recursive: true, force: true });
  });
});
