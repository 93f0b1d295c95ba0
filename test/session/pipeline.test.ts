import { describe, expect, it } from "vitest";
import { finishedRounds } from "../../src/session/pipeline.js";
import type { RoundResult } from "../../src/session/round.js";

const round = (n: number): RoundResult =>
  ({
    record: { round: n },
    profiles: {},
    runtimeVersion: "v0",
    notes: [],
  }) as unknown as RoundResult;

describe("finishedRounds", () => {
  it("keeps every round when none failed, in order", async () => {
    const got = await finishedRounds([1, 2, 3].map((n) => Promise.resolve(round(n))));
    expect(got.map((r) => r.record.round)).toEqual([1, 2, 3]);
  });

  it("keeps the rounds before the first that failed, not those after it", async () => {
    // Round 3's conversions may finish after round 2's failed: a profile set has no gaps.
    const rounds = [
      Promise.resolve(round(1)),
      Promise.reject(new Error("perf script could not read the window's recording")),
      Promise.resolve(round(3)),
    ];
    const got = await finishedRounds(rounds);
    expect(got.map((r) => r.record.round)).toEqual([1]);
  });
});
