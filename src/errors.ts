/**
 * The one error type that reaches the user. Every input, environment or usage
 * problem becomes a FlamegateError: the CLI and the action print `message`
 * as one line (what failed, where, what to do) and exit with code 2.
 * Anything else that escapes is a bug and is printed with its stack.
 */
export class FlamegateError extends Error {
  /** Extra lines shown under the message, e.g. the tail of a service's output. */
  readonly details: string[];

  constructor(message: string, options: { cause?: unknown; details?: string[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FlamegateError";
    this.details = options.details ?? [];
  }
}

/** A profile that claims a format (the importer recognised it) but is broken. */
export class ProfileFormatError extends FlamegateError {
  constructor(
    readonly format: string,
    problem: string,
  ) {
    super(`${format}: ${problem}`);
    this.name = "ProfileFormatError";
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
