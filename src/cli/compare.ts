import { FlamegateError } from "../errors.js";

// Placeholder until the issue that owns 'flamegate compare' lands.
export async function compareCommand(_argv: string[]): Promise<number> {
  await Promise.resolve();
  throw new FlamegateError("'compare' is not implemented yet");
}
