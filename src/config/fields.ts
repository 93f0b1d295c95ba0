import { z } from "zod";
import { type Parsed, parseFraction, parseSeconds, parseUrl, parseWhole } from "./units.js";

/**
 * The schema's building blocks. Every issue's message is the "must be …" half
 * of the error line (what would be valid); issues.ts adds the key and the value.
 */

/** A value parsed by one of units.ts's parsers; a failure keeps the value as written. */
export function parsed<T>(parse: (v: unknown) => Parsed<T>) {
  return z.unknown().transform((v, ctx): T => {
    const r = parse(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: "custom", message: r.want, input: v });
    return z.NEVER;
  });
}

export const whole = (min: number, max: number) => parsed((v) => parseWhole(v, min, max));
export const seconds = (max: number) => parsed((v) => parseSeconds(v, max));
export const fraction = () => parsed((v) => parseFraction(v));
export const url = (...schemes: string[]) => parsed((v) => parseUrl(v, schemes));

/** A fraction within [min, max] (exclusive at min when `aboveMin`), worded by `range`. */
export function fractionIn(min: number, max: number, range: string, aboveMin = false) {
  return parsed((v) => {
    const r = parseFraction(v);
    if (!r.ok) return r;
    const inside = (aboveMin ? r.value > min : r.value >= min) && r.value <= max;
    return inside ? r : { ok: false, want: range };
  });
}

export const text = z
  .string({ error: "a non-empty string" })
  .refine((s) => s.trim() !== "", { error: "a non-empty string" });

/** A mapping with exactly these keys; an unknown key's issue lists the known ones. */
export function mapping<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `(known: ${known})` : "a mapping"),
  });
}

/** Absent or null (an empty YAML value) reads as an empty mapping. */
export function orEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => v ?? {}, schema);
}

/** name → string; numbers and booleans are taken as written (YAML reads PORT: 8080 as a number). */
export const stringMap = orEmpty(
  z.record(
    z.string(),
    parsed((v) =>
      typeof v === "string" || typeof v === "number" || typeof v === "boolean"
        ? { ok: true, value: String(v) }
        : { ok: false, want: "a string" },
    ),
    { error: "a mapping" },
  ),
);
