import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { DEMO_BUDGET } from "../config/defaults.js";
import { packageRoot } from "../paths.js";
import type { AbOptions } from "./ab.js";
import type { CompareOptions } from "./compare.js";
import type { DemoOptions } from "./demo.js";
import type { RunOptions } from "./run.js";

/**
 * The command line, declared with commander: each command's options, its
 * help with an example, `--version`, and "did you mean" suggestions for a
 * mistyped command or option. The commands themselves live beside this file
 * and load lazily, so `compare` never parses the session code. Exit codes and
 * the one-line error contract are cli.ts's (docs/design.md, "Contracts").
 */

/** A rounds count: a whole number ≥ 2 (one round a side measures no noise). */
function roundsOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2)
    throw new InvalidArgumentError(`expected a whole number of rounds ≥ 2, got '${value}'`);
  return n;
}

/** Sets the process's exit code from a finished command: 0 pass, 1 the gate fails. */
export type ExitSink = (code: number) => void;

const EXIT_CODES = `
Exit codes: 0 no regression over the threshold, 1 the gate fails (a regression),
2 bad usage, bad input or an environment error (one line on stderr; --verbose adds the stack).`;

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function example(lines: string): string {
  return `\nExample:\n${lines}\n${EXIT_CODES}`;
}

function addRun(program: Command, exit: ExitSink): void {
  program
    .command("run")
    .description("boot each service of the config, load it and write its profile set")
    .option("--config <file>", "your flamegate.yml (required)")
    .option("--service <name>", "only this service (default: every service in the config)")
    .option("--out <dir>", "where the profile sets go, one folder per service (required)")
    .option("--ref <label>", "a label stored in the manifest, e.g. the commit")
    .addHelpText(
      "after",
      example(
        "  flamegate run --config flamegate.yml --out profiles/head --ref $(git rev-parse --short HEAD)",
      ),
    )
    .action(async (opts: RunOptions) => {
      exit(await (await import("./run.js")).runCommand(opts));
    });
}

function addCompare(program: Command, exit: ExitSink): void {
  program
    .command("compare")
    .description("compare two profile sets (or two profile files) and gate on the difference")
    .option("--base <path>", "the base: a `run --out` folder, a profile set or a profile file")
    .option("--head <path>", "the head, in the same form as --base")
    .option("--config <file>", "take the gate's thresholds from this flamegate.yml")
    .option(
      "--paired",
      "pair round i of base and head, as `ab` ran them side by side (its OUT/base and OUT/head)",
    )
    .option("--json <file>", "write the JSON report here")
    .option("--markdown <file>", "write the markdown report (the PR comment) here")
    .option("--html <file>", "write the HTML report (interactive flamegraph) here")
    .option("--svg <file>", "write the headline flamegraph here, the others beside it")
    .addHelpText(
      "after",
      example(
        "  flamegate compare --base profiles/base --head profiles/head \\\n" +
          "    --config flamegate.yml --markdown report.md --html report.html\n" +
          "  flamegate compare --base before.pb.gz --head after.pb.gz\n\n" +
          "Rounds are compared as independent samples unless --paired; `ab` writes its own report.",
      ),
    )
    .action(async (opts: CompareOptions) => {
      exit(await (await import("./compare.js")).compareCommand(opts));
    });
}

function addAb(program: Command, exit: ExitSink): void {
  program
    .command("ab")
    .description("run the base and the head on this machine in interleaved rounds and compare them")
    .option(
      "--base-dir <dir>",
      "the base's checkout, e.g. a git worktree of the merge base (required)",
    )
    .option("--head-dir <dir>", "the head's checkout, e.g. . (required)")
    .option("--config <file>", "your flamegate.yml (required)")
    .option("--out <dir>", "where both profile sets and the report go (required)")
    .option("--json <file>", "the JSON report (default OUT/report.json)")
    .option("--markdown <file>", "the markdown report (default OUT/report.md)")
    .option("--html <file>", "the HTML report (default OUT/report.html)")
    .addHelpText(
      "after",
      `
How cwd maps onto the two trees: each service's cwd is read relative to the
config file's folder and re-anchored on each checkout. With the config at
/repo/flamegate.yml and "cwd: services/api", the base runs in
BASE_DIR/services/api and the head in HEAD_DIR/services/api; the commands
(build, start, load) are the config's, the same on both sides. A cwd outside
the config's folder is an error. Profile sets go to OUT/base and OUT/head.
${example(
  "  git worktree add ../base origin/main\n" +
    "  flamegate ab --base-dir ../base --head-dir . --config flamegate.yml --out flamegate-ab",
)}`,
    )
    .action(async (opts: AbOptions) => {
      exit(await (await import("./ab.js")).abCommand(opts));
    });
}

function addDemo(program: Command, exit: ExitSink): void {
  program
    .command("demo")
    .description("profile the bundled Node service against its known regression (needs only Node)")
    .option("--out <dir>", "where the profile sets and the report go", "flamegate-demo")
    .option(
      "--rounds <n>",
      "rounds per side (fewer are quicker and prove less)",
      roundsOption,
      DEMO_BUDGET.rounds,
    )
    .addHelpText("after", example("  flamegate demo --out /tmp/flamegate-demo"))
    .action(async (opts: DemoOptions) => {
      exit(await (await import("./demo.js")).demoCommand(opts));
    });
}

/**
 * The program. Commander's own exits become thrown CommanderErrors
 * (exitOverride) and its error output is silenced: cli.ts turns both into
 * the exit code and one line.
 */
export function buildProgram(exit: ExitSink): Command {
  const program = new Command("flamegate")
    .description(
      "Gate pull requests on CPU and allocation profiles: profile the service on both sides, " +
        "diff the flamegraphs, fail only on regressions the statistics can tell from noise.",
    )
    .version(version(), "-V, --version", "print the version")
    .option("--verbose", "on an internal error, print the stack too")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
      outputError: () => undefined,
    })
    .addHelpText(
      "after",
      example(
        "  flamegate demo\n  flamegate ab --base-dir ../base --head-dir . --config flamegate.yml --out flamegate-ab",
      ) + "\n\n`flamegate <command> --help` shows a command's options and an example.",
    );
  addRun(program, exit);
  addCompare(program, exit);
  addAb(program, exit);
  addDemo(program, exit);
  return program;
}

export const COMMAND_NAMES = ["run", "compare", "ab", "demo"] as const;
