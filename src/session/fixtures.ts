import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { type Config, type Runtime, parseConfig } from "../config.js";
import { FlamegateError } from "../errors.js";
import { packageRoot } from "../paths.js";
import { withOwnPorts } from "./ports.js";

/**
 * The sample services shipped in fixtures/services/<runtime>/ (used by the
 * demo, the overhead bench and the tests). Their flamegate.yml files name
 * fixed loopback ports; loadFixtureConfig moves each service to ports that
 * are free now (withOwnPorts), so runs on a shared machine do not collide.
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
  const config = parseConfig(parseYaml(readFileSync(file, "utf8")), file, dir);
  const services = [];
  for (const service of config.services) services.push((await withOwnPorts(service)).service);
  return { ...config, services };
}
