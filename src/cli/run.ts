import { FlamegateError } from "../errors.js";

// Placeholder until the issue that owns 'flamegate run' lands.
export async function runCommand(_argv: string[]): Promise<number> {
  await Promise.resolve();
  throw new FlamegateError("'run' is not implemented yet");
}
