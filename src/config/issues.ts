import type { z } from "zod";
import { FlamegateError } from "../errors.js";
import { showValue } from "./units.js";

/**
 * A failed parse as the one line flamegate prints: where, the key, what would
 * be valid and the value as written, e.g.
 * `flamegate.yml: 'services.api.rounds' must be a whole number from 1 to 100, but got 'many'`.
 */

export function configLine(source: string, key: string, want: string, value: unknown): string {
  return `${source}: '${key}' must be ${want}, but got ${showValue(value)}`;
}

/** services.api.profiles[0]; "(top level)" for the document itself. */
function keyOf(path: readonly PropertyKey[]): string {
  const key = path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
  return key === "" ? "(top level)" : key;
}

function describe(source: string, issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const key = [...issue.path, issue.keys[0] ?? ""];
    return `${source}: unknown key '${keyOf(key)}' ${issue.message}`;
  }
  const params = issue.code === "custom" ? (issue.params ?? {}) : {};
  if (params.sentence === true) return `${source}: '${keyOf(issue.path)}' ${issue.message}`;
  // A refused mapping key: the mapping is what the line names, the key is the value.
  const path = issue.code === "invalid_key" ? issue.path.slice(0, -1) : issue.path;
  const line = configLine(source, keyOf(path), issue.message, issue.input);
  return typeof params.shown === "string"
    ? line.replace(/, but got .*$/, `, but got ${params.shown}`)
    : line;
}

/**
 * The one line for a failed parse. An unknown key comes first: a misspelt key
 * also leaves the key it meant missing, and the misspelling is the news.
 */
export function configError(source: string, error: z.ZodError): FlamegateError {
  const issue = error.issues.find((i) => i.code === "unrecognized_keys") ?? error.issues[0];
  if (issue === undefined) return new FlamegateError(`${source}: not a valid config`);
  return new FlamegateError(describe(source, issue));
}

/** Messages for the issues no schema words itself (the "must be …" half). */
export const fallbackWant: z.core.$ZodErrorMap = (issue) =>
  issue.code === "invalid_type" ? `a ${issue.expected}` : undefined;
