import { ProfileFormatError } from "../errors.js";

/**
 * Shared by the JSON importers (V8 .cpuprofile/.heapprofile, speedscope):
 * parse once per input and read fields with errors that name the field and
 * quote the value, e.g. `v8-cpuprofile: samples[3] = 99 is not a node id`.
 */

let lastText: string | undefined;
let lastValue: unknown;

/** True when the text starts like a JSON object or array (after whitespace). */
export function looksLikeJson(text: string): boolean {
  const m = /^\s*([[{])/.exec(text.slice(0, 1024));
  return m !== null;
}

/**
 * The parsed JSON value, or undefined when the text is not JSON. Several
 * importers ask for the same input in turn; the last parse is kept so a 100 MB
 * profile is parsed once, not once per importer.
 */
export function parseJson(text: string): unknown {
  if (text === lastText) return lastValue;
  let value: unknown;
  if (looksLikeJson(text)) {
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      value = undefined;
    }
  }
  lastText = text;
  lastValue = value;
  return value;
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Quotes a value for an error message, cut to a readable length. */
export function quote(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Typed field access for one format; every failure is a ProfileFormatError naming the path. */
export class JsonFields {
  constructor(readonly format: string) {}

  fail(path: string, problem: string): never {
    throw new ProfileFormatError(this.format, `${path} ${problem}`);
  }

  wrong(path: string, value: unknown, expected: string): never {
    throw new ProfileFormatError(this.format, `${path} = ${quote(value)} is not ${expected}`);
  }

  object(v: unknown, path: string): JsonObject {
    return isObject(v) ? v : this.wrong(path, v, "an object");
  }

  array(v: unknown, path: string): unknown[] {
    return Array.isArray(v) ? v : this.wrong(path, v, "an array");
  }

  number(v: unknown, path: string): number {
    return typeof v === "number" && Number.isFinite(v) ? v : this.wrong(path, v, "a number");
  }

  /** A finite number, or `fallback` when the field is absent (undefined or null). */
  optionalNumber(v: unknown, path: string, fallback: number): number {
    return v === undefined || v === null ? fallback : this.number(v, path);
  }

  string(v: unknown, path: string): string {
    return typeof v === "string" ? v : this.wrong(path, v, "a string");
  }

  optionalString(v: unknown, path: string): string {
    return v === undefined || v === null ? "" : this.string(v, path);
  }

  /** A safe integer, as ids and indexes must be. */
  integer(v: unknown, path: string): number {
    return typeof v === "number" && Number.isSafeInteger(v) ? v : this.wrong(path, v, "an integer");
  }
}
