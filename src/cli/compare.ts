import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type ComparisonStacks, compareSets } from "../compare/compare.js";
import { readSide } from "../compare/inputs.js";
import { DEFAULT_GATE, loadConfig } from "../config.js";
import { FlamegateError } from "../errors.js";
import type { Report } from "../compare/types.js";
import { diffStacks, renderHtml, renderSvg, verdictsOf } from "../report/flame/index.js";
import { renderJson } from "../report/json.js";
import { renderMarkdown } from "../report/markdown.js";
import { renderSummary } from "../report/summary.js";

/**
 * flamegate compare --base PATH --head PATH [--config FILE] [--json FILE]
 * [--markdown FILE] [--html FILE] [--svg FILE]
 *
 * PATH: a profile set (folder with manifest.json, or a `run --out` folder
 * with one per service) or a single profile file of any supported format.
 * Exit 0 when nothing regressed over the threshold, 1 when the gate fails,
 * 2 on a usage or input error (cli.ts prints it as one line).
 */
/**
 * --svg FILE: the differential flamegraph of the comparison that failed
 * first (else the first) goes to FILE; with several comparisons, each
 * other one goes next to it as FILE's stem + .<service>.<kind>.svg.
 */
function svgOutputs(
  path: string,
  report: Report,
  stacks: ComparisonStacks[],
): Array<[string, () => string]> {
  const headline = report.comparisons.find((c) => c.verdict === "fail") ?? report.comparisons[0];
  const stem = path.replace(/\.svg$/i, "");
  return stacks.map((s) => {
    const comparison = report.comparisons.find((c) => c.service === s.service && c.kind === s.kind);
    const file = comparison === headline ? path : `${stem}.${safeName(s.service)}.${s.kind}.svg`;
    return [
      file,
      () =>
        renderSvg(
          diffStacks(s.base, s.head, comparison ? { verdicts: verdictsOf(comparison) } : {}),
          { unit: s.unit, title: `${s.service} · ${s.kind} (base → head)` },
        ),
    ];
  });
}

/** Service names come from manifests: keep them to one safe path segment. */
function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
}

export async function compareCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      base: { type: "string" },
      head: { type: "string" },
      config: { type: "string" },
      json: { type: "string" },
      markdown: { type: "string" },
      html: { type: "string" },
      svg: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.base || !values.head)
    throw new FlamegateError(
      "needs --base PATH and --head PATH (two profile sets written by 'flamegate run', or two profile files)",
    );
  const gate = values.config ? loadConfig(values.config).gate : DEFAULT_GATE;
  const base = readSide(values.base);
  const head = readSide(values.head);
  const { report, stacks, warnings } = compareSets(base, head, gate, {
    stacks: values.svg !== undefined || values.html !== undefined,
  });
  for (const w of warnings) process.stderr.write(`flamegate compare: warning: ${w}\n`);

  const outputs: Array<[string | undefined, () => string]> = [
    [values.json, () => renderJson(report)],
    [values.markdown, () => renderMarkdown(report)],
    [values.html, () => renderHtml({ report, flames: stacks })],
    ...(values.svg === undefined ? [] : svgOutputs(values.svg, report, stacks)),
  ];
  for (const [path, render] of outputs) {
    if (path === undefined) continue;
    try {
      await writeFile(path, render());
    } catch (err) {
      throw new FlamegateError(
        `${path}: cannot write the report (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
  }
  process.stdout.write(renderSummary(report));
  return report.verdict === "fail" ? 1 : 0;
}
