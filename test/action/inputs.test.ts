import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@actions/core";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseInputs } from "../../src/action/inputs.js";
import { ROOT } from "./harness.js";

/** parseInputs through the real core.getInput: the tests set INPUT_* as the runner does. */

const declared = (
  parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
    inputs: Record<string, { default?: string }>;
  }
).inputs;

function setInputs(values: Record<string, string>): void {
  for (const [name, spec] of Object.entries(declared)) {
    const v =
      values[name] ?? (spec.default === "${{ github.token }}" ? "ghs_x" : (spec.default ?? ""));
    process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = v;
  }
}

const made: string[] = [];

afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith("INPUT_")) delete process.env[k];
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(config?: string): string {
  const ws = mkdtempSync(join(tmpdir(), "flamegate-inputs-"));
  made.push(ws);
  if (config !== undefined) writeFileSync(join(ws, "flamegate.yml"), config);
  return ws;
}

const CONFIG = `version: 1
services:
  api: { runtime: go, start: ./api, ready: "http://127.0.0.1:8080/healthz", load: { url: "http://127.0.0.1:8080/x" } }
  worker: { runtime: python, start: python w.py, ready: "tcp://127.0.0.1:9000", load: { command: "./load.sh" } }
gate:
  cpu: { frame: 20%, total: 5% }
`;

const parseNow = (ws: string) => parseInputs((n) => core.getInput(n), ws);

describe("parseInputs", () => {
  it("reads exactly the inputs action.yml declares", () => {
    const read = new Set<string>();
    const ws = workspace(CONFIG);
    setInputs({});
    parseInputs((n) => (read.add(n), core.getInput(n)), ws);
    setInputs({
      start: "node s.js",
      runtime: "node",
      ready: "http://127.0.0.1:1/",
      "load-url": "http://127.0.0.1:1/",
    });
    parseInputs((n) => (read.add(n), core.getInput(n)), ws);
    expect([...read].sort()).toEqual(Object.keys(declared).sort());
  });

  it("defaults: the config file, gate mode, artifact baseline, always comment, fail on regression", () => {
    setInputs({ "threshold-alloc": "3%" });
    const i = parseNow(workspace(CONFIG));
    expect(i.config.services.map((s) => s.name)).toEqual(["api", "worker"]);
    expect(i).toMatchObject({
      mode: "gate",
      baseline: "artifact",
      comment: "always",
      commentKey: "api+worker",
      failOnRegression: true,
      retentionDays: undefined,
      image: "none",
      imageBranch: "flamegate-images",
    });
    expect(i.config.gate.cpu.frame).toBe(0.2);
    expect(i.config.gate.alloc.frame).toBe(0.03);
  });

  it("one inline service from the inputs", () => {
    setInputs({
      start: "node server.mjs",
      runtime: "node",
      ready: "http://127.0.0.1:8080/healthz",
      "load-url": "http://127.0.0.1:8080/work",
      rounds: "3",
      duration: "2s",
      profiles: "cpu, alloc",
      service: "orders",
    });
    const ws = workspace();
    const [s] = parseNow(ws).config.services;
    expect(s).toMatchObject({
      name: "orders",
      runtime: "node",
      rounds: 3,
      cwd: ws,
      profiles: ["cpu", "alloc"],
    });
    expect(s?.load).toMatchObject({ type: "builtin", durationSeconds: 2 });
  });

  const cases: Array<[Record<string, string>, string]> = [
    [
      { "fail-on-regression": "yes" },
      "'fail-on-regression' input must be 'true' or 'false' but got 'yes'",
    ],
    [{ mode: "audit" }, "'mode' input must be 'gate', 'measure' or 'report' but got 'audit'"],
    [
      { comment: "sometimes" },
      "'comment' input must be 'always', 'on-regression' or 'never' but got 'sometimes'",
    ],
    [
      { "retention-days": "120" },
      "'retention-days' input must be a whole number from 1 to 90 but got '120'",
    ],
    [
      { "threshold-cpu": "lots" },
      "'threshold-cpu' input must be a percentage such as 10% or a fraction such as 0.1 but got 'lots'",
    ],
    [{ image: "inline" }, "'image' input must be 'none' or 'branch' but got 'inline'"],
    [
      { "github-token": "" },
      "'github-token' input must be a token with actions: read and pull-requests: write (the default is github.token) but got ''",
    ],
    [
      { service: "db" },
      "'service' input must be one of the services in flamegate.yml: api, worker but got 'db'",
    ],
    [
      { runtime: "node" },
      "'runtime' input must be empty unless 'start' is set (inline service) but got 'node'",
    ],
    [
      { start: "x", runtime: "ruby" },
      "'runtime' input must be 'go', 'python' or 'node' (with 'start') but got 'ruby'",
    ],
    [
      {
        start: "x",
        runtime: "go",
        ready: "http://127.0.0.1:1/",
        "load-url": "http://127.0.0.1:1/",
        rounds: "many",
      },
      "'rounds' input must be a whole number from 1 to 100 but got 'many'",
    ],
    [
      { start: "x", runtime: "node", service: "../api" },
      "'service' input must be a service name [A-Za-z0-9][A-Za-z0-9._-]{0,63} (a letter or digit, then at most 63 letters, digits, '.', '_' or '-') but got '../api'",
    ],
    [
      { start: "x", runtime: "node", service: "two words" },
      "'service' input must be a service name [A-Za-z0-9][A-Za-z0-9._-]{0,63}",
    ],
    [
      { baseline: "rerun", "profile-set": "." },
      "'baseline' input must be 'artifact' with 'profile-set' (rerun measures both sides itself) but got 'rerun'",
    ],
  ];
  it.each(cases)("%j -> %s", (values, message) => {
    setInputs(values);
    expect(() => parseNow(workspace(CONFIG))).toThrow(message);
  });

  it("a missing config file says where it looked and what else works", () => {
    setInputs({ config: "perf/flamegate.yml" });
    const ws = workspace();
    expect(() => parseNow(ws)).toThrow(
      `'config' input must be the path of your flamegate.yml (nothing at ${ws}/perf/flamegate.yml), or set 'start', 'runtime', 'ready' and 'load-url' for one service inline but got 'perf/flamegate.yml'`,
    );
  });
});
