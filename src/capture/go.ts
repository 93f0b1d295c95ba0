import { execa } from "execa";
import type { Profile } from "pprof-format";
import { FlamegateError, errorMessage } from "../errors.js";
import { importProfile } from "../import/index.js";
import type { Kind } from "../model/kinds.js";
import { sampleTypes } from "../model/kinds.js";
import { toNumber } from "../model/values.js";
import type {
  CaptureContext,
  CaptureWindow,
  CapturedProfiles,
  PreparedStart,
  RuntimeDriver,
} from "./driver.js";

/**
 * Go: the service's own net/http/pprof, read over loopback HTTP.
 *
 * - cpu, alloc, mutex, block: requested with `?seconds=W` when the window
 *   opens, so the server itself cuts a window of exactly W seconds (a CPU
 *   profile for cpu, a delta profile for the others) aligned with the load.
 * - heap (in-use) and goroutine: snapshots taken when the window closes;
 *   heap with gc=1 so it shows what is live, not what awaits collection.
 * - The allocation sampling rate is set from outside with
 *   GODEBUG=memprofilerate=<sampling.allocBytes>; the rate the runtime really
 *   used is read back from the profile's period.
 */

/** Kinds cut by the server with ?seconds=W, and their endpoint. */
const WINDOWED: Partial<Record<Kind, string>> = {
  cpu: "profile",
  alloc: "allocs",
  mutex: "mutex",
  block: "block",
};
/** Kinds read as a snapshot when the window closes. */
const SNAPSHOT: Partial<Record<Kind, string>> = {
  heap: "heap?gc=1",
  goroutine: "goroutine",
};

/**
 * Heap goal, in bytes, at or under which the note below is written: twice
 * Go's 4 MB floor. The runtime's CPU profile buffer (1 MiB of samples and
 * 128 KiB of tag pointers, runtime/cpuprof.go) then takes a quarter or more
 * of the room the GC leaves between collections.
 */
const SMALL_HEAP_GOAL = 8 << 20;

/**
 * The note for a service whose GC runs at or near Go's 4 MB floor, from
 * the `# NextGC = N` line of `/debug/pprof/heap?debug=1` (runtime.MemStats);
 * undefined for a larger heap or text without that line.
 */
export function smallHeapNote(memStats: string): string | undefined {
  const goal = /^# NextGC = (\d+)$/m.exec(memStats)?.[1];
  if (goal === undefined || Number(goal) > SMALL_HEAP_GOAL) return undefined;
  // No figures in the text: the same line from every round is one line in the report.
  return `go: the service's GC goal was 8 MiB or less (a live heap of a few MB at most), so the CPU profile's own 1 MiB buffer made it collect more often while profiled: GC frames and CPU per request read several % high, on both sides alike (docs/capture.md, "Go: what the profilers cost")`;
}

/** Seconds a snapshot or the reachability probe may take. */
const QUICK_TIMEOUT_S = 15;
/** Seconds a windowed request may take beyond its W seconds (writing a large profile). */
const WINDOW_SLACK_S = 30;

/** GODEBUG with memprofilerate set to `rate`, keeping every other setting the user gave. */
export function mergeGodebug(existing: string | undefined, rate: number): string {
  const kept = (existing ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "" && !s.startsWith("memprofilerate="));
  return [...kept, `memprofilerate=${rate}`].join(",");
}

/**
 * The server-side window length in whole seconds. It must cover the whole
 * load, whose requests are all counted: the load starts a moment after the
 * window opens and a duration-bound load overshoots by up to ~0.2 s (its last
 * responses), so half a second is added before rounding up. The idle tail
 * adds no CPU samples and no allocations.
 */
export function windowSeconds(seconds: number): number {
  return Math.max(1, Math.ceil(seconds + 0.5));
}

function missingPprof(base: string): FlamegateError {
  return new FlamegateError(
    `service has no net/http/pprof at ${base}: import _ "net/http/pprof" and serve it on loopback (e.g. go http.ListenAndServe("127.0.0.1:6060", nil)), then set 'pprof' to that address`,
  );
}

async function get(base: string, path: string, timeoutS: number): Promise<Uint8Array> {
  const url = `${base}/debug/pprof/${path}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutS * 1000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    if (cause?.code === "ECONNREFUSED" || cause?.code === "ENOTFOUND") throw missingPprof(base);
    if ((err as Error).name === "TimeoutError")
      throw new FlamegateError(
        `${url}: no answer within ${timeoutS}s; is the service stuck or its pprof server blocked?`,
      );
    throw new FlamegateError(`${url}: request failed (${errorMessage(cause ?? err)})`);
  }
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status === 200) return body;
  const text = new TextDecoder().decode(body.subarray(0, 300)).trim();
  if (res.status === 404) throw missingPprof(base);
  if (res.status === 400 && /WriteTimeout/i.test(text))
    // Go before 1.23 refuses a window as long as the server's WriteTimeout.
    throw new FlamegateError(
      `${url}: refused (${text}); serve pprof on an http.Server without WriteTimeout, or shorten the load duration`,
    );
  throw new FlamegateError(`${url}: HTTP ${res.status} (${text || "empty body"})`);
}

/**
 * Delta profiles are "after minus before"; counters that only grow
 * (alloc_*, contentions, delay) can still come out slightly negative from
 * pprof's per-bucket scaling, and in-use columns of an allocs delta are net
 * changes of live memory, not allocations. Keep the columns in `keep` (all
 * when undefined), clamp negatives to 0, drop samples left empty.
 * Returns how many samples had a negative value.
 */
export function clampDelta(profile: Profile, keep?: (type: string) => boolean): number {
  const types = sampleTypes(profile);
  const cols = types
    .map((t, i) => (keep === undefined || keep(t.type) ? i : -1))
    .filter((i) => i >= 0);
  let negatives = 0;
  const samples = [];
  for (const s of profile.sample) {
    const values = cols.map((i) => toNumber(s.value[i]));
    if (values.some((v) => v < 0)) negatives++;
    const clamped = values.map((v) => Math.max(0, v));
    if (clamped.every((v) => v === 0)) continue;
    s.value = clamped;
    samples.push(s);
  }
  profile.sample = samples;
  profile.sampleType = cols.map((i) => profile.sampleType[i]).filter((t) => t !== undefined);
  return negatives;
}

function isEmpty(profile: Profile): boolean {
  return profile.sample.every((s) => s.value.every((v) => toNumber(v) === 0));
}

type Settled = { ok: true; bytes: Uint8Array } | { ok: false; error: unknown };

function settle(p: Promise<Uint8Array>): Promise<Settled> {
  return p.then(
    (bytes) => ({ ok: true as const, bytes }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function pprofBase(ctx: CaptureContext): string {
  const base = ctx.service.pprof;
  if (base === undefined)
    throw new FlamegateError(
      `service '${ctx.service.name}': 'pprof' is not set; a Go service must serve net/http/pprof on loopback and name it, e.g. pprof: http://127.0.0.1:6060`,
    );
  // Accept the address with or without the /debug/pprof path.
  return base.replace(/\/+$/, "").replace(/\/debug\/pprof$/, "");
}

async function goVersion(ctx: CaptureContext): Promise<string> {
  const opts = {
    cwd: ctx.cwd,
    env: ctx.service.env,
    timeout: 30_000,
    reject: false,
  } as const;
  // GOVERSION honours the module's toolchain line, which is what `build` used.
  const env = await execa("go", ["env", "GOVERSION"], opts);
  if (env.exitCode === 0 && /^go\d/.test(env.stdout.trim())) return env.stdout.trim();
  const ver = await execa("go", ["version"], opts);
  const m = /\bgo(\d[\w.-]*)/.exec(ver.stdout);
  return m ? `go${m[1]}` : "unknown (go not on PATH)";
}

export const goDriver: RuntimeDriver = {
  supports: ["cpu", "alloc", "heap", "mutex", "block", "goroutine"],

  version: goVersion,

  prepare(ctx: CaptureContext): Promise<PreparedStart> {
    const godebug = mergeGodebug(
      ctx.service.env.GODEBUG ?? process.env.GODEBUG,
      ctx.service.sampling.allocBytes,
    );
    return Promise.resolve({ command: ctx.service.start, env: { GODEBUG: godebug } });
  },

  async startWindow(ctx: CaptureContext, _pid: number, seconds: number): Promise<CaptureWindow> {
    const base = pprofBase(ctx);
    // Fail before the load starts, in one line, when nothing serves pprof there.
    await get(base, "", QUICK_TIMEOUT_S);
    const w = windowSeconds(seconds);
    const wanted = ctx.service.profiles;
    const notes: string[] = [];
    const unsupported = wanted.filter((k) => !goDriver.supports.includes(k));
    if (unsupported.length > 0)
      notes.push(`go: ${unsupported.join(", ")} not available from net/http/pprof; skipped`);
    const opened = Date.now();
    const windowed = new Map<Kind, Promise<Settled>>();
    for (const kind of wanted) {
      const endpoint = WINDOWED[kind];
      if (endpoint !== undefined)
        windowed.set(kind, settle(get(base, `${endpoint}?seconds=${w}`, w + WINDOW_SLACK_S)));
    }

    return {
      async stop(): Promise<CapturedProfiles> {
        const lateS = (Date.now() - opened) / 1000 - w;
        if (lateS > 1)
          notes.push(
            `go: the load outlasted the ${w}s profile window by ${lateS.toFixed(1)}s; that part is not profiled`,
          );
        const results = new Map(windowed);
        for (const kind of wanted) {
          const endpoint = SNAPSHOT[kind];
          if (endpoint !== undefined)
            results.set(kind, settle(get(base, endpoint, QUICK_TIMEOUT_S)));
        }
        // Only a hint for the report: a service that cannot answer it still gets its profiles.
        const memStats = wanted.includes("cpu")
          ? settle(get(base, "heap?debug=1", QUICK_TIMEOUT_S))
          : undefined;
        const out: CapturedProfiles = { profiles: {}, profilers: {}, notes };
        const settled = await Promise.all(
          [...results].map(async ([kind, p]) => [kind, await p] as const),
        );
        const failed = settled.find(([, r]) => !r.ok);
        if (failed && !failed[1].ok) throw failed[1].error;
        const stats = await memStats;
        const small = stats?.ok ? smallHeapNote(new TextDecoder().decode(stats.bytes)) : undefined;
        if (small) notes.push(small);
        for (const [kind, r] of settled) {
          if (!r.ok) continue;
          // Mutex and block profiles are legitimately empty unless the program enables them.
          const profile = importProfile(r.bytes, `${base} (${kind})`, {
            allowEmpty: kind === "mutex" || kind === "block",
          }).profile;
          out.profiles[kind] = profile;
          out.profilers[kind] = describe(kind, profile, w, ctx, notes);
        }
        return out;
      },
    };
  },
};

/** Post-processes one imported profile and says which profiler made it. */
function describe(
  kind: Kind,
  profile: Profile,
  w: number,
  ctx: CaptureContext,
  notes: string[],
): string {
  switch (kind) {
    case "cpu":
      return `go net/http/pprof profile?seconds=${w} @ 100 Hz`;
    case "alloc": {
      const negatives = clampDelta(profile, (t) => t.startsWith("alloc_"));
      if (negatives > 0)
        notes.push(`go: alloc delta had ${negatives} samples with negative values; clamped to 0`);
      // runtime/pprof writes MemProfileRate as the heap profile's period (bytes).
      const rate = toNumber(profile.period);
      if (rate !== ctx.service.sampling.allocBytes)
        notes.push(
          `go: allocations sampled every ${rate} B, not the configured ${ctx.service.sampling.allocBytes} B; the program sets runtime.MemProfileRate itself`,
        );
      return `go net/http/pprof allocs?seconds=${w} @ memprofilerate=${rate} B`;
    }
    case "mutex":
    case "block": {
      clampDelta(profile);
      if (isEmpty(profile))
        notes.push(
          kind === "mutex"
            ? "go: mutex profile is empty; the program must call runtime.SetMutexProfileFraction(n) itself"
            : "go: block profile is empty; the program must call runtime.SetBlockProfileRate(ns) itself",
        );
      return `go net/http/pprof ${kind}?seconds=${w}`;
    }
    case "heap":
      return "go net/http/pprof heap?gc=1 at window end";
    default:
      return `go net/http/pprof ${kind} at window end`;
  }
}
