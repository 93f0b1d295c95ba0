import type { Profile } from "pprof-format";
import { toNumber } from "./values.js";

/** Sum of every sample's value, per sample type (same order as profile.sampleType). */
export function totals(profile: Profile): number[] {
  const sums = profile.sampleType.map(() => 0);
  for (const sample of profile.sample) {
    for (let i = 0; i < sums.length; i++) sums[i]! += toNumber(sample.value[i]);
  }
  return sums;
}
