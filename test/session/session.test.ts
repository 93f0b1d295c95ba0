import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../src/config.js";
import { FlamegateError } from "../../src/errors.js";
import type { Manifest } from "../../src/model/profile-set.js";
import { fixtureDir, loadFixtureConfig } from "../../src/session/fixtures.js";
import { runService } from "../../src/session/index.js";
import { groupMembers, trackedGroups } from "../../src/session/reaper.js";

/**
 * runService end to end with the parts the CLI tests do not use: a build
 * step, a load command (unit of work "second"), secrets in env and headers,
 * and a build failure.
 */

async function fixtureService(): Promise<ServiceConfig> {
  return (await loadFixtureConfig("node")).services[0]!;
}

describe("runService", () => {
  it("build once, load command as the window, redacted secrets, full service log", async () => {
    const fixture = await fixtureService();
    const out = mkdtempSync(join(tmpdir(), "flamegate-session-"));
    const url = fixture.load.type === "builtin" ? fixture.load.url : "";
    // A load command: plain Node fetching /work for ~1.5 s; it must not get the profiler's NODE_OPTIONS.
    const script = join(out, "load.mjs");
    writeFileSync(
      script,
      `if ((process.env.NODE_OPTIONS ?? "").includes("node-agent")) { console.error("profiler leaked into the load"); process.exit(9); }
const end = Date.now() + 1500; let n = 0;
while (Date.now() < end) { const r = await fetch(${JSON.stringify(url)}); await r.text(); n++; }
console.log("load done", n);`,
    );
    const service: ServiceConfig = {
      ...fixture,
      build: `echo building the orders service; test -f server.mjs`,
      env: { ...fixture.env, API_TOKEN: "s3cret-value" },
      warmupSeconds: 1,
      rounds: 2,
      load: { type: "command", command: `node ${JSON.stringify(script)}` },
    };
    const lines: string[] = [];
    const set = await runService(service, {
      outDir: out,
      ref: "feature-x",
      log: (l) => lines.push(l),
    });

    const dir = join(out, fixture.name);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
    expect(manifest).toEqual(set.manifest);
    expect(manifest.unitOfWork).toBe("second");
    expect(manifest.ref).toBe("feature-x");
    expect(manifest.rounds.map((r) => r.round)).toEqual([1, 2]);
    // Each window's load start, in order, before the set was assembled (round 2 after round 1's window).
    const starts = manifest.rounds.map((r) => Date.parse(r.loadStarted ?? ""));
    expect(starts[1]! - starts[0]!).toBeGreaterThan(manifest.rounds[0]!.windowSeconds * 1000);
    expect(starts[1]! + manifest.rounds[1]!.windowSeconds * 1000).toBeLessThanOrEqual(
      Date.parse(manifest.created),
    );
    for (const r of manifest.rounds) {
      expect(r.requests).toBeNull();
      expect(r.throughput).toBeNull();
      expect(r.windowSeconds).toBeGreaterThan(1);
      // The service's own CPU, not the load command's (its own process group), on ≤ all cores.
      expect(r.cpuSeconds).toBeGreaterThan(0);
      expect(r.cpuSeconds).toBeLessThanOrEqual(r.windowSeconds * availableParallelism() + 0.02);
      expect(Object.keys(r.files).sort()).toEqual(["alloc", "cpu"]);
    }
    const text = readFileSync(join(dir, "manifest.json"), "utf8");
    expect(text).not.toContain("s3cret-value");
    expect(manifest.config).toMatchObject({ env: { API_TOKEN: "<redacted>", PORT: "<redacted>" } });
    expect(manifest.labels).toMatchObject({ service: fixture.name, runtime: "node" });
    expect(manifest.runner.id).toMatch(/^[0-9a-f]{12}$/);

    const log = readFileSync(join(dir, "service.log"), "utf8");
    expect(log).toMatch(/=== flamegate: build: echo building/);
    expect(log).toMatch(/building the orders service/);
    expect(log.match(/order service listening/g)).toHaveLength(2);
    expect(lines.filter((l) => l.includes("building"))).toHaveLength(1);

    for (const pid of lines.flatMap((l) => /started \(pid (\d+)\)/.exec(l)?.[1] ?? []))
      expect(groupMembers(Number(pid))).toEqual([]);
    expect(trackedGroups()).toEqual([]);
    rmSync(out, { recursive: true, force: true });
  });

  it("a failing build is one error with the build's output, and nothing is started", async () => {
    const fixture = await fixtureService();
    const service: ServiceConfig = {
      ...fixture,
      cwd: fixtureDir("node"),
      build: `echo "error: missing dependency left-pad" >&2; exit 4`,
    };
    const lines: string[] = [];
    const outDir = mkdtempSync(join(tmpdir(), "flamegate-session-"));
    const err = await runService(service, { outDir, log: (l) => lines.push(l) }).catch(
      (e: unknown) => e,
    );
    rmSync(outDir, { recursive: true, force: true });
    expect(err).toBeInstanceOf(FlamegateError);
    expect((err as FlamegateError).message).toBe(
      `service '${fixture.name}': build failed (exit code 4): echo "error: missing dependency left-pad" >&2; exit 4 (in ${fixtureDir("node")})`,
    );
    expect((err as FlamegateError).details).toEqual(["error: missing dependency left-pad"]);
    expect(lines.some((l) => l.includes("started"))).toBe(false);
    expect(trackedGroups()).toEqual([]);
  });
});
