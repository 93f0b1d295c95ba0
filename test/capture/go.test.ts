import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clampDelta,
  goDriver,
  mergeGodebug,
  smallHeapNote,
  windowSeconds,
} from "../../src/capture/go.js";
import type { CaptureContext, CapturedProfiles } from "../../src/capture/driver.js";
import { parseConfig } from "../../src/config.js";
import { FlamegateError } from "../../src/errors.js";
import { ProfileBuilder } from "../../src/model/builder.js";
import { toNumber } from "../../src/model/values.js";
import { buildService, runRound } from "../../src/session/index.js";
import { loadFixtureConfig } from "../../src/session/fixtures.js";
import { groupMembers, trackedGroups } from "../../src/session/reaper.js";
import {
  cumByFunction,
  freePort,
  linesIn,
  load,
  sourceLine,
  startService,
  waitReady,
} from "./go-python-service.js";
import { stopAndConvert } from "../support/window.js";

const fixture = join(import.meta.dirname, "../../fixtures/services/go");
let work: string;
let binary: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "flamegate-go-"));
  binary = join(work, "fixture");
  await execa("go", ["build", "-o", binary, "."], { cwd: fixture });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function context(
  pprof: string,
  profiles: string[],
  env: Record<string, string> = {},
): CaptureContext {
  const config = parseConfig(
    {
      services: {
        fixture: {
          runtime: "go",
          cwd: fixture,
          start: binary,
          env,
          ready: "http://127.0.0.1:1/healthz",
          pprof,
          profiles,
          // Not Go's own 512 KiB, so the profile's period proves GODEBUG reached the runtime.
          // These tests are about Go's own CPU profiler; perf-round.e2e.test.ts covers perf.
          sampling: { "alloc-bytes": 65536, "cpu-profiler": "runtime" },
          load: { url: "http://127.0.0.1:1/work" },
        },
      },
    },
    "test",
    fixture,
  );
  return {
    service: config.services[0]!,
    cwd: fixture,
    workDir: work,
    round: 1,
    log: () => undefined,
  };
}

/** Boots the fixture (env from prepare()), loads it for `seconds` inside one window. */
async function capture(
  profiles: string[],
  seconds: number,
  env: Record<string, string> = {},
): Promise<{ captured: CapturedProfiles; requests: number }> {
  const [port, pprofPort] = [await freePort(), await freePort()];
  const ctx = context(`http://127.0.0.1:${pprofPort}`, profiles, env);
  const prepared = await goDriver.prepare(ctx);
  const svc = startService(prepared.command, ctx.cwd, {
    ...env,
    ...prepared.env,
    PORT: String(port),
    PPROF_PORT: String(pprofPort),
  });
  try {
    await waitReady(`http://127.0.0.1:${port}/healthz`, svc);
    await load(`http://127.0.0.1:${port}/work`, 1); // warm-up
    const window = await goDriver.startWindow(ctx, svc.pid, seconds);
    const requests = await load(`http://127.0.0.1:${port}/work`, seconds);
    return { captured: await stopAndConvert(window), requests };
  } finally {
    await svc.stop();
    expect(groupMembers(svc.pid)).toEqual([]);
  }
}

describe("go driver", () => {
  it("merges memprofilerate into an existing GODEBUG", () => {
    expect(mergeGodebug(undefined, 65536)).toBe("memprofilerate=65536");
    expect(mergeGodebug("gctrace=1,memprofilerate=1", 4096)).toBe("gctrace=1,memprofilerate=4096");
    expect(windowSeconds(0.2)).toBe(1);
    expect(windowSeconds(3)).toBe(4);
    expect(windowSeconds(3.6)).toBe(5);
  });

  it("clamps the negative values of a delta profile", () => {
    const b = new ProfileBuilder({
      sampleTypes: [
        { type: "alloc_space", unit: "bytes" },
        { type: "inuse_space", unit: "bytes" },
      ],
    });
    b.addSample([{ name: "a", file: "a.go" }], [100, -50]);
    b.addSample([{ name: "b", file: "b.go" }], [-3, 7]);
    const p = b.build();
    expect(clampDelta(p, (t) => t.startsWith("alloc_"))).toBe(1);
    expect(p.sampleType.length).toBe(1);
    expect(p.sample.map((s) => s.value.map(toNumber))).toEqual([[100]]);
  });

  it("notes a GC goal near Go's 4 MB floor, from runtime.MemStats", () => {
    const stats = (goal: number) =>
      `# runtime.MemStats\n# HeapAlloc = 259344\n# NextGC = ${goal}\n`;
    expect(smallHeapNote(stats(4194304))).toMatch(/GC goal was 8 MiB or less.*1 MiB buffer/);
    expect(smallHeapNote(stats(8 << 20))).toBeDefined();
    expect(smallHeapNote(stats((8 << 20) + 1))).toBeUndefined();
    expect(smallHeapNote("no stats here")).toBeUndefined();
  });

  it("says so in the notes when the service has no live state, and not when it holds its catalog", async () => {
    const small = await capture(["cpu"], 1, { CATALOG_ITEMS: "0" });
    expect(small.captured.notes.filter((n) => n.includes("GC goal"))).toHaveLength(1);
    // The catalog (23 MB live) puts the goal near 46 MB.
    const large = await capture(["cpu"], 1);
    expect(large.captured.notes.filter((n) => n.includes("GC goal"))).toEqual([]);
  });

  it("captures cpu and alloc of the fixture with its hot functions in main.go", async () => {
    const { captured, requests } = await capture(["cpu", "alloc"], 3);
    expect(requests).toBeGreaterThan(0);
    // work is on every request's stack and hashPayload holds most of its CPU, so a
    // starved window's few samples still hold both. (matchTokens and decodeRecords
    // take a few % each, which a loaded machine's ~50 samples can miss.)
    const cpu = cumByFunction(captured.profiles.cpu!, "cpu");
    for (const fn of ["main.hashPayload", "main.work"]) {
      expect(cpu.cum.get(fn)?.file, fn).toMatch(/fixtures\/services\/go\/main\.go$/);
      expect(cpu.cum.get(fn)!.value).toBeGreaterThan(0);
    }
    // Tens of KiB per request each, against one sample per 64 KiB.
    const alloc = cumByFunction(captured.profiles.alloc!, "alloc");
    for (const fn of ["main.buildIndex", "main.makeInput", "main.decodeRecords"]) {
      expect(alloc.cum.get(fn)?.file, fn).toMatch(/main\.go$/);
    }
    // The configured 64 KiB (not Go's default) reached the runtime through GODEBUG.
    expect(toNumber(captured.profiles.alloc!.period)).toBe(65536);
    expect(captured.profilers.cpu).toBe("go net/http/pprof profile?seconds=4 @ 100 Hz");
    expect(captured.profilers.alloc).toBe(
      "go net/http/pprof allocs?seconds=4 @ memprofilerate=65536 B",
    );
  });

  it("sees the injected regression's own allocation, in buildIndex, in head only", async () => {
    // The regression's extra buffer is allocated on a line of buildIndex that
    // base never runs: which lines allocate is deterministic, how much of the
    // profile they take is sampled (measured by npm run eval, not here).
    const regressionLine = sourceLine(join(fixture, "main.go"), "sink = make([]byte");
    const base = await capture(["cpu", "alloc"], 2);
    const head = await capture(["cpu", "alloc"], 2, {
      FLAMEGATE_REGRESSION: "both",
      FLAMEGATE_REGRESSION_PCT: "200",
    });
    const baseLines = linesIn(base.captured.profiles.alloc!, "alloc", "main.buildIndex");
    const headLines = linesIn(head.captured.profiles.alloc!, "alloc", "main.buildIndex");
    expect(baseLines.size).toBeGreaterThan(0);
    expect(baseLines.has(regressionLine)).toBe(false);
    expect(headLines.has(regressionLine)).toBe(true);
    for (const c of [base, head])
      expect(cumByFunction(c.captured.profiles.cpu!, "cpu").cum.has("main.hashPayload")).toBe(true);
  });

  it("captures heap, goroutine, mutex and block, and says why mutex and block are empty", async () => {
    const { captured } = await capture(["heap", "goroutine", "mutex", "block"], 1);
    expect(Object.keys(captured.profiles).sort()).toEqual(["block", "goroutine", "heap", "mutex"]);
    expect(cumByFunction(captured.profiles.goroutine!, "goroutine").cum.has("main.main")).toBe(
      true,
    );
    expect(captured.notes).toContain(
      "go: mutex profile is empty; the program must call runtime.SetMutexProfileFraction(n) itself",
    );
    expect(captured.notes.some((n) => n.startsWith("go: block profile is empty"))).toBe(true);
  });

  it("fails in one line when nothing serves pprof, before the load starts", async () => {
    const port = await freePort();
    const svc = startService(binary, fixture, { PORT: String(port) });
    try {
      await waitReady(`http://127.0.0.1:${port}/healthz`, svc);
      // Nothing listens on the pprof port …
      const closed = `http://127.0.0.1:${await freePort()}`;
      await expect(goDriver.startWindow(context(closed, ["cpu"]), svc.pid, 1)).rejects.toThrow(
        new FlamegateError(
          `service has no net/http/pprof at ${closed}: import _ "net/http/pprof" and serve it on loopback (e.g. go http.ListenAndServe("127.0.0.1:6060", nil)), then set 'pprof' to that address`,
        ),
      );
      // … or a server answers but has no /debug/pprof/ (404).
      const own = `http://127.0.0.1:${port}`;
      await expect(goDriver.startWindow(context(own, ["cpu"]), svc.pid, 1)).rejects.toThrow(
        /^service has no net\/http\/pprof at http:\/\/127\.0\.0\.1:\d+: import _ "net\/http\/pprof"/,
      );
    } finally {
      await svc.stop();
      expect(groupMembers(svc.pid)).toEqual([]);
    }
  });

  it("reports the Go version of the service's directory", async () => {
    expect(await goDriver.version(context("http://127.0.0.1:1", ["cpu"]))).toMatch(/^go1\.\d+/);
  });

  it("captures a round of the fixture's own flamegate.yml through the session", async () => {
    const config = await loadFixtureConfig("go");
    const fixture = config.services[0]!;
    if (fixture.load.type !== "builtin") throw new Error("the fixture's load must be built in");
    const service = {
      ...fixture,
      sampling: { ...fixture.sampling, cpuProfiler: "runtime" as const },
      warmupSeconds: 1,
      load: { ...fixture.load, durationSeconds: 2 },
    };
    await buildService(service, service.cwd, () => undefined);
    const r = await runRound(service, { round: 1, log: () => undefined });
    expect(r.record.requests).toBeGreaterThan(0);
    expect(Object.keys(r.profiles).sort()).toEqual(["alloc", "cpu"]);
    const cpu = cumByFunction(r.profiles.cpu!, "cpu");
    expect(cpu.cum.get("main.hashPayload")?.file).toMatch(/main\.go$/);
    // The OS's count of the service's CPU in the load window: some, and no more
    // than the window's wall time on every core (how it compares with the
    // profile's samples is a sampled figure, left to npm run eval).
    expect(r.record.cpuSeconds).toBeGreaterThan(0);
    expect(r.record.cpuSeconds).toBeLessThanOrEqual(
      r.record.windowSeconds * availableParallelism() + 0.02,
    );
    expect(trackedGroups()).toEqual([]);
  });

  it("with a load command, load.duration is the window Go is told, and the command is stopped at its end", async () => {
    const config = await loadFixtureConfig("go");
    const fixture = config.services[0]!;
    if (fixture.load.type !== "builtin") throw new Error("the fixture's load must be built in");
    // A load command that never ends on its own: the window's end stops it (not an error).
    const script = `for (;;) { const r = await fetch(${JSON.stringify(fixture.load.url)}); await r.text(); }`;
    const service = {
      ...fixture,
      sampling: { ...fixture.sampling, cpuProfiler: "runtime" as const },
      warmupSeconds: 1,
      load: {
        type: "command" as const,
        command: `node --input-type=module -e '${script}'`,
        durationSeconds: 2,
      },
    };
    await buildService(service, service.cwd, () => undefined);
    const r = await runRound(service, { round: 1, log: () => undefined });
    expect(r.record.requests).toBeNull();
    // windowSeconds(2) = 3: the profile covers the 2 s window plus the usual slack, not 1 s.
    expect(r.record.profilers.cpu).toBe("go net/http/pprof profile?seconds=3 @ 100 Hz");
    const cpu = cumByFunction(r.profiles.cpu!, "cpu");
    expect(cpu.cum.get("main.hashPayload")?.file).toMatch(/main\.go$/);
    expect(trackedGroups()).toEqual([]);
  });

  it("refuses a load command without load.duration for Go, naming the key", () => {
    const parse = (load: object) =>
      parseConfig(
        {
          services: {
            api: {
              runtime: "go",
              start: "./api",
              ready: "http://127.0.0.1:1/healthz",
              load,
            },
          },
        },
        "flamegate.yml",
        fixture,
      );
    expect(() => parse({ command: "k6 run load.js" })).toThrow(
      /^flamegate\.yml: 'services\.api\.load\.duration' is required for runtime go with a load command/,
    );
    const ok = parse({ command: "k6 run load.js", duration: "30s" }).services[0]!.load;
    expect(ok).toEqual({ type: "command", command: "k6 run load.js", durationSeconds: 30 });
  });
});
