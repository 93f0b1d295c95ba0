import { execa } from "execa";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";
import { fixtureDir } from "../../src/session/fixtures.js";
import { freePort } from "../../src/session/ready.js";
import { randomBytes } from "node:crypto";
import { processesWithEnv } from "../../src/capture/proc-tree.js";
import { groupMembers } from "../../src/session/reaper.js";

/**
 * The real CLI (`node --import tsx src/cli.ts run`) against real services:
 * one success, and every failure mode of the session, each of which must be
 * one line on stderr (plus the service's last lines), exit code 2, and no
 * process of the service's group left behind.
 */

const CLI = join(packageRoot(), "src", "cli.ts");
const work = mkdtempSync(join(tmpdir(), "flamegate-run-test-"));

// A tiny service: /healthz and /work; exits with code 1 after CRASH_AFTER requests to /work;
// with ANSWER=500 every /work request gets a 500.
writeFileSync(
  join(work, "crash.mjs"),
  `import { createServer } from "node:http";
let n = 0;
createServer((req, res) => {
  if (req.url === "/work" && ++n >= Number(process.env.CRASH_AFTER ?? 1e9)) {
    console.error("crash.mjs: out of memory, exiting");
    process.exit(1);
  }
  if (req.url === "/work" && process.env.ANSWER === "500") res.statusCode = 500;
  res.end("ok");
}).listen(Number(process.env.PORT), "127.0.0.1");
`,
);

interface Case {
  start: string;
  cwd?: string;
  env?: Record<string, string>;
  readyPath?: string;
  readyTimeout?: string;
  load?: string;
  port?: number;
  readyPort?: number;
  duration?: string;
  rounds?: number;
}

async function config(c: Case): Promise<string> {
  const port = c.port ?? (await freePort());
  const readyPort = c.readyPort ?? port;
  const load =
    c.load ??
    `{ url: "http://127.0.0.1:${port}/work", connections: 2, duration: ${c.duration ?? "2s"} }`;
  const file = join(mkdtempSync(join(work, "case-")), "flamegate.yml");
  writeFileSync(
    file,
    `version: 1
services:
  svc:
    runtime: node
    cwd: ${JSON.stringify(c.cwd ?? work)}
    start: ${JSON.stringify(c.start)}
    env: ${JSON.stringify({ PORT: String(port), ...c.env })}
    ready: http://127.0.0.1:${readyPort}${c.readyPath ?? "/healthz"}
    ready-timeout: ${c.readyTimeout ?? "10s"}
    warmup: 0s
    rounds: ${c.rounds ?? 1}
    load: ${load}
`,
  );
  return file;
}

/** Every process a test starts inherits this variable with the test's own value; none may be left after it. */
const MARK = "FLAMEGATE_RUN_TEST";

function testMark(): { env: Record<string, string>; left: () => number[] } {
  const value = randomBytes(8).toString("hex");
  return { env: { [MARK]: value }, left: () => processesWithEnv(MARK, (v) => v === value) };
}

async function run(file: string, extra: string[] = []) {
  const out = join(file, "..", "out");
  const mark = testMark();
  const result = await execa(
    "node",
    ["--import", "tsx", CLI, "run", "--config", file, "--out", out, ...extra],
    {
      reject: false,
      cwd: packageRoot(),
      env: mark.env,
    },
  );
  const pids = [...result.stderr.matchAll(/started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
  const errors = result.stderr.split("\n").filter((l) => l.startsWith("flamegate run: "));
  return { ...result, out, pids, errors, left: mark.left };
}

/** The service's group is gone, and no process the test started (found by its mark in /proc) is left. */
function expectNoOrphans(r: { pids: number[]; left: () => number[] }) {
  expect(r.pids.length).toBeGreaterThan(0);
  for (const pid of r.pids) expect(groupMembers(pid), `process group ${pid}`).toEqual([]);
  expect(r.left()).toEqual([]);
}

const blockers: Server[] = [];
afterAll(() => {
  for (const s of blockers) s.close();
  rmSync(work, { recursive: true, force: true });
});

describe("flamegate run (real CLI, real services)", () => {
  it("writes a profile set and prints a summary line", async () => {
    const file = await config({ start: "node server.mjs", cwd: fixtureDir("node") });
    const r = await run(file, ["--ref", "test-ref"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^svc \(node v\d+\.\d+\.\d+\): 1 rounds, \d+ requests in [\d.]+ s .*profiles cpu, alloc/,
    );
    const dir = join(r.out, "svc");
    expect(readdirSync(dir).sort()).toEqual([
      "manifest.json",
      "r1.alloc.pb.gz",
      "r1.cpu.pb.gz",
      "service.log",
    ]);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({
      schema: "flamegate.profileset/v1",
      service: "svc",
      runtime: "node",
      runtimeVersion: process.version,
      ref: "test-ref",
      unitOfWork: "request",
      serviceLog: "service.log",
      config: { env: { PORT: "<redacted>" } },
      labels: { service: "svc", runtime: "node" },
    });
    expect(readFileSync(join(dir, "service.log"), "utf8")).toMatch(/order service listening/);
    expectNoOrphans(r);
  });

  it("start command not found", async () => {
    const r = await run(await config({ start: "flamegate-no-such-command --serve" }));
    expect(r.exitCode).toBe(2);
    expect(r.errors).toEqual([
      "flamegate run: service 'svc': start command not found (exit code 127): flamegate-no-such-command --serve",
    ]);
    expect(r.stderr).toMatch(/not found/);
    expectNoOrphans(r);
  });

  it("service exits before it is ready", async () => {
    const r = await run(
      await config({
        start: `node -e "console.error('config missing: DATABASE_URL'); process.exit(3)"`,
      }),
    );
    expect(r.exitCode).toBe(2);
    expect(r.errors).toEqual([
      "flamegate run: service 'svc' exited before it was ready (exit code 3); its last output is below",
    ]);
    expect(r.stderr).toMatch(/^ {2}config missing: DATABASE_URL$/m);
    expectNoOrphans(r);
  });

  it("service never ready", async () => {
    const r = await run(
      await config({
        start: "node server.mjs",
        cwd: fixtureDir("node"),
        readyPath: "/not-there",
        readyTimeout: "2s",
      }),
    );
    expect(r.exitCode).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(
      /^flamegate run: service 'svc' was not ready at http:\/\/127\.0\.0\.1:\d+\/not-there after 2 s; check 'ready' and 'start', or raise 'ready-timeout'$/,
    );
    expect(r.stderr).toMatch(/order service listening/);
    expectNoOrphans(r);
  });

  it("service dies during the load", async () => {
    const r = await run(
      await config({ start: "node crash.mjs", env: { CRASH_AFTER: "300" }, duration: "20s" }),
    );
    expect(r.exitCode).toBe(2);
    expect(r.errors).toEqual([
      "flamegate run: service 'svc' exited during the load (exit code 1); its last output is below",
    ]);
    expect(r.stderr).toMatch(/crash\.mjs: out of memory, exiting/);
    expectNoOrphans(r);
  });

  it("port already in use, found before the start", async () => {
    const port = await freePort();
    const blocker = createServer((s) => s.end());
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    const r = await run(await config({ start: "node server.mjs", cwd: fixtureDir("node"), port }));
    expect(r.exitCode).toBe(2);
    expect(r.errors[0]).toBe(
      `flamegate run: service 'svc': port ${port} already in use; stop whatever listens there or give the service another port (ready: http://127.0.0.1:${port}/healthz)`,
    );
    // Found before anything was started: no service process at all.
    expect(r.pids).toEqual([]);
    expect(r.left()).toEqual([]);
  });

  it("port already in use, reported by the service (EADDRINUSE)", async () => {
    const port = await freePort();
    const blocker = createServer((s) => s.end());
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    // The service binds the taken PORT, while readiness is probed on another port.
    const r = await run(
      await config({
        start: "node server.mjs",
        cwd: fixtureDir("node"),
        port,
        readyPort: await freePort(),
      }),
    );
    expect(r.exitCode).toBe(2);
    expect(r.errors[0]).toMatch(
      new RegExp(`^flamegate run: service 'svc': port ${port} already in use;`),
    );
    expectNoOrphans(r);
  });

  it("load URL that answers 500", async () => {
    const r = await run(await config({ start: "node crash.mjs", env: { ANSWER: "500" } }));
    expect(r.exitCode).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(
      /^flamegate run: service 'svc': (\d+) of \1 requests in round 1 \(cpu(?:, alloc)? window\) failed \(\1 non-2xx; 100 %, above load.max-error-rate 1 %\) at GET http:\/\/127\.0\.0\.1:\d+\/work; make the load's URL, method, headers and body answer 2xx \(check the service's log\), or raise load.max-error-rate$/,
    );
    expect(existsSync(join(r.out, "svc", "manifest.json"))).toBe(false);
    expectNoOrphans(r);
  });

  it("load command fails", async () => {
    const r = await run(
      await config({
        start: "node server.mjs",
        cwd: fixtureDir("node"),
        load: `{ command: "node -e \\"console.error('k6: script error'); process.exit(3)\\"" }`,
      }),
    );
    expect(r.exitCode).toBe(2);
    expect(r.errors[0]).toMatch(
      /^flamegate run: service 'svc': load command failed \(exit code 3\): node -e/,
    );
    expect(r.stderr).toMatch(/k6: script error/);
    expectNoOrphans(r);
  });

  it("our own SIGINT stops the service group too", async () => {
    const roundDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith("flamegate-svc-r1-"));
    const before = roundDirs();
    const file = await config({
      start: "node server.mjs",
      cwd: fixtureDir("node"),
      duration: "30s",
    });
    const mark = testMark();
    const child = execa(
      "node",
      ["--import", "tsx", CLI, "run", "--config", file, "--out", join(file, "..", "out")],
      {
        reject: false,
        cwd: packageRoot(),
        env: mark.env,
      },
    );
    let stderr = "";
    await new Promise<void>((resolve) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
        if (stderr.includes("capturing")) resolve();
      });
    });
    child.kill("SIGINT");
    const result = await child;
    expect(result.exitCode).toBe(130);
    const pids = [...stderr.matchAll(/started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expectNoOrphans({ pids, left: mark.left });
    expect(existsSync(join(file, "..", "out", "svc", "manifest.json"))).toBe(false);
    // The round's temporary directory went with it.
    expect(roundDirs().filter((d) => !before.includes(d))).toEqual([]);
  });
});
