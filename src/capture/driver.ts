import { FlamegateError } from "../errors.js";
import type { Profile } from "pprof-format";
import type { ServiceConfig } from "../config.js";
import type { Kind } from "../model/kinds.js";

/**
 * One driver per runtime (go.ts, python.ts, node.ts). The session boots the
 * service, waits until it is ready and warmed up, then opens a capture
 * window around the load: startWindow() before the load starts, stop() as
 * soon as it ends. Drivers only talk to the service's profilers; spawning,
 * readiness, load and shutdown belong to session/.
 */
export interface CaptureContext {
  service: ServiceConfig;
  /** Directory the service runs in this time (service.cwd, or the ab base/head dir). */
  cwd: string;
  /** A fresh temporary directory for this round's raw files (agents' sockets, py-spy output …). */
  workDir: string;
  round: number;
  /** Progress lines for the user (stderr). */
  log: (line: string) => void;
}

export interface PreparedStart {
  /** The shell command to spawn (possibly wrapped, e.g. by py-spy). */
  command: string;
  /** Extra environment for the service (NODE_OPTIONS, PYTHONPATH, GODEBUG …), merged over service.env. */
  env: Record<string, string>;
}

export interface CapturedProfiles {
  profiles: Partial<Record<Kind, Profile>>;
  /** Which profiler produced each kind, e.g. "node:inspector @ 1000 µs". */
  profilers: Partial<Record<Kind, string>>;
  /** Notes for the manifest and report (e.g. "py-spy refused; built-in sampler ran"). */
  notes: string[];
  /**
   * True when the CPU profile's samples count active threads, not CPU time
   * (py-spy, and the built-in sampler that stands in for it): the round then
   * adds a cpu/nanoseconds type whose total is the window's OS-counted CPU
   * (model/cpu-time.ts), so CPU per request is what the OS measured.
   */
  cpuCountsThreads?: boolean;
  /**
   * What is left to do once the window has closed and that needs neither the
   * service nor a quiet machine: perf script, memray's export (seconds of CPU a
   * round). It completes `profiles`, `profilers` and `notes` of this object. The
   * session runs it after the round's service has stopped, while the next round
   * boots and warms up, and opens no capture window until it has finished.
   */
  later?: () => Promise<void>;
}

export interface CaptureWindow {
  /** Ends the window and returns the profiles it captured, imported into pprof (or `later`). */
  stop(): Promise<CapturedProfiles>;
}

export interface RuntimeDriver {
  /** The kinds this runtime can capture. */
  supports: readonly Kind[];
  /**
   * Kinds whose profiler perturbs the others (e.g. Python's memray, which
   * records every allocation and doubles the CPU cost per request): each is
   * captured in its own window, with its own load, after the window of the
   * other kinds, in the same process (session/round.ts windowPlan). Absent:
   * every kind in one window.
   */
  separateWindows?: readonly Kind[];
  /**
   * Longest load, in seconds, of each separate window (absent: the configured
   * load.duration). A profiler that records every event (memray) has no
   * sampling noise for a longer window to average out, and exporting its
   * records takes longer than the window itself. Built-in loads with a
   * duration only; a request count or a load command runs as configured.
   */
  separateWindowSeconds?: number;
  /** The runtime's version for the manifest, e.g. "go1.26.8", "v20.20.2", "3.11.7". */
  version(ctx: CaptureContext): Promise<string>;
  /** Wraps the start command and environment before the service is spawned. */
  prepare(ctx: CaptureContext): Promise<PreparedStart>;
  /**
   * Called as the service is spawned, once it answers its ready check, and
   * when its round fails, with its process group's leader: files the
   * service's processes write from their start (V8's perf maps) are tracked
   * from here, so a round that fails before its window leaves none behind.
   */
  track?(ctx: CaptureContext, pid: number): void;
  /**
   * Starts the profilers for a window expected to last `seconds` (Go needs it
   * up front); `pid` is the service process (group leader). `kinds`: what this
   * window captures (default: every kind in ctx.service.profiles).
   */
  startWindow(
    ctx: CaptureContext,
    pid: number,
    seconds: number,
    kinds?: readonly Kind[],
  ): Promise<CaptureWindow>;
}

/** A profiler's last line of output, for an error message. */
export function lastLine(output: string): string {
  return output.trim().split("\n").pop()?.trim() || "no output";
}

/**
 * A capture that failed for a reason that may not recur: a profiler killed,
 * or one that wrote no profile or an incomplete one. The session runs such a
 * round once more (session/round.ts); any other FlamegateError ends the run.
 */
export class TransientCaptureError extends FlamegateError {
  constructor(message: string) {
    super(message);
    this.name = "TransientCaptureError";
  }
}
