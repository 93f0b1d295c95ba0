import type {
  CpuProfiler,
  CpuTotal,
  GateConfig,
  GateStatistics,
  NodeInlining,
  Pairing,
  PythonThreads,
  Runtime,
} from "./types.js";

/**
 * Every default of the configuration, in one place. The parser fills them in,
 * so a parsed Config is complete and consumers never fall back on their own.
 * The measurements behind the numbers: docs/lab/config-defaults.md.
 */

export const RUNTIMES: readonly Runtime[] = ["go", "python", "node"];

/**
 * The budget per service and side (docs/statistics.md, "The default budget"): `ab` runs
 * 2 × rounds fresh processes, each paying boot, warm-up, its windows (Node and Python
 * two) and the profile conversion, and must end within 5 minutes per service on a
 * 2-core runner. Frame noise between processes falls only with rounds, so the budget
 * keeps 10 rounds (the most the prior is calibrated for) and shortens the window to
 * 4 s, the longest that fits Node's two windows a round (docs/lab/budget.md).
 */
export const DEFAULT_BUDGET = { rounds: 10, warmupSeconds: 2, durationSeconds: 4 } as const;

/**
 * `flamegate demo`'s budget and regression: 5 rounds of the default window, about
 * 2.5 minutes. Five rounds a side, because with fewer a function the JIT inlines in
 * some processes lands on one side only by chance often enough to fail an A/A
 * (docs/statistics.md). checksum (~30 % of the fixture's CPU) does twice the work:
 * +50 % was proven in 7 runs of 10 on a loaded 2-core machine, V8's frames varying
 * ±9 % between processes (docs/lab/demo.md).
 */
export const DEMO_BUDGET = { rounds: 5, durationSeconds: 4, regressionPct: 100 } as const;

/** Seconds a service gets to answer its ready check: a cold JIT or a big binary can take tens. */
export const DEFAULT_READY_TIMEOUT_SECONDS = 60;

/** Concurrent connections of the builtin load: enough to keep a small service busy on 2 cores. */
export const DEFAULT_CONNECTIONS = 8;

/**
 * Share of a builtin load window's responses (a fraction) that may be errors or non-2xx
 * before the round fails: a few stray errors are noise, more means the profile shows the
 * error path instead of the work.
 */
export const DEFAULT_MAX_ERROR_RATE = 0.01;

export const DEFAULT_PROFILES = ["cpu", "alloc"] as const;

/**
 * Sampling per runtime, each a trade of the profiler's overhead against samples per
 * round (docs/capture.md, "Overhead"). cpuHz: py-spy and the Node inspector (Go is
 * fixed at 100 Hz). allocBytes between samples: Go's memprofilerate at a quarter of
 * Go's own 512 KiB, 4x its allocation samples (a 10 s window then held what the default
 * gate needs to see +10 % bytes in a frame of 10 %; the default 4 s window holds under
 * half of that, enough for +30 %: docs/lab/budget.md); Node's HeapProfiler interval;
 * Python's memray records every allocation and ignores it.
 */
export const DEFAULT_SAMPLING: Record<Runtime, { cpuHz: number; allocBytes: number }> = {
  go: { cpuHz: 1000, allocBytes: 128 * 1024 },
  python: { cpuHz: 200, allocBytes: 32 * 1024 },
  node: { cpuHz: 1000, allocBytes: 32 * 1024 },
};

/**
 * perf's rate in every runtime, py-spy's 200 Hz included: perf's samples cost the
 * service nothing but the kernel's timer, and at 200 Hz a Python round held ~760
 * samples, too few for a 5 % frame (docs/lab/python-perf.md).
 */
export const DEFAULT_PERF_HZ = 1000;

export const CPU_PROFILERS = ["auto", "perf", "runtime"] as const satisfies CpuProfiler[];

/**
 * sampling.cpu-profiler: perf wherever it may record and name the frames (Go,
 * Node, Python 3.12+ built with frame pointers), else the runtime's own profiler
 * with a note. perf's on-CPU samples of every thread cut the frame noise and the
 * MDEs several-fold on a loaded 2-core machine (docs/lab/measurement-levers.md).
 */
export const DEFAULT_CPU_PROFILER: CpuProfiler = "auto";

export const PAIRINGS = ["simultaneous", "sequential"] as const satisfies Pairing[];

/**
 * pairing: simultaneous. A shared machine's speed changes from one second to the
 * next (a fixed sha256 loop alone on this project's 2-core VM: 4.4–6.6 µs a hash
 * between half-second windows), so two sides run 20 s apart see different machines;
 * run at the same time they see the same one (docs/lab/duets.md).
 */
export const DEFAULT_PAIRING: Pairing = "simultaneous";

export const NODE_INLININGS = ["on", "off"] as const satisfies NodeInlining[];

/**
 * sampling.node-inlining: off. V8 decides per process which functions TurboFan
 * inlines, so a function's samples move between it and its caller from one round
 * to the next; that was most of Node's frame noise between rounds. Without
 * inlining the frame noise fell from 10.2 % to 5.2 % and the MDE of the fixture's
 * hottest function from 30 % to 16 % (medians of two A/A runs each,
 * docs/lab/measurement-levers.md). Both sides
 * run alike, so the comparison stays fair; the code runs somewhat slower than in
 * production.
 */
export const DEFAULT_NODE_INLINING: NodeInlining = "off";

export const PYTHON_THREADS = ["active", "gil"] as const satisfies PythonThreads[];

/**
 * sampling.python-threads: active. py-spy samples every thread that is not
 * waiting in a known call, so threads waiting for the GIL are charged where
 * they wait; gil samples only the thread holding it, which leaves out what runs
 * without the GIL (hashing, compression, the kernel's socket work).
 */
export const DEFAULT_PYTHON_THREADS: PythonThreads = "active";

export const CPU_TOTALS = ["auto", "os", "profiler"] as const satisfies CpuTotal[];

/**
 * sampling.cpu-total: whose count a CPU profile's total is. auto: the CPU the
 * OS counted for the process group in the window for V8's own profiler, which
 * charges the JS thread's wall time between samples (a descheduled thread
 * counts as CPU on a loaded machine); the profiler's own for Go's profiler and
 * perf, which count CPU time already and measured no better with the OS's
 * count (docs/lab/measurement-levers.md). Python's py-spy counts waiting
 * threads, so its samples are always scaled to the OS's count.
 */
export const DEFAULT_CPU_TOTAL: CpuTotal = "auto";

/**
 * The prior's degrees of freedom (limma's d0) when `prior-df: auto` cannot be
 * estimated (too few frames or rounds): the d0 the procedure was designed and
 * simulated with (docs/statistics.md). A total with one round per side uses it as
 * is; a frame never takes more than MAX_PRIOR_DF.
 */
export const FALLBACK_PRIOR_DF = 20;

/**
 * Cap of an estimated d0: about the own df of the default 10 paired rounds (9), so a
 * frame's own variance always weighs about as much as the prior. The spread of the
 * frames' variances is itself noisy with 4-9 own df, and an "infinite" d0 would test a
 * frame that had one bad round (a neighbour's burst, a GC in the window) against the
 * typical frame's noise (docs/lab/config-defaults.md).
 */
export const MAX_PRIOR_DF = 10;

export const DEFAULT_GATE_STATISTICS: GateStatistics = {
  minCount: 20,
  priorDf: "auto",
  priorSigma: 0.1,
  totalSigma: 0.1,
};

export const DEFAULT_GATE: GateConfig = {
  cpu: { frame: 0.1, total: 0.05 },
  // Bytes per request do not depend on the machine's speed: a tighter floor (docs/statistics.md).
  alloc: { frame: 0.05, total: 0.05 },
  minShare: 0.005,
  ignore: [],
  alpha: 0.005,
  stats: DEFAULT_GATE_STATISTICS,
};
