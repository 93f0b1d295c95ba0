#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  needsStacks,
  writeReportFiles
} from "./chunk-KUSF6KAR.js";
import {
  compareSets,
  readSide,
  renderSummary
} from "./chunk-FPAJZUQI.js";
import {
  DEFAULT_GATE,
  loadConfig
} from "./chunk-27IXE333.js";
import {
  FlamegateError
} from "./chunk-QMCRCNTE.js";

// src/cli/compare.ts
import { parseArgs } from "node:util";
async function compareCommand(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      base: { type: "string" },
      head: { type: "string" },
      config: { type: "string" },
      json: { type: "string" },
      markdown: { type: "string" },
      html: { type: "string" },
      svg: { type: "string" }
    },
    strict: true,
    allowPositionals: false
  });
  if (!values.base || !values.head)
    throw new FlamegateError(
      "needs --base PATH and --head PATH (two profile sets written by 'flamegate run', or two profile files)"
    );
  const gate = values.config ? loadConfig(values.config).gate : DEFAULT_GATE;
  const base = readSide(values.base);
  const head = readSide(values.head);
  const paths = {
    json: values.json,
    markdown: values.markdown,
    html: values.html,
    svg: values.svg
  };
  const { report, stacks, warnings } = compareSets(base, head, gate, {
    stacks: needsStacks(paths)
  });
  for (const w of warnings) process.stderr.write(`flamegate compare: warning: ${w}
`);
  await writeReportFiles(report, stacks, paths, "flamegate compare");
  process.stdout.write(renderSummary(report));
  return report.verdict === "fail" ? 1 : 0;
}
export {
  compareCommand
};
