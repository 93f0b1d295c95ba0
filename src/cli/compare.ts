import { compareSets } from "../compare/compare.js";
import { readSide } from "../compare/inputs.js";
import { DEFAULT_GATE, loadConfig } from "../config.js";
import { FlamegateError } from "../errors.js";
import { ReadBudget } from "../import/limits.js";
import { renderSummary } from "../report/summary.js";
import { needsStacks, writeReportFiles } from "./report-files.js";

/**
 * flamegate compare --base PATH --head PATH [--config FILE] [--paired]
 * [--json FILE] [--markdown FILE] [--html FILE] [--svg FILE]
 *
 * PATH: a profile set (folder with manifest.json, or a `run --out` folder
 * with one per service) or a single profile file of any supported format.
 * Exit 0 when nothing regressed over the threshold, 1 when the gate fails,
 * 2 on a usage or input error (cli.ts prints it as one line).
 */
export interface CompareOptions {
  base?: string;
  head?: string;
  config?: string;
  /** Round i of base and head ran side by side (`ab`'s output): test them as pairs. */
  paired?: boolean;
  json?: string;
  markdown?: string;
  html?: string;
  svg?: string;
}

export async function compareCommand(values: CompareOptions): Promise<number> {
  if (!values.base || !values.head)
    throw new FlamegateError(
      "needs --base PATH and --head PATH (two profile sets written by 'flamegate run', or two profile files)",
    );
  const gate = values.config ? loadConfig(values.config).gate : DEFAULT_GATE;
  // One reading budget for both sides: its caps hold for the whole comparison.
  const budget = new ReadBudget();
  const base = readSide(values.base, budget);
  const head = readSide(values.head, budget);
  const paths = {
    json: values.json,
    markdown: values.markdown,
    html: values.html,
    svg: values.svg,
  };
  const { report, stacks, warnings } = compareSets(base, head, gate, {
    stacks: needsStacks(paths),
    paired: values.paired === true,
  });
  for (const w of warnings) process.stderr.write(`flamegate compare: warning: ${w}\n`);
  await writeReportFiles(report, stacks, paths, "flamegate compare");
  process.stdout.write(renderSummary(report, { stacks }));
  return report.verdict === "fail" ? 1 : 0;
}
