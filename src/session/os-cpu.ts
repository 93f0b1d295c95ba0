import type { CpuTotal } from "../config.js";

/**
 * Whether a CPU profile's total is replaced by the CPU the OS counted for
 * the service's process group in the window (model/cpu-time.ts), as
 * sampling.cpu-total says: os, profiler, or auto: the OS's count for V8's
 * own profiler only (config/defaults.ts, DEFAULT_CPU_TOTAL, says why).
 * Python's samples are scaled to the OS's count whatever this says.
 */
export function osCpuTotal(profiler: string | undefined, setting: CpuTotal): boolean {
  if (setting === "os") return true;
  if (setting === "profiler") return false;
  return profiler?.startsWith("node:inspector") ?? false;
}
