import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { type Config, type Runtime, parseConfig } from "../config.js";
import { FlamegateError } from "../errors.js";
import { packageRoot } from "../paths.js";
import { freePort } from "./ready.js";

/**
 * The sample services shipped in fixtures/services/<runtime>/ (used by the
 * demo, the overhead bench and the tests). Their flamegate.yml files name
 * fixed loopback ports; loadFixtureConfig swaps every one of them for a
 * port that is free now, so runs on a shared machine do not collide.
 */

export function fixtureDir(runtime: Runtime): string {
  return join(packageRoot(), "fixtures", "services", runtime);
}

export function hasFixture(runtime: Runtime): boolean {
  return existsSync(join(fixtureDir(runtime), "flamegate.yml"));
}

export async function loadFixtureConfig(runtime: Runtime): Promise<Config> {
  const dir = fixtureDir(runtime);
  const file = join(dir, "flamegate.yml");
  if (!existsSync(file))
    throw new FlamegateError(
      `${file}: the ${runtime} fixture service is missing from this flamegate package; reinstall it`,
    );
  let text = readFileSync(file, "utf8");
  const ports = new Set([...text.matchAll(/127\.0\.0\.1:(\d{2,5})\b/g)].map((m) => m[1] ?? ""));
  for (const port of ports) {
    // The same number appears in env (PORT: "18080") and in the URLs.
    text = text.replace(new RegExp(`\\b${port}\\b`, "g"), String(await freePort()));
  }
  return parseConfig(parseYaml(text), file, dir);
}
