import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Profile } from "pprof-format";
import { describe, expect, it } from "vitest";
import { mapsAsOfNow, withPerfCpu } from "../../src/capture/perf-driver.js";
import { probePerf, recordedSamples } from "../../src/capture/perf.js";
import { parsePerfScript, perfFrame, perfProfile } from "../../src/capture/perf-script.js";
import type { CaptureContext, RuntimeDriver } from "../../src/capture/driver.js";
import type { ServiceConfig } from "../../src/config.js";
import { locationFrames } from "../../src/model/functions.js";
import { sampleTypes } from "../../src/model/kinds.js";
import { toNumber } from "../../src/model/values.js";
import { packageRoot } from "../../src/paths.js";
import { osCpuTotal } from "../../src/session/os-cpu.js";

const captured = (name: string) =>
  readFileSync(join(packageRoot(), "fixtures", "captured", "perf", name), "utf8");

/** Names of every frame of a profile, after an encode/decode round trip (a valid pprof). */
function names(profile: Profile): Set<string> {
  const decoded = Profile.decode(profile.encode());
  const frames = locationFrames(decoded);
  const out = new Set<string>();
  for (const s of decoded.sample)
    for (const id of s.locationId) for (const f of frames.get(toNumber(id)) ?? []) out.add(f.name);
  return out;
}

describe("perf script to pprof", () => {
  it("names the Go fixture's functions, without ABI suffixes or kernel frames", () => {
    const samples = parsePerfScript(captured("go.perf-script.txt"));
    expect(samples).toHaveLength(30);
    expect(samples.every((s) => s.period > 0 && s.frames.length > 0)).toBe(true);
    const profile = perfProfile(samples, { hz: 999 });
    const types = sampleTypes(profile).map((t) => `${t.type}/${t.unit}`);
    expect(types).toEqual(["samples/count", "cpu/nanoseconds"]);
    const got = names(profile);
    for (const fn of ["main.hashPayload", "main.buildIndex", "main.work", "runtime.goexit"])
      expect(got).toContain(fn);
    expect([...got].some((n) => n.endsWith(".abi0"))).toBe(false);
    expect(
      [...got].some((n) => n.startsWith("__schedule") || n.includes("finish_task_switch")),
    ).toBe(false);
    // Every sample is kept, with its task-clock period as its CPU time.
    const cpu = profile.sample.reduce((a, s) => a + toNumber(s.value[1]), 0);
    expect(cpu).toBe(samples.reduce((a, s) => a + s.period, 0));
  });

  it("names Node's JS frames as V8's own profiler does", () => {
    const profile = perfProfile(parsePerfScript(captured("node.perf-script.txt")), { hz: 999 });
    const got = names(profile);
    expect(got).toContain("buildIndex");
    expect(got).toContain("handleWork");
    // An anonymous function is named after where it is defined, as import/v8-frames.ts does.
    expect([...got].some((n) => /^\(anonymous\) server\.mjs:\d+$/.test(n))).toBe(true);
    expect([...got].some((n) => n.startsWith("JS:"))).toBe(false);
    const files = locationFrames(profile);
    const build = [...files.values()].flat().find((f) => f.name === "buildIndex");
    expect(build?.file).toMatch(/server\.mjs$/);
  });

  it("names Python's functions as py-spy does, each sample in Python code keeping only its Python frames", () => {
    const samples = parsePerfScript(captured("python.perf-script.txt"));
    const profile = perfProfile(samples, { hz: 999 });
    const got = names(profile);
    for (const fn of ["hash_payload", "work", "Handler.do_GET", "BaseHTTPRequestHandler.handle"])
      expect(got).toContain(fn);
    // The interpreter's C frames, the kernel's and the perf map's raw symbols are gone ...
    expect([...got].filter((n) => /^py::|_PyEval|\[unknown\] python|kernel/.test(n))).toEqual([]);
    // ... but a sample whose frame chain broke in a C library without frame pointers keeps what it has.
    expect(got).toContain("malloc");
    const frames = [...locationFrames(profile).values()].flat();
    expect(frames.find((f) => f.name === "hash_payload")?.file).toBe(
      "/work/flamegate/fixtures/services/python/app.py",
    );
    // Every sample counts, hash_payload's at the Python function: it is the leaf of each of its samples.
    const leaves = profile.sample.map(
      (s) => locationFrames(profile).get(toNumber(s.locationId[0]))?.[0]?.name,
    );
    expect(leaves.filter((n) => n === "hash_payload")).toHaveLength(
      samples.filter((s) =>
        s.frames.find((f) => f.sym.startsWith("py::"))?.sym.startsWith("py::hash_payload:"),
      ).length,
    );
    expect(perfFrame("py::<module>:/srv/app.py", "/tmp/perf-1.map", "7f00")).toEqual({
      name: "<module>",
      file: "/srv/app.py",
    });
  });

  it("drops the end of a broken frame chain and keeps a sample with only kernel frames", () => {
    expect(perfFrame("[unknown]", "[unknown]", "0")).toBeUndefined();
    expect(perfFrame("[unknown]", "/usr/lib/libc.so.6", "7f00")?.name).toBe("[unknown] libc.so.6");
    const profile = perfProfile(
      [
        {
          comm: "x",
          pid: 1,
          tid: 1,
          period: 1000,
          frames: [{ ip: "ffff1", sym: "do_idle", dso: "[kernel.kallsyms]" }],
        },
      ],
      { hz: 1000 },
    );
    expect(names(profile)).toEqual(new Set(["[kernel]"]));
  });
});

describe("perf record's own count", () => {
  it("is read from its last line, 0 when it wrote none, undefined when it never finished writing", () => {
    expect(
      recordedSamples(
        "[ perf record: Woken up 1 times to write data ]\n[ perf record: Captured and wrote 0.005 MB /tmp/y.data (47 samples) ]\n",
      ),
    ).toBe(47);
    // What perf 6.1 prints for an empty recording: no count at all.
    expect(
      recordedSamples(
        "[ perf record: Woken up 1 times to write data ]\n[ perf record: Captured and wrote 0.001 MB /tmp/x.data ]\n",
      ),
    ).toBe(0);
    expect(recordedSamples("[ perf record: Woken up 1 times to write data ]\n")).toBeUndefined();
  });
});

describe("V8's perf maps", () => {
  it("are cut back to what they held when the window closed: code compiled later cannot rename a sample", () => {
    const dir = mkdtempSync(join(tmpdir(), "flamegate-maps-"));
    try {
      const map = join(dir, "perf-1.map");
      const later = join(dir, "perf-2.map");
      const inWindow = "7f0000001000 80 JS:*checksum file:///s.mjs:70:18\n";
      writeFileSync(map, inWindow);
      const cut = mapsAsOfNow([map, later, join(dir, "perf-3.map")]);
      appendFileSync(map, "7f0000001000 40 JS:^closeIdleConnections node:_http_server:1:1\n");
      writeFileSync(later, "7f0000002000 10 JS:*x file:///s.mjs:1:1\n");
      cut();
      expect(readFileSync(map, "utf8")).toBe(inWindow);
      // A map that did not exist at the window's close is not the window's: left as it is.
      expect(readFileSync(later, "utf8")).toContain("JS:*x");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("which CPU profiler runs", () => {
  it("reports perf as unusable when the binary is absent", async () => {
    const probe = await probePerf("/nonexistent/perf");
    expect(probe.ok).toBe(false);
  });

  const inner = (seen: string[][]): RuntimeDriver => ({
    supports: ["cpu", "alloc"],
    version: () => Promise.resolve("v0"),
    prepare: (ctx) => {
      seen.push([...ctx.service.profiles]);
      return Promise.resolve({ command: "x", env: {} });
    },
    startWindow: () =>
      Promise.resolve({
        stop: () => Promise.resolve({ profiles: {}, profilers: {}, notes: [] }),
      }),
  });
  const context = (cpuProfiler: string) =>
    ({
      service: {
        name: "svc",
        profiles: ["cpu", "alloc"],
        sampling: { cpuHz: 1000, perfHz: 1000, cpuProfiler },
      } as unknown as ServiceConfig,
      cwd: "/",
      workDir: "/",
      round: 1,
      log: () => undefined,
    }) satisfies CaptureContext;
  async function withoutPerf<T>(run: () => Promise<T>): Promise<T> {
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      return await run();
    } finally {
      process.env.PATH = saved;
    }
  }

  it("falls back to the runtime's own profiler, cpu included, when perf cannot run (auto)", async () => {
    const seen: string[][] = [];
    const driver = withPerfCpu(inner(seen), "go");
    const ctx = context("auto");
    const got = await withoutPerf(async () => {
      await driver.prepare(ctx);
      return (await driver.startWindow(ctx, 1, 1)).stop();
    });
    expect(seen).toEqual([["cpu", "alloc"]]);
    expect(got.notes.join("\n")).toMatch(/perf is not on PATH; the runtime's own profiler ran/);
  });

  it("fails the round in one line when perf is asked for and cannot run", async () => {
    const driver = withPerfCpu(inner([]), "node");
    await expect(withoutPerf(() => driver.prepare(context("perf")))).rejects.toThrow(
      /^service 'svc': sampling\.cpu-profiler is perf, but perf is not on PATH; or set it to auto/,
    );
  });

  it("does not look for perf when the runtime's own profiler is asked for", async () => {
    const seen: string[][] = [];
    const got = await withPerfCpu(inner(seen), "go").prepare(context("runtime"));
    expect(seen).toEqual([["cpu", "alloc"]]);
    expect(got.env).toEqual({});
  });
});

describe("the CPU total", () => {
  it("takes the OS's CPU as the total for V8's wall-time profiler by default, else as sampling.cpu-total says", () => {
    expect(osCpuTotal("node:inspector Profiler @ 1000 µs", "auto")).toBe(true);
    expect(osCpuTotal("go net/http/pprof profile?seconds=4 @ 100 Hz", "auto")).toBe(false);
    expect(osCpuTotal("perf version 6.1 record -e task-clock", "auto")).toBe(false);
    expect(osCpuTotal("perf version 6.1 record -e task-clock", "os")).toBe(true);
    expect(osCpuTotal("node:inspector Profiler @ 1000 µs", "profiler")).toBe(false);
  });
});
