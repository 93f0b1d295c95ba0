import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaptureContext, CapturedProfiles } from "../../src/capture/driver.js";
import { findPythonPid, onPath, pythonDriver } from "../../src/capture/python.js";
import { readHellos } from "../../src/capture/python-agents.js";
import { shortenPath } from "../../src/capture/python-merge.js";
import { parseConfig } from "../../src/config.js";
import { OS_CPU_COMMENT } from "../../src/model/cpu-time.js";
import { sampleTypes } from "../../src/model/kinds.js";
import { totals } from "../../src/model/totals.js";
import { str } from "../../src/model/values.js";
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

const fixture = join(import.meta.dirname, "../../fixtures/services/python");
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "flamegate-py-"));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function context(profiles: string[], env: Record<string, string>): CaptureContext {
  const config = parseConfig(
    {
      services: {
        fixture: {
          runtime: "python",
          cwd: fixture,
          start: "python3 app.py",
          env,
          ready: "http://127.0.0.1:1/healthz",
          profiles,
          load: { url: "http://127.0.0.1:1/work" },
        },
      },
    },
    "test",
    fixture,
  );
  const workDir = mkdtempSync(join(work, "round-"));
  return { service: config.services[0]!, cwd: fixture, workDir, round: 1, log: () => undefined };
}

/** Boots the fixture through a shell (as the session does), loads it inside one window. */
async function capture(
  profiles: string[],
  seconds: number,
  env: Record<string, string> = {},
): Promise<CapturedProfiles> {
  const port = await freePort();
  const ctx = context(profiles, { ...env, PORT: String(port) });
  const prepared = await pythonDriver.prepare(ctx);
  const svc = startService(prepared.command, ctx.cwd, { ...ctx.service.env, ...prepared.env });
  try {
    await waitReady(`http://127.0.0.1:${port}/healthz`, svc);
    await load(`http://127.0.0.1:${port}/work`, 1); // warm-up
    const window = await pythonDriver.startWindow(ctx, svc.pid, seconds);
    await load(`http://127.0.0.1:${port}/work`, seconds);
    return await stopAndConvert(window);
  } finally {
    await svc.stop();
    expect(groupMembers(svc.pid)).toEqual([]);
    // py-spy is its own process group, gone and untracked once the window stops.
    expect(trackedGroups()).toEqual([]);
  }
}

describe("python driver", () => {
  it("shortens file names by sys.path like py-spy", () => {
    const sysPath = ["/srv/app", "/usr/lib/python3.11", "/usr/lib/python3.11/site-packages"];
    expect(shortenPath("/srv/app/app.py", sysPath)).toBe("app.py");
    expect(shortenPath("/usr/lib/python3.11/json/encoder.py", sysPath)).toBe("json/encoder.py");
    expect(shortenPath("/usr/lib/python3.11/site-packages/x/y.py", sysPath)).toBe("x/y.py");
    expect(shortenPath("/elsewhere/z.py", sysPath)).toBe("/elsewhere/z.py");
    expect(findPythonPid(process.pid)).toBe(process.pid);
  });

  it("captures cpu with py-spy and alloc with memray, hot functions in app.py", async () => {
    const c = await capture(["cpu", "alloc"], 2);
    expect(c.profilers.cpu).toMatch(/^py-spy 0\.4\.\d+ @ 200 Hz/);
    expect(c.profilers.alloc).toMatch(/^memray 1\.\d+\.\d+ /);
    const cpu = cumByFunction(c.profiles.cpu!, "cpu");
    // hash_payload holds most of the CPU, the others are on every request's stack
    // (match_tokens' few % is a sampled presence, not asserted).
    for (const fn of ["hash_payload", "work"]) {
      expect(cpu.cum.get(fn)?.file, fn).toBe("app.py");
    }
    const alloc = cumByFunction(c.profiles.alloc!, "alloc");
    for (const fn of ["build_index", "make_input", "decode_records"]) {
      expect(alloc.cum.get(fn)?.file, fn).toBe("app.py");
    }
    // The 4 keep-alive connections' threads wait in socket reads between requests:
    // left out as idle, and said so when they reach 1 % of the samples, which is
    // sampled (on a quiet machine they may not): at most one such note here;
    // test/capture/pyspy.test.ts has the rule on fixed input.
    const idle = c.notes.filter((n) =>
      /^python: py-spy samples of threads waiting in .*SocketIO\.readinto \(socket\.py\).* \(each ≥ 1 % of the samples\) were left out as idle$/.test(
        n,
      ),
    );
    expect(idle.length, c.notes.join("\n")).toBeLessThanOrEqual(1);
    // py-spy --nonblocking reads a running process: on a busy machine over 1 % of its
    // samples can fail to read, which the driver rightly notes. Every other note is exact.
    expect(
      c.notes.filter(
        (n) => !/^python: py-spy could not read \d+ of \d+ samples$/.test(n) && !idle.includes(n),
      ),
    ).toEqual([
      "python: memray recorded every allocation in this window (about 2x CPU per request on flamegate's fixture), so the CPU profile of the same window over-weights allocation-heavy frames; both sides of a comparison carry the same bias",
    ]);
  });

  it("sees the injected regression's own allocation, in build_index, in head only", async () => {
    // memray records every allocation, and the regression's extra bytearray is
    // made on a line of build_index that base never runs. How much CPU the
    // regression adds is sampled (npm run eval measures it).
    const regressionLine = sourceLine(join(fixture, "app.py"), "extra = bytearray(");
    const base = await capture(["cpu", "alloc"], 2);
    const head = await capture(["cpu", "alloc"], 2, {
      FLAMEGATE_REGRESSION: "both",
      FLAMEGATE_REGRESSION_PCT: "200",
    });
    const baseLines = linesIn(base.profiles.alloc!, "alloc", "build_index");
    expect(baseLines.size).toBeGreaterThan(0);
    expect(baseLines.has(regressionLine)).toBe(false);
    expect(linesIn(head.profiles.alloc!, "alloc", "build_index").has(regressionLine)).toBe(true);
    for (const c of [base, head])
      expect(cumByFunction(c.profiles.cpu!, "cpu").cum.get("hash_payload")?.file).toBe("app.py");
  });

  it("falls back to the built-in sampler when py-spy is not on PATH, and says so", async () => {
    const saved = process.env.PATH;
    process.env.PATH = (saved ?? "")
      .split(delimiter)
      .filter((d) => d !== "" && !existsSync(join(d, "py-spy")))
      .join(delimiter);
    try {
      expect(onPath("py-spy")).toBeUndefined();
      // python3 lives next to py-spy (pyenv shims): start the service by absolute path.
      const c = await capture(["cpu"], 3);
      expect(c.profilers.cpu).toBe(
        "flamegate built-in sampler @ 200 Hz (threads with CPU progress)",
      );
      expect(c.notes).toContain(
        "python: py-spy is not on PATH; the built-in sampler ran instead (pip install py-spy for a lower-overhead profiler)",
      );
      const cpu = cumByFunction(c.profiles.cpu!, "cpu");
      expect(cpu.cum.get("hash_payload")?.file).toBe("app.py");
    } finally {
      process.env.PATH = saved;
    }
  });

  // Root can run py-spy as nobody, which the kernel then refuses to let
  // ptrace the service: the refusal a GitHub runner gives a non-child.
  const canDropPrivileges = process.getuid?.() === 0 && onPath("setpriv") !== undefined;

  it.skipIf(!canDropPrivileges)(
    "falls back to the built-in sampler when py-spy may not attach, and says why",
    async () => {
      const realPySpy = (
        await execa("python3", ["-c", "import os, sys; print(os.path.dirname(sys.executable))"])
      ).stdout.trim();
      const wrapper = join(work, "refused-bin");
      mkdirSync(wrapper, { recursive: true });
      writeFileSync(
        join(wrapper, "py-spy"),
        `#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups ${join(realPySpy, "py-spy")} "$@"\n`,
        { mode: 0o755 },
      );
      const saved = process.env.PATH;
      process.env.PATH = `${wrapper}${delimiter}${saved ?? ""}`;
      try {
        const c = await capture(["cpu"], 2);
        expect(c.profilers.cpu).toBe(
          "flamegate built-in sampler @ 200 Hz (threads with CPU progress)",
        );
        expect(
          c.notes.some((n) =>
            /^python: py-spy could not attach to pid \d+ \(Permission Denied.*\); the built-in sampler ran instead$/.test(
              n,
            ),
          ),
          c.notes.join("\n"),
        ).toBe(true);
        expect(cumByFunction(c.profiles.cpu!, "cpu").cum.get("hash_payload")?.file).toBe("app.py");
      } finally {
        process.env.PATH = saved;
      }
    },
  );

  it("falls back to tracemalloc when memray cannot be imported, and says so", async () => {
    // A package named memray that fails to import, ahead of the real one.
    const shadow = join(work, "no-memray");
    mkdirSync(join(shadow, "memray"), { recursive: true });
    writeFileSync(
      join(shadow, "memray", "__init__.py"),
      "raise ImportError('hidden by the test')\n",
    );
    const c = await capture(["alloc"], 2, { PYTHONPATH: shadow });
    expect(c.profilers.alloc).toBe("tracemalloc (blocks live at window end)");
    expect(c.notes.some((n) => n.startsWith("python: memray is not installed"))).toBe(true);
    const alloc = cumByFunction(c.profiles.alloc!, "alloc");
    expect(alloc.total).toBeGreaterThan(0);
  });

  it("loads the agent in spawned and forked Python children too, and still runs the user's sitecustomize", async () => {
    const ctx = context(["cpu"], {});
    const prepared = await pythonDriver.prepare(ctx);
    const user = join(work, "user-site");
    mkdirSync(user, { recursive: true });
    writeFileSync(join(user, "sitecustomize.py"), "print('user sitecustomize ran', flush=True)\n");
    const threads = "print([t.name for t in threading.enumerate()], flush=True)";
    const r = await execa(
      "python3",
      [
        "-c",
        [
          "import os, subprocess, sys, threading",
          `subprocess.run([sys.executable, '-c', 'import threading; ${threads}'], check=True)`,
          "pid = os.fork()",
          `if pid == 0: ${threads}; os._exit(0)`,
          "os.waitpid(pid, 0)",
        ].join("\n"),
      ],
      { env: { ...prepared.env, PYTHONPATH: `${prepared.env.PYTHONPATH}${delimiter}${user}` } },
    );
    // The user's sitecustomize runs once per interpreter (the fork has none of
    // its own); both children run an agent thread of their own.
    expect(r.stdout.split("\n").sort()).toEqual([
      "['MainThread', 'flamegate-agent']",
      "['MainThread', 'flamegate-agent']",
      "user sitecustomize ran",
      "user sitecustomize ran",
    ]);
    // Three agents (parent, spawned, forked), each with its own hello file and port.
    const hellos = readHellos(join(ctx.workDir, "py-agent"));
    expect(new Set(hellos.map((h) => h.pid)).size).toBe(3);
    expect(new Set(hellos.map((h) => h.port)).size).toBe(3);
  });

  it("reports the service interpreter's version", async () => {
    expect(await pythonDriver.version(context(["cpu"], {}))).toMatch(/^3\.\d+\.\d+$/);
  });

  it("captures a round of the fixture's own flamegate.yml through the session", async () => {
    const config = await loadFixtureConfig("python");
    const fixture = config.services[0]!;
    if (fixture.load.type !== "builtin") throw new Error("the fixture's load must be built in");
    const service = {
      ...fixture,
      warmupSeconds: 1,
      // Longer than the driver's cap on memray's window (separateWindowSeconds). Each window lasts at
      // least its load; how far past it a window runs is wall-clock time, not asserted.
      load: { ...fixture.load, durationSeconds: 3.5 },
    };
    await buildService(service, service.cwd, () => undefined);
    const r = await runRound(service, { round: 1, log: () => undefined });
    expect(r.record.requests).toBeGreaterThan(0);
    expect(Object.keys(r.profiles).sort()).toEqual(["alloc", "cpu"]);
    // memray has its own window after py-spy's, with its own load: the CPU
    // window's figures are the round's, and no memray bias note.
    const windows = r.record.windows!;
    expect(windows.cpu!.requests).toBe(r.record.requests);
    expect(windows.alloc!.requests).toBeGreaterThan(0);
    expect(windows.alloc).not.toBe(windows.cpu);
    expect(windows.cpu!.windowSeconds).toBeGreaterThanOrEqual(3.5);
    expect(windows.alloc!.windowSeconds).toBeGreaterThanOrEqual(
      pythonDriver.separateWindowSeconds!,
    );
    expect(r.record.profilers.cpu).toMatch(/^py-spy /);
    expect(r.record.profilers.alloc).toMatch(/^memray /);
    expect(r.notes.filter((n) => n.includes("memray recorded"))).toEqual([]);
    expect(r.record.notes ?? []).toEqual(r.notes);
    const cpu = cumByFunction(r.profiles.cpu!, "cpu");
    expect(cpu.cum.get("hash_payload")?.file).toMatch(/app\.py$/);
    // py-spy's samples count threads; the round adds the OS's count of the
    // window's CPU as cpu/nanoseconds, the type compared, and keeps the samples.
    expect(sampleTypes(r.profiles.cpu!)).toEqual([
      { type: "samples", unit: "count" },
      { type: "cpu", unit: "nanoseconds" },
    ]);
    const [samples, nanos] = totals(r.profiles.cpu!);
    expect(windows.cpu!.cpuSeconds).toBeGreaterThan(0);
    expect(Math.abs(nanos! - windows.cpu!.cpuSeconds! * 1e9)).toBeLessThanOrEqual(
      samples! + 0.0005e9 /* cpuSeconds is rounded to ms */,
    );
    expect(cpu.total).toBe(nanos);
    const cpuProfile = r.profiles.cpu!;
    expect(cpuProfile.comment.map((c) => str(cpuProfile, c))).toContain(OS_CPU_COMMENT);
    expect(trackedGroups()).toEqual([]);
  });
});
