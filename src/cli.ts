import { CommanderError } from "commander";
import { FlamegateError, errorMessage } from "./errors.js";
import { COMMAND_NAMES, buildProgram } from "./cli/program.js";

/**
 * flamegate run | compare | ab | demo. Exit codes (docs/design.md): 0 no
 * regression over the threshold, 1 the gate fails, 2 usage/input/environment
 * error with one line on stderr and no stack trace unless --verbose.
 */

/** Commander's message ("error: unknown option '--confg'\n(Did you mean --config?)") as one line. */
function usageLine(err: CommanderError, command: string | undefined): string {
  const text = err.message
    .replace(/^error:\s*/, "")
    .replace(/\s*\n\s*\(Did you mean/, " (did you mean")
    .replace(/\s*\n\s*/g, " ")
    .replace(/\.$/, "");
  const where = command ? `flamegate ${command}` : "flamegate";
  return `${where}: ${text}; see '${where} --help'`;
}

export async function main(argv: string[]): Promise<number> {
  // --verbose is accepted anywhere on the line, before or after the command.
  const verbose = argv.includes("--verbose");
  const args = argv.filter((a) => a !== "--verbose");
  const name = (COMMAND_NAMES as readonly string[]).includes(args[0] ?? "") ? args[0] : undefined;
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(args, { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help, --version and `help` exit 0; bare `flamegate` prints the help and exits 2.
      if (err.exitCode === 0) return 0;
      if (err.code === "commander.help") return 2;
      process.stderr.write(`${usageLine(err, name)}\n`);
      return 2;
    }
    const where = name ? `flamegate ${name}` : "flamegate";
    if (err instanceof FlamegateError) {
      process.stderr.write(`${where}: ${err.message}\n`);
      for (const line of err.details) process.stderr.write(`  ${line}\n`);
    } else {
      process.stderr.write(
        `${where}: internal error: ${errorMessage(err)} (please report it; --verbose shows the stack)\n`,
      );
    }
    if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return 2;
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && /(?:^|[\\/])(?:cli\.(?:js|ts)|flamegate)$/.test(process.argv[1]);
if (invokedDirectly) {
  // `flamegate --help | head` closes the pipe early: stop quietly, as other tools do.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
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
