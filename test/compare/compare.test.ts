import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { type StackNode, StackTreeBuilder, aggregateView } from "../../src/compare/aggregate.js";
import { compareSets } from "../../src/compare/compare.js";
import { importProfileFile } from "../../src/import/index.js";
import { addOsCpuTime } from "../../src/model/cpu-time.js";
import { ProfileBuilder } from "../../src/model/builder.js";
import { encodeProfileGz } from "../../src/model/gzip.js";
import { TOP_FRAMES } from "../../src/compare/verdict/select.js";
import { readSide } from "../../src/compare/inputs.js";
import { scanPprof } from "../../src/compare/pprof-scan.js";
import { DEFAULT_GATE } from "../../src/config.js";
import { FlamegateError } from "../../src/errors.js";
import type { Kind } from "../../src/model/kinds.js";
import { PROFILE_SET_SCHEMA } from "../../src/model/profile-set.js";
import { packageRoot } from "../../src/paths.js";

const inputs = join(packageRoot(), "fixtures", "golden", "pprof", "inputs");
const input = (name: string) => join(inputs, name);
const tmp = mkdtempSync(join(tmpdir(), "flamegate-compare-"));
afterAll(() => {
  // Left for inspection on failure; the OS cleans tmp.
});

interface RoundSpec {
  files: Partial<Record<Kind, string>>;
  requests: number | null;
}

/** A profile set on disk as `flamegate run` writes it, from real profiles. */
function makeSet(dir: string, service: string, rounds: RoundSpec[], runner = "runner-a"): string {
  mkdirSync(dir, { recursive: true });
  const manifest = {
    schema: PROFILE_SET_SCHEMA,
    service,
    runtime: "go",
    runtimeVersion: "go1.26",
    ref: "main",
    commit: null,
    created: "2026-11-25T10:00:00Z",
    runner: { os: "linux", arch: "x64", cpuModel: "x", cores: 2, memoryBytes: 1, id: runner },
    unitOfWork: "request",
    config: {},
    labels: { service },
    rounds: rounds.map((r, i) => {
      const files: Record<string, string> = {};
      for (const [kind, src] of Object.entries(r.files)) {
        const file = `r${i + 1}.${kind}.pb.gz`;
        copyFileSync(src, join(dir, file));
        files[kind] = file;
      }
      return {
        round: i + 1,
        windowSeconds: 10,
        requests: r.requests,
        errors: 0,
        non2xx: 0,
        throughput: r.requests === null ? null : r.requests / 10,
        latency: { p50: 1 + i, p95: 2, p99: 3 },
        files,
        profilers: {},
      };
    }),
  };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return dir;
}

function table(name: string, sampleType: string) {
  const view = scanPprof(gunzipSync(readFileSync(input(name))), name);
  return aggregateView(
    view,
    view.sampleTypes.findIndex((t) => t.type === sampleType),
  );
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FlamegateError);
    return (err as Error).message;
  }
  throw new Error("expected a FlamegateError");
}

describe("compareSets on lone files", () => {
  it("large vs itself: passes, every function equal on both sides and equal to pprof's sums", () => {
    const side = () => readSide(input("large.cpu.pb.gz"));
    const { report, stacks } = compareSets(side(), side(), DEFAULT_GATE, { stacks: true });
    expect(report.verdict).toBe("pass");
    const [c] = report.comparisons;
    expect(c).toMatchObject({
      service: "profile",
      kind: "cpu",
      unit: "nanoseconds",
      sampleType: "cpu",
      base: { rounds: 1, requests: null, total: 240290000000 },
      head: { rounds: 1, requests: null, total: 240290000000 },
    });
    for (const f of c!.frames) {
      expect(f.self.base).toBe(f.self.head);
      expect(f.cum.base).toBe(f.cum.head);
      expect(f.verdict).toBe("pass");
    }
    // From the golden large.cpu.top.gz: main.main flat 40000000ns cum 217160000000ns.
    const main = c!.frames.find((f) => f.function === "main.main");
    expect(main?.self).toMatchObject({ base: 40000000, head: 40000000 });
    expect(main?.cum).toMatchObject({ base: 217160000000, head: 217160000000 });
    expect(c!.frames.length).toBe(TOP_FRAMES);
    expect(c!.notes?.some((n) => n.startsWith(`${TOP_FRAMES} of 23038 functions`))).toBe(true);
    expect(stacks).toHaveLength(1);
    expect(stacks[0]!.base.value).toBe(240290000000);
    expect(stacks[0]!.head.value).toBe(240290000000);
  });

  it("frames are sorted by how much their own code regressed: the doubled function first", () => {
    const { report } = compareSets(
      readSide(input("alloc-base.alloc.pb.gz")),
      readSide(input("alloc-head.alloc.pb.gz")),
      DEFAULT_GATE,
    );
    const c = report.comparisons[0]!;
    expect(c.kind).toBe("alloc");
    expect(c.sampleType).toBe("alloc_space");
    const base = table("alloc-base.alloc.pb.gz", "alloc_space");
    const head = table("alloc-head.alloc.pb.gz", "alloc_space");
    for (const f of c.frames) {
      const b = base.index.get(`${f.function}\u0000${f.file}`);
      const h = head.index.get(`${f.function}\u0000${f.file}`);
      expect(f.self.base).toBe(b === undefined ? 0 : base.self[b]);
      expect(f.cum.head).toBe(h === undefined ? 0 : head.cum[h]);
    }
    // main.encode got -extra 2 (two more 48-byte allocations per item): it regressed most,
    // and comes before the roots that carry it.
    expect(c.frames[0]?.function).toBe("main.encode");
  });

  it("lists a leaf that grew before the callers that carry it, on a slower head machine", () => {
    // Every leaf costs 40 % more per request on the head's machine, checksum 5 % more
    // on top: a passing change. Raw values per request put the root first (it carries
    // the machine's 40 %); corrected for machine speed, checksum is the one that grew.
    const leaves = ["checksum", "parse", "render", "hashRecords", "buildIndex"];
    const side = (name: string, speed: number, checksum: number) => {
      const rounds = [0, 1, 2].map((r) => {
        const b = new ProfileBuilder({
          sampleTypes: [{ type: "cpu", unit: "nanoseconds" }],
          periodType: { type: "cpu", unit: "nanoseconds" },
          period: 1e6,
        });
        leaves.forEach((leaf, i) => {
          const jitter = 1 + 0.02 * Math.sin(7 * r + i);
          const ms = Math.round(200 * jitter * speed * (leaf === "checksum" ? checksum : 1));
          b.addSample(
            [
              { name: leaf, file: "server.mjs" },
              { name: "handleWork", file: "server.mjs" },
              { name: "emit", file: "node:events" },
            ],
            [ms * 1e6],
          );
        });
        const file = join(tmp, `${name}-r${r + 1}.cpu.pb.gz`);
        writeFileSync(file, encodeProfileGz(b.build()));
        return { files: { cpu: file }, requests: 1000 };
      });
      return makeSet(join(tmp, `order-${name}`, "api"), "api", rounds);
    };
    const { report } = compareSets(
      readSide(side("base", 1, 1)),
      readSide(side("head", 1.4, 1.05)),
      DEFAULT_GATE,
    );
    const c = report.comparisons[0]!;
    expect(c.frames.every((f) => f.verdict === "pass")).toBe(true);
    expect(c.frames[0]?.function).toBe("checksum");
    expect(c.frames[0]?.self.deltaPct).toBeGreaterThan(3);
    // The raw per-request growth of the root is the machine's 40 % and more.
    const emit = c.frames.find((f) => f.function === "emit")!;
    expect(emit.cum.head / emit.cum.base).toBeGreaterThan(1.4);
  });

  it("refuses cpu vs alloc, naming both sample types and files", () => {
    const msg = message(() =>
      compareSets(
        readSide(input("sample.cpu.pb.gz")),
        readSide(input("alloc-base.alloc.pb.gz")),
        DEFAULT_GATE,
      ),
    );
    expect(msg).toContain("cannot compare cpu/nanoseconds");
    expect(msg).toContain("with alloc_space/bytes");
    expect(msg).toContain("sample.cpu.pb.gz");
    expect(msg).toContain("alloc-base.alloc.pb.gz");
  });
});

describe("compareSets on profile sets", () => {
  const base = join(tmp, "base");
  const head = join(tmp, "head");
  makeSet(
    join(base, "api"),
    "api",
    [1, 2, 3].map(() => ({
      files: { cpu: input("sample.cpu.pb.gz"), alloc: input("alloc-base.alloc.pb.gz") },
      requests: 1000,
    })),
  );
  makeSet(join(base, "worker"), "worker", [
    { files: { cpu: input("sample.cpu.pb.gz") }, requests: 10 },
  ]);
  makeSet(
    join(head, "api"),
    "api",
    [1, 2, 3].map(() => ({
      files: { cpu: input("sample.cpu.pb.gz"), alloc: input("alloc-head.alloc.pb.gz") },
      requests: 1000,
    })),
    "runner-b",
  );

  it("matches services by name, compares the common ones and notes the rest", () => {
    const { report } = compareSets(readSide(base), readSide(head), DEFAULT_GATE);
    expect(report.comparisons.map((c) => `${c.service}/${c.kind}`)).toEqual([
      "api/cpu",
      "api/alloc",
    ]);
    expect(report.notes).toEqual([`service 'worker' is only in the base (${base}): not compared`]);
    const cpu = report.comparisons[0]!;
    expect(cpu.base).toEqual({
      rounds: 3,
      requests: 3000,
      windowSeconds: 30,
      total: 3 * 1760000000,
    });
    expect(cpu.load?.base.throughput).toBe(100);
    expect(cpu.load?.base.p50).toBe(2);
    // Raw sums over the three rounds: main.busyLoop is 0.15s flat, 1.76s cum per round (sample.cpu.top).
    const busy = cpu.frames.find((f) => f.function === "main.busyLoop");
    expect(busy?.self).toMatchObject({ base: 3 * 150000000, head: 3 * 150000000 });
    expect(busy?.cum).toMatchObject({ base: 3 * 1760000000, head: 3 * 1760000000 });
  });

  it("a profile set compared with itself passes, every frame equal", () => {
    const { report } = compareSets(readSide(base), readSide(base), DEFAULT_GATE);
    expect(report.verdict).toBe("pass");
    expect(report.comparisons.map((c) => `${c.service}/${c.kind}`)).toEqual([
      "api/cpu",
      "api/alloc",
      "worker/cpu",
    ]);
    for (const c of report.comparisons)
      for (const f of c.frames)
        expect([f.self.head, f.cum.head]).toEqual([f.self.base, f.cum.base]);
  });

  it("a single service's folder works as well as the run --out folder", () => {
    const { report } = compareSets(
      readSide(join(base, "api")),
      readSide(join(head, "api")),
      DEFAULT_GATE,
    );
    expect(report.comparisons).toHaveLength(2);
    expect(report.notes).toBeUndefined();
  });

  it("refuses a set against a lone file", () => {
    expect(
      message(() => compareSets(readSide(base), readSide(input("sample.cpu.pb.gz")), DEFAULT_GATE)),
    ).toContain("pass two sets or two files");
  });

  it("fails when no service is common", () => {
    const other = makeSet(join(tmp, "other", "db"), "db", [
      { files: { cpu: input("sample.cpu.pb.gz") }, requests: 1 },
    ]);
    expect(message(() => compareSets(readSide(base), readSide(other), DEFAULT_GATE))).toMatch(
      /^nothing to compare between .*service 'db' is only in the head/,
    );
  });
});

describe("sets whose CPU profiles carry different sample types", () => {
  // Real py-spy output (samples/count only), and the same with the cpu/nanoseconds
  // a capture now adds from the OS's CPU count (model/cpu-time.ts).
  const pySpy = () =>
    importProfileFile(join(packageRoot(), "fixtures", "captured", "python", "prog.folded.txt"))
      .profile;
  const samplesOnly = join(tmp, "py-samples.cpu.pb.gz");
  writeFileSync(samplesOnly, encodeProfileGz(pySpy()));
  const withCpu = join(tmp, "py-cpu.cpu.pb.gz");
  const scaled = pySpy();
  addOsCpuTime(scaled, 0.8e9);
  writeFileSync(withCpu, encodeProfileGz(scaled));
  const set = (name: string, file: string) =>
    makeSet(
      join(tmp, name, "py"),
      "py",
      [1, 2, 3].map(() => ({ files: { cpu: file }, requests: 100 })),
    );
  const older = set("py-older", samplesOnly);
  const newer = set("py-newer", withCpu);
  // The same samples in a window where the OS counted 30 % more CPU.
  const costlier = join(tmp, "py-cpu-costlier.cpu.pb.gz");
  const scaledMore = pySpy();
  addOsCpuTime(scaledMore, 1.3 * 0.8e9);
  writeFileSync(costlier, encodeProfileGz(scaledMore));

  it("compares the OS-scaled CPU time when both sides have it", () => {
    const { report } = compareSets(readSide(newer), readSide(newer), DEFAULT_GATE);
    const [c] = report.comparisons;
    expect([c!.sampleType, c!.unit]).toEqual(["cpu", "nanoseconds"]);
    expect(Math.abs(c!.base.total - 3 * 0.8e9)).toBeLessThan(3 * 1000);
    expect((c!.notes ?? []).filter((n) => n.startsWith("not every"))).toEqual([]);
    // Sample counts are recovered through the period: this 100 Hz capture has few per frame.
    expect(c!.notes).toContain("tested 5 of 59 frames: 54 below 20 samples per round");
  });

  it("gates the OS's CPU per request: the same samples at 30 % more CPU read +30 % on the total", () => {
    const { report } = compareSets(
      readSide(newer),
      readSide(set("py-costlier", costlier)),
      DEFAULT_GATE,
      { paired: true },
    );
    const [c] = report.comparisons;
    expect(c!.total.deltaPct).toBeCloseTo(30, 3);
    // Over the 5 % threshold; 3 rounds of ~150 samples cannot prove it (Poisson floor).
    expect(c!.total.verdict).not.toBe("pass");
    for (const f of c!.frames) expect(f.verdict).toBe("pass");
  });

  it("falls back to the samples both have against a baseline from an older capture, and says so", () => {
    for (const [base, head] of [
      [older, newer],
      [newer, older],
    ]) {
      const { report } = compareSets(readSide(base!), readSide(head!), DEFAULT_GATE);
      const [c] = report.comparisons;
      expect([c!.sampleType, c!.unit]).toEqual(["samples", "count"]);
      expect(c!.base.total).toBe(c!.head.total);
      expect(c!.notes).toContain(
        "not every cpu profile has cpu/nanoseconds; compared samples/count, which all of them have",
      );
      expect(report.verdict).toBe("pass");
    }
  });

  it("falls back within one side too, when its rounds differ", () => {
    const mixed = makeSet(join(tmp, "py-mixed", "py"), "py", [
      { files: { cpu: withCpu }, requests: 100 },
      { files: { cpu: samplesOnly }, requests: 100 },
    ]);
    const [c] = compareSets(readSide(mixed), readSide(newer), DEFAULT_GATE).report.comparisons;
    expect(c!.sampleType).toBe("samples");
  });
});

describe("reading profile sets (untrusted manifests)", () => {
  const set = (name: string, edit: (m: Record<string, unknown>) => void) => {
    const dir = makeSet(join(tmp, name), "api", [
      { files: { cpu: input("sample.cpu.pb.gz") }, requests: 5 },
    ]);
    const path = join(dir, "manifest.json");
    const m = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    edit(m);
    writeFileSync(path, JSON.stringify(m));
    return dir;
  };

  it("names the manifest and the key when the schema does not hold", () => {
    const dir = set("bad-unit", (m) => (m.unitOfWork = "banana"));
    expect(message(() => readSide(dir))).toMatch(
      /manifest\.json: not a valid flamegate\.profileset\/v1 manifest: 'unitOfWork'/,
    );
  });

  it("refuses profile file names that leave the set's folder", () => {
    const dir = set("escape", (m) => {
      (m.rounds as Array<{ files: Record<string, string> }>)[0]!.files.cpu = "../../etc/passwd";
    });
    expect(message(() => readSide(dir))).toContain("'rounds.0.files.cpu' must be a file name");
  });

  it("names a missing profile file", () => {
    const dir = set("missing", (m) => {
      (m.rounds as Array<{ files: Record<string, string> }>)[0]!.files.cpu = "r9.cpu.pb.gz";
    });
    expect(message(() => readSide(dir))).toMatch(/r9\.cpu\.pb\.gz: missing; .*round 1's cpu/);
  });

  it("refuses a manifest that is not JSON or is too large", () => {
    const dir = set("not-json", () => undefined);
    writeFileSync(join(dir, "manifest.json"), "{ nope");
    expect(message(() => readSide(dir))).toContain("manifest is not valid JSON");
    writeFileSync(join(dir, "manifest.json"), " ".repeat(2 * 1024 * 1024));
    expect(message(() => readSide(dir))).toContain("larger than a manifest can be");
  });
});

describe("per-stack trees", () => {
  const view = scanPprof(gunzipSync(readFileSync(input("large.cpu.pb.gz"))), "large");
  const tree = (budget: number, minShare: number) => {
    const builder = new StackTreeBuilder(budget);
    const table = aggregateView(view, 1, builder);
    return { root: builder.build(minShare), cut: builder.truncatedValue, total: table.total };
  };
  const full = tree(Infinity, 0);

  function check(node: StackNode, ref: StackNode | undefined): number {
    expect(ref?.value).toBe(node.value);
    let kids = 0;
    let n = 1;
    for (const [key, c] of node.children) {
      kids += c.value;
      n += check(c, ref?.children.get(key));
    }
    expect(kids + node.self).toBeLessThanOrEqual(node.value);
    return n;
  }

  it("the full tree holds every sample: root = total, and each node = its self + its children", () => {
    expect(full.root.value).toBe(full.total);
    expect(full.cut).toBe(0);
    // One expect at the end: 425k nodes.
    let wrong = 0;
    const exact = (node: StackNode): void => {
      let kids = 0;
      for (const c of node.children.values()) {
        kids += c.value;
        exact(c);
      }
      if (kids + node.self !== node.value) wrong++;
    };
    exact(full.root);
    expect(wrong).toBe(0);
  });

  it("past the node budget, paths are cut but every kept node's value stays exact", () => {
    const small = tree(1000, 0);
    expect(small.cut).toBeGreaterThan(0);
    expect(check(small.root, full.root)).toBe(1000);
  });

  it("narrow paths are left out when materialised, wide ones kept exactly", () => {
    const pruned = tree(Infinity, 0.001);
    const count = check(pruned.root, full.root);
    expect(count).toBeGreaterThan(1);
    const narrow = (node: StackNode): boolean =>
      [...node.children.values()].some((c) => c.value < full.total * 0.001 || narrow(c));
    expect(narrow(pruned.root)).toBe(false);
  });
});
