import type { JsonFields } from "./json.js";

/**
 * The most frames one import may expand into, summed over every sample's
 * stack. Tree formats (V8 profiles, speedscope's evented traces) store each
 * path once, so a small hostile file — a 20,000-deep chain with a sample at
 * every level — would expand to 20,000² frames and exhaust memory. Real
 * profiles stay far below: the 240 s Go profile in fixtures/real has about
 * 0.6 million. Importers count first (cheap: one depth per node) and refuse
 * before expanding anything.
 */
export const MAX_STACK_FRAMES = 20_000_000;

/** Throws, naming `path`, when `frames` stack frames would be too many to expand. */
export function checkStackFrames(f: JsonFields, path: string, frames: number): void {
  if (frames > MAX_STACK_FRAMES)
    f.fail(
      path,
      `expand to ${frames} stack frames, more than the ${MAX_STACK_FRAMES} limit; the call tree is too deep to be a real profile`,
    );
}
