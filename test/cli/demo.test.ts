import { execa } from "execa";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/compare/types.js";
import type { Manifest } from "../../src/model/profile-set.js";
import { packageRoot } from "../../src/paths.js";
import { groupMembers } from "../../src/session/reaper.js";

/** The real `flamegate demo`: the Node fixture against its regressed build, end to end. */
describe("flamegate demo (real CLI)", () => {
  it("finds the fixture's regression, writes the report and exits 1", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "flamegate-demo-test-")), "demo");
    const r = await execa(
      "node",
      ["--import", "tsx", join(packageRoot(), "src", "cli.ts"), "demo", "--out", out],
      {
        reject: false,
        cwd: packageRoot(),
      },
    );
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^flamegate: FAIL/);

    for (const side of ["base", "head"]) {
      const manifest = JSON.parse(
        readFileSync(join(out, side, "orders", "manifest.json"), "utf8"),
      ) as Manifest;
      expect(manifest.ref).toBe(side);
      expect(manifest.rounds).toHaveLength(3);
      for (const round of manifest.rounds) {
        expect(round.requests).toBeGreaterThan(0);
        for (const file of Object.values(round.files))
          expect(existsSync(join(out, side, "orders", file))).toBe(true);
      }
    }
    for (const file of [
      "report.json",
      "report.md",
      "report.html",
      "flame.svg",
      "flame.cpu.svg",
      "flame.alloc.svg",
    ])
      expect(existsSync(join(out, file)), file).toBe(true);

    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report;
    expect(report.verdict).toBe("fail");
    const frame = (kind: string, fn: string) =>
      report.comparisons.find((c) => c.kind === kind)?.frames.find((f) => f.function === fn);
    // The alloc regression (an extra copy of every entry) is deterministic. The
    // CPU one (+33 % of checksum) is not always provable in 3 rounds on a busy
    // 2-core machine, so its verdict is not asserted; its size is, since
    // checksum keeps its own frame in every process (the pipeline calls its
    // stages through one megamorphic call site).
    expect(frame("alloc", "buildIndex")?.self.deltaPct).toBeGreaterThan(20);
    expect(frame("cpu", "checksum")?.self.deltaPct).toBeGreaterThan(10);
    const cpu = report.comparisons.find((c) => c.kind === "cpu");
    expect(cpu?.frames.some((f) => f.file === "server.mjs")).toBe(true);
    expect(Number.isFinite(cpu?.mde.deltaPct)).toBe(true);

    const pids = [...r.stderr.matchAll(/started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(6);
    for (const pid of pids) expect(groupMembers(pid)).toEqual([]);
    rmSync(join(out, ".."), { recursive: true, force: true });
  });
});
