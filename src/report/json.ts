import type { Report } from "../compare/types.js";

/**
 * The JSON report (`compare --json`, schema flamegate.report/v1 of
 * docs/design.md). Pure: report in, text out. Non-finite numbers cannot be
 * written as JSON; they become null rather than silently vanishing.
 */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === "number" && !Number.isFinite(value) ? null : value), 2)}\n`;
}
