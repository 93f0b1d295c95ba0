#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  FlamegateError,
  errorMessage
} from "./chunk-QMCRCNTE.js";

// src/cli.ts
var COMMANDS = {
  run: async () => (await import("./chunk-WVDQG6GD.js")).runCommand,
  compare: async () => (await import("./chunk-ZBSPHRSJ.js")).compareCommand,
  ab: async () => (await import("./chunk-H7CELF6J.js")).abCommand,
  demo: async () => (await import("./chunk-URQBP7P3.js")).demoCommand
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
      process.stderr.write(
        `flamegate ${name}: internal error: ${errorMessage(err)} (please report it; --verbose shows the stack)
`
      );
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
