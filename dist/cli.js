#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res) => function __init() {
  return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// src/errors.ts
function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}
var FlamegateError;
var init_errors = __esm({
  "src/errors.ts"() {
    "use strict";
    FlamegateError = class extends Error {
      /** Extra lines shown under the message, e.g. the tail of a service's output. */
      details;
      constructor(message, options = {}) {
        super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
        this.name = "FlamegateError";
        this.details = options.details ?? [];
      }
    };
  }
});

// src/cli/run.ts
var run_exports = {};
__export(run_exports, {
  runCommand: () => runCommand
});
async function runCommand(_argv) {
  await Promise.resolve();
  throw new FlamegateError("'run' is not implemented yet");
}
var init_run = __esm({
  "src/cli/run.ts"() {
    "use strict";
    init_errors();
  }
});

// src/cli/compare.ts
var compare_exports = {};
__export(compare_exports, {
  compareCommand: () => compareCommand
});
async function compareCommand(_argv) {
  await Promise.resolve();
  throw new FlamegateError("'compare' is not implemented yet");
}
var init_compare = __esm({
  "src/cli/compare.ts"() {
    "use strict";
    init_errors();
  }
});

// src/cli/ab.ts
var ab_exports = {};
__export(ab_exports, {
  abCommand: () => abCommand
});
async function abCommand(_argv) {
  await Promise.resolve();
  throw new FlamegateError("'ab' is not implemented yet");
}
var init_ab = __esm({
  "src/cli/ab.ts"() {
    "use strict";
    init_errors();
  }
});

// src/cli/demo.ts
var demo_exports = {};
__export(demo_exports, {
  demoCommand: () => demoCommand
});
async function demoCommand(_argv) {
  await Promise.resolve();
  throw new FlamegateError("'demo' is not implemented yet");
}
var init_demo = __esm({
  "src/cli/demo.ts"() {
    "use strict";
    init_errors();
  }
});

// src/cli.ts
init_errors();
var COMMANDS = {
  run: async () => (await Promise.resolve().then(() => (init_run(), run_exports))).runCommand,
  compare: async () => (await Promise.resolve().then(() => (init_compare(), compare_exports))).compareCommand,
  ab: async () => (await Promise.resolve().then(() => (init_ab(), ab_exports))).abCommand,
  demo: async () => (await Promise.resolve().then(() => (init_demo(), demo_exports))).demoCommand
};
var USAGE = `usage:
  flamegate run     --config FILE [--service NAME] --out DIR [--ref LABEL]
  flamegate compare --base PATH --head PATH [--config FILE] [--json FILE] [--markdown FILE] [--html FILE] [--svg FILE]
  flamegate ab      --base-dir DIR --head-dir DIR --config FILE --out DIR [--json FILE] [--markdown FILE] [--html FILE]
  flamegate demo    [--out DIR]
exit codes: 0 no regression, 1 regression (gate fails), 2 usage, input or environment error`;
async function main(argv) {
  const verbose = argv.includes("--verbose");
  const args = argv.filter((a) => a !== "--verbose");
  const [name, ...rest] = args;
  if (name === void 0 || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${USAGE}
`);
    return name === void 0 ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`flamegate: unknown command '${name}'
${USAGE}
`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (err) {
    if (err instanceof FlamegateError) {
      process.stderr.write(`flamegate ${name}: ${err.message}
`);
      for (const line of err.details) process.stderr.write(`  ${line}
`);
    } else if (err instanceof TypeError && err.code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`flamegate ${name}: ${err.message}
${USAGE}
`);
    } else {
      process.stderr.write(`flamegate ${name}: internal error: ${errorMessage(err)} (please report it; --verbose shows the stack)
`);
    }
    if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}
`);
    return 2;
  }
}
var invokedDirectly = process.argv[1] !== void 0 && /(?:^|[\\/])(?:cli\.(?:js|ts)|flamegate)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`flamegate: internal error: ${errorMessage(err)}
`);
      process.exitCode = 2;
    }
  );
}
export {
  main
};
