import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { expect } from "vitest";

/** Golden files live in fixtures/golden/flame/; UPDATE_GOLDEN=1 rewrites them (review the diff like code). */
export const GOLDEN_DIR = resolve("fixtures/golden/flame");

export function expectGolden(name: string, actual: string): void {
  const path = resolve(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, "utf8");
  } catch {
    throw new Error(`${path}: no golden file; run with UPDATE_GOLDEN=1 and review it`);
  }
  expect(actual, `${name} differs from its golden file (UPDATE_GOLDEN=1 to refresh)`).toBe(
    expected,
  );
}
