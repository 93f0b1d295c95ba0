/**
 * Whether a CPU profile's total is replaced by the CPU the OS counted for
 * the service's process group in the window (model/cpu-time.ts).
 * FLAMEGATE_OS_CPU=1: for every profiler; =0: never (beyond Python's, whose
 * sampler counts waiting threads and is always scaled). Unset: for V8's
 * profiler, which charges the JS thread's wall time between samples, so a
 * descheduled thread counts as CPU on a loaded machine; Go's profiler and
 * perf count CPU time already, and measured no better with the OS's count
 * (docs/lab/measurement-levers.md).
 */
export function osCpuTotal(
  profiler: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.FLAMEGATE_OS_CPU === "1") return true;
  if (env.FLAMEGATE_OS_CPU === "0") return false;
  return profiler?.startsWith("node:inspector") ?? false;
}
