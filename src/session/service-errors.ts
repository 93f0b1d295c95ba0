import type { ServiceConfig } from "../config.js";
import { FlamegateError } from "../errors.js";
import {
  DETAIL_LINES,
  type ExitInfo,
  type GroupProcess,
  commandProblem,
  describeExit,
} from "./process.js";
import { hostPort } from "./ready.js";

/**
 * What a round says when its service fails: a taken port, a start command
 * that is not there, a service that exited, each with the tail of its output.
 */

/** One line for a port something else listens on. */
export function portInUseMessage(service: ServiceConfig, port: number | string): string {
  return `service '${service.name}': port ${port} already in use; stop whatever listens there or give the service another port (ready: ${service.ready})`;
}

/** The error for a service that exited on its own, with the tail of its output. */
export function exitedError(
  service: ServiceConfig,
  proc: GroupProcess,
  when: string,
): FlamegateError {
  const exit: ExitInfo = proc.exit ?? { code: null, signal: null };
  const details = proc.tail(DETAIL_LINES);
  const output = proc.output();
  if (/EADDRINUSE|address already in use/i.test(output)) {
    // Node: "listen EADDRINUSE: address already in use 127.0.0.1:18080"; Go: "listen tcp
    // 127.0.0.1:8080: bind: address already in use"; Python names no port.
    const line = output.split("\n").find((l) => /EADDRINUSE|address already in use/i.test(l));
    const port = /(?::|port )(\d{2,5})\b/.exec(line ?? "")?.[1];
    return new FlamegateError(portInUseMessage(service, port ?? hostPort(service.ready).port), {
      details,
    });
  }
  const problem = commandProblem(exit);
  if (problem && when === "before it was ready")
    return new FlamegateError(
      `service '${service.name}': start ${problem} (${describeExit(exit)}): ${service.start}`,
      { details },
    );
  return new FlamegateError(
    `service '${service.name}' exited ${when} (${describeExit(exit)}); its last output is below`,
    { details },
  );
}

/** Runs `running` to its end, unless the service exits first: then stops it and throws. */
export async function watched<T>(
  service: ServiceConfig,
  proc: GroupProcess,
  when: string,
  work: Promise<T>,
  stopWork: () => void,
): Promise<T> {
  const died = proc.exited.then(() => ({ died: true as const }));
  const first = await Promise.race([work.then((value) => ({ value })), died]);
  if ("died" in first) {
    stopWork();
    await work.catch(() => undefined);
    throw exitedError(service, proc, when);
  }
  return first.value;
}
