import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { FlamegateError } from "../errors.js";
import { parseConfig } from "./document.js";
import type { Config, ServiceConfig } from "./types.js";

/** Reading flamegate.yml from disk, and picking services out of a Config. */

function parseYaml(path: string, text: string): unknown {
  try {
    return parse(text);
  } catch (err) {
    throw new FlamegateError(
      `config ${path}: not valid YAML (${(err as Error).message.split("\n")[0]})`,
    );
  }
}

export function loadConfig(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new FlamegateError(
      `config ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)}); pass --config with the path of your flamegate.yml`,
    );
  }
  const doc = parseYaml(path, text);
  const baseDir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : process.cwd();
  return parseConfig(doc, path, baseDir.startsWith("/") ? baseDir : `${process.cwd()}/${baseDir}`);
}

export function selectService(config: Config, name: string | undefined): ServiceConfig[] {
  if (name === undefined) {
    if (config.services.length === 0)
      throw new FlamegateError(`${config.source}: no services defined; add one under 'services:'`);
    return config.services;
  }
  const s = config.services.find((x) => x.name === name);
  if (!s)
    throw new FlamegateError(
      `${config.source}: no service '${name}' (have: ${config.services.map((x) => x.name).join(", ")})`,
    );
  return [s];
}
