import { existsSync, readFileSync } from "node:fs";
import { DEFAULT_NOISE, type NoiseModel } from "./simulate.js";

/** eval/noise.json: the noise components estimated by the last real run (`npm run eval -- --real`). */
export const NOISE_FILE = new URL("./noise.json", import.meta.url);

/** The noise model: `file`, else eval/noise.json when a real run wrote one, else the STATISTICS.md defaults. */
export function loadNoise(file?: string): NoiseModel {
  const path = file ?? NOISE_FILE.pathname;
  if (file === undefined && !existsSync(path)) return DEFAULT_NOISE;
  const doc = JSON.parse(readFileSync(path, "utf8")) as Partial<NoiseModel>;
  const merged: NoiseModel = { ...DEFAULT_NOISE, ...doc };
  for (const [k, v] of Object.entries(merged)) {
    if (k !== "source" && !(typeof v === "number" && Number.isFinite(v) && v >= 0))
      throw new Error(`${path}: '${k}' must be a non-negative number, got ${JSON.stringify(v)}`);
  }
  return merged;
}
