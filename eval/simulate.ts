import type { FrameSeries, KindSeries } from "../src/compare/series.js";

/**
 * A simulated service profiled in rounds, with the noise model of
 * docs/statistics.md: each frame's count in a round is Poisson around its share
 * of the samples, times a machine factor shared by every frame of a run and
 * a frame factor of its own. Produces the KindSeries the real diff stage
 * produces, so the evaluation goes through the real judge().
 */

/** Noise components, all log-scale standard deviations (fractions) unless stated. */
export interface NoiseModel {
  /** Where the numbers come from (docs/statistics.md defaults, or a real run with date and machine). */
  source: string;
  /** CPU samples per round (window seconds × sampling Hz × busy cores). */
  cpuSamplesPerRound: number;
  /** Allocation samples per round (bytes allocated in the window / sampling interval). */
  allocSamplesPerRound: number;
  /** Requests completed per round. */
  requestsPerRound: number;
  /** Speed of one job's machine against another's (shared by every round of a job). */
  sigmaJob: number;
  /** Speed drift from round to round within a job (shared by base and head of an ab pair). */
  sigmaRound: number;
  /** Speed noise of one run (one process, one window). */
  sigmaRun: number;
  /** Median frame noise between runs (caches, layout, GC timing); each frame draws its own. */
  sigmaFrame: number;
  /**
   * Median frame noise of bytes per request between runs (allocation profiles). Bytes per
   * request are set by the code, not by the machine's speed, so this is far below
   * sigmaFrame; absent in older noise files, which then use sigmaFrame.
   */
  sigmaFrameAlloc?: number;
  /** Spread of the frame noise across frames: SD of log σ_frame. */
  sigmaFrameSpread: number;
  /** Frame composition difference between two jobs on the same runner type. */
  sigmaFrameJob: number;
}

/**
 * Samples per round are the default budget's 10 s window: Node's 1 kHz on one busy core,
 * and about 2,000 allocation samples per second, what the Go (64 KiB: 1,260–2,409/s) and
 * Node (32 KiB: 2,600/s) fixtures allocated in real runs. Allocation frame noise (bytes per
 * request beyond Poisson) is the Go fixture's measured 0.9 %, rounded up.
 */
export const DEFAULT_NOISE: NoiseModel = {
  source:
    "docs/statistics.md (3–26 % between CI jobs, 3 % frame noise); samples per round of the default 10 s window; allocation frame noise measured on the Go fixture",
  cpuSamplesPerRound: 10_000,
  allocSamplesPerRound: 20_000,
  requestsPerRound: 20_000,
  sigmaJob: 0.1,
  sigmaRound: 0.03,
  sigmaRun: 0.02,
  sigmaFrame: 0.03,
  sigmaFrameAlloc: 0.01,
  sigmaFrameSpread: 0.5,
  sigmaFrameJob: 0.01,
};

/** Deterministic PRNG (mulberry32), so every evaluation and test is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(u: () => number): number {
  // Box–Muller; 1 − u() keeps the log away from 0.
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export function poisson(u: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    // Knuth's multiplication method.
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= u();
    } while (p > l);
    return k - 1;
  }
  // Normal approximation with continuity correction; exact enough above 30 for these tests.
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(u)));
}

/** A call tree: leaves with self time, grouped under parents, all under main. */
export interface Shape {
  /** Self share of each leaf (fractions of the total, with the parents' self shares summing to 1). */
  leafShares: number[];
  /** Parent index of each leaf. */
  leafParent: number[];
  /** Self share of each parent. */
  parentShares: number[];
}

/** Zipf-ish leaves (share ∝ 1/rank): with 50 leaves the hottest holds ~20 %, the 4th ~5 %. */
export function zipfShape(leaves = 50, parents = 6, parentSelf = 0.01): Shape {
  const raw = Array.from({ length: leaves }, (_, i) => 1 / (i + 1));
  const norm = raw.reduce((a, b) => a + b, 0) / (1 - parents * parentSelf);
  return {
    leafShares: raw.map((r) => r / norm),
    leafParent: raw.map((_, i) => i % parents),
    parentShares: new Array<number>(parents).fill(parentSelf),
  };
}

export interface Scenario {
  kind: "cpu" | "alloc";
  /** Rounds per side. */
  rounds: number;
  /** ab mode (interleaved on one machine, paired by round) or a stored baseline from another job. */
  paired: boolean;
  /** Multiplicative change of a leaf's cost per request on the head side: leaf index → factor. */
  leafEffects?: Record<number, number>;
  /** Multiplicative change of every frame's cost per request on the head side. */
  uniform?: number;
  /**
   * A frame new in the head, `new0` under `handler0`, holding this share of the head's
   * cost per request (a fraction); the base has none of it.
   */
  newFrameShare?: number;
  /**
   * Inlining that varies between processes: in each round of each side, with this
   * probability, the leaf is inlined into its parent (its samples are the parent's self
   * and it is absent from the profile).
   */
  inlined?: { leaf: number; probability: number };
}

interface RunFactors {
  /** Log machine speed factor of the run (time kinds only). */
  machine: number;
}

/**
 * One trial: both sides' rounds as a KindSeries. CPU windows are saturated
 * (a closed-loop load keeps the cores busy), so the sample count is fixed
 * and a costlier request shows as fewer requests; allocation samples follow
 * the bytes allocated by the requests served.
 */
export function simulate(
  scenario: Scenario,
  noise: NoiseModel,
  shape: Shape,
  u: () => number,
): KindSeries {
  const nLeaves = shape.leafShares.length;
  const nParents = shape.parentShares.length;
  const time = scenario.kind === "cpu";
  // Per-frame noise levels, drawn once per trial: some frames are much noisier than others.
  const median = time ? noise.sigmaFrame : (noise.sigmaFrameAlloc ?? noise.sigmaFrame);
  const frameSigma = [...shape.leafShares, ...shape.parentShares].map(
    () => median * Math.exp(noise.sigmaFrameSpread * gaussian(u)),
  );
  const jobComposition = (paired: boolean) =>
    frameSigma.map(() => (paired ? 0 : noise.sigmaFrameJob * gaussian(u)));
  const jobA = scenario.paired ? 0 : noise.sigmaJob * gaussian(u);
  const jobB = scenario.paired ? jobA : noise.sigmaJob * gaussian(u);
  const compA = jobComposition(scenario.paired);
  const compB = scenario.paired ? compA : jobComposition(false);

  const leafSelf = { base: [] as number[][], head: [] as number[][] };
  const parentSelf = { base: [] as number[][], head: [] as number[][] };
  const newSelf = { base: [] as number[], head: [] as number[] };
  const totals = { base: [] as number[], head: [] as number[] };
  const work = { base: [] as number[], head: [] as number[] };
  const period = time ? 1_000_000 : 65_536;

  for (let r = 0; r < scenario.rounds; r++) {
    const drift = noise.sigmaRound * gaussian(u);
    for (const which of ["base", "head"] as const) {
      const head = which === "head";
      const f: RunFactors = {
        machine: (head ? jobB : jobA) + drift + noise.sigmaRun * gaussian(u),
      };
      const comp = head ? compB : compA;
      // Cost per request of each frame, in arbitrary units.
      const cost = [...shape.leafShares, ...shape.parentShares].map((s, i) => {
        let c = s * Math.exp(frameSigma[i]! * gaussian(u) + comp[i]!);
        if (head && i < nLeaves) c *= scenario.leafEffects?.[i] ?? 1;
        if (head) c *= scenario.uniform ?? 1;
        return c;
      });
      if (scenario.newFrameShare !== undefined) {
        const s = scenario.newFrameShare;
        cost.push(head ? (cost.reduce((a, b) => a + b, 0) * s) / (1 - s) : 0);
      }
      const costPerRequest = cost.reduce((a, b) => a + b, 0);
      let samples: number[];
      let requests: number;
      if (time) {
        // Saturated window: fixed CPU samples; requests fall when a request costs more or the machine is slower.
        requests = Math.max(
          1,
          poisson(u, noise.requestsPerRound / (costPerRequest * Math.exp(f.machine))),
        );
        samples = cost.map((c) => poisson(u, (noise.cpuSamplesPerRound * c) / costPerRequest));
      } else {
        // Bytes follow requests served; machine speed changes the request count, not bytes per request.
        requests = Math.max(1, poisson(u, noise.requestsPerRound * Math.exp(-f.machine)));
        const scale = (noise.allocSamplesPerRound * requests) / noise.requestsPerRound;
        samples = cost.map((c) => poisson(u, scale * c));
      }
      const inl = scenario.inlined;
      if (inl !== undefined && u() < inl.probability) {
        samples[nLeaves + shape.leafParent[inl.leaf]!]! += samples[inl.leaf]!;
        samples[inl.leaf] = 0;
      }
      newSelf[which].push(scenario.newFrameShare === undefined ? 0 : samples[nLeaves + nParents]!);
      leafSelf[which].push(samples.slice(0, nLeaves).map((s) => s * period));
      parentSelf[which].push(samples.slice(nLeaves).map((s) => s * period));
      totals[which].push(samples.reduce((a, b) => a + b, 0) * period);
      work[which].push(requests);
    }
  }

  const col = (m: number[][], i: number) => m.map((row) => row[i]!);
  const frames: FrameSeries[] = [];
  for (let i = 0; i < nLeaves; i++) {
    const self = { base: col(leafSelf.base, i), head: col(leafSelf.head, i) };
    frames.push({ function: `leaf${i}`, file: "app.go", self, cum: self });
  }
  const newValues = (which: "base" | "head") => newSelf[which].map((c) => c * period);
  if (scenario.newFrameShare !== undefined) {
    const self = { base: newValues("base"), head: newValues("head") };
    frames.push({ function: "new0", file: "app.go", self, cum: self });
  }
  for (let p = 0; p < nParents; p++) {
    const children = shape.leafParent.flatMap((q, i) => (q === p ? [i] : []));
    const cumOf = (which: "base" | "head") =>
      parentSelf[which].map(
        (row, r) =>
          row[p]! +
          children.reduce((a, i) => a + leafSelf[which][r]![i]!, 0) +
          (p === 0 ? newValues(which)[r]! : 0),
      );
    frames.push({
      function: `handler${p}`,
      file: "app.go",
      self: { base: col(parentSelf.base, p), head: col(parentSelf.head, p) },
      cum: { base: cumOf("base"), head: cumOf("head") },
    });
  }
  frames.push({
    function: "main",
    file: "app.go",
    self: { base: totals.base.map(() => 0), head: totals.head.map(() => 0) },
    cum: { base: [...totals.base], head: [...totals.head] },
  });

  return {
    service: "sim",
    runtime: "sim",
    kind: scenario.kind,
    unit: time ? "nanoseconds" : "bytes",
    sampleType: time ? "cpu" : "alloc_space",
    totals,
    work,
    unitOfWork: "request",
    paired: scenario.paired,
    sameRunner: true,
    samplePeriod: period,
    frames,
  };
}
