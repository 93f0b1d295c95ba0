import { writeFile } from "node:fs/promises";
import type { ComparisonStacks } from "../compare/compare.js";
import type { Report } from "../compare/types.js";
import { FlamegateError } from "../errors.js";
import { flameSvgsFor, htmlFor, jsonFor, markdownFor } from "../report/files.js";

/** Where `compare`, `ab` and `demo` write their report files; undefined = not asked for. */
export interface ReportPaths {
  json?: string | undefined;
  markdown?: string | undefined;
  html?: string | undefined;
  /** The headline flamegraph goes here; every other comparison next to it as <stem>.<service>.<kind>.svg. */
  svg?: string | undefined;
}

/** Whether the comparison must keep its call trees (flamegraphs and text flames cost memory). */
export function needsStacks(paths: ReportPaths): boolean {
  return paths.markdown !== undefined || paths.html !== undefined || paths.svg !== undefined;
}

/** Service names come from manifests: keep them to one safe path segment. */
function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
}

/** Renders and writes the files asked for; returns the paths written. */
export async function writeReportFiles(
  report: Report,
  stacks: ComparisonStacks[],
  paths: ReportPaths,
  title: string,
): Promise<string[]> {
  const files: Array<[string, () => string]> = [];
  if (paths.json !== undefined) files.push([paths.json, () => jsonFor(report)]);
  if (paths.markdown !== undefined) files.push([paths.markdown, () => markdownFor(report, stacks)]);
  if (paths.html !== undefined) files.push([paths.html, () => htmlFor(report, stacks, title)]);
  if (paths.svg !== undefined) {
    const stem = paths.svg.replace(/\.svg$/i, "");
    for (const f of flameSvgsFor(report, stacks)) {
      const path = f.headline ? paths.svg : `${stem}.${safeName(f.service)}.${f.kind}.svg`;
      files.push([path, () => f.svg]);
    }
  }
  for (const [path, render] of files) {
    try {
      await writeFile(path, render());
    } catch (err) {
      throw new FlamegateError(
        `${path}: cannot write the report (${(err as NodeJS.ErrnoException).code ?? String(err)}); check that the folder exists and is writable`,
      );
    }
  }
  return files.map(([path]) => path);
}
