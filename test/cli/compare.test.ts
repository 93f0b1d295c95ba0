import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { Profile, StringTable, ValueType } from "pprof-format";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";

/** The real CLI, run from source with tsx, as a user runs it. */
const root = packageRoot();
const inputs = join(root, "fixtures", "golden", "pprof", "inputs");
const input = (name: string) => join(inputs, name);
const tmp = mkdtempSync(join(tmpdir(), "flamegate-cli-compare-"));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", join(root, "src", "cli.ts"), "compare", ...args],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    if (typeof e.code !== "number") throw err;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

/** A CPU profile with its sample types and no sample at all. */
function zeroSampleProfile(): Buffer {
  const strings = new StringTable();
  const vt = (type: string, unit: string) =>
    new ValueType({ type: strings.dedup(type), unit: strings.dedup(unit) });
  const profile = new Profile({
    sampleType: [vt("samples", "count"), vt("cpu", "nanoseconds")],
    periodType: vt("cpu", "nanoseconds"),
    period: 10_000_000,
    stringTable: strings,
  });
  return gzipSync(profile.encode());
}

/** Deterministic junk whose first byte is a valid pprof tag (field 2, length-delimited). */
function junkThatLooksLikePprof(): Buffer {
  const bytes = Buffer.alloc(4096);
  let x = 12345;
  for (let i = 0; i < bytes.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  bytes[0] = 0x12;
  return bytes;
}

const large = readFileSync(input("large.cpu.pb.gz"));

const hostile: Array<[string, () => string, RegExp]> = [
  ["a nonexistent path", () => join(tmp, "nope.pb.gz"), /no such file or directory/],
  ["an empty file", () => file("empty.pb", ""), /empty file/],
  [
    "truncated gzip",
    () => file("truncated.pb.gz", large.subarray(0, large.length >> 1)),
    /gzip data is corrupt or truncated/,
  ],
  [
    "random bytes that start like pprof",
    () => file("junk.pb", junkThatLooksLikePprof()),
    /pprof: protobuf does not decode/,
  ],
  [
    "a zero-sample profile",
    () => file("zero.pb.gz", zeroSampleProfile()),
    /no cpu\/nanoseconds samples/,
  ],
  [
    "JSON that is not a profile",
    () => file("not-a-profile.json", '{"hello": "world", "nodes": 3}\n'),
    /not-a-profile\.json/,
  ],
];

describe("flamegate compare on hostile inputs: exit 2, one line naming the file, no stack", () => {
  for (const [what, make, message] of hostile) {
    it(what, async () => {
      const path = make();
      const { code, stdout, stderr } = await cli([
        "--base",
        input("sample.cpu.pb.gz"),
        "--head",
        path,
      ]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      const lines = stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^flamegate compare: /);
      expect(lines[0]).toContain(path);
      expect(lines[0]).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  }

  it("cpu vs alloc names both sample types, as pprof does", async () => {
    const { code, stderr } = await cli([
      "--base",
      input("sample.cpu.pb.gz"),
      "--head",
      input("alloc-base.alloc.pb.gz"),
    ]);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(
      /cannot compare cpu\/nanoseconds \(.*sample\.cpu\.pb\.gz\) with alloc_space\/bytes \(.*alloc-base\.alloc\.pb\.gz\)/,
    );
  });

  it("a missing --head is a usage error", async () => {
    const { code, stderr } = await cli(["--base", input("sample.cpu.pb.gz")]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/needs --base PATH and --head PATH/);
  });
});

describe("flamegate compare on real profiles", () => {
  it("a profile against itself passes (exit 0) and writes the JSON report", async () => {
    const json = join(tmp, "self.json");
    const { code, stdout, stderr } = await cli([
      "--base",
      input("large.cpu.pb.gz"),
      "--head",
      input("large.cpu.pb.gz"),
      "--json",
      json,
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^flamegate: PASS/);
    const report = JSON.parse(readFileSync(json, "utf8")) as {
      schema: string;
      verdict: string;
      comparisons: Array<{ total: { base: number; head: number } }>;
    };
    expect(report.schema).toBe("flamegate.report/v1");
    expect(report.verdict).toBe("pass");
    expect(report.comparisons[0]!.total).toMatchObject({ base: 240290000000, head: 240290000000 });
  });

  it("an allocation regression fails the gate (exit 1) and writes markdown", async () => {
    const md = join(tmp, "alloc.md");
    const { code, stdout } = await cli([
      "--base",
      input("alloc-base.alloc.pb.gz"),
      "--head",
      input("alloc-head.alloc.pb.gz"),
      "--markdown",
      md,
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^flamegate: FAIL/);
    expect(stdout).toMatch(/grew .*main\.encode/);
    expect(readFileSync(md, "utf8")).toContain("main.encode");
  });

  it("--svg and --html write the differential flamegraph", async () => {
    const svg = join(tmp, "alloc.svg");
    const html = join(tmp, "alloc.html");
    const { code } = await cli([
      "--base",
      input("alloc-base.alloc.pb.gz"),
      "--head",
      input("alloc-head.alloc.pb.gz"),
      "--svg",
      svg,
      "--html",
      html,
    ]);
    expect(code).toBe(1);
    const text = readFileSync(svg, "utf8");
    expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text).toContain("main.encode");
    const page = readFileSync(html, "utf8");
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain("main.encode");
  });
});
