#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  flameSvgsFor,
  htmlFor,
  markdownFor,
  renderJson
} from "./chunk-OQZGWTY3.js";
import {
  FlamegateError
} from "./chunk-PBW5ETMY.js";

// src/cli/report-files.ts
import { writeFile } from "node:fs/promises";
function needsStacks(paths) {
  return paths.markdown !== void 0 || paths.html !== void 0 || paths.svg !== void 0;
}
function safeName(s) {
  return s.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
}
async function writeReportFiles(report, stacks, paths, title) {
  const files = [];
  if (paths.json !== void 0) files.push([paths.json, () => renderJson(report)]);
  if (paths.markdown !== void 0) files.push([paths.markdown, () => markdownFor(report, stacks)]);
  if (paths.html !== void 0) files.push([paths.html, () => htmlFor(report, stacks, title)]);
  if (paths.svg !== void 0) {
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
        `${path}: cannot write the report (${err.code ?? String(err)}); check that the folder exists and is writable`
      );
    }
  }
  return files.map(([path]) => path);
}

export {
  needsStacks,
  writeReportFiles
};
