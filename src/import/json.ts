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

/** Drops the kept parse so a large profile is not held in memory after its import. */
export function forgetJson(): void {
  lastText = undefined;
  lastValue = undefined;
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

/**
 * Where a value sits, e.g. `nodes[3].callFrame`. Deep trees pass a function
 * instead of a string: building `head.children[0].children[0]...` for every
 * node of a 20,000-deep tree would be quadratic, so it is built only for the
 * error message.
 */
export type JsonPath = string | (() => string);

export function pathText(path: JsonPath): string {
  return typeof path === "string" ? path : path();
}

/** `path` + `suffix`, staying lazy when `path` is. */
export function subPath(path: JsonPath, suffix: string): JsonPath {
  return typeof path === "string" ? `${path}${suffix}` : () => `${path()}${suffix}`;
}

/** Typed field access for one format; every failure is a ProfileFormatError naming the path. */
export class JsonFields {
  constructor(readonly format: string) {}

  fail(path: JsonPath, problem: string): never {
    throw new ProfileFormatError(this.format, `${pathText(path)} ${problem}`);
  }

  wrong(path: JsonPath, value: unknown, expected: string): never {
    throw new ProfileFormatError(
      this.format,
      `${pathText(path)} = ${quote(value)} is not ${expected}`,
    );
  }

  object(v: unknown, path: JsonPath): JsonObject {
    return isObject(v) ? v : this.wrong(path, v, "an object");
  }

  array(v: unknown, path: JsonPath): unknown[] {
    return Array.isArray(v) ? v : this.wrong(path, v, "an array");
  }

  number(v: unknown, path: JsonPath): number {
    return typeof v === "number" && Number.isFinite(v) ? v : this.wrong(path, v, "a number");
  }

  /** A finite number, or `fallback` when the field is absent (undefined or null). */
  optionalNumber(v: unknown, path: JsonPath, fallback: number): number {
    return v === undefined || v === null ? fallback : this.number(v, path);
  }

  string(v: unknown, path: JsonPath): string {
    return typeof v === "string" ? v : this.wrong(path, v, "a string");
  }

  optionalString(v: unknown, path: JsonPath): string {
    return v === undefined || v === null ? "" : this.string(v, path);
  }

  /** A safe integer, as ids and indexes must be. */
  integer(v: unknown, path: JsonPath): number {
    return typeof v === "number" && Number.isSafeInteger(v) ? v : this.wrong(path, v, "an integer");
  }
}
