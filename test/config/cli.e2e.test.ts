import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";

/** `flamegate run` on a bad config, the real CLI from source as a user runs it. */
const root = packageRoot();
const tmp = mkdtempSync(join(tmpdir(), "flamegate-config-cli-"));

async function run(config: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await promisify(execFile)(
      process.execPath,
      [
        "--import",
        "tsx",
        join(root, "src", "cli.ts"),
        "run",
        "--config",
        config,
        "--out",
        join(tmp, "out"),
      ],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe("flamegate run with a config it refuses", () => {
  it("a !!js/function tag: one line on stderr, the warning folded in, exit 2, nothing started", async () => {
    const config = join(tmp, "bad.yml");
    writeFileSync(
      config,
      [
        "version: 1",
        "services:",
        "  api:",
        "    runtime: node",
        '    start: !!js/function "function () { return 1 }"',
        "    ready: http://127.0.0.1:1/",
        '    load: { url: "http://127.0.0.1:1/" }',
        "",
      ].join("\n"),
    );
    const r = await run(config);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      `flamegate run: config ${config}: YAML that flamegate does not read (Unresolved tag: tag:yaml.org,2002:js/function at line 5, column 12); write plain YAML values without custom tags`,
    ]);
  });

  it("200,000 services: one line (the file is over the size cap) instead of minutes of parsing, exit 2", async () => {
    const config = join(tmp, "huge.yml");
    const service =
      '{ runtime: node, start: x, ready: "http://127.0.0.1:1/", load: { url: "http://127.0.0.1:1/" } }';
    const lines = Array.from({ length: 200_000 }, (_, i) => `  s${i}: ${service}`);
    writeFileSync(config, ["version: 1", "services:", ...lines, ""].join("\n"));
    const r = await run(config);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/bytes is more than a flamegate\.yml may have \(256 KiB\)/);
  });
});
