import { describe, expect, it } from "vitest";
import type { ServiceConfig } from "../../src/config.js";
import { loadFixtureConfig } from "../../src/session/fixtures.js";
import { type LoadFigures, errorRateProblem } from "../../src/session/load.js";

/** The share of failed requests past which a window fails (load.max-error-rate). */

function figures(requests: number, non2xx: number, timeouts = 0, resets = 0): LoadFigures {
  const errors = timeouts + resets;
  return { seconds: 5, requests, errors, timeouts, non2xx, throughput: 1, latency: null };
}

async function service(maxErrorRate: number): Promise<ServiceConfig> {
  const s = (await loadFixtureConfig("node")).services[0]!;
  if (s.load.type !== "builtin") throw new Error("the Node fixture has a built-in load");
  return { ...s, name: "orders", load: { ...s.load, maxErrorRate } };
}

describe("load.max-error-rate", () => {
  it("lets a window through up to the limit, and fails it past it in one line", async () => {
    const svc = await service(0.01);
    expect(errorRateProblem(svc, figures(1000, 0), "round 1")).toBeUndefined();
    expect(errorRateProblem(svc, figures(1000, 10), "round 1")).toBeUndefined();
    const url = svc.load.type === "builtin" ? svc.load.url : "";
    expect(errorRateProblem(svc, figures(1000, 11), "round 2 (cpu window)")?.message).toBe(
      `service 'orders': 11 of 1000 requests in round 2 (cpu window) failed (11 non-2xx; 1.1 %, above load.max-error-rate 1 %) at GET ${url}; make the load's URL, method, headers and body answer 2xx (check the service's log), or raise load.max-error-rate`,
    );
  });

  it("counts timed-out requests as failed, not the resets of a server that closes each connection", async () => {
    const svc = await service(0.05);
    // 90 responses, 10 of them non-2xx, and 10 requests with no answer in time: 20 of 100.
    expect(errorRateProblem(svc, figures(90, 10, 10, 500), "round 1")?.message).toMatch(
      /: 20 of 100 requests in round 1 failed \(10 non-2xx, 10 timed out; 20 %, above load.max-error-rate 5 %\)/,
    );
    // gunicorn's sync workers: every response closes its connection, and many next requests reset.
    expect(errorRateProblem(svc, figures(1000, 0, 0, 300), "round 1")).toBeUndefined();
  });

  it("says nothing about a load command, which reports no responses", async () => {
    const svc = await service(0.01);
    const command: ServiceConfig = { ...svc, load: { type: "command", command: "true" } };
    expect(
      errorRateProblem(command, { ...figures(0, 0), requests: null }, "round 1"),
    ).toBeUndefined();
  });
});
