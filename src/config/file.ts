import { readFileSync, statSync } from "node:fs";
import { LineCounter, isScalar, parseDocument, visit } from "yaml";
import { FlamegateError } from "../errors.js";
import { parseConfig } from "./document.js";
import type { Config, ServiceConfig } from "./types.js";

/** Reading flamegate.yml from disk, and picking services out of a Config. */

/**
 * Largest config file read (bytes). A hundred services (MAX_SERVICES) with long
 * env maps and load bodies fit in a tenth of it, and the YAML parser's time grows
 * with the text (about a second per 256 KiB on a busy 2-core runner,
 * docs/lab/config-defaults.md), so a larger file is refused before it is parsed.
 */
export const MAX_CONFIG_BYTES = 256 * 1024;

/** The first line of a YAML error or warning, without its trailing colon. */
const firstLine = (message: string) => (message.split("\n")[0] ?? "").replace(/:\s*$/, "");

/**
 * A key given twice in one mapping, as "'api' at line 3". The parser's own check
 * compares every key with every other, minutes for a file of many small entries;
 * this one is linear.
 */
function duplicateKey(doc: ReturnType<typeof parseDocument>, lines: LineCounter): string | null {
  let found: string | null = null;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const { key } of map.items) {
        const id = isScalar(key) ? `=${String(key.value)}` : String(key);
        if (seen.has(id)) {
          const at = isScalar(key) && key.range ? lines.linePos(key.range[0]).line : undefined;
          found = `'${id.replace(/^=/, "")}'${at === undefined ? "" : ` at line ${at}`}`;
          return visit.BREAK;
        }
        seen.add(id);
      }
      return undefined;
    },
  });
  return found;
}

function parseYaml(path: string, text: string): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines });
  if (doc.errors.length > 0)
    throw new FlamegateError(
      `config ${path}: not valid YAML (${firstLine(doc.errors[0]!.message)})`,
    );
  // A warning (an unknown tag such as !!js/function, …) means the file does not say what it
  // seems to: refused, all of them on the one line.
  if (doc.warnings.length > 0)
    throw new FlamegateError(
      `config ${path}: YAML that flamegate does not read (${doc.warnings.map((w) => firstLine(w.message)).join("; ")}); write plain YAML values without custom tags`,
    );
  const twice = duplicateKey(doc, lines);
  if (twice !== null)
    throw new FlamegateError(
      `config ${path}: not valid YAML (the key ${twice} is given twice in one mapping; keep one)`,
    );
  try {
    return doc.toJS();
  } catch (err) {
    throw new FlamegateError(
      `config ${path}: not valid YAML (${firstLine((err as Error).message)})`,
    );
  }
}

export function loadConfig(path: string): Config {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_CONFIG_BYTES)
      throw new FlamegateError(
        `config ${path}: ${size} bytes is more than a flamegate.yml may have (${MAX_CONFIG_BYTES / 1024} KiB); pass --config with the path of your flamegate.yml`,
      );
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof FlamegateError) throw err;
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
