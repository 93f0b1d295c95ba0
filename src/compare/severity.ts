import type { OverallVerdict, Verdict } from "./types.js";

/**
 * How bad a verdict is, the one ranking every place that picks or orders
 * verdicts uses: fail > warn > pass > no-baseline (nothing was compared, so
 * nothing is known to be wrong).
 */
const RANK: Record<OverallVerdict, number> = { "no-baseline": 0, pass: 1, warn: 2, fail: 3 };

export function severity(v: OverallVerdict): number {
  return RANK[v];
}

/** Sort comparator: the worst verdict first. */
export function worstFirst(a: OverallVerdict, b: OverallVerdict): number {
  return RANK[b] - RANK[a];
}

/** The worst of `verdicts`; "pass" when there are none. */
export function worst(verdicts: Iterable<Verdict>): Verdict;
/** The worst of `verdicts`; `none` when there are none. */
export function worst<V extends OverallVerdict>(verdicts: Iterable<V>, none: V): V;
export function worst(
  verdicts: Iterable<OverallVerdict>,
  none: OverallVerdict = "pass",
): OverallVerdict {
  let out = none;
  for (const v of verdicts) if (RANK[v] > RANK[out]) out = v;
  return out;
}
