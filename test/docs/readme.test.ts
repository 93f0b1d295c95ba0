import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { DRIVERS } from "../../src/capture/index.js";
import { type Config, RUNTIMES, parseConfig } from "../../src/config.js";
import { packageRoot } from "../../src/paths.js";

/**
 * The README's `flamegate.yml` examples, read by the real config parser: a
 * reader who copies one gets a config flamegate accepts, and each runtime's
 * example asks only for what that runtime's capture driver can do.
 */

const README = join(packageRoot(), "README.md");

/** Every fenced ```yaml block of the README that is a flamegate config (has `services:`). */
function configBlocks(): string[] {
  const text = readFileSync(README, "utf8");
  const blocks = [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.filter((b) => /^services:/m.test(b));
}

function parse(block: string, i: number): Config {
  return parseConfig(parseYaml(block), `README.md, config example ${i + 1}`, "/repo");
}

describe("README config examples", () => {
  const blocks = configBlocks();

  it("has one example per runtime", () => {
    const runtimes = blocks.flatMap((b, i) => parse(b, i).services.map((s) => s.runtime));
    expect([...runtimes].sort()).toEqual([...RUNTIMES].sort());
  });

  blocks.forEach((block, i) => {
    it(`example ${i + 1} parses and its runtime's driver supports it`, () => {
      const config = parse(block, i);
      expect(config.services.length).toBeGreaterThan(0);
      for (const service of config.services) {
        const driver = DRIVERS[service.runtime];
        expect(driver, service.runtime).toBeDefined();
        for (const kind of service.profiles) expect(driver!.supports).toContain(kind);
        // A Go service is read through its net/http/pprof: the driver refuses one without it.
        if (service.runtime === "go") expect(service.pprof).toMatch(/^http:\/\/127\.0\.0\.1:/);
        expect(service.ready).toMatch(/^(https?|tcp):\/\/127\.0\.0\.1:\d+/);
      }
    });
  });

  it("rejects a broken copy the way a user would see it", () => {
    const broken = blocks[0]!.replace(/runtime: \w+/, "runtime: ruby");
    expect(() => parse(broken, 0)).toThrow(/services\.\w+\.runtime/);
  });
});
