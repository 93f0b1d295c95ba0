#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  runService
} from "./chunk-SMSBL2ZI.js";
import "./chunk-7RDH22UK.js";
import {
  loadConfig,
  selectService
} from "./chunk-QVMRSD7E.js";
import {
  FlamegateError
} from "./chunk-NLRHZH6U.js";

// src/cli/run.ts
import { resolve } from "node:path";
async function runCommand(values) {
  if (!values.config)
    throw new FlamegateError("--config FILE is required (the path of your flamegate.yml)");
  if (!values.out)
    throw new FlamegateError("--out DIR is required (where the profile sets are written)");
  const config = loadConfig(values.config);
  const services = selectService(config, values.service);
  const outDir = resolve(values.out);
  const log = (line) => process.stderr.write(`flamegate: ${line}
`);
  for (const service of services) {
    const set = await runService(service, {
      outDir,
      log,
      ...values.ref === void 0 ? {} : { ref: values.ref }
    });
    process.stdout.write(`${summaryLine(set, outDir)}
`);
  }
  return 0;
}
function summaryLine(set, outDir) {
  const m = set.manifest;
  const requests = m.rounds.reduce((s, r) => s + (r.requests ?? 0), 0);
  const seconds = m.rounds.reduce((s, r) => s + r.windowSeconds, 0);
  const kinds = [...new Set(m.rounds.flatMap((r) => Object.keys(r.files)))].join(", ");
  const load = m.unitOfWork === "request" ? `${requests} requests in ${seconds.toFixed(1)} s (${Math.round(requests / Math.max(seconds, 1e-9))} req/s)` : `${seconds.toFixed(1)} s of load command`;
  return `${m.service} (${m.runtime} ${m.runtimeVersion}): ${m.rounds.length} rounds, ${load}, profiles ${kinds} -> ${outDir}/${m.service}`;
}
export {
  runCommand,
  summaryLine
};
