import type { ServiceConfig } from "../config.js";
import { freePort } from "./ready.js";

/**
 * The service moved to ports of its own, so a second copy can run beside the
 * first (`ab` with pairing: simultaneous). The ports are those the config's
 * URLs name (ready, pprof, load.url); each is replaced, as a whole number,
 * wherever the config can pass it to the service or the load: env values,
 * start, ready, pprof, the load's url, headers and command. A service that
 * takes its port from anywhere else cannot run twice at once: pairing:
 * sequential is for it.
 */
export async function withOwnPorts(
  service: ServiceConfig,
): Promise<{ service: ServiceConfig; moved: Map<number, number> }> {
  const moved = new Map<number, number>();
  for (const port of configPorts(service)) if (!moved.has(port)) moved.set(port, await freePort());
  const swap = (text: string) => {
    let out = text;
    for (const [from, to] of moved)
      out = out.replace(new RegExp(`(?<!\\d)${from}(?!\\d)`, "g"), String(to));
    return out;
  };
  const swapAll = (m: Record<string, string>) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k, swap(v)]));
  const load = service.load;
  return {
    moved,
    service: {
      ...service,
      env: swapAll(service.env),
      start: swap(service.start),
      ready: swap(service.ready),
      ...(service.pprof === undefined ? {} : { pprof: swap(service.pprof) }),
      load:
        load.type === "builtin"
          ? { ...load, url: swap(load.url), headers: swapAll(load.headers) }
          : { ...load, command: swap(load.command) },
    },
  };
}

/** The explicit ports of the config's URLs, in order. */
function configPorts(service: ServiceConfig): number[] {
  const urls = [
    service.ready,
    service.pprof,
    service.load.type === "builtin" ? service.load.url : undefined,
  ];
  return urls.flatMap((u) => {
    if (u === undefined) return [];
    const port = new URL(u).port;
    return port === "" ? [] : [Number(port)];
  });
}
