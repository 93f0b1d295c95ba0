import { FlamegateError } from "../errors.js";

// Placeholder until the issue that owns 'flamegate demo' lands.
export async function demoCommand(_argv: string[]): Promise<number> {
  await Promise.resolve();
  throw new FlamegateError("'demo' is not implemented yet");
}
