import type { Kind } from "../model/kinds.js";

/**
 * The parsed configuration: what flamegate.yml (or the action's inputs,
 * mapped onto the same keys) says, with every default filled in, so no
 * consumer needs a fallback of its own.
 */

export type Runtime = "go" | "python" | "node";

/** sampling.cpu-profiler: auto = perf where it may record, else the runtime's own. */
export type CpuProfiler = "auto" | "perf" | "runtime";

/** sampling.node-inlining: whether V8's optimizing compiler may inline in the profiled Node process. */
export type NodeInlining = "on" | "off";

/** sampling.python-threads: which threads py-spy samples (active: every thread not waiting; gil: the one holding the GIL). */
export type PythonThreads = "active" | "gil";

/**
 * pairing: how `ab` runs a round's base and head: at the same time (the head on
 * ports of its own, the capture windows opened together) or one after the other.
 */
export type Pairing = "simultaneous" | "sequential";

/** sampling.cpu-total: whose count a CPU profile's total is (defaults.ts, DEFAULT_CPU_TOTAL). */
export type CpuTotal = "auto" | "os" | "profiler";

export interface BuiltinLoad {
  type: "builtin";
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds of load per round; ignored when `requests` is set. */
  durationSeconds: number;
  /** A fixed request count per round instead of a duration. */
  requests?: number;
  /**
   * Largest share of responses per window that may be errors or non-2xx
   * (load.max-error-rate, a fraction: 0.01 = 1 %); past it the round fails,
   * since a profile of error paths says nothing about the service's work.
   */
  maxErrorRate: number;
}

export interface CommandLoad {
  type: "command";
  command: string;
  /**
   * The capture window's length (load.duration): the command starts with the
   * window, which lasts this long (stopping the command if it still runs).
   * Required for Go (net/http/pprof needs it up front); else the window is
   * the command's run.
   */
  durationSeconds?: number;
}

export interface ServiceConfig {
  name: string;
  runtime: Runtime;
  /** Absolute directory the build and start commands run in. */
  cwd: string;
  build?: string;
  start: string;
  env: Record<string, string>;
  /** http(s)://… (2xx wanted) or tcp://host:port. */
  ready: string;
  readyTimeoutSeconds: number;
  /** Go only: where net/http/pprof listens. */
  pprof?: string;
  warmupSeconds: number;
  rounds: number;
  /** How `ab` runs a round's two sides (Pairing). */
  pairing: Pairing;
  profiles: Kind[];
  load: BuiltinLoad | CommandLoad;
  /** Sampling settings; each runtime reads its own. */
  sampling: {
    /** CPU sampling rate in Hz for py-spy and the Node inspector (Go is fixed at 100 Hz). */
    cpuHz: number;
    /** perf's CPU sampling rate in Hz (sampling.cpu-hz when given, else DEFAULT_PERF_HZ). */
    perfHz: number;
    /**
     * Go: GODEBUG=memprofilerate, bytes between samples (default 128 KiB: power against
     * overhead, docs/capture.md). Node: HeapProfiler samplingInterval. Python: memray and
     * tracemalloc record every allocation and ignore it.
     */
    allocBytes: number;
    /**
     * Who samples CPU: perf (`perf record -e task-clock`; fails the round when perf
     * may not record, or cannot follow the Python interpreter), the runtime's own
     * profiler, or auto (perf where it may record and follow, else the runtime's own
     * with a note).
     */
    cpuProfiler: CpuProfiler;
    /** Whose count a CPU profile's total is: the OS's for the process group, the profiler's, or auto. */
    cpuTotal: CpuTotal;
    /** Node: TurboFan's inlining in the profiled process (off: every function keeps its frame). */
    nodeInlining: NodeInlining;
    /** Python: which threads py-spy samples (active, or only the one holding the GIL). */
    pythonThreads: PythonThreads;
  };
}

export interface KindThresholds {
  /** Relative growth of one frame that counts as a regression, as a fraction (0.10 = 10 %). */
  frame: number;
  /** Relative growth of the total per unit of work, as a fraction. */
  total: number;
}

/** Settings of the statistical gate (docs/statistics.md). */
export interface GateStatistics {
  /**
   * Frames whose pooled mean count per round (samples; for a frame new or gone, the mean
   * of the side that has it) is below this are reported, not tested.
   */
  minCount: number;
  /**
   * Degrees of freedom of the moderated-variance prior (limma's d0): "auto"
   * estimates it from the spread of the frames' variances (at most
   * MAX_PRIOR_DF), falling back to FALLBACK_PRIOR_DF when there are too few
   * frames or rounds.
   */
  priorDf: number | "auto";
  /** Frame noise between runs (log-scale SD, a fraction) assumed when no side has two rounds. */
  priorSigma: number;
  /**
   * Noise of a time total per unit of work between two jobs (log-scale SD, a
   * fraction): rounds of one job cannot show it, so unpaired CPU totals add
   * it; with one round per side every total assumes it.
   */
  totalSigma: number;
}

export interface GateConfig {
  cpu: KindThresholds;
  alloc: KindThresholds;
  /**
   * Absolute effect floor, a fraction of the base total: a frame fails only
   * when its estimated growth adds at least this share of the total
   * (growth × base share), so frames below it are never gated at +100 %.
   */
  minShare: number;
  /** Glob patterns on function names that are never gated. */
  ignore: string[];
  /** Family-wise significance level for a fail (Holm over frames). */
  alpha: number;
  /** Statistical settings (DEFAULT_GATE_STATISTICS for keys the config leaves out). */
  stats: GateStatistics;
}

export interface Config {
  /** Absolute path of the file it came from, or "action inputs". */
  source: string;
  services: ServiceConfig[];
  gate: GateConfig;
}
