import type { Profile } from "pprof-format";
import { aggregateFunctions } from "../../src/compare/aggregate.js";
import { locationFrames } from "../../src/model/functions.js";
import { sampleTypes } from "../../src/model/kinds.js";
import { toNumber } from "../../src/model/values.js";

/** "samples/count,cpu/nanoseconds": a profile's sample types in one string. */
export function typesOf(profile: Profile): string {
  return sampleTypes(profile)
    .map((t) => `${t.type}/${t.unit}`)
    .join(",");
}

/**
 * The profile as folded stacks, root first, merged by identical stack and
 * sorted by value (then text): `a;b;c 10`, speedscope's test dump. Frames
 * print as their function name; `withFiles` appends ` (file)`.
 */
export function dumpStacks(
  profile: Profile,
  sampleIndex: number,
  opts: { top?: number; withFiles?: boolean } = {},
): string[] {
  const frames = locationFrames(profile);
  const sums = new Map<string, number>();
  for (const sample of profile.sample) {
    const names: string[] = [];
    for (const id of sample.locationId) {
      for (const f of frames.get(toNumber(id)) ?? [])
        names.push(opts.withFiles && f.file ? `${f.name} (${f.file})` : f.name);
    }
    const key = names.reverse().join(";");
    sums.set(key, (sums.get(key) ?? 0) + toNumber(sample.value[sampleIndex]));
  }
  return [...sums]
    .filter(([, v]) => v !== 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, opts.top ?? Infinity)
    .map(([k, v]) => `${k} ${v}`);
}

/** Per function, `name self cum`, sorted by self then cum (go tool pprof -top order). */
export function dumpFunctions(profile: Profile, sampleIndex: number, top = Infinity): string[] {
  const t = aggregateFunctions(profile, sampleIndex);
  return t.functions
    .map((f, i) => ({ name: f.name, self: t.self[i]!, cum: t.cum[i]! }))
    .sort((a, b) => b.self - a.self || b.cum - a.cum || (a.name < b.name ? -1 : 1))
    .slice(0, top)
    .map((r) => `${r.name} ${r.self} ${r.cum}`);
}

/** Every function's [self, cum] for one sample type: what a round trip must keep. */
export function functionTable(profile: Profile, sampleIndex: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const t = aggregateFunctions(profile, sampleIndex);
  t.functions.forEach((f, i) => {
    out[`${f.name} @ ${f.file}`] = [t.self[i]!, t.cum[i]!];
  });
  return out;
}
