#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __esm = (fn, res) => function __init() {
  return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
};
var __commonJS = (cb, mod) => function __require2() {
  return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/errors.ts
var FlamegateError = class extends Error {
  /** Extra lines shown under the message, e.g. the tail of a service's output. */
  details;
  constructor(message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "FlamegateError";
    this.details = options.details ?? [];
  }
};
var ProfileFormatError = class extends FlamegateError {
  constructor(format, problem) {
    super(`${format}: ${problem}`);
    this.format = format;
    this.name = "ProfileFormatError";
  }
};
function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}

// src/config/defaults.ts
var RUNTIMES = ["go", "python", "node"];
var DEFAULT_BUDGET = { rounds: 10, warmupSeconds: 2, durationSeconds: 4 };
var DEMO_BUDGET = { rounds: 5, durationSeconds: 4, regressionPct: 100 };
var DEFAULT_READY_TIMEOUT_SECONDS = 60;
var DEFAULT_CONNECTIONS = 8;
var DEFAULT_MAX_ERROR_RATE = 0.01;
var DEFAULT_PROFILES = ["cpu", "alloc"];
var DEFAULT_SAMPLING = {
  go: { cpuHz: 1e3, allocBytes: 128 * 1024 },
  python: { cpuHz: 200, allocBytes: 32 * 1024 },
  node: { cpuHz: 1e3, allocBytes: 32 * 1024 }
};
var DEFAULT_PERF_HZ = 1e3;
var CPU_PROFILERS = ["auto", "perf", "runtime"];
var DEFAULT_CPU_PROFILER = "auto";
var PAIRINGS = ["simultaneous", "sequential"];
var DEFAULT_PAIRING = "simultaneous";
var NODE_INLININGS = ["on", "off"];
var DEFAULT_NODE_INLINING = "off";
var PYTHON_THREADS = ["active", "gil"];
var DEFAULT_PYTHON_THREADS = "active";
var CPU_TOTALS = ["auto", "os", "profiler"];
var DEFAULT_CPU_TOTAL = "auto";
var FALLBACK_PRIOR_DF = 20;
var MAX_PRIOR_DF = 10;
var DEFAULT_GATE_STATISTICS = {
  minCount: 20,
  priorDf: "auto",
  priorSigma: 0.1,
  totalSigma: 0.1
};
var DEFAULT_GATE = {
  cpu: { frame: 0.1, total: 0.05 },
  // Bytes per request do not depend on the machine's speed: a tighter floor (docs/statistics.md).
  alloc: { frame: 0.05, total: 0.05 },
  minShare: 5e-3,
  ignore: [],
  alpha: 5e-3,
  stats: DEFAULT_GATE_STATISTICS
};

export {
  __require,
  __esm,
  __commonJS,
  __export,
  __toESM,
  __toCommonJS,
  FlamegateError,
  ProfileFormatError,
  errorMessage,
  RUNTIMES,
  DEFAULT_BUDGET,
  DEMO_BUDGET,
  DEFAULT_READY_TIMEOUT_SECONDS,
  DEFAULT_CONNECTIONS,
  DEFAULT_MAX_ERROR_RATE,
  DEFAULT_PROFILES,
  DEFAULT_SAMPLING,
  DEFAULT_PERF_HZ,
  CPU_PROFILERS,
  DEFAULT_CPU_PROFILER,
  PAIRINGS,
  DEFAULT_PAIRING,
  NODE_INLININGS,
  DEFAULT_NODE_INLINING,
  PYTHON_THREADS,
  DEFAULT_PYTHON_THREADS,
  CPU_TOTALS,
  DEFAULT_CPU_TOTAL,
  FALLBACK_PRIOR_DF,
  MAX_PRIOR_DF,
  DEFAULT_GATE_STATISTICS,
  DEFAULT_GATE
};
