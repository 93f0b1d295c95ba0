import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DRIVERS } from "../../src/capture/index.js";
import { compareSets } from "../../src/compare/compare.js";
import { readSide } from "../../src/compare/inputs.js";
import { DEFAULT_GATE } from "../../src/config.js";
import { ProfileBuilder } from "../../src/model/builder.js";
import {
  type Manifest,
  PROFILE_SET_SCHEMA,
  type RoundRecord,
  writeProfileSet,
} from "../../src/model/profile-set.js";
import { windowPlan } from "../../src/session/round.js";

/**
 * Kinds captured in separate windows (Python: cpu with py-spy, then alloc
 * with memray) and the capture's notes: what the manifest stores and how
 * compare uses them. The real capture is in test/capture/python.test.ts.
 */

describe("windowPlan", () => {
  it("puts the driver's separate kinds each in its own window after the others", () => {
    expect(windowPlan(["cpu", "alloc"], DRIVERS.python!)).toEqual([["cpu"], ["alloc"]]);
    expect(windowPlan(["alloc"], DRIVERS.python!)).toEqual([["alloc"]]);
    expect(windowPlan(["cpu", "alloc", "heap"], DRIVERS.node!)).toEqual([
      ["cpu", "heap"],
      ["alloc"],
    ]);
    expect(windowPlan(["cpu", "alloc"], DRIVERS.go!)).toEqual([["cpu", "alloc"]]);
  });
});

function allocProfile(bytesPerRequest: number, requests: number) {
  const b = new ProfileBuilder({
    sampleTypes: [
      { type: "alloc_space", unit: "bytes" },
      { type: "alloc_objects", unit: "count" },
    ],
  });
  b.addSample([{ name: "build_index", file: "app.py" }], [bytesPerRequest * requests, requests]);
  b.addSample([{ name: "other", file: "app.py" }], [1000 * requests, requests]);
  return b.build();
}

function cpuProfile(requests: number) {
  const b = new ProfileBuilder({ sampleTypes: [{ type: "samples", unit: "count" }] });
  b.addSample([{ name: "hash_payload", file: "app.py" }], [requests]);
  return b.build();
}

/** A python profile set whose alloc window served 1/4 of the CPU window's requests. */
function writeSet(dir: string, bytesPerRequest: number, notes: string[][]): void {
  const rounds: RoundRecord[] = notes.map((n, i) => {
    const cpu = {
      windowSeconds: 5,
      requests: 4000,
      errors: 0,
      non2xx: 0,
      throughput: 800,
      latency: { p50: 1, p95: 2, p99: 3 },
    };
    const alloc = { ...cpu, requests: 1000, throughput: 200 };
    return {
      round: i + 1,
      ...cpu,
      files: {},
      profilers: {},
      windows: { cpu, alloc },
      ...(n.length > 0 ? { notes: n } : {}),
    };
  });
  const manifest: Manifest = {
    schema: PROFILE_SET_SCHEMA,
    service: "api",
    runtime: "python",
    runtimeVersion: "3.11.7",
    ref: null,
    commit: null,
    created: "2026-11-25T00:00:00Z",
    runner: { os: "linux", arch: "x64", cpuModel: "x", cores: 2, memoryBytes: 1, id: "abc" },
    unitOfWork: "request",
    config: {},
    rounds,
    labels: {},
  };
  writeProfileSet(dir, {
    manifest,
    profiles: rounds.map(() => ({
      cpu: cpuProfile(4000),
      alloc: allocProfile(bytesPerRequest, 1000),
    })),
  });
}

describe("separate windows in the profile set", () => {
  it("stores each window's figures and the notes, and compare normalises each kind by its own window", () => {
    const root = mkdtempSync(join(tmpdir(), "flamegate-windows-"));
    try {
      const refused = "python: py-spy is not on PATH; the built-in sampler ran instead";
      writeSet(join(root, "base", "api"), 5000, [[], [], [refused]]);
      writeSet(join(root, "head", "api"), 5000, [[refused], [refused], [refused]]);
      const manifest = JSON.parse(
        readFileSync(join(root, "base", "api", "manifest.json"), "utf8"),
      ) as Manifest;
      expect(manifest.rounds[0]!.windows?.alloc?.requests).toBe(1000);
      expect(manifest.rounds[2]!.notes).toEqual([refused]);

      const { report } = compareSets(
        readSide(join(root, "base")),
        readSide(join(root, "head")),
        DEFAULT_GATE,
      );
      const alloc = report.comparisons.find((c) => c.kind === "alloc")!;
      const cpu = report.comparisons.find((c) => c.kind === "cpu")!;
      // Per request of each kind's own window: 3 rounds × 1000 alloc requests, 3 × 4000 cpu ones.
      expect(alloc.base.requests).toBe(3000);
      expect(cpu.base.requests).toBe(12000);
      expect(alloc.load?.base.throughput).toBe(200);
      expect(cpu.load?.base.throughput).toBe(800);
      for (const c of [cpu, alloc]) {
        expect(c.notes).toContain(`base capture (round 3 of 3): ${refused}`);
        expect(c.notes).toContain(`head capture: ${refused}`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
