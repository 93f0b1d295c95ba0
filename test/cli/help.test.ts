import { execa } from "execa";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/paths.js";

/** The real CLI, run from source with tsx, as a user runs it. */
const CLI = join(packageRoot(), "src", "cli.ts");
const flamegate = (...args: string[]) =>
  execa("node", ["--import", "tsx", CLI, ...args], { reject: false, cwd: packageRoot() });

describe("flamegate help, version and suggestions", () => {
  for (const command of ["run", "compare", "ab", "demo"]) {
    it(`${command} --help: that command's options and an example, exit 0`, async () => {
      const r = await flamegate(command, "--help");
      expect(r.exitCode).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain(`Usage: flamegate ${command} [options]`);
      expect(r.stdout).toMatch(/^Example:$/m);
      expect(r.stdout).toMatch(new RegExp(`^ {2}flamegate ${command} `, "m"));
      expect(r.stdout).toMatch(/Exit codes: 0 no regression/);
    });
  }

  it("run --help lists --config; ab --help says how cwd maps onto the two trees", async () => {
    expect((await flamegate("run", "--help")).stdout).toMatch(/^ {2}--config <file>/m);
    const ab = (await flamegate("ab", "--help")).stdout;
    expect(ab).toContain("BASE_DIR/services/api");
    expect(ab).toContain("HEAD_DIR/services/api");
    expect(ab).toContain("(default OUT/report.md)");
  });

  it("--version prints package.json's version", async () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
      version: string;
    };
    const r = await flamegate("--version");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("a mistyped command: one line suggesting the right one, exit 2", async () => {
    const r = await flamegate("rnu");
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      "flamegate: unknown command 'rnu' (did you mean run?); see 'flamegate --help'",
    ]);
  });

  it("a mistyped option: one line suggesting the right one, exit 2", async () => {
    const r = await flamegate("compare", "--bse", "a.pb.gz");
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      "flamegate compare: unknown option '--bse' (did you mean --base?); see 'flamegate compare --help'",
    ]);
  });

  it("a stray argument and a missing option value are one line, exit 2", async () => {
    for (const args of [
      ["run", "flamegate.yml"],
      ["compare", "--base"],
    ]) {
      const r = await flamegate(...args);
      expect(r.exitCode, args.join(" ")).toBe(2);
      expect(r.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toMatch(
        new RegExp(`^flamegate ${args[0]}: .*; see 'flamegate ${args[0]} --help'`),
      );
    }
  });

  it("no command prints the help on stderr and exits 2; `help run` exits 0", async () => {
    const bare = await flamegate();
    expect(bare.exitCode).toBe(2);
    expect(bare.stderr).toContain("Commands:");
    const help = await flamegate("help", "run");
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("Usage: flamegate run [options]");
  });

  it("a required option left out names it in one line, exit 2", async () => {
    const r = await flamegate("run", "--out", "x");
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trimEnd()).toBe(
      "flamegate run: --config FILE is required (the path of your flamegate.yml)",
    );
  });
});
