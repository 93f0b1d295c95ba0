import { describe, expect, it } from "vitest";
import type { KindSeries } from "../../src/compare/series.js";
import { type Judgement, judge } from "../../src/compare/verdict/judge.js";
import { DEFAULT_GATE, type GateConfig } from "../../src/config.js";
import { DEFAULT_VARIANT, type ProcedureVariant } from "../../src/compare/verdict/policy.js";
import { noteText, totalInWords } from "../../src/report/notes.js";
import { DEFAULT_NOISE, type Scenario, rng, simulate, zipfShape } from "../../eval/simulate.js";

const SHAPE = zipfShape();
/** A judgement's notes in the words the report prints. */
const words = (j: Judgement) => (j.notes ?? []).map(noteText);
const series = (scenario: Scenario, seed: number): KindSeries =>
  simulate(scenario, DEFAULT_NOISE, SHAPE, rng(seed));

/** A KindSeries compared with itself: head = base. */
function selfCompare(s: KindSeries): KindSeries {
  return {
    ...s,
    totals: { base: s.totals.base, head: [...s.totals.base] },
    work: { base: s.work.base, head: [...s.work.base] },
    frames: s.frames.map((f) => ({
      ...f,
      self: { base: f.self.base, head: [...f.self.base] },
      cum: { base: f.cum.base, head: [...f.cum.base] },
    })),
  };
}

/** Every number of the JSON contract is finite (JSON cannot carry NaN or Infinity). */
function expectFinite(j: ReturnType<typeof judge>) {
  const nums: (number | null)[] = [
    j.total.base,
    j.total.head,
    j.total.deltaPct,
    ...j.total.ci,
    j.total.p,
    j.mde.deltaPct,
    j.mde.frameSharePct,
    j.mde.totalPct ?? 0,
    ...j.frames.flatMap((f) => [
      f.self.base,
      f.self.head,
      f.self.deltaPct,
      f.cum.base,
      f.cum.head,
      f.cum.deltaPct,
      ...f.ci,
      f.p,
      f.pRaw ?? 0,
      f.shareBase ?? 0,
      f.shareHead ?? 0,
    ]),
  ];
  for (const n of nums) if (n !== null) expect(Number.isFinite(n)).toBe(true);
  expect(JSON.parse(JSON.stringify(j))).toEqual(j);
}

describe("judge: the statistical gate", () => {
  it("a profile set compared with itself passes, every change 0 and p 1", () => {
    const s = selfCompare(series({ kind: "cpu", rounds: 5, paired: true }, 1));
    const j = judge(s, DEFAULT_GATE);
    expect(j.verdict).toBe("pass");
    expect(j.total.deltaPct).toBeCloseTo(0, 12);
    for (const f of j.frames) {
      expect(f.verdict).toBe("pass");
      if (f.cum.deltaPct !== null) expect(f.cum.deltaPct).toBeCloseTo(0, 9);
    }
    expectFinite(j);
  });

  it("two lone profiles (one round each): indicative, prior noise, self-compare passes", () => {
    const s = selfCompare(series({ kind: "cpu", rounds: 1, paired: false }, 2));
    const lone: KindSeries = {
      ...s,
      unitOfWork: "profile",
      work: { base: [1], head: [1] },
    };
    const j = judge(lone, DEFAULT_GATE);
    expect(j.verdict).toBe("pass");
    expect(words(j).some((n) => n.startsWith("indicative: one round per side"))).toBe(true);
    expect(words(j).some((n) => n.includes("no units of work known"))).toBe(true);
    expectFinite(j);
  });

  it("detects +30 % in the hottest frame (~21 % of CPU) and names it first", () => {
    const j = judge(
      series({ kind: "cpu", rounds: 5, paired: true, leafEffects: { 0: 1.3 } }, 3),
      DEFAULT_GATE,
    );
    expect(j.verdict).toBe("fail");
    expect(j.frames[0]!.function).toBe("leaf0");
    expect(j.frames[0]!.verdict).toBe("fail");
    // The 99 % interval covers the true +30 %.
    expect(j.frames[0]!.ci[0]).toBeLessThan(30);
    expect(j.frames[0]!.ci[1]).toBeGreaterThan(30);
    expect(j.frames[0]!.p).toBeLessThanOrEqual(DEFAULT_GATE.alpha);
    expectFinite(j);
  });

  it("holds the threshold against the interval: a proven growth fails unless shown smaller than it", () => {
    const onEstimate: ProcedureVariant = { ...DEFAULT_VARIANT, intervalThreshold: false };
    // +8 % in the hottest frame, 10 paired rounds: proven, estimated under the 10 % threshold,
    // its interval reaches it. The estimate rule passes it; the interval rule fails it.
    const s = series({ kind: "cpu", rounds: 10, paired: true, leafEffects: { 0: 1.08 } }, 7);
    const byInterval = judge(s, DEFAULT_GATE).frames.find((f) => f.function === "leaf0")!;
    const byEstimate = judge(s, DEFAULT_GATE, undefined, onEstimate).frames.find(
      (f) => f.function === "leaf0",
    )!;
    expect(byInterval.self.deltaPct!).toBeLessThan(10);
    expect(byInterval.ci[1]).toBeGreaterThanOrEqual(10);
    expect(byInterval.p).toBeLessThanOrEqual(DEFAULT_GATE.alpha / 2);
    expect(byInterval.verdict).toBe("fail");
    expect(byEstimate.verdict).toBe("pass");
    // +3 % measured on a million samples a round with little frame noise: proven, and its
    // interval lies under the threshold: a real but small growth passes.
    const quiet = { ...DEFAULT_NOISE, cpuSamplesPerRound: 1e6, sigmaFrame: 0.002 };
    const small = simulate(
      { kind: "cpu", rounds: 10, paired: true, leafEffects: { 0: 1.03 } },
      quiet,
      SHAPE,
      rng(7),
    );
    const leaf = judge(small, DEFAULT_GATE).frames.find((f) => f.function === "leaf0")!;
    expect(leaf.p).toBeLessThanOrEqual(DEFAULT_GATE.alpha / 2);
    expect(leaf.ci[1]).toBeLessThan(10);
    expect(leaf.verdict).toBe("pass");
  });

  it("shares half the frames' alpha by share: the hottest frame is tested at a larger level", () => {
    const bySize: ProcedureVariant = { ...DEFAULT_VARIANT, alphaByShare: 0.5 };
    const equal: ProcedureVariant = { ...DEFAULT_VARIANT, alphaByShare: 0 };
    const s = series({ kind: "cpu", rounds: 10, paired: true, leafEffects: { 0: 1.1 } }, 11);
    const hot = (v: ProcedureVariant) =>
      judge(s, DEFAULT_GATE, undefined, v).frames.find((f) => f.function === "leaf0")!;
    // Same test, same raw p; the adjusted p of the hottest frame is smaller by share.
    expect(hot(bySize).pRaw).toBe(hot(equal).pRaw);
    expect(hot(bySize).p).toBeLessThan(hot(equal).p);
    // And the MDE of a 5 % frame is reported at that frame's own level.
    const mde = (v: ProcedureVariant) => judge(s, DEFAULT_GATE, undefined, v).mde.deltaPct;
    expect(mde(bySize)).not.toBe(mde(equal));
  });

  it("a 30 % improvement of the hottest frame fails no other frame (compositional effect)", () => {
    for (let seed = 10; seed < 20; seed++) {
      const s = series({ kind: "cpu", rounds: 5, paired: true, leafEffects: { 0: 0.7 } }, seed);
      const j = judge(s, DEFAULT_GATE);
      expect(j.frames.filter((f) => f.verdict === "fail")).toEqual([]);
      // Raw shares of the others rose by ~6 %; normalised, they did not move.
      const leaf1 = j.frames.find((f) => f.function === "leaf1")!;
      expect(Math.abs(leaf1.self.deltaPct!)).toBeLessThan(10);
    }
  });

  it("catches a uniform +20 % slowdown with the totals test, not with frames (ab mode)", () => {
    const j = judge(
      series({ kind: "cpu", rounds: 5, paired: true, uniform: 1.2 }, 4),
      DEFAULT_GATE,
    );
    expect(j.total.verdict).toBe("fail");
    expect(j.frames.filter((f) => f.verdict === "fail")).toEqual([]);
    expect(j.verdict).toBe("fail");
  });

  it("pairs run side by side: frames are compared as measured, without size factors", () => {
    const uniform = { kind: "cpu", rounds: 5, paired: true, uniform: 1.2 } as const;
    const s = { ...series(uniform, 4), simultaneous: true };
    const hottest = (j: Judgement) => j.frames.find((f) => f.function === "leaf0")!;
    const asMeasured = judge(s, DEFAULT_GATE);
    expect(words(asMeasured)).toContain(noteText({ code: "same-seconds" }));
    // Every frame really grew by 20 % per request: nothing takes it for the machine's speed.
    expect(hottest(asMeasured).self.deltaPct).toBeGreaterThan(15);
    const corrected = judge(s, DEFAULT_GATE, undefined, {
      ...DEFAULT_VARIANT,
      speedFactorsSimultaneous: true,
    });
    expect(words(corrected)).not.toContain(noteText({ code: "same-seconds" }));
    expect(Math.abs(hottest(corrected).self.deltaPct!)).toBeLessThan(5);
    // Allocations side by side too; pairs one after the other, and Python's CPU (the OS's
    // count spread over py-spy's samples), keep the size factors.
    const alloc = { ...series({ ...uniform, kind: "alloc" }, 4), simultaneous: true };
    expect(words(judge(alloc, DEFAULT_GATE))).toContain(noteText({ code: "same-seconds" }));
    for (const kept of [series(uniform, 4), { ...s, osCountedValues: true }])
      expect(words(judge(kept, DEFAULT_GATE))).not.toContain(noteText({ code: "same-seconds" }));
  });

  it("another runner: CPU total reported not gated, with a note; allocation totals still gated", () => {
    const s = {
      ...series({ kind: "cpu", rounds: 5, paired: false, uniform: 1.5 }, 5),
      sameRunner: false,
    };
    const j = judge(s, DEFAULT_GATE);
    expect(j.total.verdict).toBe("pass");
    expect(totalInWords(j.total).note).toMatch(/different runner/);
    expect(words(j).some((n) => n.includes("different runner"))).toBe(true);
    const a = {
      ...series({ kind: "alloc", rounds: 5, paired: false, uniform: 1.5 }, 5),
      sameRunner: false,
    };
    expect(judge(a, DEFAULT_GATE).total.verdict).toBe("fail");
  });

  it("never gates frames matched by gate.ignore, but still reports them", () => {
    const gate: GateConfig = { ...DEFAULT_GATE, ignore: ["leaf?"] };
    const j = judge(
      series({ kind: "cpu", rounds: 5, paired: true, leafEffects: { 0: 1.5 } }, 6),
      gate,
    );
    const leaf0 = j.frames.find((f) => f.function === "leaf0")!;
    expect(leaf0.verdict).toBe("pass");
    expect(leaf0.untested).toBe("ignored");
    expect(leaf0.self.deltaPct!).toBeGreaterThan(30);
  });

  it("a change over the threshold in a frame below the share floor passes", () => {
    // leaf40 holds ~0.5 % of the CPU: +50 % adds ~0.25 points, under min-share 0.5 %.
    const j = judge(
      series({ kind: "cpu", rounds: 5, paired: true, leafEffects: { 40: 1.5 } }, 7),
      DEFAULT_GATE,
    );
    expect(j.frames.find((f) => f.function === "leaf40")!.verdict).toBe("pass");
  });

  it("a new frame (absent from the base) holding 5 % of the head fails", () => {
    const s = series({ kind: "cpu", rounds: 5, paired: true }, 8);
    const fresh = s.totals.head.map((t) => Math.round((0.05 * t) / 1e6) * 1e6);
    s.frames.push({
      function: "newHotPath",
      file: "new.go",
      self: { base: [0, 0, 0, 0, 0], head: fresh },
      cum: { base: [0, 0, 0, 0, 0], head: fresh },
    });
    s.totals.head = s.totals.head.map((t, r) => t + fresh[r]!);
    const j = judge(s, DEFAULT_GATE);
    const f = j.frames.find((x) => x.function === "newHotPath")!;
    expect(f.verdict).toBe("fail");
    expect(f.self.deltaPct).toBeNull();
    expectFinite(j);
  });

  it("V8's (idle) is no CPU work: out of the total, never gated", () => {
    const s = series({ kind: "cpu", rounds: 5, paired: true }, 13);
    // Idle time that varies wildly between rounds, as under a load generator that cannot keep up.
    const idle = {
      base: [4e9, 1e9, 2e8, 3e9, 5e8],
      head: [9e9, 9e9, 8e9, 9e9, 9e9],
    };
    const withIdle: KindSeries = {
      ...s,
      frames: [...s.frames, { function: "(idle)", file: "", self: idle, cum: idle }],
      totals: {
        base: s.totals.base.map((t, r) => t + idle.base[r]!),
        head: s.totals.head.map((t, r) => t + idle.head[r]!),
      },
    };
    const plain = judge(s, DEFAULT_GATE);
    const j = judge(withIdle, DEFAULT_GATE);
    expect(j.total.deltaPct).toBeCloseTo(plain.total.deltaPct!, 9);
    expect(j.total.base).toBe(plain.total.base);
    const f = j.frames.find((x) => x.function === "(idle)")!;
    expect(f.verdict).toBe("pass");
    expect(f.untested).toBe("ignored");
    expect(words(j).some((n) => n.startsWith("(idle): idle time"))).toBe(true);
  });

  it("uses each round's own sample period when the rounds' periods differ", () => {
    const s = series({ kind: "cpu", rounds: 4, paired: true }, 14);
    // The same samples reported at 2 ms in some rounds and 4 ms in others (values doubled there).
    const scale = { base: [1, 2, 1, 2], head: [2, 1, 2, 1] };
    const scaled = (v: { base: number[]; head: number[] }) => ({
      base: v.base.map((x, r) => x * scale.base[r]!),
      head: v.head.map((x, r) => x * scale.head[r]!),
    });
    const stretched: KindSeries = {
      ...s,
      samplePeriod: undefined,
      samplePeriods: scaled({ base: [1e6, 1e6, 1e6, 1e6], head: [1e6, 1e6, 1e6, 1e6] }),
      totals: scaled(s.totals),
      frames: s.frames.map((f) => ({ ...f, self: scaled(f.self), cum: scaled(f.cum) })),
    };
    const a = judge(s, DEFAULT_GATE);
    const b = judge(stretched, DEFAULT_GATE);
    expect(b.noise?.samplesPerRound).toBeCloseTo(a.noise!.samplesPerRound, 6);
    expect(b.frames[0]!.p).toBeCloseTo(a.frames[0]!.p, 9);
    expect(words(b).some((n) => n.startsWith("sample period unknown"))).toBe(false);
  });

  it("tests an OS-counted total on the value spent per unit of work, others on sample counts", () => {
    const s = selfCompare(series({ kind: "cpu", rounds: 6, paired: true }, 15));
    const period = s.samplePeriod!;
    /** The head's samples unchanged, each worth `factor` times the base's. */
    const worth = (factor: number): KindSeries => {
      const head = (v: { base: number[]; head: number[] }) => ({
        base: v.base,
        head: v.head.map((x) => x * factor),
      });
      return {
        ...s,
        osCountedValues: true,
        samplePeriod: undefined,
        samplePeriods: {
          base: s.totals.base.map(() => period),
          head: s.totals.head.map(() => period * factor),
        },
        totals: head(s.totals),
        frames: s.frames.map((f) => ({ ...f, self: head(f.self), cum: head(f.cum) })),
      };
    };
    // The same samples, 30 % more CPU each (Python: the OS counted 30 % more per request).
    const costlier = judge(worth(1.3), DEFAULT_GATE);
    expect(costlier.total.deltaPct).toBeCloseTo(30, 6);
    expect(costlier.total.verdict).toBe("fail");
    // No frame's share moved, so no frame regressed.
    for (const f of costlier.frames) expect(f.verdict).toBe("pass");

    // 2.27x the samples for the same CPU (threads waiting for the GIL sampled too): no
    // change of the total, where the sample count alone would read +127 %.
    const overCounted: KindSeries = {
      ...s,
      osCountedValues: true,
      samplePeriod: undefined,
      samplePeriods: {
        base: s.totals.base.map(() => period),
        head: s.totals.head.map(() => period / 2.27),
      },
    };
    // Not exactly 0: the pseudocount added to each round's count weighs less at 2.27x.
    expect(judge(overCounted, DEFAULT_GATE).total.deltaPct).toBeCloseTo(0, 1);

    // Values not counted by the OS (Node's wall-clock intervals) are tested on their counts.
    const wallClock = { ...worth(1.3), osCountedValues: false };
    expect(judge(wallClock, DEFAULT_GATE).total.deltaPct).toBeCloseTo(0, 6);
  });

  it("reports MDEs: a finite relative change at 5 % share and a share for +threshold", () => {
    const j = judge(series({ kind: "cpu", rounds: 5, paired: true }, 9), DEFAULT_GATE);
    expect(j.mde.atSharePct).toBe(5);
    expect(j.mde.deltaPct).toBeGreaterThan(5);
    expect(j.mde.deltaPct).toBeLessThan(100);
    expect(j.mde.frameSharePct).toBeGreaterThan(0);
    expect(j.mde.frameSharePct).toBeLessThanOrEqual(100);
    expect(j.mde.power).toBe(0.8);
  });

  it("more rounds buy a smaller MDE", () => {
    const m5 = judge(series({ kind: "cpu", rounds: 5, paired: true }, 11), DEFAULT_GATE).mde
      .deltaPct;
    const m15 = judge(series({ kind: "cpu", rounds: 15, paired: true }, 11), DEFAULT_GATE).mde
      .deltaPct;
    expect(m15).toBeLessThan(m5);
  });

  it("survives empty, zero and non-finite inputs with finite numbers", () => {
    const s = series({ kind: "alloc", rounds: 3, paired: false }, 12);
    const broken: KindSeries = {
      ...s,
      samplePeriod: undefined,
      totals: { base: [0, NaN, 5e6], head: [Infinity, -1, 0] },
      work: { base: [0, 0, 0], head: [NaN, 1, 2] },
    };
    expectFinite(judge(broken, DEFAULT_GATE));
    expectFinite(judge({ ...s, frames: [] }, DEFAULT_GATE));
    const none = judge({ ...s, totals: { base: [], head: [1] } }, DEFAULT_GATE);
    expect(none.verdict).toBe("pass");
    expectFinite(none);
  });

  it("lists every tested frame and only the `listed` largest untested ones; counts them all", () => {
    const s = series({ kind: "cpu", rounds: 5, paired: true, leafEffects: { 0: 1.5 } }, 7);
    // A long cold tail: 500 frames of one sample per round, below min-count.
    const cold = Array.from({ length: 500 }, (_, i) => {
      const one = {
        base: s.totals.base.map(() => 1_000_000),
        head: s.totals.head.map(() => 1_000_000),
      };
      return { function: `cold${i}`, file: "tail.go", self: one, cum: one };
    });
    const wide = { ...s, frames: [...s.frames, ...cold] };
    const all = judge(wide, DEFAULT_GATE, Infinity);
    const few = judge(wide, DEFAULT_GATE, 3);
    expect(all.frames).toHaveLength(wide.frames.length);
    expect(few.functionCount).toBe(wide.frames.length);
    const tested = all.frames.filter((f) => f.untested === undefined);
    expect(few.frames.filter((f) => f.untested === undefined)).toEqual(tested);
    expect(few.frames.filter((f) => f.untested !== undefined)).toHaveLength(3);
    expect(few.verdict).toBe(all.verdict);
    expect(few.total).toEqual(all.total);
    expect(few.mde).toEqual(all.mde);
    expectFinite(few);
  });
});
