import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/**
 * The built-in load generator runs in flamegate's own process and wants a
 * whole core at full speed. With FLAMEGATE_PIN_LOAD=1 and at least two CPUs
 * allowed, the service is started on every allowed CPU but the last, and
 * flamegate's threads move to the last one while the load runs (Linux
 * `taskset`, util-linux), so load and service do not take turns on a core.
 */

export interface PinPlan {
  /** taskset CPU list for the service, e.g. "0". */
  service: string;
  /** taskset CPU list for flamegate while the load runs, e.g. "1". */
  load: string;
  /** What flamegate ran on before, restored after each load. */
  all: string;
}

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

/** CPU numbers from a kernel list such as "0-3,6". */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let c = lo; c <= hi; c++) cpus.push(c);
  }
  return cpus;
}

/** The pinning to use, or undefined when it is off, fewer than two CPUs are allowed, or not on Linux. */
export function pinPlan(
  env: NodeJS.ProcessEnv = process.env,
  status = () => readFileSync("/proc/self/status", "utf8"),
): PinPlan | undefined {
  if (env.FLAMEGATE_PIN_LOAD !== "1" || process.platform !== "linux") return undefined;
  let allowed: string;
  try {
    allowed = /^Cpus_allowed_list:\s*(\S+)/m.exec(status())?.[1] ?? "";
  } catch {
    return undefined;
  }
  const cpus = parseCpuList(allowed);
  // taskset missing or refused: no pinning (setting the current mask changes nothing).
  if (cpus.length < 2 || !pinSelf(cpus.join(","))) return undefined;
  return {
    service: cpus.slice(0, -1).join(","),
    load: String(cpus[cpus.length - 1]),
    all: cpus.join(","),
  };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The start command run under taskset on the service's CPUs (its children inherit them). */
export function pinnedCommand(command: string, plan: PinPlan): string {
  return `exec taskset -c ${plan.service} /bin/sh -c ${quote(command)}`;
}

/** Moves every thread of flamegate's own process to `cpus`; false when taskset is missing or refused. */
export function pinSelf(cpus: string): boolean {
  try {
    execFileSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], {
      stdio: "ignore",
      timeout: 5_000,
    });
    return true;
  } catch {
    return false;
  }
}
