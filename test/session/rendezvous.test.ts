import { describe, expect, it } from "vitest";
import { PartnerFailed, Rendezvous } from "../../src/session/rendezvous.js";

describe("Rendezvous", () => {
  it("lets every party through once the last has arrived, at every meeting", async () => {
    const meet = new Rendezvous(2);
    const passed: string[] = [];
    const a = meet.arrive().then(() => passed.push("a"));
    await Promise.resolve();
    expect(passed).toEqual([]);
    const b = meet.arrive().then(() => passed.push("b"));
    await Promise.all([a, b]);
    expect(passed.sort()).toEqual(["a", "b"]);
    // The next window meets again.
    const c = meet.arrive();
    let through = false;
    void c.then(() => (through = true));
    await Promise.resolve();
    expect(through).toBe(false);
    await Promise.all([c, meet.arrive()]);
  });

  it("stops those waiting and those to come with the failed party's error as cause", async () => {
    const meet = new Rendezvous(2);
    const waiting = meet.arrive();
    const cause = new Error("service 'api' exited before it was ready (exit code 3)");
    meet.abandon(cause);
    await expect(waiting).rejects.toBeInstanceOf(PartnerFailed);
    await expect(meet.arrive()).rejects.toMatchObject({ cause });
  });
});
