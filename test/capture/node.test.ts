import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Profile } from "pprof-format";
import { describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../src/config.js";
import { locationFrames } from "../../src/model/functions.js";
import { sampleIndexFor } from "../../src/model/kinds.js";
import { toNumber } from "../../src/model/values.js";
import { fixtureDir, loadFixtureConfig } from "../../src/session/fixtures.js";
import { groupMembers, trackedGroups } from "../../src/session/reaper.js";
import { runRound } from "../../src/session/round.js";

/** Self (pprof flat) and cumulative value per function name, and the profile's total, for one kind. */
function selfByName(profile: Profile, kind: "cpu" | "alloc") {
  const index = sampleIndexFor(profile, kind);
  expect(index).toBeGreaterThanOrEqual(0);
  const frames = locationFrames(profile);
  const self = new Map<string, { value: number; file: string }>();
  const cum = new Map<string, { value: number; file: string }>();
  let total = 0;
  for (const sample of profile.sample) {
    const value = toNumber(sample.value[index]);
    total += value;
    const stack = sample.locationId.flatMap((id) => frames.get(toNumber(id)) ?? []);
    const leaf = stack[0];
    if (!leaf) continue;
    const entry = self.get(leaf.name) ?? { value: 0, file: leaf.file };
    entry.value += value;
    self.set(leaf.name, entry);
    for (const fn of new Map(stack.map((f) => [f.name, f])).values()) {
      const c = cum.get(fn.name) ?? { value: 0, file: fn.file };
      c.value += value;
      cum.set(fn.name, c);
    }
  }
  return { self, cum, total };
}

describe("Node capture (real fixture service, real load, node:inspector)", () => {
  it("finds the fixture's hot functions in a round of base and of head, and keeps only the window's CPU samples", async () => {
    const config = await loadFixtureConfig("node");
    const fixture = config.services[0]!;
    // Short rounds: 1 s warm-up, 2 s of load, 2 connections.
    // About V8's own CPU profiler and the totals it writes, not the OS's count the
    // session puts in their place by default; perf-round.e2e.test.ts covers perf.
    const base: ServiceConfig = {
      ...fixture,
      sampling: { ...fixture.sampling, cpuProfiler: "runtime", cpuTotal: "profiler" },
      warmupSeconds: 1,
      load: {
        ...(fixture.load as Extract<ServiceConfig["load"], { type: "builtin" }>),
        durationSeconds: 2,
        connections: 2,
      },
    };
    // How much the regression grows its functions is a sampled figure, asserted
    // on recorded captures (test/compare/demo-capture.test.ts) and measured by
    // npm run eval; here the head only has to run and be profiled like base.
    const head: ServiceConfig = {
      ...base,
      env: { ...base.env, FLAMEGATE_REGRESSION: "both" },
    };
    const pids: number[] = [];
    const log = (line: string) => {
      const pid = /started \(pid (\d+)\)/.exec(line)?.[1];
      if (pid) pids.push(Number(pid));
    };
    for (const service of [base, head]) {
      // When the alloc window's load starts, in seconds after runRound was called.
      const began = performance.now();
      let allocLoadAt = Infinity;
      const r = await runRound(service, {
        round: 1,
        log,
        watchLoad: (_pgid, kinds) => {
          if (kinds.includes("alloc")) allocLoadAt = (performance.now() - began) / 1000;
          return Promise.resolve(() => Promise.resolve());
        },
      });
      expect(r.runtimeVersion).toBe(process.version);
      expect(r.record.requests).toBeGreaterThan(0);
      expect(r.record.errors).toBe(0);
      expect(r.record.non2xx).toBe(0);
      expect(r.record.latency?.p99).toEqual(expect.any(Number));
      expect(r.record.profilers.cpu).toBe("node:inspector Profiler @ 1000 µs");
      // Allocations in their own window after the CPU window, each with its own load.
      expect(r.record.windows?.cpu?.requests).toBe(r.record.requests);
      expect(r.record.windows?.alloc?.requests).toBeGreaterThan(0);
      expect(r.record.windows?.alloc).not.toBe(r.record.windows?.cpu);
      const cpu = selfByName(r.profiles.cpu!, "cpu");
      // The CPU profile runs from the service's boot; only the window's samples
      // are kept, and their intervals add up to the time from the window's start
      // to its last sample. The window opens after the warm-up and closes before
      // the alloc window's load starts: a hard bound, which the samples of the
      // boot and the warm-up (over a second more) would break.
      expect(cpu.total).toBeGreaterThan(0);
      expect(cpu.total / 1e9).toBeLessThanOrEqual(allocLoadAt - service.warmupSeconds);
      // handleWork is on every request's stack and checksum holds about a third of
      // its CPU; the other stages take a few % each, which a loaded machine's window
      // can miss (sampled presence, not asserted).
      for (const fn of ["handleWork", "checksum"]) {
        expect(cpu.cum.has(fn), fn).toBe(true);
        expect(cpu.cum.get(fn)!.value, fn).toBeGreaterThan(0);
        // Relative to the service's directory (the session rewrites file:///…/server.mjs).
        expect(cpu.cum.get(fn)?.file, fn).toBe("server.mjs");
      }
      const alloc = selfByName(r.profiles.alloc!, "alloc");
      expect(alloc.self.get("buildIndex")?.value).toBeGreaterThan(0);
      expect(alloc.self.get("buildIndex")?.file).toMatch(/server\.mjs$/);
    }

    // Every service process group is gone, and no handler is left installed.
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(groupMembers(pid)).toEqual([]);
    expect(trackedGroups()).toEqual([]);
    expect(process.listeners("SIGINT").length).toBe(0);
  });

  it("serves alloc and in-use heap in one round: heap is the live heap at the window's start", async () => {
    const fixture = (await loadFixtureConfig("node")).services[0]!;
    const service: ServiceConfig = {
      ...fixture,
      profiles: ["cpu", "alloc", "heap"],
      // server.mjs keeps ~220 KiB of order texts live from boot: ~55 samples at
      // 4 KiB, so the sampler cannot miss them all (at the default 32 KiB, ~7).
      sampling: {
        ...fixture.sampling,
        allocBytes: 4096,
        cpuProfiler: "runtime",
        cpuTotal: "profiler",
      },
      warmupSeconds: 1,
      load: {
        ...(fixture.load as Extract<ServiceConfig["load"], { type: "builtin" }>),
        durationSeconds: 2,
        connections: 2,
      },
    };
    // watchLoad sees each window's load start and end, with the service's group and kinds.
    const watched: string[] = [];
    const r = await runRound(service, {
      round: 1,
      log: () => undefined,
      watchLoad: (pgid, kinds) => {
        watched.push(`start ${groupMembers(pgid).length > 0 ? "live" : "gone"} ${kinds.join("+")}`);
        return Promise.resolve(() => {
          watched.push(`end ${kinds.join("+")}`);
          return Promise.resolve();
        });
      },
    });
    expect(watched).toEqual([
      "start live cpu+heap",
      "end cpu+heap",
      "start live alloc",
      "end alloc",
    ]);
    expect(Object.keys(r.profiles).sort()).toEqual(["alloc", "cpu", "heap"]);
    expect(r.record.profilers.heap).toMatch(/live objects from start to window start/);
    // heap is taken as the CPU window opens; alloc has a window of its own.
    expect(r.record.windows?.heap).toBe(r.record.windows?.cpu);
    expect(r.record.windows?.alloc).not.toBe(r.record.windows?.cpu);
    const heap = r.profiles.heap!;
    expect(sampleIndexFor(heap, "heap")).toBeGreaterThanOrEqual(0);
    // Live objects allocated by the service's own code (server.mjs) are in it.
    const live = [...selfByName(heap, "alloc").cum.values()].filter((f) =>
      f.file.endsWith("server.mjs"),
    );
    expect(live.reduce((s, f) => s + f.value, 0)).toBeGreaterThan(0);
    // Allocation sampling counts collected objects too; heap sampling only live ones.
    expect(r.record.profilers.alloc).toMatch(/collected objects included$/);
    expect(trackedGroups()).toEqual([]);
  });

  it("lands in the service, not in npm, when the start command is 'npm start'", async () => {
    const fixture = (await loadFixtureConfig("node")).services[0]!;
    const dir = mkdtempSync(join(tmpdir(), "flamegate-npm-start-"));
    copyFileSync(join(fixtureDir("node"), "server.mjs"), join(dir, "server.mjs"));
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "orders", private: true, scripts: { start: "node server.mjs" } }),
    );
    const service: ServiceConfig = {
      ...fixture,
      cwd: dir,
      start: "npm start --silent",
      warmupSeconds: 1,
      load: {
        ...(fixture.load as Extract<ServiceConfig["load"], { type: "builtin" }>),
        durationSeconds: 2,
        connections: 2,
      },
    };
    const lines: string[] = [];
    const r = await runRound(service, { round: 1, log: (l) => lines.push(l) });
    expect(lines.find((l) => l.includes("node agent in pid"))).toMatch(/\/server\.mjs\)$/);
    const cpu = selfByName(r.profiles.cpu!, "cpu");
    // The script npm started, relative to the service's directory.
    expect(cpu.cum.get("checksum")?.file).toBe("server.mjs");
    expect(trackedGroups()).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
