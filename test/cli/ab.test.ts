import { execa } from "execa";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planRounds, sideCwd } from "../../src/cli/ab.js";
import type { Report } from "../../src/compare/types.js";
import { type ServiceConfig, parseConfig } from "../../src/config.js";
import { FlamegateError } from "../../src/errors.js";
import { packageRoot } from "../../src/paths.js";
import { fixtureDir } from "../../src/session/fixtures.js";
import { freePort } from "../../src/session/ready.js";
import { groupMembers } from "../../src/session/reaper.js";

const CLI = join(packageRoot(), "src", "cli.ts");
const work = mkdtempSync(join(tmpdir(), "flamegate-ab-test-"));

function service(cwd: string): ServiceConfig {
  const doc = {
    version: 1,
    services: {
      api: {
        runtime: "node",
        cwd,
        start: "node server.mjs",
        ready: "http://127.0.0.1:1/healthz",
        load: { url: "http://127.0.0.1:1/work" },
      },
    },
  };
  return parseConfig(doc, "/repo/flamegate.yml", "/repo").services[0]!;
}

/** The config of the Node fixture as `orders` on `port`, 1 s windows, no warm-up. */
function ordersConfig(
  port: number,
  o: { rounds: number; profiles: string; start?: string; pairing?: string },
): string {
  return `version: 1
services:
  orders:
    runtime: node
    cwd: .
    start: ${o.start ?? "node server.mjs"}
    env: { PORT: "${port}" }
    ready: http://127.0.0.1:${port}/healthz
    warmup: 0s
    rounds: ${o.rounds}${o.pairing ? `\n    pairing: ${o.pairing}` : ""}
    profiles: [${o.profiles}]
    load: { url: "http://127.0.0.1:${port}/work", connections: 2, duration: 1s }
`;
}

/** flamegate ab from the sources, as a user runs it. */
function ab(baseDir: string, headDir: string, config: string, out: string, ...more: string[]) {
  return execa(
    "node",
    ["--import", "tsx", CLI, "ab", "--base-dir", baseDir, "--head-dir", headDir].concat(
      ["--config", config, "--out", out],
      more,
    ),
    { reject: false, cwd: packageRoot() },
  );
}

describe("ab: planning", () => {
  it("draws each round's order from the coin", () => {
    const coins = [true, false, false, true];
    const plan = planRounds(4, () => coins.shift()!);
    expect(plan.map((p) => p.order.join(","))).toEqual([
      "head,base",
      "base,head",
      "base,head",
      "head,base",
    ]);
    expect(plan.map((p) => p.round)).toEqual([1, 2, 3, 4]);
  });

  it("re-anchors the service's cwd on each side's tree", () => {
    expect(sideCwd(service("services/api"), "/repo", "/tmp/base")).toBe("/tmp/base/services/api");
    expect(sideCwd(service("."), "/repo", "/tmp/head")).toBe("/tmp/head");
    expect(() => sideCwd(service("/elsewhere"), "/repo", "/tmp/base")).toThrow(FlamegateError);
    expect(() => sideCwd(service("/elsewhere"), "/repo", "/tmp/base")).toThrow(
      "services.api.cwd: '/elsewhere' is outside the config's folder (/repo)",
    );
  });
});

describe("flamegate ab (real CLI, the Node fixture on both sides)", () => {
  it("runs paired rounds, each round's sides at the same time, from two checkouts, writes both profile sets, and compares them file by file", async () => {
    const port = await freePort();
    const dir = join(work, "aa");
    mkdirSync(dir);
    const config = join(dir, "flamegate.yml");
    writeFileSync(config, ordersConfig(port, { rounds: 3, profiles: "cpu, alloc" }));
    const out = join(dir, "out");
    // --json elsewhere; the markdown and HTML reports default into --out.
    const json = join(dir, "report.json");
    const html = join(out, "report.html");
    const fixture = fixtureDir("node");
    // The base runs from another copy of the same code, as a merge-base worktree does.
    const baseCheckout = join(dir, "base-checkout");
    cpSync(fixture, baseCheckout, { recursive: true });
    const r = await ab(baseCheckout, fixture, config, out, "--json", json);
    // An A/A comparison that fails is a false positive, whose rate is a sampled
    // figure (npm run eval measures it); here only the exit code must agree with it.
    expect([0, 1], r.stderr).toContain(r.exitCode);
    const rounds = [...r.stderr.matchAll(/round (\d)\/3: base and head\n/g)];
    expect(rounds.map((m) => m[1])).toEqual(["1", "2", "3"]);
    expect(r.stderr).toMatch(new RegExp(`the head on port \\d+ for ${port}\\n`));
    // A round's windows open once both sides are up: neither captures before the other has started.
    const lines = r.stderr.split("\n");
    for (const round of [1, 2, 3]) {
      const at = (side: string, what: string) =>
        lines.findIndex((l) => l.includes(`${side}: orders r${round}: ${what}`));
      const bothStarted = Math.max(at("base", "started"), at("head", "started"));
      for (const side of ["base", "head"])
        expect(at(side, "capturing"), `${side} r${round}`).toBeGreaterThan(bothStarted);
    }
    for (const side of ["base", "head"]) {
      expect(readdirSync(join(out, side, "orders")).sort()).toEqual([
        "manifest.json",
        "r1.alloc.pb.gz",
        "r1.cpu.pb.gz",
        "r2.alloc.pb.gz",
        "r2.cpu.pb.gz",
        "r3.alloc.pb.gz",
        "r3.cpu.pb.gz",
        "service.log",
      ]);
    }
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/i);
    // The summary says how the pairs ran.
    expect(r.stdout).toMatch(/ vs 3 rounds × 1\.\d s, side by side\): /);
    expect(readFileSync(join(out, "report.md"), "utf8")).toContain("orders");
    expect(r.stdout).toContain(`flamegate ab: wrote ${json}, ${join(out, "report.md")}, ${html}`);
    const report = JSON.parse(readFileSync(json, "utf8")) as Report;
    expect(r.exitCode).toBe(report.verdict === "fail" ? 1 : 0);
    expect(report.comparisons.map((c) => c.kind).sort()).toEqual(["alloc", "cpu"]);
    for (const c of report.comparisons) {
      // Same code in two directories: the service's own frames match by relative file.
      const own = c.frames.filter((f) => f.file === "server.mjs");
      expect(own.length, `${c.kind}: frames of server.mjs`).toBeGreaterThan(0);
      // Both checkouts' samples land in these frames, and none under the base's
      // absolute path. Not every frame on both sides: a function with a few
      // allocation samples can miss one side in 3 rounds of 1 s by chance.
      for (const side of ["base", "head"] as const)
        expect(
          own.reduce((sum, f) => sum + f.cum[side], 0),
          `${c.kind}: ${side} samples in server.mjs`,
        ).toBeGreaterThan(0);
      expect(c.frames.some((f) => f.file.includes("base-checkout"))).toBe(false);
      expect(c.base.rounds).toBe(3);
      expect(c.head.rounds).toBe(3);
      expect(c.pairing).toBe("simultaneous");
      // Paired on one machine: the CPU total is gated, no other-runner note.
      expect(c.total.note).toBeUndefined();
      expect(c.noise?.totalSigma).toEqual(expect.any(Number));
      expect(c.noise?.totalDriftSigma).toEqual(expect.any(Number));
    }
    // `compare --paired` on ab's two sets, with the same gate, reproduces ab's report.
    const again = join(dir, "compare-paired.json");
    const c = await execa(
      "node",
      ["--import", "tsx", CLI, "compare", "--paired", "--config", config].concat([
        "--base",
        join(out, "base"),
        "--head",
        join(out, "head"),
        "--json",
        again,
      ]),
      { reject: false, cwd: packageRoot() },
    );
    expect(c.exitCode, c.stderr).toBe(r.exitCode);
    expect(readFileSync(again, "utf8")).toBe(readFileSync(json, "utf8"));
    const pids = [...r.stderr.matchAll(/started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids.length).toBe(6);
    for (const pid of pids) expect(groupMembers(pid), `process group ${pid}`).toEqual([]);
  });

  it("names a missing directory in one line, exit 2", async () => {
    const r = await ab(join(work, "nope"), work, "x.yml", work);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(
      `flamegate ab: --base-dir '${join(work, "nope")}' is not a directory`,
    );
  });
  it("refuses simultaneous pairing when the config names no port to move the head to, exit 2", async () => {
    const dir = join(work, "no-port");
    mkdirSync(dir);
    const config = join(dir, "flamegate.yml");
    writeFileSync(
      config,
      ordersConfig(0, { rounds: 2, profiles: "cpu" }).replaceAll("127.0.0.1:0", "localhost"),
    );
    const r = await ab(fixtureDir("node"), fixtureDir("node"), config, join(dir, "out"));
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe(
      "flamegate ab: services.orders: pairing is simultaneous, which runs the head beside the base on ports of its own, but ready, pprof and load.url name no port to move; write the port in them (http://127.0.0.1:8080/healthz) or set pairing: sequential",
    );
  });

  it("keeps the rounds both sides already have when a later round fails, exit 2", async () => {
    const port = await freePort();
    const dir = join(work, "partial");
    mkdirSync(dir);
    const starts = join(dir, "starts");
    // Round 1 starts the base and the head; the third start (in round 2) fails before it is ready.
    const start = `n=$(($(cat '${starts}' 2>/dev/null || echo 0) + 1)); echo $n > '${starts}'; if [ $n -ge 3 ]; then echo 'refusing a third start' >&2; exit 3; fi; exec node server.mjs`;
    const config = join(dir, "flamegate.yml");
    writeFileSync(
      config,
      ordersConfig(port, {
        rounds: 2,
        profiles: "cpu",
        start: JSON.stringify(start),
        pairing: "sequential",
      }),
    );
    const out = join(dir, "out");
    const fixture = fixtureDir("node");
    const r = await ab(fixture, fixture, config, out);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/exited before it was ready \(exit code 3\)/);
    expect(r.stderr).toContain(
      `orders: a round failed; the 1 base and 1 head rounds before it are written to ${join(out, "base", "orders")} and ${join(out, "head", "orders")}`,
    );
    for (const side of ["base", "head"]) {
      const manifest = JSON.parse(
        readFileSync(join(out, side, "orders", "manifest.json"), "utf8"),
      ) as { rounds: { round: number }[] };
      expect(manifest.rounds.map((x) => x.round)).toEqual([1]);
    }
  });

  it("stops the base when the head it runs with fails, and says why in one line, exit 2", async () => {
    const port = await freePort();
    const dir = join(work, "together-fails");
    mkdirSync(dir);
    const fixture = fixtureDir("node");
    const head = join(dir, "head-checkout");
    cpSync(fixture, head, { recursive: true });
    writeFileSync(join(head, "server.mjs"), "console.error('no config'); process.exit(3);\n");
    const config = join(dir, "flamegate.yml");
    writeFileSync(config, ordersConfig(port, { rounds: 2, profiles: "cpu" }));
    const out = join(dir, "out");
    const r = await ab(fixture, head, config, out);
    expect(r.exitCode, r.stderr).toBe(2);
    const errors = r.stderr
      .split("\n")
      .filter((l) => /^flamegate ab: (?!base: |head: |orders: )/.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/service 'orders' exited before it was ready \(exit code 3\)/);
    expect(r.stderr).not.toContain("round 2/2");
    const pids = [...r.stderr.matchAll(/started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids.length).toBe(2);
    for (const pid of pids) expect(groupMembers(pid), `process group ${pid}`).toEqual([]);
  });
});
