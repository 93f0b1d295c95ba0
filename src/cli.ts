import { FlamegateError, errorMessage } from "./errors.js";

/**
 * flamegate run | compare | ab | demo. Exit codes (DESIGN.md): 0 no regression
 * over the threshold, 1 the gate fails, 2 usage/input/environment error with
 * one line on stderr and no stack trace unless --verbose.
 */

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import("./cli/run.js")).runCommand,
  compare: async () => (await import("./cli/compare.js")).compareCommand,
  ab: async () => (await import("./cli/ab.js")).abCommand,
  demo: async () => (await import("./cli/demo.js")).demoCommand,
};

const USAGE = `usage:
  flamegate run     --config FILE [--service NAME] --out DIR [--ref LABEL]
  flamegate compare --base PATH --head PATH [--config FILE] [--json FILE] [--markdown FILE] [--html FILE] [--svg FILE]
  flamegate ab      --base-dir DIR --head-dir DIR --config FILE --out DIR [--json FILE] [--markdown FILE] [--html FILE]
  flamegate demo    [--out DIR]
exit codes: 0 no regression, 1 regression (gate fails), 2 usage, input or environment error`;

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes("--verbose");
  const args = argv.filter((a) => a !== "--verbose");
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`flamegate: unknown command '${name}'\n${USAGE}\n`);
    return 2;
  }
  try {
    return await (
      await load()
    )(rest);
  } catch (err) {
    if (err instanceof FlamegateError) {
      process.stderr.write(`flamegate ${name}: ${err.message}\n`);
      for (const line of err.details) process.stderr.write(`  ${line}\n`);
    } else if (
      err instanceof TypeError &&
      (err as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      process.stderr.write(`flamegate ${name}: ${err.message}\n${USAGE}\n`);
    } else {
      process.stderr.write(
        `flamegate ${name}: internal error: ${errorMessage(err)} (please report it; --verbose shows the stack)\n`,
      );
    }
    if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return 2;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && /(?:^|[\\/])(?:cli\.(?:js|ts)|flamegate)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`flamegate: internal error: ${errorMessage(err)}\n`);
      process.exitCode = 2;
    },
  );
}
