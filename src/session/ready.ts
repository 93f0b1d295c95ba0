import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect, createServer } from "node:net";
import { sleep } from "./process.js";

/**
 * Readiness: an http(s) URL answers 2xx, or a tcp://host:port accepts a
 * connection. Each probe is bounded by PROBE_TIMEOUT_MS; probes repeat every
 * PROBE_INTERVAL_MS until the service is ready, exits, or the timeout passes.
 */

const PROBE_TIMEOUT_MS = 1_000;
const PROBE_INTERVAL_MS = 100;

export function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  const port = u.port
    ? Number(u.port)
    : u.protocol === "https:"
      ? 443
      : u.protocol === "http:"
        ? 80
        : NaN;
  return { host: u.hostname.replace(/^\[|\]$/g, ""), port };
}

/** True when something accepts TCP connections on host:port. */
export function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

function httpOk(url: string): Promise<boolean> {
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    // agent: false, so no keep-alive socket to the service outlives the probe.
    const req = request(url, { method: "GET", agent: false, timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

export function probe(url: string): Promise<boolean> {
  if (url.startsWith("tcp:")) {
    const { host, port } = hostPort(url);
    return tcpOpen(host, port);
  }
  return httpOk(url);
}

export type ReadyOutcome = "ready" | "exited" | "timeout";

/** Polls `url` until ready; stops early when `exited()` says the service is gone. */
export async function waitReady(
  url: string,
  timeoutSeconds: number,
  exited: () => boolean,
): Promise<ReadyOutcome> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    if (exited()) return "exited";
    if (await probe(url)) return exited() ? "exited" : "ready";
    if (Date.now() >= deadline) return "timeout";
    await sleep(PROBE_INTERVAL_MS);
  }
}

/**
 * A TCP port that was free on 127.0.0.1 a moment ago, for a service to listen
 * on. Drawn below the kernel's ephemeral range, where client sockets (the
 * load's connections, readiness probes) take their local ports: a port from
 * that range can be taken by one of them, or answer a probe by connecting to
 * itself, before the service binds it. The OS picks one when none is free there.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  const from = Math.min(10_000, low - 1_000);
  for (let tries = 0; tries < 20; tries++) {
    const port = from + randomInt(low - from);
    if (await bindable(port)) return port;
  }
  return listenOn(0);
}

/** The first port of the kernel's ephemeral range (Linux's default where it cannot be read). */
function ephemeralLow(): number {
  try {
    const low = Number(
      readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").split(/\s/)[0],
    );
    if (Number.isInteger(low) && low > 2_000) return low;
  } catch {
    // Not Linux, or no /proc: the default below.
  }
  return 32_768;
}

async function bindable(port: number): Promise<boolean> {
  return listenOn(port).then(
    () => true,
    () => false,
  );
}

/** Listens on 127.0.0.1:port a moment and returns the port it got. */
function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const got = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(got));
    });
  });
}
