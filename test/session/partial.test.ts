import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../src/config.js";
import { FlamegateError } from "../../src/errors.js";
import type { Manifest } from "../../src/model/profile-set.js";
import { fixtureDir, loadFixtureConfig } from "../../src/session/fixtures.js";
import { runService } from "../../src/session/index.js";

/** A run whose later round fails keeps the rounds it already has on disk. */

const work = mkdtempSync(join(tmpdir(), "flamegate-partial-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a run that fails in round 2", () => {
  it("writes round 1's profile set before the error goes up", async () => {
    const fixture = (await loadFixtureConfig("node")).services[0]!;
    if (fixture.load.type !== "builtin") throw new Error("the Node fixture has a built-in load");
    const booted = join(work, "booted");
    // The service starts once; its second start fails before it is ready.
    const service: ServiceConfig = {
      ...fixture,
      cwd: fixtureDir("node"),
      start: `if [ -e '${booted}' ]; then echo 'refusing a second start' >&2; exit 3; fi; : > '${booted}'; exec node server.mjs`,
      warmupSeconds: 0,
      rounds: 3,
      profiles: ["cpu"],
      load: { ...fixture.load, durationSeconds: 1 },
    };
    const lines: string[] = [];
    const outDir = join(work, "out");
    const err = await runService(service, { outDir, log: (l) => lines.push(l) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FlamegateError);
    expect((err as FlamegateError).message).toBe(
      `service '${service.name}' exited before it was ready (exit code 3); its last output is below`,
    );
    const dir = join(outDir, service.name);
    expect(lines).toContain(
      `${service.name}: round 2 failed; the 1 round before it is written to ${dir} (a profile set with fewer rounds than asked for)`,
    );
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
    expect(manifest.rounds.map((r) => r.round)).toEqual([1]);
    expect(existsSync(join(dir, "r1.cpu.pb.gz"))).toBe(true);
  });
});
