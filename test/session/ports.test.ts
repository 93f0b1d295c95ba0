import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { withOwnPorts } from "../../src/session/ports.js";

/** ab's simultaneous pairs run the head on ports of its own: what moves, and what stays. */

const parsed = (service: Record<string, unknown>) =>
  parseConfig({ version: 1, services: { api: service } }, "/repo/flamegate.yml", "/repo")
    .services[0]!;

describe("withOwnPorts", () => {
  it("moves every port the URLs name wherever the config passes it on, and nothing else", async () => {
    const service = parsed({
      runtime: "go",
      start: "./bin/api --listen :8080 --workers 80808",
      env: { PORT: "8080", PPROF: "127.0.0.1:6060", REGION: "eu-18080", RETRIES: "3" },
      ready: "http://127.0.0.1:8080/healthz",
      pprof: "http://127.0.0.1:6060",
      load: { url: "http://127.0.0.1:8080/work?n=8080", headers: { Host: "api:8080" } },
    });
    const { service: moved, moved: ports } = await withOwnPorts(service);
    expect([...ports.keys()]).toEqual([8080, 6060]);
    const api = ports.get(8080)!;
    const pprof = ports.get(6060)!;
    expect(new Set([api, pprof, 8080, 6060]).size).toBe(4);
    expect(moved.start).toBe(`./bin/api --listen :${api} --workers 80808`);
    expect(moved.env).toEqual({
      PORT: String(api),
      PPROF: `127.0.0.1:${pprof}`,
      REGION: "eu-18080",
      RETRIES: "3",
    });
    expect(moved.ready).toBe(`http://127.0.0.1:${api}/healthz`);
    expect(moved.pprof).toBe(`http://127.0.0.1:${pprof}`);
    expect(moved.load).toMatchObject({
      url: `http://127.0.0.1:${api}/work?n=${api}`,
      headers: { Host: `api:${api}` },
    });
    // The original is left as it was: the base runs on it.
    expect(service.env.PORT).toBe("8080");
  });

  it("moves the port of a tcp ready check in a load command too", async () => {
    const { service, moved } = await withOwnPorts(
      parsed({
        runtime: "python",
        start: "gunicorn -b 127.0.0.1:9000 app:app",
        ready: "tcp://127.0.0.1:9000",
        load: { command: "k6 run -e TARGET=http://127.0.0.1:9000 load.js" },
      }),
    );
    const to = moved.get(9000)!;
    expect(service.start).toBe(`gunicorn -b 127.0.0.1:${to} app:app`);
    expect(service.load).toMatchObject({
      command: `k6 run -e TARGET=http://127.0.0.1:${to} load.js`,
    });
  });
});
