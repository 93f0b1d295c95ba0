import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_CONFIG_BYTES, MAX_SERVICES, loadConfig, parseConfig } from "../../src/config.js";

const service = {
  runtime: "node",
  start: "node app.js",
  ready: "http://127.0.0.1:1/",
  load: { url: "http://127.0.0.1:1/" },
};
const parse = (services: Record<string, unknown>) =>
  parseConfig({ version: 1, services }, "flamegate.yml", "/repo");
const tmp = mkdtempSync(join(tmpdir(), "flamegate-config-"));
const file = (name: string, text: string) => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};

describe("service names", () => {
  it.each(["api", "orders-v2", "web.1", "A_b", "x".repeat(64)])("takes %j", (name) => {
    expect(parse({ [name]: service }).services[0]!.name).toBe(name);
  });
  it.each([
    ["../../../../ESCAPED", "'../../../../ESCAPED'"],
    ["a/b", "'a/b'"],
    ["two\nlines", "'two\\nlines'"],
    ["<!-- flamegate:s -->", "'<!-- flamegate:s -->'"],
    [".hidden", "'.hidden'"],
    ["-flag", "'-flag'"],
    ["with space", "'with space'"],
    ["x".repeat(65), `'${"x".repeat(65)}'`],
  ])("refuses %j in one line naming the pattern", (name, shown) => {
    const message = (() => {
      try {
        parse({ [name]: service });
      } catch (err) {
        return (err as Error).message;
      }
      return "accepted";
    })();
    expect(message).toBe(
      `flamegate.yml: 'services' must be named [A-Za-z0-9][A-Za-z0-9._-]{0,63} (a letter or digit, then at most 63 letters, digits, '.', '_' or '-'), but got ${shown}`,
    );
    expect(message).not.toContain("\n");
  });
});

describe("number of services", () => {
  it(`takes ${MAX_SERVICES}`, () => {
    const many = Object.fromEntries(
      Array.from({ length: MAX_SERVICES }, (_, i) => [`s${i}`, service]),
    );
    expect(parse(many).services).toHaveLength(MAX_SERVICES);
  });
  it(`refuses ${MAX_SERVICES + 1} before reading any of them`, () => {
    const many = Object.fromEntries(
      Array.from({ length: MAX_SERVICES + 1 }, (_, i) => [`s${i}`, i === 0 ? 5 : service]),
    );
    expect(() => parse(many)).toThrow(
      `flamegate.yml: 'services' must be at most ${MAX_SERVICES} services (each is measured for minutes per side), but got ${MAX_SERVICES + 1} services`,
    );
  });
});

describe("the config file", () => {
  it("refuses a file over the size cap before parsing it, in one line", () => {
    const path = file("big.yml", `# ${"x".repeat(MAX_CONFIG_BYTES)}\nversion: 1\n`);
    expect(() => loadConfig(path)).toThrow(
      `config ${path}: ${MAX_CONFIG_BYTES + 14} bytes is more than a flamegate.yml may have (256 KiB)`,
    );
  });
  it("folds YAML warnings (a !!js/function tag) into the one error line", () => {
    const path = file(
      "tag.yml",
      'services:\n  api:\n    runtime: node\n    start: !!js/function "function () {}"\n    foo: !custom 1\n',
    );
    expect(() => loadConfig(path)).toThrow(
      `config ${path}: YAML that flamegate does not read (Unresolved tag: tag:yaml.org,2002:js/function at line 4, column 12; Unresolved tag: !custom at line 5, column 10); write plain YAML values without custom tags`,
    );
  });
  it("says where a YAML syntax error is, in one line", () => {
    const path = file("broken.yml", "services: [a\n");
    expect(() => loadConfig(path)).toThrow(
      new RegExp(`^config ${path}: not valid YAML \\([^\\n]*\\)$`),
    );
  });
});

describe("a key given twice", () => {
  it("is refused in one line naming it and its line", () => {
    const path = file("twice.yml", "services:\n  api: {}\n  web: {}\n  api: {}\n");
    expect(() => loadConfig(path)).toThrow(
      `config ${path}: not valid YAML (the key 'api' at line 4 is given twice in one mapping; keep one)`,
    );
  });
});

describe("the CPU profiler and the CPU total", () => {
  const sampling = (runtime: string, s: Record<string, unknown>) =>
    parse({ svc: { ...service, runtime, sampling: s } }).services[0]!.sampling;
  const refusal = (runtime: string, s: Record<string, unknown>) => {
    try {
      sampling(runtime, s);
    } catch (err) {
      return (err as Error).message;
    }
    return "accepted";
  };

  it("fills auto for both, for every runtime", () => {
    expect(sampling("node", {})).toMatchObject({ cpuProfiler: "auto", cpuTotal: "auto" });
    expect(sampling("go", { "cpu-profiler": "perf" }).cpuProfiler).toBe("perf");
    expect(sampling("node", { "cpu-profiler": "runtime", "cpu-total": "profiler" })).toMatchObject({
      cpuProfiler: "runtime",
      cpuTotal: "profiler",
    });
    expect(sampling("python", {}).cpuProfiler).toBe("auto");
    expect(sampling("python", { "cpu-profiler": "perf" }).cpuProfiler).toBe("perf");
  });

  it("samples at 1000 Hz under perf in every runtime and at py-spy's 200 Hz under py-spy, unless cpu-hz says", () => {
    expect(sampling("python", {})).toMatchObject({ cpuHz: 200, perfHz: 1000 });
    expect(sampling("go", {})).toMatchObject({ perfHz: 1000 });
    expect(sampling("python", { "cpu-hz": 500 })).toMatchObject({ cpuHz: 500, perfHz: 500 });
  });

  it("refuses an unknown value in one line", () => {
    expect(refusal("go", { "cpu-profiler": "native" })).toMatch(
      /^flamegate\.yml: 'services\.svc\.sampling\.cpu-profiler' must be auto, perf or runtime, but got 'native'$/,
    );
    expect(refusal("node", { "cpu-total": "wall" })).toMatch(
      /cpu-total' must be auto, os or profiler/,
    );
  });

  it("turns Node's inlining off unless node-inlining is on, and refuses other values", () => {
    expect(sampling("node", {}).nodeInlining).toBe("off");
    expect(sampling("node", { "node-inlining": "on" }).nodeInlining).toBe("on");
    expect(refusal("node", { "node-inlining": true })).toMatch(
      /^flamegate\.yml: 'services\.svc\.sampling\.node-inlining' must be on or off, but got /,
    );
  });

  it("has py-spy sample every active thread unless python-threads is gil, and refuses other values", () => {
    expect(sampling("python", {}).pythonThreads).toBe("active");
    expect(sampling("python", { "python-threads": "gil" }).pythonThreads).toBe("gil");
    expect(refusal("python", { "python-threads": "all" })).toMatch(
      /^flamegate\.yml: 'services\.svc\.sampling\.python-threads' must be active or gil, but got 'all'$/,
    );
  });
});

describe("pairing", () => {
  const pairing = (v: unknown) => {
    try {
      return parse({ svc: { ...service, ...(v === undefined ? {} : { pairing: v }) } }).services[0]!
        .pairing;
    } catch (err) {
      return (err as Error).message;
    }
  };

  it("runs ab's sides at the same time unless pairing is sequential, and refuses other values", () => {
    expect(pairing(undefined)).toBe("simultaneous");
    expect(pairing("sequential")).toBe("sequential");
    expect(pairing("parallel")).toMatch(
      /^flamegate\.yml: 'services\.svc\.pairing' must be simultaneous or sequential, but got 'parallel'$/,
    );
  });
});
