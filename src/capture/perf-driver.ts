import { rmSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import type { Runtime } from "../config.js";
import { groupMembers, trackTempDir, untrackTempDir } from "../session/reaper.js";
import type { Profile } from "pprof-format";
import type { Kind } from "../model/kinds.js";
import type {
  CaptureContext,
  CaptureWindow,
  CapturedProfiles,
  PreparedStart,
  RuntimeDriver,
} from "./driver.js";
import { FlamegateError } from "../errors.js";
import { agentPid } from "./node.js";
import { probePerf, startPerfRecord } from "./perf.js";
import { perfUnfitReason } from "./python.js";
import { readHellos } from "./python-agents.js";
import { controlDir } from "./python-window.js";

/**
 * A runtime driver whose CPU profile comes from Linux perf (perf.ts) when
 * perf may record here, and from the runtime's own profiler otherwise. The
 * inner driver captures every other kind as before; it is told the service
 * profiles no cpu, so its own CPU profiler stays off. Node gets V8's perf map
 * (--perf-basic-prof, interpreted frames on the native stack) so perf can
 * name JS functions. Python gets its perf trampolines (PYTHONPERFSUPPORT,
 * 3.12+; earlier versions ignore it); whether they name its functions is
 * known only once the interpreter runs, so each window asks its agent and
 * falls back to py-spy, which stays prepared.
 */

/** V8 flags (allowed in NODE_OPTIONS) that let perf name JS frames, interpreted ones included. */
const NODE_PERF_FLAGS = "--perf-basic-prof --interpreted-frames-native-stack";

interface Decision {
  perf?: { exe: string; version: string };
  /** Why the runtime's own profiler runs though perf was asked for. */
  fallback?: string;
}

const withoutCpu = (ctx: CaptureContext): CaptureContext => ({
  ...ctx,
  service: { ...ctx.service, profiles: ctx.service.profiles.filter((k) => k !== "cpu") },
});

/** The perf maps of a round's service processes, tracked so far (by round context). */
const trackedMaps = new WeakMap<CaptureContext, Set<string>>();

/**
 * The processes the runtime's agents announced as they started: a start
 * script's node or python may be gone before the group is read.
 */
function agentPids(ctx: CaptureContext, runtime: Runtime): number[] {
  if (runtime === "python") return readHellos(controlDir(ctx)).map((h) => h.pid);
  const agent = agentPid(ctx);
  return agent === undefined ? [] : [agent];
}

/**
 * Tracks (trackTempDir) the perf map of every process in the service's group:
 * V8 and CPython write /tmp/perf-<pid>.map from the process's start and never
 * remove it. Returns all the round's maps so far.
 */
function trackMaps(ctx: CaptureContext, pid: number, runtime: Runtime): string[] {
  const maps = trackedMaps.get(ctx) ?? new Set<string>();
  trackedMaps.set(ctx, maps);
  for (const p of new Set([...groupMembers(pid), ...agentPids(ctx, runtime)])) {
    const m = `/tmp/perf-${p}.map`;
    if (!maps.has(m)) trackTempDir(m);
    maps.add(m);
  }
  return [...maps];
}

/** The service's start with what perf needs to name its frames. */
async function preparePerf(
  inner: RuntimeDriver,
  runtime: Runtime,
  ctx: CaptureContext,
): Promise<PreparedStart> {
  // Whether perf can follow a Python is known once its interpreter runs: py-spy stays prepared.
  if (runtime === "python") {
    const prepared = await inner.prepare(ctx);
    return { ...prepared, env: { ...prepared.env, PYTHONPERFSUPPORT: "1" } };
  }
  const prepared = await inner.prepare(withoutCpu(ctx));
  if (runtime !== "node") return prepared;
  const inherited = prepared.env.NODE_OPTIONS ?? ctx.service.env.NODE_OPTIONS ?? "";
  return {
    ...prepared,
    env: {
      ...prepared.env,
      NODE_OPTIONS: `${inherited} ${NODE_PERF_FLAGS}`.trim(),
      // The agent removes the log file V8 opens for the flags (node-agent.cjs).
      FLAMEGATE_DROP_V8_LOG: "1",
    },
  };
}

/**
 * The round's decision for one window: a Python whose interpreter perf cannot
 * follow (before 3.12, or no frame pointers) gets py-spy with a note, or, when
 * perf was required, an error.
 */
async function windowDecision(
  ctx: CaptureContext,
  pid: number,
  runtime: Runtime,
  d: Decision,
  kinds: readonly Kind[],
): Promise<Decision> {
  if (!d.perf || runtime !== "python" || !kinds.includes("cpu")) return d;
  const why = await perfUnfitReason(ctx, pid);
  if (why === undefined) return d;
  if (ctx.service.sampling.cpuProfiler === "perf")
    throw new FlamegateError(
      `service '${ctx.service.name}': sampling.cpu-profiler is perf, but ${why}; or set it to auto (py-spy when perf cannot name Python's frames)`,
    );
  return { fallback: `cpu: ${why}; the runtime's own profiler ran instead` };
}

export function withPerfCpu(inner: RuntimeDriver, runtime: Runtime): RuntimeDriver {
  // prepare(), track() and startWindow() of one round get the same context object.
  const decisions = new WeakMap<CaptureContext, Decision>();

  // sampling.cpu-profiler (config/defaults.ts): perf must record; auto falls back with a note.
  async function decide(ctx: CaptureContext): Promise<Decision> {
    const wanted = ctx.service.sampling.cpuProfiler;
    if (!ctx.service.profiles.includes("cpu") || wanted === "runtime") return {};
    const probe = await probePerf();
    if (probe.ok) return { perf: { exe: probe.exe, version: probe.version } };
    if (wanted === "perf")
      throw new FlamegateError(
        `service '${ctx.service.name}': sampling.cpu-profiler is perf, but ${probe.reason}; or set it to auto (the runtime's own profiler when perf may not record)`,
      );
    return { fallback: `cpu: ${probe.reason}; the runtime's own profiler ran instead` };
  }

  return {
    ...inner,
    async prepare(ctx) {
      const d = await decide(ctx);
      decisions.set(ctx, d);
      return d.perf ? preparePerf(inner, runtime, ctx) : inner.prepare(ctx);
    },
    track(ctx, pid) {
      inner.track?.(ctx, pid);
      if (runtime !== "go" && decisions.get(ctx)?.perf) trackMaps(ctx, pid, runtime);
    },
    async startWindow(ctx, pid, seconds, kinds = ctx.service.profiles): Promise<CaptureWindow> {
      const before = decisions.get(ctx) ?? {};
      // A Python perf cannot follow after all: no perf for the rest of the round,
      // and the maps tracked since its start go now, not when flamegate exits.
      const noPerf = (next: Decision) => {
        decisions.set(ctx, next);
        removeMaps(trackMaps(ctx, pid, runtime));
      };
      let d: Decision;
      try {
        d = await windowDecision(ctx, pid, runtime, before, kinds);
      } catch (err) {
        noPerf({});
        throw err;
      }
      if (before.perf && !d.perf) noPerf(d);
      if (!d.perf || !kinds.includes("cpu")) {
        const w = await inner.startWindow(ctx, pid, seconds, kinds);
        return d.fallback && kinds.includes("cpu") ? withNote(w, d.fallback) : w;
      }
      const hz = ctx.service.sampling.perfHz;
      const rest = kinds.filter((k) => k !== "cpu");
      // The runtimes name their maps after the pid; read now, as the service may be gone when the window ends.
      const maps = runtime === "go" ? [] : trackMaps(ctx, pid, runtime);
      const recording = await startPerfRecord(
        d.perf.exe,
        pid,
        hz,
        join(ctx.workDir, "cpu.perf.data"),
      );
      const others =
        rest.length > 0 ? await inner.startWindow(withoutCpu(ctx), pid, seconds, rest) : undefined;
      const perf = d.perf;
      const data = join(ctx.workDir, "cpu.perf.data");
      // perf script reads the maps after the service has stopped; gone at exit at the latest.
      const cleanUp = () => {
        rmSync(data, { force: true });
        removeMaps(maps);
      };
      return {
        async stop(): Promise<CapturedProfiles> {
          let got: CapturedProfiles;
          try {
            got = others ? await others.stop() : { profiles: {}, profilers: {}, notes: [] };
          } catch (err) {
            await recording.stop().catch(() => undefined);
            cleanUp();
            throw err;
          }
          let convert: () => Promise<Profile>;
          try {
            convert = await recording.stop();
          } catch (err) {
            cleanUp();
            throw err;
          }
          const mapsAtClose = mapsAsOfNow(maps);
          got.profilers.cpu = `${perf.version} record -e task-clock -F ${hz} -g (on-CPU time, all threads)`;
          const innerLater = got.later;
          // perf script needs neither the service nor a quiet machine: the session runs it later.
          got.later = async () => {
            try {
              await innerLater?.();
              mapsAtClose();
              got.profiles.cpu = await convert();
            } finally {
              cleanUp();
            }
          };
          return got;
        },
      };
    },
  };
}

function removeMaps(maps: readonly string[]): void {
  for (const m of maps) {
    rmSync(m, { force: true });
    untrackTempDir(m);
  }
}

/**
 * The perf maps as they are now (V8 writes them line-buffered): the returned function
 * cuts each back to that length. V8 never says when code is freed, so an address can
 * hold a hot function in the window and, later, code compiled at shutdown (a Node demo
 * round named checksum's samples Server.closeIdleConnections); perf script, run after
 * the service stopped, must not see what came after the window.
 */
export function mapsAsOfNow(maps: readonly string[]): () => void {
  const sizeOf = (m: string) => statSync(m, { throwIfNoEntry: false })?.size;
  const sizes = maps.map(sizeOf);
  return () =>
    maps.forEach((m, i) => {
      const size = sizes[i];
      if (size !== undefined && (sizeOf(m) ?? 0) > size) truncateSync(m, size);
    });
}

function withNote(w: CaptureWindow, note: string): CaptureWindow {
  return {
    async stop() {
      const got = await w.stop();
      got.notes.push(note);
      return got;
    },
  };
}
