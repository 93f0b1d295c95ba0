import { FlamegateError } from "../errors.js";

// Placeholder until the issue that owns 'flamegate ab' lands.
export async function abCommand(_argv: string[]): Promise<number> {
  await Promise.resolve();
  throw new FlamegateError("'ab' is not implemented yet");
}
