import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import { main } from "../../src/cli.js";

/** A fresh folder for one test file's inputs: a writer that returns each file's path, and the folder. */
export function scratch(
  name: string,
): ((file: string, bytes: Uint8Array) => string) & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), `flamegate-${name}-`));
  const write = (file: string, bytes: Uint8Array) => {
    const path = join(dir, file);
    writeFileSync(path, bytes);
    return path;
  };
  return Object.assign(write, { dir });
}

/**
 * `flamegate compare --base BASE --head HEAD` through the CLI's own entry
 * (src/cli.ts main, what dist/cli.js runs), in this process: the exit code
 * and what it wrote to stderr.
 */
export async function compareCli(
  base: string,
  head: string,
): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  try {
    const code = await main(["compare", "--base", base, "--head", head]);
    return { code, stderr };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}
