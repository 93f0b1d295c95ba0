import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { processesWithEnv } from "../../src/capture/proc-tree.js";
import type { ServiceConfig } from "../../src/config.js";
import { packageRoot } from "../../src/paths.js";
import { fixtureDir, loadFixtureConfig } from "../../src/session/fixtures.js";
import { runService } from "../../src/session/index.js";
import { sleep } from "../../src/session/process.js";
import { trackedGroups } from "../../src/session/reaper.js";

/**
 * Processes a service starts that leave its process group (setsid) and
 * ignore SIGINT and SIGTERM are still found and killed, with a warning; and
 * when flamegate itself is killed with SIGKILL, its watchdog ends the
 * service and everything it started. Each test marks what it starts with
 * its own environment variable and looks for it in /proc afterwards.
 */

const work = mkdtempSync(join(tmpdir(), "flamegate-orphans-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A start command: the Node fixture, plus a grandchild in its own session that ignores SIGINT/SIGTERM/SIGHUP. */
const ESCAPING_START = `setsid sh -c 'trap "" INT TERM HUP; while :; do sleep 1; done' & exec node server.mjs`;

function testMark(): { name: string; value: string; left: () => number[] } {
  const name = "FLAMEGATE_ORPHAN_TEST";
  const value = randomBytes(8).toString("hex");
  return { name, value, left: () => processesWithEnv(name, (v) => v === value) };
}

async function serviceWith(env: Record<string, string>): Promise<ServiceConfig> {
  const fixture = (await loadFixtureConfig("node")).services[0]!;
  if (fixture.load.type !== "builtin") throw new Error("the Node fixture has a built-in load");
  return {
    ...fixture,
    cwd: fixtureDir("node"),
    start: ESCAPING_START,
    env: { ...fixture.env, ...env },
    warmupSeconds: 0,
    rounds: 2,
    profiles: ["cpu"],
    load: { ...fixture.load, durationSeconds: 1 },
  };
}

/** Polls `left` until it is empty or `ms` passed; what was left at the end. */
async function untilNone<T>(left: () => T[], ms: number): Promise<T[]> {
  const deadline = Date.now() + ms;
  let still = left();
  while (still.length > 0 && Date.now() < deadline) {
    await sleep(100);
    still = left();
  }
  return still;
}

describe("processes that leave the service's group", () => {
  it("are killed after each round, with one warning line per round", async () => {
    const mark = testMark();
    const service = await serviceWith({ [mark.name]: mark.value });
    const lines: string[] = [];
    await runService(service, { outDir: join(work, "run"), log: (l) => lines.push(l) });
    // The escaped shell, and the `sleep 1` it may be running at that moment.
    const warnings = lines.filter((l) => l.includes("warning:"));
    expect(warnings, lines.join("\n")).toHaveLength(2);
    for (const [i, w] of warnings.entries())
      expect(w).toMatch(
        new RegExp(
          `^${service.name} r${i + 1}: warning: [12] process(es)? started by service '${service.name}' had left its process group \\(setsid or a double fork\\) and (was|were) still running after it, so flamegate killed (it|them) \\(pid \\d+ sh(, \\d+ sleep)?\\); a service should stop its children when it gets SIGINT or SIGTERM$`,
        ),
      );
    expect(mark.left()).toEqual([]);
    expect(trackedGroups()).toEqual([]);
  });

  it("are killed, with the service, within seconds of a SIGKILL of flamegate run", async () => {
    const mark = testMark();
    const service = await serviceWith({});
    const port = /:(\d+)\//.exec(service.ready)![1];
    const file = join(work, "flamegate.yml");
    writeFileSync(
      file,
      `version: 1
services:
  svc:
    runtime: node
    cwd: ${JSON.stringify(service.cwd)}
    start: ${JSON.stringify(ESCAPING_START)}
    env: { PORT: "${port}" }
    ready: ${service.ready}
    warmup: 0s
    rounds: 1
    profiles: [cpu]
    load: { url: "http://127.0.0.1:${port}/work", connections: 2, duration: 30s }
`,
    );
    const cli = execa(
      "node",
      [
        "--import",
        "tsx",
        join(packageRoot(), "src", "cli.ts"),
        "run",
        "--config",
        file,
        "--out",
        join(work, "killed"),
      ],
      {
        reject: false,
        cwd: packageRoot(),
        env: { [mark.name]: mark.value },
      },
    );
    let stderr = "";
    await new Promise<void>((resolve, reject) => {
      cli.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
        if (stderr.includes("capturing")) resolve();
      });
      void cli.then(() => reject(new Error(`flamegate run ended first:\n${stderr}`)));
    });
    // The service, its shell's child and the escaped grandchild all run now.
    const running = mark.left();
    expect(running.length).toBeGreaterThanOrEqual(3);
    // With perf as Node's CPU profiler V8 writes /tmp/perf-<pid>.map; flamegate tracks them
    // from the window's start, so they must go with it too (none without perf: nothing to check).
    const maps = running.map((pid) => `/tmp/perf-${pid}.map`).filter((m) => existsSync(m));
    cli.kill("SIGKILL");
    const result = await cli;
    expect(result.signal).toBe("SIGKILL");
    // A deadline for the poll, not a timing claim: a loaded runner may take a while.
    expect(await untilNone(mark.left, 60_000)).toEqual([]);
    expect(await untilNone(() => maps.filter((m) => existsSync(m)), 60_000)).toEqual([]);
  });
});
