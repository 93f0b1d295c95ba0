import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanPprof } from "../../src/compare/pprof-scan.js";
import { viewSampleIndex } from "../../src/compare/load.js";
import { importProfileFile } from "../../src/import/index.js";
import { OS_CPU_COMMENT, addOsCpuTime } from "../../src/model/cpu-time.js";
import { encodeProfileGz } from "../../src/model/gzip.js";
import { sampleTypes } from "../../src/model/kinds.js";
import { totals } from "../../src/model/totals.js";
import { toNumber } from "../../src/model/values.js";
import { packageRoot } from "../../src/paths.js";

const captured = join(packageRoot(), "fixtures", "captured");
/** Real py-spy output (100 Hz, fixtures/captured/README.md): samples/count only. */
const pySpy = () => importProfileFile(join(captured, "python", "prog.folded.txt")).profile;

describe("addOsCpuTime", () => {
  it("adds cpu/nanoseconds totalling the OS's CPU, each stack keeping its samples' share", () => {
    const profile = pySpy();
    const counts = profile.sample.map((s) => toNumber(s.value[0]));
    const samples = totals(profile)[0]!;
    expect(samples).toBeGreaterThan(100);
    // The window's CPU as /proc counted it: 0.8 s, fewer than the samples' 100 Hz worth.
    const cpuNanos = 0.8e9;
    expect(addOsCpuTime(profile, cpuNanos)).toBe(true);

    expect(sampleTypes(profile)).toEqual([
      { type: "samples", unit: "count" },
      { type: "cpu", unit: "nanoseconds" },
    ]);
    const period = Math.round(cpuNanos / samples);
    expect(toNumber(profile.period)).toBe(period);
    expect(profile.sample.map((s) => toNumber(s.value[0]))).toEqual(counts);
    expect(profile.sample.map((s) => toNumber(s.value[1]))).toEqual(counts.map((c) => c * period));
    const [, cpu] = totals(profile);
    expect(Math.abs(cpu! - cpuNanos)).toBeLessThanOrEqual(samples);

    // On disk it is what compare reads, and the new type is the one compared.
    const view = scanPprof(gunzipSync(encodeProfileGz(profile)), "scaled");
    expect(view.period).toEqual({ type: { type: "cpu", unit: "nanoseconds" }, value: period });
    expect(viewSampleIndex(view, "cpu")).toBe(1);
    // Marked, so the gate knows these values are the OS's count.
    expect(view.comments).toEqual([OS_CPU_COMMENT]);
  });

  it("the marker is read whether the comment is packed (pprof-format) or one per field (Go)", () => {
    const profile = pySpy();
    addOsCpuTime(profile, 1e9);
    const packed = gunzipSync(encodeProfileGz(profile));
    expect(scanPprof(packed, "packed").comments).toEqual([OS_CPU_COMMENT]);
    // The same marker appended once more as a lone varint field 13 (tag 13 << 3 | 0).
    const index = profile.stringTable.dedup(OS_CPU_COMMENT);
    const lone = Buffer.concat([packed, Buffer.from([13 << 3, index])]);
    expect(index).toBeLessThan(128);
    expect(scanPprof(lone, "lone").comments).toEqual([OS_CPU_COMMENT, OS_CPU_COMMENT]);
  });

  it("leaves a profile that already has CPU time, or has no samples, as it was", () => {
    const goCpu = importProfileFile(join(captured, "go", "cpu.pb.gz")).profile;
    const before = totals(goCpu);
    expect(addOsCpuTime(goCpu, 1e9)).toBe(false);
    expect(totals(goCpu)).toEqual(before);

    const scaledTwice = pySpy();
    expect(addOsCpuTime(scaledTwice, 1e9)).toBe(true);
    expect(addOsCpuTime(scaledTwice, 5e9)).toBe(false);
    expect(scaledTwice.sampleType).toHaveLength(2);

    const idle = pySpy();
    expect(addOsCpuTime(idle, 0)).toBe(false);
    idle.sample = [];
    expect(addOsCpuTime(idle, 1e9)).toBe(false);
    expect(idle.sampleType).toHaveLength(1);
  });

  it("with replace, rewrites the CPU time a profiler sampled to the OS's count, marked once", () => {
    const goCpu = importProfileFile(join(captured, "go", "cpu.pb.gz")).profile;
    const [samples] = totals(goCpu);
    expect(addOsCpuTime(goCpu, 2e9, true)).toBe(true);
    expect(addOsCpuTime(goCpu, 2e9, true)).toBe(true);
    const [after, cpu] = totals(goCpu);
    expect(after).toBe(samples);
    expect(Math.abs(cpu! - 2e9)).toBeLessThanOrEqual(samples!);
    expect(goCpu.sampleType).toHaveLength(2);
    const view = scanPprof(gunzipSync(encodeProfileGz(goCpu)), "replaced");
    expect(view.comments.filter((c) => c === OS_CPU_COMMENT)).toHaveLength(1);
  });
});
