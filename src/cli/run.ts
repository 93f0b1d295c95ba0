import { resolve } from "node:path";
import { loadConfig, selectService } from "../config.js";
import { FlamegateError } from "../errors.js";
import type { ProfileSet } from "../model/profile-set.js";
import { runService } from "../session/index.js";

/** The options commander parsed for `run` (program.ts declares them). */
export interface RunOptions {
  config?: string;
  service?: string;
  out?: string;
  ref?: string;
}

/**
 * flamegate run --config FILE [--service NAME] --out DIR [--ref LABEL]
 * Progress on stderr, one summary line per service on stdout.
 */
export async function runCommand(values: RunOptions): Promise<number> {
  if (!values.config)
    throw new FlamegateError("--config FILE is required (the path of your flamegate.yml)");
  if (!values.out)
    throw new FlamegateError("--out DIR is required (where the profile sets are written)");
  const config = loadConfig(values.config);
  const services = selectService(config, values.service);
  const outDir = resolve(values.out);
  const log = (line: string) => process.stderr.write(`flamegate: ${line}\n`);
  for (const service of services) {
    const set = await runService(service, {
      outDir,
      log,
      ...(values.ref === undefined ? {} : { ref: values.ref }),
    });
    process.stdout.write(`${summaryLine(set, outDir)}\n`);
  }
  return 0;
}

export function summaryLine(set: ProfileSet, outDir: string): string {
  const m = set.manifest;
  const requests = m.rounds.reduce((s, r) => s + (r.requests ?? 0), 0);
  const seconds = m.rounds.reduce((s, r) => s + r.windowSeconds, 0);
  const kinds = [...new Set(m.rounds.flatMap((r) => Object.keys(r.files)))].join(", ");
  const load =
    m.unitOfWork === "request"
      ? `${requests} requests in ${seconds.toFixed(1)} s (${Math.round(requests / Math.max(seconds, 1e-9))} req/s)`
      : `${seconds.toFixed(1)} s of load command`;
  return `${m.service} (${m.runtime} ${m.runtimeVersion}): ${m.rounds.length} rounds, ${load}, profiles ${kinds} -> ${outDir}/${m.service}`;
}
