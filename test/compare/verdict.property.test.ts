import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FrameSeries, KindSeries } from "../../src/compare/series.js";
import { judge } from "../../src/compare/verdict/judge.js";
import { DEFAULT_GATE } from "../../src/config.js";
import { DEFAULT_NOISE, rng, simulate, zipfShape } from "../../eval/simulate.js";

// Fixed seeds: every run checks the same cases, so a rate claim cannot flake.
const SEED = 20261125;
const SHAPE = zipfShape();

/** Arbitrary raw series: any rounds, frames, values (zeros, huge, fractional), work. */
const arbSeries = fc
  .record({
    kA: fc.integer({ min: 1, max: 6 }),
    kB: fc.integer({ min: 1, max: 6 }),
    nFrames: fc.integer({ min: 0, max: 25 }),
    kind: fc.constantFrom("cpu" as const, "alloc" as const),
    unitOfWork: fc.constantFrom("request" as const, "second" as const, "profile" as const),
    paired: fc.boolean(),
    sameRunner: fc.boolean(),
    period: fc.option(fc.constantFrom(1, 1e6, 65536, 1e7), { nil: undefined }),
    seed: fc.integer(),
  })
  .chain((p) => {
    const value = fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 5_000 }).map((n) => n * (p.period ?? 1)),
      fc.double({ min: 0, max: 1e15, noNaN: true }),
    );
    const side = (k: number) => fc.array(value, { minLength: k, maxLength: k });
    const frame = fc.record({
      self: fc.record({ base: side(p.kA), head: side(p.kB) }),
      extra: fc.record({ base: side(p.kA), head: side(p.kB) }),
    });
    return fc.record({
      p: fc.constant(p),
      frames: fc.array(frame, { minLength: p.nFrames, maxLength: p.nFrames }),
      work: fc.record({
        base: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: p.kA, maxLength: p.kA }),
        head: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: p.kB, maxLength: p.kB }),
      }),
    });
  })
  .map(({ p, frames, work }): KindSeries => {
    const fs: FrameSeries[] = frames.map((f, i) => ({
      function: `f${i}`,
      file: "x.go",
      self: f.self,
      cum: {
        base: f.self.base.map((v, r) => v + f.extra.base[r]!),
        head: f.self.head.map((v, r) => v + f.extra.head[r]!),
      },
    }));
    const sumSide = (w: "base" | "head", k: number) =>
      Array.from({ length: k }, (_, r) => fs.reduce((a, f) => a + f.self[w][r]!, 0));
    return {
      service: "svc",
      runtime: "go",
      kind: p.kind,
      unit: p.kind === "cpu" ? "nanoseconds" : "bytes",
      sampleType: p.kind === "cpu" ? "cpu" : "alloc_space",
      totals: { base: sumSide("base", p.kA), head: sumSide("head", p.kB) },
      work,
      unitOfWork: p.unitOfWork,
      paired: p.paired,
      sameRunner: p.sameRunner,
      ...(p.period === undefined ? {} : { samplePeriod: p.period }),
      frames: fs,
    };
  });

function finiteEverywhere(x: unknown): boolean {
  if (typeof x === "number") return Number.isFinite(x);
  if (Array.isArray(x)) return x.every(finiteEverywhere);
  if (x !== null && typeof x === "object") return Object.values(x).every(finiteEverywhere);
  return true;
}

describe("judge: properties", () => {
  it("every number in the judgement is finite, for any input", () => {
    fc.assert(
      fc.property(arbSeries, (s) => {
        const j = judge(s, DEFAULT_GATE);
        expect(finiteEverywhere(j)).toBe(true);
        for (const f of j.frames) expect(f.p >= 0 && f.p <= 1).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("any series compared with itself passes", () => {
    fc.assert(
      fc.property(arbSeries, (s) => {
        const same: KindSeries = {
          ...s,
          totals: { base: s.totals.base, head: [...s.totals.base] },
          work: { base: s.work.base, head: [...s.work.base] },
          frames: s.frames.map((f) => ({
            ...f,
            self: { base: f.self.base, head: [...f.self.base] },
            cum: { base: f.cum.base, head: [...f.cum.base] },
          })),
        };
        const j = judge(same, DEFAULT_GATE);
        expect(j.verdict).toBe("pass");
        for (const f of j.frames) expect(f.verdict).toBe("pass");
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("A/A series (same code both sides, noisy runner) fail in well under 1 % of cases", () => {
    const cases = fc.sample(
      fc.record({
        rounds: fc.integer({ min: 2, max: 8 }),
        paired: fc.boolean(),
        kind: fc.constantFrom("cpu" as const, "alloc" as const),
        seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      }),
      { seed: SEED, numRuns: 400 },
    );
    const fails = cases.filter(
      (c) => judge(simulate(c, DEFAULT_NOISE, SHAPE, rng(c.seed)), DEFAULT_GATE).verdict === "fail",
    ).length;
    // Expected ≤ alpha / 2 = 0.25 %, i.e. ~1 of 400; the evaluation measures it on 10,000.
    expect(fails).toBeLessThanOrEqual(2);
  });

  it("a big improvement of a hot frame never fails a frame that did not change", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.double({ min: 0.3, max: 0.7, noNaN: true }),
        fc.integer({ min: 3, max: 8 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (leaf, factor, rounds, paired, seed) => {
          const s = simulate(
            { kind: "cpu", rounds, paired, leafEffects: { [leaf]: factor } },
            DEFAULT_NOISE,
            SHAPE,
            rng(seed),
          );
          const failed = judge(s, DEFAULT_GATE).frames.filter((f) => f.verdict === "fail");
          expect(failed.map((f) => f.function)).toEqual([]);
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });
});
