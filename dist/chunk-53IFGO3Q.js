#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  compareSets,
  needsStacks,
  readSide,
  renderSummary,
  writeReportFiles
} from "./chunk-BZNKWF7U.js";
import {
  ReadBudget,
  loadConfig
} from "./chunk-QVMRSD7E.js";
import {
  DEFAULT_GATE,
  FlamegateError
} from "./chunk-NLRHZH6U.js";

// src/cli/compare.ts
async function compareCommand(values) {
  if (!values.base || !values.head)
    throw new FlamegateError(
      "needs --base PATH and --head PATH (two profile sets written by 'flamegate run', or two profile files)"
    );
  const gate = values.config ? loadConfig(values.config).gate : DEFAULT_GATE;
  const budget = new ReadBudget();
  const base = readSide(values.base, budget);
  const head = readSide(values.head, budget);
  const paths = {
    json: values.json,
    markdown: values.markdown,
    html: values.html,
    svg: values.svg
  };
  const { report, stacks, warnings } = compareSets(base, head, gate, {
    stacks: needsStacks(paths),
    paired: values.paired === true
  });
  for (const w of warnings) process.stderr.write(`flamegate compare: warning: ${w}
`);
  await writeReportFiles(report, stacks, paths, "flamegate compare");
  process.stdout.write(renderSummary(report, { stacks }));
  return report.verdict === "fail" ? 1 : 0;
}
export {
  compareCommand
};
