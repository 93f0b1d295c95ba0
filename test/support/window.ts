import type { CaptureWindow, CapturedProfiles } from "../../src/capture/driver.js";

/** Ends a window and runs its conversions at once: what a round does in two steps (session/round.ts). */
export async function stopAndConvert(window: CaptureWindow): Promise<CapturedProfiles> {
  const got = await window.stop();
  await got.later?.();
  return got;
}
