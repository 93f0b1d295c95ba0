/**
 * The values a config holds in a form people write ("10%", "20s", "8"), parsed
 * into numbers. Each parser returns the value, or what would have been valid:
 * the "must be …" half of the one-line error the caller words.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; want: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const want = (text: string): Parsed<never> => ({ ok: false, want: text });

/** A whole number, or a string of digits (action inputs are strings). */
export function parseWhole(v: unknown, min: number, max: number): Parsed<number> {
  const n = typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max)
    return want(`a whole number from ${min} to ${max}`);
  return ok(n);
}

/** "20s", "500ms", "2m", or a bare number of seconds; returned in seconds. */
export function parseSeconds(v: unknown, max: number): Parsed<number> {
  const m =
    typeof v === "number"
      ? [String(v), String(v), "s"]
      : typeof v === "string"
        ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(v)
        : null;
  if (!m) return want("a duration such as 20s, 500ms or 2m");
  const n = Number(m[1]) * (m[2] === "ms" ? 0.001 : m[2] === "m" ? 60 : 1);
  if (!(n >= 0 && n <= max)) return want(`a duration between 0s and ${max}s`);
  return ok(n);
}

/**
 * "10%" or a fraction such as 0.1; returned as a fraction, at most `max`
 * (10 = 1000 %, the widest threshold that still means something).
 */
export function parseFraction(v: unknown, max = 10): Parsed<number> {
  const m =
    typeof v === "string" || typeof v === "number"
      ? /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(String(v))
      : null;
  if (!m) return want("a percentage such as 10% or a fraction such as 0.1");
  const n = m[2] === "%" ? Number(m[1]) / 100 : Number(m[1]);
  if (!(n >= 0 && n <= max)) return want(`a percentage between 0% and ${max * 100}%`);
  return ok(n);
}

/** A URL whose scheme is one of `schemes` (without the colon). */
export function parseUrl(v: unknown, schemes: readonly string[]): Parsed<string> {
  if (typeof v !== "string" || v.trim() === "") return want("a non-empty string");
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return want(`a URL (${schemes.join(", ")})`);
  }
  if (!schemes.includes(u.protocol.replace(/:$/, "")))
    return want(`a URL with scheme ${schemes.join(" or ")}`);
  return ok(v);
}

/** Longest quoted value an error line shows (characters). */
const SHOWN_MAX = 120;

/**
 * A value as an error line quotes it: strings in single quotes, anything else as
 * JSON; control characters escaped and long values cut, so the line stays one line.
 */
export function showValue(v: unknown): string {
  if (v === undefined) return "nothing";
  let shown: string;
  if (typeof v === "string") {
    shown = `'${v.replace(/\p{Cc}/gu, (c) => JSON.stringify(c).slice(1, -1))}'`;
  } else {
    try {
      shown = JSON.stringify(v) ?? typeof v;
    } catch {
      shown = typeof v; // a bigint or a cycle: YAML gives neither
    }
  }
  return shown.length > SHOWN_MAX ? `${shown.slice(0, SHOWN_MAX)}…` : shown;
}
