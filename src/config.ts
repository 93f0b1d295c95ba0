import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { FlamegateError } from "./errors.js";
import { type Kind, isKind } from "./model/kinds.js";

/**
 * flamegate.yml (and the action's inputs, mapped onto the same keys) parsed
 * once into a typed Config. Every error names the key, quotes the value and
 * says what would be valid.
 */

export type Runtime = "go" | "python" | "node";
export const RUNTIMES: readonly Runtime[] = ["go", "python", "node"];

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
  profiles: Kind[];
  load: BuiltinLoad | CommandLoad;
  /** Sampling settings; each runtime reads its own. */
  sampling: {
    /** CPU sampling rate in Hz for py-spy and the Node inspector (Go is fixed at 100 Hz). */
    cpuHz: number;
    /**
     * Go: GODEBUG=memprofilerate, bytes between samples (default 128 KiB: power against
     * overhead, docs/capture.md). Node: HeapProfiler samplingInterval. Python: memray and
     * tracemalloc record every allocation and ignore it.
     */
    allocBytes: number;
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
  /** Frames whose pooled mean count per round (samples) is below this are reported, not tested. */
  minCount: number;
  /**
   * Degrees of freedom of the moderated-variance prior (limma's d0): "auto"
   * estimates it from the spread of the frames' variances, falling back to
   * FALLBACK_PRIOR_DF when there are too few frames or rounds.
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
  /** Statistical settings; DEFAULT_GATE_STATISTICS when absent. */
  stats?: GateStatistics;
}

export interface Config {
  /** Absolute path of the file it came from, or "action inputs". */
  source: string;
  services: ServiceConfig[];
  gate: GateConfig;
}

/**
 * d0 when it cannot be estimated (STATISTICS.md's simulated procedure used
 * 20): the df of a lone profile's total; frames never take more than the
 * verdict's cap of 10 (MAX_PRIOR_DF in compare/verdict.ts).
 */
export const FALLBACK_PRIOR_DF = 20;

/**
 * The default budget per service and side (docs/statistics.md, "The default budget"):
 * frame noise between runs only falls with rounds; 10 × (boot + 2 s warm-up + 10 s
 * window) is about 2.3 minutes per side, more where allocations get a window of their
 * own (Node: ~4 minutes; Python: 3-4).
 */
export const DEFAULT_BUDGET = { rounds: 10, warmupSeconds: 2, durationSeconds: 10 } as const;

/**
 * Go's allocation sampling interval (bytes): 4x Go's own 512 KiB. The default gate needs
 * ~12,000 allocation samples per round to detect +10 % bytes in a frame of 10 % at 95 %
 * (offline eval); at 512 KiB the fixture gives ~3,700, at 128 KiB ~14,600 (docs/capture.md).
 */
/**
 * Errors or non-2xx responses a builtin load window may see (a fraction) before the round
 * fails: a few stray errors are noise, more means the profile shows error paths.
 */
export const DEFAULT_MAX_ERROR_RATE = 0.01;

const GO_DEFAULT_MEMPROFILERATE = 128 * 1024;

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

type Obj = Record<string, unknown>;

class Reader {
  constructor(readonly source: string) {}

  fail(key: string, value: unknown, want: string): never {
    const shown = typeof value === "string" ? `'${value}'` : JSON.stringify(value);
    throw new FlamegateError(`${this.source}: '${key}' must be ${want}, but got ${shown}`);
  }

  obj(key: string, v: unknown): Obj {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(key, v, "a mapping");
    return v as Obj;
  }

  str(key: string, v: unknown): string {
    if (typeof v !== "string" || v.trim() === "") this.fail(key, v, "a non-empty string");
    return v;
  }

  optStr(key: string, v: unknown): string | undefined {
    return v === undefined || v === null ? undefined : this.str(key, v);
  }

  int(key: string, v: unknown, min: number, max: number): number {
    const n = typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      this.fail(key, v, `a whole number from ${min} to ${max}`);
    }
    return n;
  }

  /** "20s", "500ms", "2m", or a bare number of seconds. */
  seconds(key: string, v: unknown, max = 3600): number {
    const m =
      typeof v === "number"
        ? [String(v), String(v), "s"]
        : /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(String(v));
    if (!m) this.fail(key, v, "a duration such as 20s, 500ms or 2m");
    const n = Number(m[1]) * (m[2] === "ms" ? 0.001 : m[2] === "m" ? 60 : 1);
    if (!(n >= 0 && n <= max)) this.fail(key, v, `a duration between 0s and ${max}s`);
    return n;
  }

  /** "10%" or a fraction such as 0.1; returned as a fraction. */
  fraction(key: string, v: unknown): number {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(String(v));
    if (!m || (typeof v !== "string" && typeof v !== "number"))
      this.fail(key, v, "a percentage such as 10% or a fraction such as 0.1");
    const n = m[2] === "%" ? Number(m[1]) / 100 : Number(m[1]);
    if (!(n >= 0 && n <= 10)) this.fail(key, v, "a percentage between 0% and 1000%");
    return n;
  }

  strMap(key: string, v: unknown): Record<string, string> {
    if (v === undefined || v === null) return {};
    const o = this.obj(key, v);
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(o)) {
      if (typeof val !== "string" && typeof val !== "number" && typeof val !== "boolean") {
        this.fail(`${key}.${k}`, val, "a string");
      }
      out[k] = String(val);
    }
    return out;
  }

  url(key: string, v: unknown, schemes: string[]): string {
    const s = this.str(key, v);
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      this.fail(key, v, `a URL (${schemes.join(", ")})`);
    }
    if (!schemes.includes(u.protocol.replace(/:$/, "")))
      this.fail(key, v, `a URL with scheme ${schemes.join(" or ")}`);
    return s;
  }

  noUnknown(key: string, o: Obj, known: string[]): void {
    for (const k of Object.keys(o)) {
      if (!known.includes(k)) {
        throw new FlamegateError(
          `${this.source}: unknown key '${key ? `${key}.` : ""}${k}' (known: ${known.join(", ")})`,
        );
      }
    }
  }
}

const SERVICE_KEYS = [
  "runtime",
  "cwd",
  "build",
  "start",
  "env",
  "ready",
  "ready-timeout",
  "pprof",
  "warmup",
  "rounds",
  "profiles",
  "load",
  "sampling",
];

function parseLoad(r: Reader, key: string, v: unknown, runtime: string): BuiltinLoad | CommandLoad {
  const o = r.obj(key, v);
  if (o.command !== undefined) {
    r.noUnknown(key, o, ["command", "duration"]);
    const command = r.str(`${key}.command`, o.command);
    if (o.duration === undefined && runtime === "go")
      throw new FlamegateError(
        `${r.source}: '${key}.duration' is required for runtime go with a load command: net/http/pprof needs the capture window's length up front (e.g. duration: 30s; the command is stopped when the window ends)`,
      );
    return {
      type: "command",
      command,
      ...(o.duration === undefined
        ? {}
        : { durationSeconds: r.seconds(`${key}.duration`, o.duration, 600) }),
    };
  }
  r.noUnknown(key, o, [
    "url",
    "method",
    "headers",
    "body",
    "connections",
    "duration",
    "requests",
    "max-error-rate",
  ]);
  const maxErrorRate =
    o["max-error-rate"] === undefined
      ? DEFAULT_MAX_ERROR_RATE
      : r.fraction(`${key}.max-error-rate`, o["max-error-rate"]);
  if (maxErrorRate > 1)
    r.fail(
      `${key}.max-error-rate`,
      o["max-error-rate"],
      "a percentage from 0% to 100%, such as 1%",
    );
  const method = (r.optStr(`${key}.method`, o.method) ?? "GET").toUpperCase();
  if (!["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"].includes(method))
    r.fail(`${key}.method`, o.method, "GET, POST, PUT, PATCH, DELETE or HEAD");
  return {
    type: "builtin",
    url: r.url(`${key}.url`, o.url, ["http", "https"]),
    method,
    headers: r.strMap(`${key}.headers`, o.headers),
    ...(o.body === undefined
      ? {}
      : { body: typeof o.body === "string" ? o.body : JSON.stringify(o.body) }),
    connections:
      o.connections === undefined ? 8 : r.int(`${key}.connections`, o.connections, 1, 1000),
    durationSeconds:
      o.duration === undefined
        ? DEFAULT_BUDGET.durationSeconds
        : r.seconds(`${key}.duration`, o.duration, 600),
    ...(o.requests === undefined
      ? {}
      : { requests: r.int(`${key}.requests`, o.requests, 1, 100_000_000) }),
    maxErrorRate,
  };
}

function parseService(r: Reader, name: string, v: unknown, baseDir: string): ServiceConfig {
  const key = `services.${name}`;
  const o = r.obj(key, v);
  r.noUnknown(key, o, SERVICE_KEYS);
  const runtime = r.str(`${key}.runtime`, o.runtime);
  if (!(RUNTIMES as readonly string[]).includes(runtime))
    r.fail(`${key}.runtime`, runtime, "go, python or node");
  const profilesRaw = o.profiles ?? ["cpu", "alloc"];
  if (!Array.isArray(profilesRaw) || profilesRaw.length === 0)
    r.fail(`${key}.profiles`, profilesRaw, "a non-empty list such as [cpu, alloc]");
  const profiles = profilesRaw.map((p, i) => {
    if (typeof p !== "string" || !isKind(p))
      r.fail(`${key}.profiles[${i}]`, p, "one of cpu, alloc, heap, wall, mutex, block, goroutine");
    return p;
  });
  const sampling = o.sampling === undefined ? {} : r.obj(`${key}.sampling`, o.sampling);
  r.noUnknown(`${key}.sampling`, sampling, ["cpu-hz", "alloc-bytes"]);
  const cwd = r.optStr(`${key}.cwd`, o.cwd) ?? ".";
  const pprof =
    runtime === "go"
      ? o.pprof === undefined
        ? undefined
        : r.url(`${key}.pprof`, o.pprof, ["http"])
      : undefined;
  return {
    name,
    runtime: runtime as Runtime,
    cwd: resolvePath(baseDir, cwd),
    ...(o.build === undefined ? {} : { build: r.str(`${key}.build`, o.build) }),
    start: r.str(`${key}.start`, o.start),
    env: r.strMap(`${key}.env`, o.env),
    ready: r.url(`${key}.ready`, o.ready, ["http", "https", "tcp"]),
    readyTimeoutSeconds:
      o["ready-timeout"] === undefined
        ? 60
        : r.seconds(`${key}.ready-timeout`, o["ready-timeout"], 1800),
    ...(pprof === undefined ? {} : { pprof }),
    warmupSeconds:
      o.warmup === undefined
        ? DEFAULT_BUDGET.warmupSeconds
        : r.seconds(`${key}.warmup`, o.warmup, 600),
    rounds:
      o.rounds === undefined ? DEFAULT_BUDGET.rounds : r.int(`${key}.rounds`, o.rounds, 1, 100),
    profiles,
    load: parseLoad(r, `${key}.load`, o.load, runtime),
    sampling: {
      cpuHz:
        sampling["cpu-hz"] === undefined
          ? runtime === "python"
            ? 200
            : 1000
          : r.int(`${key}.sampling.cpu-hz`, sampling["cpu-hz"], 1, 10_000),
      allocBytes:
        sampling["alloc-bytes"] === undefined
          ? runtime === "go"
            ? GO_DEFAULT_MEMPROFILERATE
            : 32 * 1024
          : r.int(`${key}.sampling.alloc-bytes`, sampling["alloc-bytes"], 1, 64 * 1024 * 1024),
    },
  };
}

function parseThresholds(r: Reader, key: string, v: unknown, dflt: KindThresholds): KindThresholds {
  if (v === undefined) return dflt;
  const o = r.obj(key, v);
  r.noUnknown(key, o, ["frame", "total"]);
  return {
    frame: o.frame === undefined ? dflt.frame : r.fraction(`${key}.frame`, o.frame),
    total: o.total === undefined ? dflt.total : r.fraction(`${key}.total`, o.total),
  };
}

export function parseGate(r: Reader, v: unknown): GateConfig {
  if (v === undefined || v === null) return DEFAULT_GATE;
  const o = r.obj("gate", v);
  r.noUnknown("gate", o, [
    "cpu",
    "alloc",
    "min-share",
    "ignore",
    "alpha",
    "min-count",
    "prior-df",
    "prior-sigma",
    "total-sigma",
  ]);
  const ignore = o.ignore ?? [];
  if (!Array.isArray(ignore) || ignore.some((g) => typeof g !== "string"))
    r.fail("gate.ignore", ignore, "a list of glob patterns");
  const alpha = o.alpha === undefined ? DEFAULT_GATE.alpha : Number(o.alpha);
  if (!(alpha > 0 && alpha < 0.5))
    r.fail("gate.alpha", o.alpha, "a number between 0 and 0.5, such as 0.005");
  return {
    cpu: parseThresholds(r, "gate.cpu", o.cpu, DEFAULT_GATE.cpu),
    alloc: parseThresholds(r, "gate.alloc", o.alloc, DEFAULT_GATE.alloc),
    minShare:
      o["min-share"] === undefined
        ? DEFAULT_GATE.minShare
        : r.fraction("gate.min-share", o["min-share"]),
    ignore: ignore as string[],
    alpha,
    stats: parseGateStatistics(r, o),
  };
}

function parseGateStatistics(r: Reader, o: Obj): GateStatistics {
  const d = DEFAULT_GATE_STATISTICS;
  const sigma = (key: string, v: unknown, dflt: number) => {
    if (v === undefined) return dflt;
    const n = r.fraction(key, v);
    if (!(n > 0 && n <= 1)) r.fail(key, v, "a noise level above 0% and at most 100%, such as 5%");
    return n;
  };
  return {
    minCount:
      o["min-count"] === undefined
        ? d.minCount
        : r.int("gate.min-count", o["min-count"], 1, 1_000_000),
    priorDf:
      o["prior-df"] === undefined || o["prior-df"] === "auto"
        ? d.priorDf
        : r.int("gate.prior-df", o["prior-df"], 0, 10_000),
    priorSigma: sigma("gate.prior-sigma", o["prior-sigma"], d.priorSigma),
    totalSigma: sigma("gate.total-sigma", o["total-sigma"], d.totalSigma),
  };
}

function resolvePath(baseDir: string, p: string): string {
  return p.startsWith("/") ? p : `${baseDir.replace(/\/$/, "")}/${p}`.replace(/\/\.$/, "");
}

/** Parse an already-loaded YAML/JSON document. `baseDir` anchors relative `cwd`s. */
export function parseConfig(doc: unknown, source: string, baseDir: string): Config {
  const r = new Reader(source);
  const o = r.obj("(top level)", doc);
  r.noUnknown("", o, ["version", "services", "gate"]);
  if (o.version !== undefined && o.version !== 1) r.fail("version", o.version, "1");
  const services = o.services === undefined ? {} : r.obj("services", o.services);
  const names = Object.keys(services);
  if (names.length === 0 && o.services !== undefined)
    r.fail("services", o.services, "at least one service");
  return {
    source,
    services: names.map((n) => parseService(r, n, services[n], baseDir)),
    gate: parseGate(r, o.gate),
  };
}

export function loadConfig(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new FlamegateError(
      `config ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)}); pass --config with the path of your flamegate.yml`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new FlamegateError(
      `config ${path}: not valid YAML (${(err as Error).message.split("\n")[0]})`,
    );
  }
  const baseDir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : process.cwd();
  return parseConfig(doc, path, baseDir.startsWith("/") ? baseDir : `${process.cwd()}/${baseDir}`);
}

export function selectService(config: Config, name: string | undefined): ServiceConfig[] {
  if (name === undefined) {
    if (config.services.length === 0)
      throw new FlamegateError(`${config.source}: no services defined; add one under 'services:'`);
    return config.services;
  }
  const s = config.services.find((x) => x.name === name);
  if (!s)
    throw new FlamegateError(
      `${config.source}: no service '${name}' (have: ${config.services.map((x) => x.name).join(", ")})`,
    );
  return [s];
}

export { Reader as ConfigReader };
