import autocannon from "autocannon";
import type { BuiltinLoad, ServiceConfig } from "../config.js";
import { FlamegateError } from "../errors.js";
import type { Kind } from "../model/kinds.js";
import type { LatencyMs, WindowRecord } from "../model/profile-set.js";
import { DETAIL_LINES, GroupProcess, commandProblem, describeExit } from "./process.js";

/**
 * The load of a window or a warm-up: the built-in generator (autocannon used
 * as a library, in this process; latencies are collected from its
 * 'response' events so p95 is exact, autocannon's own histogram summary has
 * no p95) or the user's load command in its own process group.
 */

export interface LoadFigures {
  /** Wall-clock seconds the load ran. */
  seconds: number;
  /** Responses received while the load ran; null when the load is a command. */
  requests: number | null;
  /** Connection errors and timeouts. */
  errors: number;
  /** Requests that got no answer within autocannon's timeout (part of `errors`). */
  timeouts: number;
  non2xx: number;
  /** Responses per second; null with a load command. */
  throughput: number | null;
  latency: LatencyMs | null;
}

export interface RunningLoad {
  done: Promise<LoadFigures>;
  /** Ends the load early (the service died, or we are shutting down). */
  stop(): void;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Starts the load: `seconds` of it, or `amount` requests when given (then
 * the duration is not limited by us).
 */
export function startBuiltinLoad(
  load: BuiltinLoad,
  limit: { seconds: number } | { amount: number },
): RunningLoad {
  const latencies: number[] = [];
  const started = performance.now();
  let instance: autocannon.Instance | undefined;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<LoadFigures>((resolve, reject) => {
    instance = autocannon(
      {
        url: load.url,
        method: load.method as autocannon.Request["method"],
        headers: load.headers,
        ...(load.body === undefined ? {} : { body: load.body }),
        connections: load.connections,
        // Our timer ends a timed load. autocannon acts on a stop (its own duration's
        // too) at its next sampling tick, 1 s by default, which now and then ran a 4 s
        // window for 5 s; at 50 ms ticks a window ends within 50 ms of its time. Its
        // duration stays as a backstop.
        sampleInt: 50,
        ...("amount" in limit ? { amount: limit.amount } : { duration: limit.seconds + 1 }),
      },
      (err, result) => {
        if (timer) clearTimeout(timer);
        if (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        const seconds = (performance.now() - started) / 1000;
        latencies.sort((a, b) => a - b);
        const requests = latencies.length;
        resolve({
          seconds,
          requests,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          throughput: seconds > 0 ? requests / seconds : 0,
          latency:
            requests === 0
              ? null
              : {
                  p50: round3(percentile(latencies, 50)),
                  p95: round3(percentile(latencies, 95)),
                  p99: round3(percentile(latencies, 99)),
                },
        });
      },
    );
    // responseTime is in ms (autocannon measures with process.hrtime).
    instance.on("response", (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
    if ("seconds" in limit) timer = setTimeout(() => instance?.stop(), limit.seconds * 1000);
  });
  return {
    done,
    stop() {
      if (timer) clearTimeout(timer);
      instance?.stop();
    },
  };
}

/**
 * The load command, in its own group, with the service's env (never the
 * profiler's). With `seconds` it is stopped after that long (not an error);
 * `fill`: a command that ends sooner is waited out, so the load lasts
 * exactly `seconds` (a window whose length the profiler was told).
 */
function startCommandLoad(
  service: ServiceConfig,
  command: string,
  cwd: string,
  seconds: number | undefined,
  fill = false,
): RunningLoad & { proc: GroupProcess } {
  const started = performance.now();
  const proc = new GroupProcess(command, { cwd, env: { ...process.env, ...service.env } });
  let stoppedByUs = false;
  let wake: (() => void) | undefined;
  const timer =
    seconds === undefined
      ? undefined
      : setTimeout(() => {
          stoppedByUs = true;
          void proc.stop();
        }, seconds * 1000);
  const done = proc.exited.then(async (exit): Promise<LoadFigures> => {
    if (timer) clearTimeout(timer);
    await proc.stop();
    if (exit.code !== 0 && !stoppedByUs) {
      const problem = commandProblem(exit);
      throw new FlamegateError(
        `service '${service.name}': load command failed (${problem ? `${problem}, ` : ""}${describeExit(exit)}): ${command}`,
        { details: proc.tail(DETAIL_LINES) },
      );
    }
    const rest = fill && seconds !== undefined ? seconds * 1000 - (performance.now() - started) : 0;
    if (rest > 0 && !stoppedByUs)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, rest);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    return {
      seconds: (performance.now() - started) / 1000,
      requests: null,
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      throughput: null,
      latency: null,
    };
  });
  return {
    proc,
    done,
    stop() {
      stoppedByUs = true;
      wake?.();
      void proc.stop();
    },
  };
}

/**
 * Starts the configured load; `warmup` bounds it to `seconds` whatever the
 * config says; `capSeconds` shortens a built-in load's duration (not a
 * request count or a load command).
 */
export function startLoad(
  service: ServiceConfig,
  cwd: string,
  warmupSeconds: number | undefined,
  capSeconds?: number,
): RunningLoad {
  const load = service.load;
  if (load.type === "command")
    return warmupSeconds === undefined
      ? startCommandLoad(service, load.command, cwd, load.durationSeconds, true)
      : startCommandLoad(service, load.command, cwd, warmupSeconds);
  if (warmupSeconds !== undefined) return startBuiltinLoad(load, { seconds: warmupSeconds });
  if (load.requests !== undefined) return startBuiltinLoad(load, { amount: load.requests });
  return startBuiltinLoad(load, {
    seconds: Math.min(load.durationSeconds, capSeconds ?? Infinity),
  });
}

/** "0.5 %", "12 %": a share of responses as people read it. */
function percent(share: number): string {
  const p = share * 100;
  return `${p < 10 ? Number(p.toFixed(1)) : Math.round(p)} %`;
}

/**
 * The error a window's load gets when more than load.max-error-rate of its
 * requests answered non-2xx or got no answer in time: a profile of error
 * paths says nothing about the service's work. Other connection errors are
 * not counted: a server that closes the connection after each response
 * (gunicorn's sync workers) makes autocannon's next request on it fail
 * before it goes out on a new connection, which is no failure of the
 * service's. Undefined within the limit, and for a load command (it reports
 * no responses). `where`: which window, e.g. "round 2 (cpu window)".
 */
export function errorRateProblem(
  service: ServiceConfig,
  figures: LoadFigures,
  where: string,
): FlamegateError | undefined {
  const load = service.load;
  if (load.type !== "builtin" || figures.requests === null) return undefined;
  const failed = figures.non2xx + figures.timeouts;
  // A request that timed out got no response: it counts as sent.
  const sent = figures.requests + figures.timeouts;
  if (failed === 0 || failed <= load.maxErrorRate * sent) return undefined;
  const what = [
    figures.non2xx > 0 ? `${figures.non2xx} non-2xx` : "",
    figures.timeouts > 0 ? `${figures.timeouts} timed out` : "",
  ]
    .filter((s) => s !== "")
    .join(", ");
  return new FlamegateError(
    `service '${service.name}': ${failed} of ${sent} requests in ${where} failed (${what}; ${percent(failed / sent)}, above load.max-error-rate ${percent(load.maxErrorRate)}) at ${load.method} ${load.url}; make the load's URL, method, headers and body answer 2xx (check the service's log), or raise load.max-error-rate`,
  );
}

/** A window's load figures as the profile set records them. */
export function windowRecord(
  figures: LoadFigures,
  cpuSeconds: number | undefined,
  loadStarted: Date,
): WindowRecord {
  return {
    loadStarted: loadStarted.toISOString(),
    windowSeconds: round3(figures.seconds),
    requests: figures.requests,
    errors: figures.errors,
    non2xx: figures.non2xx,
    throughput: figures.throughput === null ? null : round3(figures.throughput),
    latency: figures.latency,
    ...(cpuSeconds === undefined ? {} : { cpuSeconds: round3(cpuSeconds) }),
  };
}

/** The progress line of a window's load: requests, rate, p99 latency, failures. */
export function describeFigures(
  kinds: readonly Kind[],
  figures: LoadFigures,
  seconds: number,
  windows: number,
): string {
  const which = windows > 1 ? `${kinds.join(", ")} window: ` : "";
  const load =
    figures.requests === null
      ? `${seconds} s of load command`
      : `${figures.requests} requests in ${seconds} s (${Math.round(figures.throughput ?? 0)} req/s, p99 ${figures.latency?.p99 ?? "-"} ms)`;
  const errors =
    figures.errors + figures.non2xx > 0
      ? `, ${figures.errors} errors, ${figures.non2xx} non-2xx`
      : "";
  return `${which}${load}${errors}`;
}
