import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";

const loadOf = (load: object) =>
  parseConfig(
    {
      version: 1,
      services: {
        api: { runtime: "node", start: "node app.js", ready: "http://127.0.0.1:1/", load },
      },
    },
    "flamegate.yml",
    "/repo",
  ).services[0]!.load;

describe("load.max-error-rate", () => {
  it("defaults to 1 % on a builtin load", () => {
    expect(loadOf({ url: "http://127.0.0.1:1/" })).toMatchObject({ maxErrorRate: 0.01 });
  });
  it("reads a percentage or a fraction", () => {
    expect(loadOf({ url: "http://127.0.0.1:1/", "max-error-rate": "5%" })).toMatchObject({
      maxErrorRate: 0.05,
    });
    expect(loadOf({ url: "http://127.0.0.1:1/", "max-error-rate": 0 })).toMatchObject({
      maxErrorRate: 0,
    });
  });
  it("refuses more than 100 %, naming the key and quoting the value", () => {
    expect(() => loadOf({ url: "http://127.0.0.1:1/", "max-error-rate": "150%" })).toThrow(
      "flamegate.yml: 'services.api.load.max-error-rate' must be a percentage from 0% to 100%, such as 1%, but got '150%'",
    );
  });
  it("is not a key of a load command (flamegate cannot see its responses)", () => {
    expect(() => loadOf({ command: "k6 run x.js", "max-error-rate": "5%" })).toThrow(
      "unknown key 'services.api.load.max-error-rate'",
    );
  });
});
