import autocannon from "autocannon";
import type { BuiltinLoad } from "../config.js";
import type { LatencyMs } from "../model/profile-set.js";

/**
 * The built-in load generator: autocannon used as a library, in this
 * process. Latencies are collected from its 'response' events so p95 is
 * exact (autocannon's own histogram summary has no p95).
 */

export interface LoadFigures {
  /** Wall-clock seconds the load ran. */
  seconds: number;
  /** Responses received while the load ran; null when the load is a command. */
  requests: number | null;
  /** Connection errors and timeouts. */
  errors: number;
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
  const done = new Promise<LoadFigures>((resolve, reject) => {
    instance = autocannon(
      {
        url: load.url,
        method: load.method as autocannon.Request["method"],
        headers: load.headers,
        ...(load.body === undefined ? {} : { body: load.body }),
        connections: load.connections,
        ...("amount" in limit ? { amount: limit.amount } : { duration: limit.seconds }),
      },
      (err, result) => {
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
  });
  return {
    done,
    stop() {
      instance?.stop();
    },
  };
}
