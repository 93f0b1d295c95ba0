import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./harness.js";

/**
 * wipeInitialEnvironment in a real process: a child started with a secret in
 * its environment wipes, then reports what its process.env still holds while
 * this test reads the child's /proc/<pid>/environ from outside, as a process
 * the action starts would.
 */

const SECRET = "ghs_environ_test_secret_value";
const CHILD = `
import { wipeInitialEnvironment } from ${JSON.stringify(join(ROOT, "src/action/environ.ts"))};
const why = wipeInitialEnvironment();
process.stdout.write(JSON.stringify({ why, token: process.env["INPUT_GITHUB-TOKEN"], path: process.env.PATH }) + "\\n");
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
`;

describe.runIf(process.platform === "linux")("wipeInitialEnvironment", () => {
  it("empties /proc/<pid>/environ while process.env keeps every value", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, "INPUT_GITHUB-TOKEN": SECRET },
      stdio: ["pipe", "pipe", "inherit"],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString("utf8");
          if (out.includes("\n")) resolve(out.trim());
        });
        child.on("error", reject);
        child.on("exit", (code) => reject(new Error(`child exited ${code} before reporting`)));
      });
      expect(JSON.parse(line)).toEqual({ why: null, token: SECRET, path: process.env.PATH });
      const environ = readFileSync(`/proc/${child.pid}/environ`);
      expect(environ.length).toBeGreaterThan(0);
      expect(environ.every((b) => b === 0)).toBe(true);
    } finally {
      child.stdin.end();
    }
  });
});
