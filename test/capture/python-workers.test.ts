import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaptureContext, CapturedProfiles } from "../../src/capture/driver.js";
import { pythonDriver } from "../../src/capture/python.js";
import { parseConfig } from "../../src/config.js";
import type { Kind } from "../../src/model/kinds.js";
import { sleep } from "../../src/session/process.js";
import { groupMembers, trackedGroups } from "../../src/session/reaper.js";
import {
  type Running,
  cumByFunction,
  freePort,
  startService,
  waitReady,
} from "./go-python-service.js";
import { stopAndConvert } from "../support/window.js";

/**
 * Python services whose work runs in worker processes: gunicorn with
 * pre-forked workers (fixtures/services/python-workers) and multiprocessing.
 * The process flamegate starts does no request work, so CPU and allocations
 * must come from the workers, summed into one profile.
 */

const fixture = join(import.meta.dirname, "../../fixtures/services/python-workers");
const WORKERS = 2;
const SECONDS = 2;
const ALLOC_REQUESTS = 40;
let work: string;

/** A constant of the app (`NAME = 123` at the start of a line), read from its source. */
function appConstant(name: string): number {
  const m = new RegExp(`^${name} = (\\d+)$`, "m").exec(
    readFileSync(join(fixture, "app.py"), "utf8"),
  );
  if (!m) throw new Error(`${name} not found in ${fixture}/app.py`);
  return Number(m[1]);
}

/** The number of worker processes a driver note says the data came from, or 0 without such a note. */
function workersInNotes(c: CapturedProfiles, what: string): number {
  for (const note of c.notes) {
    const m = new RegExp(
      `^python: ${what} came from (?:the started Python process and )?(\\d+) worker process`,
    ).exec(note);
    if (m) return Number(m[1]);
  }
  return 0;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "flamegate-pyw-"));
  const r = await execa("python3", ["-c", "import gunicorn"], { reject: false });
  if (r.exitCode !== 0)
    throw new Error("gunicorn is missing: pip install -r scripts/requirements-python.txt");
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Closed-loop load from `clients` concurrent clients, for `seconds` or until
 * `requests` were sent, with Node's fetch: gunicorn's sync workers close the
 * connection after every response, so each request lands on whichever worker
 * is free (which is what spreads it over both). autocannon counts those
 * closes as errors, and its reconnectRate leaves the last response of each
 * connection uncounted, which would skew bytes per request. Returns the
 * completed 2xx responses.
 */
async function loadNewConnections(
  url: string,
  limit: { seconds: number } | { requests: number },
  clients = 4,
): Promise<number> {
  const end = "seconds" in limit ? Date.now() + limit.seconds * 1000 : Infinity;
  let left = "requests" in limit ? limit.requests : Infinity;
  let responses = 0;
  const client = async () => {
    while (Date.now() < end && left-- > 0) {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      responses++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return responses;
}

function context(cwd: string, start: string, port: number): CaptureContext {
  const config = parseConfig(
    {
      services: {
        workers: {
          runtime: "python",
          cwd,
          start,
          env: { PORT: String(port) },
          ready: `http://127.0.0.1:${port}/healthz`,
          profiles: ["cpu", "alloc"],
          load: { url: `http://127.0.0.1:${port}/work` },
        },
      },
    },
    "test",
    cwd,
  );
  const workDir = mkdtempSync(join(work, "round-"));
  return { service: config.services[0]!, cwd, workDir, round: 1, log: () => undefined };
}

/** Boots `source` as workers.py under the Python driver; resolves once it printed "ready". */
async function bootScript(source: string): Promise<{ ctx: CaptureContext; svc: Running }> {
  const dir = mkdtempSync(join(work, "script-"));
  writeFileSync(join(dir, "workers.py"), source);
  const ctx = context(dir, "python3 workers.py", 1);
  const prepared = await pythonDriver.prepare(ctx);
  const svc = startService(prepared.command, dir, prepared.env);
  for (let i = 0; !svc.output().includes("ready"); i++) {
    if (i === 300) throw new Error(`workers.py did not start:\n${svc.output()}`);
    await sleep(100);
  }
  return { ctx, svc };
}

async function stopAndCheck(svc: Running): Promise<void> {
  await svc.stop();
  expect(groupMembers(svc.pid)).toEqual([]);
  expect(trackedGroups()).toEqual([]);
}

// multiprocessing workers, one forked and one spawned, that allocate in
// churn(); a short-lived helper that is gone before the window; the parent
// only waits.
const MULTIPROCESSING = `
import multiprocessing, subprocess, sys, time

def churn():
    while True:
        blobs = [bytes(4096) for _ in range(256)]
        time.sleep(0.002)

if __name__ == "__main__":
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    workers = [multiprocessing.get_context(m).Process(target=churn, daemon=True) for m in ("fork", "spawn")]
    for w in workers:
        w.start()
    print("ready", flush=True)
    for w in workers:
        w.join()
`;

// Workers started with python -I: no PYTHONPATH, so no agent in them.
const ISOLATED_WORKERS = `
import subprocess, sys, time
workers = [subprocess.Popen([sys.executable, "-I", "-c", "import time; time.sleep(60)"]) for _ in range(2)]
print("ready", flush=True)
time.sleep(60)
`;

describe("python driver, several worker processes", () => {
  it("captures cpu and alloc in every gunicorn worker and merges them", async () => {
    const port = await freePort();
    const ctx = context(
      fixture,
      `python3 -m gunicorn --workers ${WORKERS} --bind 127.0.0.1:$PORT app:application`,
      port,
    );
    const url = `http://127.0.0.1:${port}/work`;
    const prepared = await pythonDriver.prepare(ctx);
    const svc = startService(prepared.command, ctx.cwd, { ...ctx.service.env, ...prepared.env });
    let cpu: CapturedProfiles;
    let alloc: CapturedProfiles;
    let allocRequests: number;
    try {
      await waitReady(`http://127.0.0.1:${port}/healthz`, svc);
      await loadNewConnections(url, { seconds: 1 }); // warm-up
      // Two windows, CPU then allocations, as a session round runs them. The
      // alloc window's load is a fixed number of requests, each sent after the
      // window opened and answered before it closes: memray records every
      // allocation, so the bytes per request below do not depend on timing.
      const window = async (kind: Kind, limit: { seconds: number } | { requests: number }) => {
        const w = await pythonDriver.startWindow(ctx, svc.pid, SECONDS, [kind]);
        const requests = await loadNewConnections(url, limit);
        return { captured: await stopAndConvert(w), requests };
      };
      cpu = (await window("cpu", { seconds: SECONDS })).captured;
      ({ captured: alloc, requests: allocRequests } = await window("alloc", {
        requests: ALLOC_REQUESTS,
      }));
    } finally {
      await stopAndCheck(svc);
    }

    expect(cpu.profilers.cpu).toMatch(/^py-spy 0\.4\.\d+ @ 200 Hz/);
    const cpuByFn = cumByFunction(cpu.profiles.cpu!, "cpu");
    // hash_payload holds most of the CPU, the others are on every request's stack
    // (match_tokens' few % is a sampled presence, not asserted).
    for (const fn of ["hash_payload", "work", "application"])
      expect(cpuByFn.cum.get(fn)?.file, fn).toBe("app.py");
    // No `process PID:"…"` frame of py-spy's is left in the profile.
    expect([...cpuByFn.cum.keys()].filter((f) => f.startsWith("process "))).toEqual([]);

    expect(alloc.profilers.alloc).toMatch(/^memray 1\.\d+\.\d+ /);
    const allocByFn = cumByFunction(alloc.profiles.alloc!, "alloc");
    for (const fn of ["build_index", "make_input", "decode_records", "application"])
      expect(allocByFn.cum.get(fn)?.file, fn).toBe("app.py");

    // Both kinds came from more than one worker, as the driver reports it.
    const cpuWorkers = workersInNotes(cpu, "py-spy's samples");
    const allocWorkers = workersInNotes(alloc, "allocations");
    expect(cpuWorkers, cpu.notes.join("\n")).toBeGreaterThan(1);
    expect(cpuWorkers).toBeLessThanOrEqual(WORKERS);
    expect(allocWorkers, alloc.notes.join("\n")).toBeGreaterThan(1);
    expect(allocWorkers).toBeLessThanOrEqual(WORKERS);

    // build_index allocates RECORDS * INDEX_COPIES bytes objects of ROW_BYTES
    // each per request (plus 33 B of object header each, the rows it pads,
    // the lists and the dict: 1.15 x with CPython 3.11.7 and memray 1.20).
    // Summed over the workers and divided by every request they served, that
    // is the figure: a worker left out would halve it, one counted twice
    // double it.
    const expected =
      appConstant("RECORDS") * appConstant("INDEX_COPIES") * appConstant("ROW_BYTES");
    const perRequest = allocByFn.cum.get("build_index")!.value / allocRequests;
    console.log(
      `gunicorn --workers ${WORKERS}: cpu from ${cpuWorkers} workers, alloc from ${allocWorkers} workers, ` +
        `${allocRequests} requests, build_index ${Math.round(perRequest)} B/request (payload ${expected} B), ` +
        `all ${Math.round(allocByFn.total / allocRequests)} B/request`,
    );
    expect(allocRequests).toBe(ALLOC_REQUESTS);
    expect(perRequest).toBeGreaterThan(0.9 * expected);
    expect(perRequest).toBeLessThan(1.5 * expected);
  });

  it("captures forked and spawned multiprocessing workers and tolerates a helper that already exited", async () => {
    const { ctx, svc } = await bootScript(MULTIPROCESSING);
    let cpu: CapturedProfiles;
    let alloc: CapturedProfiles;
    try {
      await sleep(1000); // the spawned worker imports the script again before it works
      const window = async (kind: Kind) => {
        const w = await pythonDriver.startWindow(ctx, svc.pid, 2, [kind]);
        await sleep(2000);
        return stopAndConvert(w);
      };
      cpu = await window("cpu");
      alloc = await window("alloc");
    } finally {
      await stopAndCheck(svc);
    }
    expect(cumByFunction(cpu.profiles.cpu!, "cpu").cum.get("churn")?.file).toBe("workers.py");
    expect(cumByFunction(alloc.profiles.alloc!, "alloc").cum.get("churn")?.file).toBe("workers.py");
    expect(workersInNotes(cpu, "py-spy's samples"), cpu.notes.join("\n")).toBe(2);
    expect(workersInNotes(alloc, "allocations"), alloc.notes.join("\n")).toBe(2);
    expect(alloc.notes).toContain(
      "python: 1 Python process of the service had exited before the window (short-lived helpers?); nothing was captured from them",
    );
  });

  it("fails in one line when the workers run without the agent", async () => {
    const { ctx, svc } = await bootScript(ISOLATED_WORKERS);
    try {
      await expect(pythonDriver.startWindow(ctx, svc.pid, 1, ["alloc"])).rejects.toThrow(
        /^python: pid \d+ runs 2 worker processes \(pids \d+, \d+\) and flamegate's agent loaded in none of them, so their allocations cannot be captured; keep PYTHONPATH/,
      );
    } finally {
      await stopAndCheck(svc);
    }
  });
});
