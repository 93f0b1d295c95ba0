import { describe, expect, it } from "vitest";
import type { FrameSeries, KindSeries } from "../../src/compare/series.js";
import { judge } from "../../src/compare/verdict/judge.js";
import { DEFAULT_VARIANT } from "../../src/compare/verdict/policy.js";
import { DEFAULT_GATE } from "../../src/config.js";
import { noteText } from "../../src/report/notes.js";

/** Go's CPU period: one sample is 10 ms. */
const PERIOD = 10_000_000;
/** A fixed wobble per round, so every frame has some round-to-round variance. */
const WOBBLE = [1, -1, 2, -2, 0, 1, -2, 2, -1, 0];

/** A frame's per-round sample counts as raw values (self = cum, a leaf). */
function leaf(name: string, base: number[], head: number[]): FrameSeries {
  const v = { base: base.map((c) => c * PERIOD), head: head.map((c) => c * PERIOD) };
  return { function: name, file: "main.go", self: v, cum: v };
}

/**
 * A Go-like profile set of `rounds` paired rounds at ~300 CPU samples per round (100 Hz
 * with the load generator holding a core), the same code on both sides except `extra`
 * frames; the head's requests fall by the CPU the extra frames take (a saturated window).
 */
function goSeries(rounds: number, extra: FrameSeries[]): KindSeries {
  const steady = [
    ["net/http.(*conn).serve", 90],
    ["encoding/json.Marshal", 60],
    ["main.handler", 50],
    ["strings.Builder.WriteString", 40],
    ["main.render", 35],
    ["sort.Slice", 25],
  ] as const;
  const frames = steady.map(([name, c], k) => {
    const counts = (shift: number) =>
      Array.from({ length: rounds }, (_, r) => c + WOBBLE[(r + k + shift) % WOBBLE.length]!);
    return leaf(name, counts(0), counts(3));
  });
  frames.push(...extra);
  const totals = (which: "base" | "head") =>
    Array.from({ length: rounds }, (_, r) => frames.reduce((a, f) => a + f.self[which][r]!, 0));
  const base = totals("base");
  const head = totals("head");
  frames.push({
    function: "main.main",
    file: "main.go",
    self: { base: base.map(() => 0), head: head.map(() => 0) },
    cum: { base: [...base], head: [...head] },
  });
  const requests = (t: number[]) => t.map((v) => Math.round((1000 * 300 * PERIOD) / v));
  return {
    service: "api",
    runtime: "go",
    kind: "cpu",
    unit: "nanoseconds",
    sampleType: "cpu",
    totals: { base, head },
    work: { base: requests(base), head: requests(head) },
    unitOfWork: "request",
    paired: true,
    sameRunner: true,
    samplePeriod: PERIOD,
    frames,
  };
}

const zeros = (rounds: number) => new Array<number>(rounds).fill(0);
const frameOf = (s: KindSeries, name: string) =>
  judge(s, DEFAULT_GATE).frames.find((f) => f.function === name);

describe("judge: frames new in the head, or gone", () => {
  // regexp.compile new in the head at ~8 % of its CPU: 20–29 samples a round in the head,
  // none in the base, so the mean of both sides (12.5) is below gate.min-count (20).
  const compile = [24, 27, 22, 25, 26, 23, 28, 24, 25, 26];

  it("a new frame over min-count in the head's rounds is tested on them, and fails", () => {
    const s = goSeries(10, [leaf("regexp.compile", zeros(10), compile)]);
    const f = frameOf(s, "regexp.compile");
    expect(f?.untested).toBeUndefined();
    expect(f?.tested).toBe("self");
    expect(f?.verdict).toBe("fail");
    expect(judge(s, DEFAULT_GATE).verdict).toBe("fail");
  });

  it("with the floor on both sides' mean (the procedure before) it was left as low-count", () => {
    const s = goSeries(10, [leaf("regexp.compile", zeros(10), compile)]);
    const before = { ...DEFAULT_VARIANT, oneSidedFloor: false };
    const f = judge(s, DEFAULT_GATE, undefined, before).frames.find(
      (x) => x.function === "regexp.compile",
    );
    expect(f?.untested).toBe("low-count");
    expect(f?.verdict).toBe("pass");
  });

  it("a frame gone from the head is tested on the base's rounds and passes (it got cheaper)", () => {
    const s = goSeries(10, [leaf("regexp.compile", compile, zeros(10))]);
    const f = frameOf(s, "regexp.compile");
    expect(f?.untested).toBeUndefined();
    expect(f?.verdict).toBe("pass");
  });

  it("a frame that comes and goes between the head's processes, absent from the base, is not new", () => {
    // Inlined into its caller in every base process and in half the head's: 40–50 samples
    // where it is not inlined, 0 where it is. Not new code: the pooled floor applies.
    const s = goSeries(10, [leaf("main.validate", zeros(10), [44, 0, 48, 0, 0, 46, 0, 50, 0, 42])]);
    const f = frameOf(s, "main.validate");
    expect(f?.untested).toBe("low-count");
    expect(f?.verdict).toBe("pass");
  });

  it("with fewer than 5 rounds a side, a frame on one side only keeps the pooled floor", () => {
    const s = goSeries(3, [leaf("regexp.compile", zeros(3), compile.slice(0, 3))]);
    expect(frameOf(s, "regexp.compile")?.untested).toBe("low-count");
  });

  it("a frame under min-count on the side that has it stays low-count", () => {
    const s = goSeries(10, [
      leaf(
        "regexp.compile",
        zeros(10),
        compile.map((c) => c - 10),
      ),
    ]);
    expect(frameOf(s, "regexp.compile")?.untested).toBe("low-count");
  });
});

describe("judge: a function inlined into its caller in some processes", () => {
  /**
   * `taxFor` (per-round samples `own`) under `checkout` (10 samples of its own), inlined
   * into checkout in the rounds marked 1: there taxFor is absent and its samples are
   * checkout's self. checkout's cum holds them either way.
   */
  function inlinedPair(
    own: (side: "base" | "head") => number[],
    inlined: Record<"base" | "head", number[]>,
  ) {
    const side = (s: "base" | "head") => ({
      tax: own(s).map((c, r) => (inlined[s][r] ? 0 : c)),
      checkoutSelf: own(s).map((c, r) => 10 + WOBBLE[r]! + (inlined[s][r] ? c : 0)),
      checkoutCum: own(s).map((c, r) => 10 + WOBBLE[r]! + c),
    });
    const base = side("base");
    const head = side("head");
    const ns = (v: number[]) => v.map((c) => c * PERIOD);
    return [
      leaf("main.taxFor", base.tax, head.tax),
      {
        function: "main.checkout",
        file: "main.go",
        self: { base: ns(base.checkoutSelf), head: ns(head.checkoutSelf) },
        cum: { base: ns(base.checkoutCum), head: ns(head.checkoutCum) },
      },
    ];
  }
  const inlined = { base: [1, 0, 1, 1, 0, 0, 1, 0, 1, 0], head: [0, 1, 0, 0, 1, 1, 0, 1, 1, 1] };
  const tax = (r: number) => 60 + WOBBLE[(r + 4) % WOBBLE.length]!;

  it("the same code: passes; the function is reported as inlined and the note names both", () => {
    const s = goSeries(
      10,
      inlinedPair(() => Array.from({ length: 10 }, (_, r) => tax(r)), inlined),
    );
    const j = judge(s, DEFAULT_GATE);
    expect(j.verdict).toBe("pass");
    expect(j.frames.find((f) => f.function === "main.taxFor")?.untested).toBe("inlined");
    expect(j.frames.find((f) => f.function === "main.checkout")?.tested).toBe("cum");
    expect((j.notes ?? []).map(noteText)).toContain(
      "main.taxFor comes and goes between processes (absent from 11 of 20 rounds: inlined into its caller in some): tested through main.checkout's cumulative value, which holds it either way",
    );
  });

  it("+50 % in the inlined function fails its caller's cumulative value", () => {
    const s = goSeries(
      10,
      inlinedPair(
        (side) => Array.from({ length: 10 }, (_, r) => tax(r) * (side === "head" ? 1.5 : 1)),
        inlined,
      ),
    );
    const j = judge(s, DEFAULT_GATE);
    const checkout = j.frames.find((f) => f.function === "main.checkout");
    expect(checkout?.verdict).toBe("fail");
    expect(checkout?.tested).toBe("cum");
    const before = { ...DEFAULT_VARIANT, inliningViaCaller: false };
    const b = judge(s, DEFAULT_GATE, undefined, before).frames;
    // Before: the two values inlining moves set σ0 for every frame, and checkout's cum passed.
    expect(b.find((f) => f.function === "main.checkout")?.verdict).toBe("pass");
  });
});
