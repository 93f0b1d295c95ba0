import { type Profile, ValueType } from "pprof-format";
import { type SampleTypeName, sameSampleType, sampleTypes } from "./kinds.js";
import { totals } from "./totals.js";
import { toNumber } from "./values.js";

/** The CPU-time sample type, as Go writes it and kinds.ts prefers it for cpu. */
export const CPU_TIME: SampleTypeName = { type: "cpu", unit: "nanoseconds" };
const SAMPLE_COUNT: SampleTypeName = { type: "samples", unit: "count" };

/**
 * The pprof comment that marks a cpu/nanoseconds column as the OS's count
 * (`go tool pprof -comments` shows it). The gate tests such a total on its
 * values; other CPU totals on their sample counts (compare/verdict/total.ts).
 */
export const OS_CPU_COMMENT =
  "flamegate: cpu/nanoseconds is the CPU the OS counted for the window, spread evenly over the samples";

/**
 * Adds a cpu/nanoseconds sample type, in place, to a CPU profile whose
 * samples count active threads rather than CPU time: py-spy counts a thread
 * waiting to take the GIL back at the call that released it (2.27 sampled
 * thread-seconds per OS CPU-second on flamegate's fixture).
 *
 * The new type's total is the CPU the OS counted for the window
 * (`cpuNanos`), each stack keeps its share of the samples, and
 * OS_CPU_COMMENT says so. kinds.ts prefers the new type, so it is what gets
 * compared. Every sample is worth the same `period` nanoseconds, so the
 * verdict still recovers the sample counts it models the noise with; the
 * samples/count values stay as they were. With `replace`, a cpu/nanoseconds
 * column the profiler wrote (Go's sampled CPU, V8's sampled wall time, perf's
 * task-clock) is rewritten the same way, so every runtime's total is the OS's
 * count. Returns false, changing nothing, when the profile already has
 * cpu/nanoseconds (and not `replace`), has no samples/count, or has no
 * samples.
 */
export function addOsCpuTime(profile: Profile, cpuNanos: number, replace = false): boolean {
  const have = sampleTypes(profile);
  const existing = have.findIndex((t) => sameSampleType(t, CPU_TIME));
  if (existing >= 0 && !replace) return false;
  const counts = have.findIndex((t) => sameSampleType(t, SAMPLE_COUNT));
  if (counts < 0) return false;
  const samples = totals(profile)[counts]!;
  if (samples <= 0 || !(cpuNanos > 0)) return false;
  // Whole nanoseconds per sample: the total misses cpuNanos by under 1 ns per sample.
  const period = Math.max(1, Math.round(cpuNanos / samples));
  const cpu =
    profile.sampleType[existing] ??
    new ValueType({
      type: profile.stringTable.dedup(CPU_TIME.type),
      unit: profile.stringTable.dedup(CPU_TIME.unit),
    });
  if (existing < 0) profile.sampleType.push(cpu);
  for (const s of profile.sample) {
    const value = toNumber(s.value[counts]) * period;
    s.value =
      existing < 0 ? [...s.value, value] : s.value.map((v, i) => (i === existing ? value : v));
  }
  profile.periodType = cpu;
  profile.period = period;
  const marker = profile.stringTable.dedup(OS_CPU_COMMENT);
  if (!profile.comment.some((c) => toNumber(c) === marker))
    profile.comment = [...profile.comment, marker];
  return true;
}
