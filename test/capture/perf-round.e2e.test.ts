import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { probePerf } from "../../src/capture/perf.js";
import { OS_CPU_COMMENT } from "../../src/model/cpu-time.js";
import type { Runtime } from "../../src/config.js";
import { buildService, runRound } from "../../src/session/index.js";
import { loadFixtureConfig } from "../../src/session/fixtures.js";
import { trackedGroups, trackedTempPaths, untrackTempDir } from "../../src/session/reaper.js";
import { cumByFunction } from "./go-python-service.js";

/**
 * A real round of the Go, Node and Python fixtures with sampling.cpu-profiler:
 * perf: the CPU profile comes from perf, names the service's own functions,
 * and the manifest says which profiler ran. Skipped where perf may not record.
 * Python's needs an interpreter perf can follow (3.12+, frame pointers), which
 * scripts/install-python-perf.sh puts here.
 */

const PYTHON_PERF = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"),
  "flamegate/python3.14/bin/python3",
);

const WORKERS_FIXTURE = join(import.meta.dirname, "../../fixtures/services/python-workers");

let perfOk = false;
beforeAll(async () => {
  perfOk = (await probePerf()).ok;
});

async function perfRound(
  runtime: Runtime,
  cwd?: string,
  log: (l: string) => void = () => undefined,
  o: { start?: string; cpuProfiler?: "perf" | "auto" } = {},
) {
  const loaded = (await loadFixtureConfig(runtime)).services[0]!;
  const fixture = { ...loaded, ...(cwd ? { cwd } : {}), ...(o.start ? { start: o.start } : {}) };
  if (fixture.load.type !== "builtin") throw new Error("the fixture's load must be built in");
  const service = {
    ...fixture,
    sampling: { ...fixture.sampling, cpuProfiler: o.cpuProfiler ?? "perf" },
    warmupSeconds: 1,
    load: { ...fixture.load, durationSeconds: 2 },
  };
  await buildService(service, service.cwd, () => undefined);
  return runRound(service, { round: 1, log });
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

  it("tracks a Node service's perf map from its start, so a round that fails in its warm-up leaves none", async (t) => {
    if (!perfOk) t.skip();
    const cwd = mkdtempSync(join(tmpdir(), "flamegate-node-perf-"));
    // Ready, then gone at the warm-up's first request.
    writeFileSync(
      join(cwd, "server.mjs"),
      `import { createServer } from "node:http";
createServer((req, res) => (req.url === "/healthz" ? res.end("ok") : process.exit(4))).listen(Number(process.env.PORT), "127.0.0.1");
`,
    );
    const lines: string[] = [];
    await expect(perfRound("node", cwd, (l) => lines.push(l))).rejects.toThrow(
      /exited during the warm-up/,
    );
    // The group's node process (under the start command's shell) wrote it.
    const maps = trackedTempPaths().filter((p) => /^\/tmp\/perf-\d+\.map$/.test(p));
    expect(
      maps.filter((m) => existsSync(m)),
      lines.join("\n"),
    ).toHaveLength(1);
    // Removed when flamegate exits (or by the watchdog after a SIGKILL): here by hand.
    for (const m of maps) {
      rmSync(m, { force: true });
      untrackTempDir(m);
    }
    rmSync(cwd, { recursive: true, force: true });
  });

  it("tracks the perf map of a Node service that exits before it is ready", async (t) => {
    if (!perfOk) t.skip();
    const cwd = mkdtempSync(join(tmpdir(), "flamegate-node-perf-"));
    writeFileSync(join(cwd, "server.mjs"), "setTimeout(() => process.exit(3), 500);\n");
    await expect(perfRound("node", cwd)).rejects.toThrow(/exited before it was ready/);
    const maps = trackedTempPaths().filter((p) => /^\/tmp\/perf-\d+\.map$/.test(p));
    expect(maps.filter((m) => existsSync(m))).toHaveLength(1);
    for (const m of maps) {
      rmSync(m, { force: true });
      untrackTempDir(m);
    }
    rmSync(cwd, { recursive: true, force: true });
  });

  it("names the Python fixture's functions through CPython's perf trampolines (3.12+)", async (t) => {
    if (!perfOk) t.skip();
    expect(existsSync(PYTHON_PERF), `${PYTHON_PERF}: run scripts/install-python-perf.sh`).toBe(
      true,
    );
    const r = await perfRound("python", undefined, undefined, { start: `${PYTHON_PERF} app.py` });
    expect(r.record.profilers.cpu).toMatch(/^perf .* record -e task-clock/);
    const cpu = cumByFunction(r.profiles.cpu!, "cpu");
    expect(cpu.cum.get("hash_payload")?.file).toBe("app.py");
    expect(cpu.cum.has("Handler.do_GET")).toBe(true);
    // Samples in Python code keep only its frames: none of the interpreter's own.
    expect([...cpu.cum.keys()].filter((f) => /_PyEval_EvalFrameDefault/.test(f))).toEqual([]);
    // perf's samples are CPU time: the round adds no OS count spread over them.
    const comments = r.profiles.cpu!.comment.map(
      (i) => r.profiles.cpu!.stringTable.strings[Number(i)],
    );
    expect(comments).not.toContain(OS_CPU_COMMENT);
    expect(trackedGroups()).toEqual([]);
    const maps = trackedTempPaths().filter((p) => /^\/tmp\/perf-\d+\.map$/.test(p));
    expect(maps.filter((m) => existsSync(m))).toEqual([]);
  });

  it("names the functions gunicorn's pre-forked workers run (3.12+), and leaves none of their maps", async (t) => {
    if (!perfOk) t.skip();
    expect(existsSync(PYTHON_PERF), `${PYTHON_PERF}: run scripts/install-python-perf.sh`).toBe(
      true,
    );
    // The workers fork from the master before the window opens: each writes its own map.
    const r = await perfRound("python", WORKERS_FIXTURE, undefined, {
      start: `${PYTHON_PERF} -m gunicorn --workers 2 --bind 127.0.0.1:$PORT app:application`,
    });
    expect(r.record.profilers.cpu).toMatch(/^perf .* record -e task-clock/);
    const cpu = cumByFunction(r.profiles.cpu!, "cpu");
    for (const fn of ["hash_payload", "work", "application"])
      expect(cpu.cum.get(fn)?.file, fn).toBe("app.py");
    expect(cpu.cum.has("SyncWorker.handle_request")).toBe(true);
    expect(trackedGroups()).toEqual([]);
    const maps = trackedTempPaths().filter((p) => /^\/tmp\/perf-\d+\.map$/.test(p));
    expect(maps.filter((m) => existsSync(m))).toEqual([]);
  });

  it("falls back to py-spy, and says why, for a Python without perf trampolines", async (t) => {
    if (!perfOk) t.skip();
    const lines: string[] = [];
    const r = await perfRound("python", undefined, (l) => lines.push(l), {
      start: "python3 app.py",
      cpuProfiler: "auto",
    });
    expect(r.record.profilers.cpu).toMatch(/^py-spy/);
    expect(lines.join("\n")).toMatch(
      /cpu: Python 3\.11\.\d+ has no perf trampolines \(Python 3\.12 or later names its functions to perf\); the runtime's own profiler ran instead/,
    );
    // The perf maps tracked from its start are let go with the decision, not at flamegate's exit.
    expect(trackedTempPaths().filter((p) => /^\/tmp\/perf-\d+\.map$/.test(p))).toEqual([]);
  });

  it("refuses cpu-profiler perf, in one line, for a Python without perf trampolines", async (t) => {
    if (!perfOk) t.skip();
    await expect(
      perfRound("python", undefined, undefined, { start: "python3 app.py" }),
    ).rejects.toThrow(
      /^service 'python-fixture': sampling\.cpu-profiler is perf, but Python 3\.11\.\d+ has no perf trampolines [^\n]*; or set it to auto/,
    );
    expect(trackedGroups()).toEqual([]);
    expect(trackedTempPaths().filter((p) => /^\/tmp\/perf-\d+\.map$/.test(p))).toEqual([]);
  });
});
