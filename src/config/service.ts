import { z } from "zod";
import { type Kind, isKind } from "../model/kinds.js";
import {
  CPU_PROFILERS,
  CPU_TOTALS,
  DEFAULT_NODE_INLINING,
  DEFAULT_PAIRING,
  PAIRINGS,
  NODE_INLININGS,
  PYTHON_THREADS,
  DEFAULT_PYTHON_THREADS,
  DEFAULT_BUDGET,
  DEFAULT_CONNECTIONS,
  DEFAULT_CPU_PROFILER,
  DEFAULT_PERF_HZ,
  DEFAULT_CPU_TOTAL,
  DEFAULT_MAX_ERROR_RATE,
  DEFAULT_PROFILES,
  DEFAULT_READY_TIMEOUT_SECONDS,
  DEFAULT_SAMPLING,
} from "./defaults.js";
import {
  fractionIn,
  mapping,
  orEmpty,
  parsed,
  seconds,
  stringMap,
  text,
  url,
  whole,
} from "./fields.js";
import { fallbackWant } from "./issues.js";
import type { BuiltinLoad, CommandLoad, Runtime, ServiceConfig } from "./types.js";

/** One service under `services:`, and its `load:`. */

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

const method = parsed((v) => {
  if (v === undefined || v === null) return { ok: true, value: "GET" };
  const m = typeof v === "string" ? v.toUpperCase() : "";
  return METHODS.includes(m)
    ? { ok: true, value: m }
    : { ok: false, want: "GET, POST, PUT, PATCH, DELETE or HEAD" };
});

const BuiltinLoadSchema = mapping({
  url: url("http", "https"),
  method: method.default("GET"),
  headers: stringMap,
  body: z.unknown().optional(),
  connections: whole(1, 1000).default(DEFAULT_CONNECTIONS),
  duration: seconds(600).default(DEFAULT_BUDGET.durationSeconds),
  requests: whole(1, 100_000_000).optional(),
  "max-error-rate": fractionIn(0, 1, "a percentage from 0% to 100%, such as 1%").default(
    DEFAULT_MAX_ERROR_RATE,
  ),
}).transform((o): BuiltinLoad => ({
  type: "builtin",
  url: o.url,
  method: o.method,
  headers: o.headers,
  ...(o.body === undefined
    ? {}
    : { body: typeof o.body === "string" ? o.body : JSON.stringify(o.body) }),
  connections: o.connections,
  durationSeconds: o.duration,
  ...(o.requests === undefined ? {} : { requests: o.requests }),
  maxErrorRate: o["max-error-rate"],
}));

/** Your own load: flamegate cannot see its responses, so it has no error rate to check. */
const CommandLoadSchema = mapping({
  command: text,
  duration: seconds(600).optional(),
}).transform((o): CommandLoad => ({
  type: "command",
  command: o.command,
  ...(o.duration === undefined ? {} : { durationSeconds: o.duration }),
}));

/** A mapping with `command` is your own load; anything else is read as the builtin one. */
const LoadSchema = z.unknown().transform((v, ctx): BuiltinLoad | CommandLoad => {
  const command = typeof v === "object" && v !== null && "command" in v;
  const r = (command ? CommandLoadSchema : BuiltinLoadSchema).safeParse(v, {
    reportInput: true,
    error: fallbackWant,
  });
  if (r.success) return r.data;
  for (const issue of r.error.issues) ctx.addIssue(issue as z.core.$ZodRawIssue);
  return z.NEVER;
});

const KINDS = "one of cpu, alloc, heap, wall, mutex, block, goroutine";
const PROFILES = "a non-empty list such as [cpu, alloc]";

export const ServiceSchema = mapping({
  runtime: z.enum(["go", "python", "node"], { error: "go, python or node" }),
  cwd: text.nullish(),
  build: text.optional(),
  start: text,
  env: stringMap,
  ready: url("http", "https", "tcp"),
  "ready-timeout": seconds(1800).default(DEFAULT_READY_TIMEOUT_SECONDS),
  /** Go only; other runtimes ignore it. */
  pprof: url("http").nullish(),
  warmup: seconds(600).default(DEFAULT_BUDGET.warmupSeconds),
  rounds: whole(1, 100).default(DEFAULT_BUDGET.rounds),
  pairing: z.enum(PAIRINGS, { error: "simultaneous or sequential" }).default(DEFAULT_PAIRING),
  profiles: z
    .array(
      z.custom<Kind>((p) => typeof p === "string" && isKind(p), { error: KINDS }),
      {
        error: PROFILES,
      },
    )
    .min(1, { error: PROFILES })
    .default(() => [...DEFAULT_PROFILES]),
  load: LoadSchema,
  sampling: orEmpty(
    mapping({
      "cpu-hz": whole(1, 10_000).optional(),
      "alloc-bytes": whole(1, 64 * 1024 * 1024).optional(),
      "cpu-profiler": z
        .enum(CPU_PROFILERS, { error: "auto, perf or runtime" })
        .default(DEFAULT_CPU_PROFILER),
      "cpu-total": z.enum(CPU_TOTALS, { error: "auto, os or profiler" }).default(DEFAULT_CPU_TOTAL),
      "node-inlining": z
        .enum(NODE_INLININGS, { error: "on or off" })
        .default(DEFAULT_NODE_INLINING),
      "python-threads": z
        .enum(PYTHON_THREADS, { error: "active or gil" })
        .default(DEFAULT_PYTHON_THREADS),
    }),
  ),
}).superRefine((s, ctx) => {
  if (s.runtime === "go" && s.load.type === "command" && s.load.durationSeconds === undefined)
    ctx.addIssue({
      code: "custom",
      path: ["load", "duration"],
      message:
        "is required for runtime go with a load command: net/http/pprof needs the capture window's length up front (e.g. duration: 30s; the command is stopped when the window ends)",
      params: { sentence: true },
    });
});

function resolvePath(baseDir: string, p: string): string {
  return p.startsWith("/") ? p : `${baseDir.replace(/\/$/, "")}/${p}`.replace(/\/\.$/, "");
}

/** The checked service with its name, its absolute cwd and its runtime's defaults. */
export function toService(
  name: string,
  s: z.output<typeof ServiceSchema>,
  baseDir: string,
): ServiceConfig {
  const runtime: Runtime = s.runtime;
  const sampling = DEFAULT_SAMPLING[runtime];
  return {
    name,
    runtime,
    cwd: resolvePath(baseDir, s.cwd ?? "."),
    ...(s.build === undefined ? {} : { build: s.build }),
    start: s.start,
    env: s.env,
    ready: s.ready,
    readyTimeoutSeconds: s["ready-timeout"],
    ...(runtime === "go" && s.pprof !== undefined && s.pprof !== null ? { pprof: s.pprof } : {}),
    warmupSeconds: s.warmup,
    rounds: s.rounds,
    pairing: s.pairing,
    profiles: s.profiles,
    load: s.load,
    sampling: {
      cpuHz: s.sampling["cpu-hz"] ?? sampling.cpuHz,
      perfHz: s.sampling["cpu-hz"] ?? DEFAULT_PERF_HZ,
      allocBytes: s.sampling["alloc-bytes"] ?? sampling.allocBytes,
      cpuProfiler: s.sampling["cpu-profiler"],
      cpuTotal: s.sampling["cpu-total"],
      nodeInlining: s.sampling["node-inlining"],
      pythonThreads: s.sampling["python-threads"],
    },
  };
}
