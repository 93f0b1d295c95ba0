import { expect } from "vitest";
import type { Report } from "../../src/compare/types.js";

/**
 * Checks that a report's shown numbers agree with each other: every pair
 * "base → head" beside a Δ reproduces that Δ to the rounding shown, and its
 * direction agrees with the Δ's sign; no percentage has more than four digits
 * before the point.
 */

const SCALE: Record<string, number> = {
  ns: 1,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  B: 1,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
};

/** A shown value and half its last shown digit, in the base unit. */
interface Shown {
  value: number;
  half: number;
}

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const VALUE = String.raw`${NUMBER}(?: ?(ns|µs|ms|s|B|KiB|MiB|GiB)|([kMG])?(?: [a-z]+)?)`;

function shownValue(m: RegExpMatchArray, at: number): Shown {
  const digits = m[at]!;
  const scale = SCALE[m[at + 1] ?? m[at + 2] ?? ""]!;
  const decimals = digits.includes(".") ? digits.split(".")[1]!.length : 0;
  return { value: Number(digits) * scale, half: 0.5 * 10 ** -decimals * scale };
}

/** A shown Δ as a ratio head/base, with half its last digit; null for new/gone. */
function shownDelta(text: string): Shown | null {
  let m = text.match(/^([+−±])(\d+\.\d+) %$/);
  if (m) {
    const decimals = m[2]!.split(".")[1]!.length;
    const pct = Number(m[2]) * (m[1] === "−" ? -1 : 1);
    return { value: 1 + pct / 100, half: (0.5 * 10 ** -decimals) / 100 };
  }
  m = text.match(/^×(\d+(?:\.\d+)?)$/);
  if (m) {
    const decimals = m[1]!.includes(".") ? m[1]!.split(".")[1]!.length : 0;
    return { value: Number(m[1]), half: 0.5 * 10 ** -decimals };
  }
  return null;
}

/** One row: the pair and the Δ, as shown. Asserts they agree; returns false when there was no pair. */
export function expectRowAgrees(pair: string, delta: string, where: string): boolean {
  const m = pair.match(new RegExp(`^${VALUE} → ${VALUE}$`));
  const d = shownDelta(delta);
  if (!m || !d) return false;
  const base = shownValue(m, 1);
  const head = shownValue(m, 4);
  const lo = (head.value - head.half) / (base.value + base.half);
  const hi =
    base.value - base.half > 0 ? (head.value + head.half) / (base.value - base.half) : Infinity;
  expect(
    d.value + d.half >= lo && d.value - d.half <= hi,
    `${where}: ${pair} does not give ${delta}`,
  ).toBe(true);
  if (head.value > base.value)
    expect(d.value, `${where}: ${pair} grew, Δ ${delta}`).toBeGreaterThan(1 - d.half);
  if (head.value < base.value)
    expect(d.value, `${where}: ${pair} shrank, Δ ${delta}`).toBeLessThan(1 + d.half);
  if (delta.startsWith("−"))
    expect(head.value, `${where}: ${pair} with Δ ${delta}`).toBeLessThanOrEqual(base.value);
  if (delta.startsWith("+") || delta.startsWith("×"))
    expect(head.value, `${where}: ${pair} with Δ ${delta}`).toBeGreaterThanOrEqual(base.value);
  return true;
}

/** Every table row of the markdown whose columns hold a pair and a Δ; returns how many were checked. */
export function expectMarkdownAgrees(markdown: string): number {
  let checked = 0;
  for (const line of markdown.split("\n")) {
    const total = line.match(/^\*\*Total\*\* (.+ → .+?) per [a-z ]+: (\S+(?: %)?) \(/);
    if (total && expectRowAgrees(total[1]!, total[2]!, line)) checked++;
    if (!line.startsWith("| ")) continue;
    const cells = line.split(" | ").map((c) => c.trim());
    if (cells.length < 5) continue;
    if (expectRowAgrees(cells[2]!, cells[3]!, line)) checked++;
  }
  expectNoLongPercentages(markdown);
  return checked;
}

/** Every line of the stdout summary with a Δ and a pair. */
export function expectSummaryAgrees(summary: string): number {
  let checked = 0;
  const row = new RegExp(
    String.raw`^ {2}(?:total|grew|shrank|unchanged) +(\S+(?: %)?)  .*?((?:${VALUE}) → (?:${VALUE}))  `,
  );
  for (const line of summary.split("\n")) {
    const m = line.match(row);
    if (m && expectRowAgrees(m[2]!, m[1]!, line)) checked++;
  }
  expectNoLongPercentages(summary);
  return checked;
}

/** The JSON: perWork.head / perWork.base − 1 is deltaPct, its sign the direction. */
export function expectJsonAgrees(report: Report): number {
  let checked = 0;
  for (const c of report.comparisons) {
    const values = [c.total, ...c.frames.flatMap((f) => [f.self, f.cum])];
    for (const v of values) {
      if (v.deltaPct === null || !v.perWork) continue;
      const { base, head } = v.perWork;
      expect(Math.abs(head / base - 1 - v.deltaPct / 100)).toBeLessThan(
        1e-9 * (1 + Math.abs(v.deltaPct)),
      );
      expect(Math.sign(head - base)).toBe(Math.sign(v.deltaPct));
      checked++;
    }
  }
  return checked;
}

export function expectNoLongPercentages(text: string): void {
  expect(text).not.toMatch(/\d{5,}(\.\d+)? ?%/);
  expect(text).not.toMatch(/\d,\d{3}(\.\d+)? ?%/);
}
