import type { ServiceConfig } from "../config.js";
import {
  type PendingRound,
  type RoundOptions,
  type RoundResult,
  startRound,
  startTogether,
} from "./round.js";

/**
 * Rounds run one after another, each round's conversions (perf script,
 * memray's export: 1.5–5 s of CPU a round) overlapping the next round's boot
 * and warm-up. A capture window opens only once the previous round's
 * conversions have finished, so they never take CPU from a measurement.
 */
export class RoundPipeline {
  private previous: Promise<unknown> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  /**
   * Runs a round up to its service's stop; its result (`PendingRound.result`)
   * comes once its conversions have run. Throws instead when an earlier
   * round's conversions failed: no more rounds after a failure.
   */
  async run(service: ServiceConfig, opts: RoundOptions): Promise<PendingRound> {
    return (await this.runTogether([{ service, opts }]))[0]!;
  }

  /** Rounds at the same time, their windows opened together (startTogether); one alone is a plain round. */
  async runTogether(
    group: ReadonlyArray<{ service: ServiceConfig; opts: RoundOptions }>,
  ): Promise<PendingRound[]> {
    if (this.failure) throw this.failure.error;
    const after = group.map(({ service, opts }) => ({
      service,
      opts: { ...opts, windowAfter: this.previous },
    }));
    const pending =
      after.length === 1
        ? [await startRound(after[0]!.service, after[0]!.opts)]
        : await startTogether(after);
    // Settles either way, and marks a failure as handled until the caller awaits it.
    this.previous = Promise.all(pending.map((p) => p.result)).then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    return pending;
  }
}

/** The rounds that finished before the first that failed, in order: what a run keeps of its work. */
export async function finishedRounds(rounds: Promise<RoundResult>[]): Promise<RoundResult[]> {
  const settled = await Promise.allSettled(rounds);
  const failed = settled.findIndex((s) => s.status === "rejected");
  return settled
    .slice(0, failed === -1 ? settled.length : failed)
    .map((s) => (s as PromiseFulfilledResult<RoundResult>).value);
}

/** One round of a schedule: whose round it is (a side, an arm) and how to run it. */
export interface ScheduledRound<K> {
  key: K;
  service: ServiceConfig;
  options: RoundOptions;
}

/**
 * Runs a schedule of rounds in order through one RoundPipeline and returns
 * each key's results in order. An array in the schedule is rounds run at the
 * same time, their windows together (`ab`'s simultaneous pairs). When a round fails, no more rounds start;
 * `keep` gets each key's rounds that finished before its first failure
 * (they cost minutes: callers write them to disk), then the error is rethrown.
 */
export async function runRounds<K>(
  schedule: Iterable<ScheduledRound<K> | ScheduledRound<K>[]>,
  keep?: (finished: Map<K, RoundResult[]>) => void,
): Promise<Map<K, RoundResult[]>> {
  const pipeline = new RoundPipeline();
  const pending = new Map<K, Promise<RoundResult>[]>();
  try {
    for (const step of schedule) {
      const group = Array.isArray(step) ? step : [step];
      const started = await pipeline.runTogether(
        group.map(({ service, options }) => ({ service, opts: options })),
      );
      group.forEach(({ key }, i) =>
        pending.set(key, [...(pending.get(key) ?? []), started[i]!.result]),
      );
    }
    const results = new Map<K, RoundResult[]>();
    for (const [key, rounds] of pending) results.set(key, await Promise.all(rounds));
    return results;
  } catch (err) {
    if (keep) {
      const finished = new Map<K, RoundResult[]>();
      for (const [key, rounds] of pending) finished.set(key, await finishedRounds(rounds));
      keep(finished);
    }
    throw err;
  }
}
