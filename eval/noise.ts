import { readFileSync } from "node:fs";
import type { Runtime } from "../src/config.js";
import { DEFAULT_NOISE, type NoiseModel } from "./simulate.js";

/** eval/noise-<runtime>.json: the noise components estimated by the last real run of that runtime. */
export const noiseFile = (runtime: Runtime) => new URL(`./noise-${runtime}.json`, import.meta.url);

/** The noise model in `file` (missing components keep the defaults), else the defaults of docs/statistics.md. */
export function loadNoise(file?: string): NoiseModel {
  if (file === undefined) return DEFAULT_NOISE;
  const doc = JSON.parse(readFileSync(file, "utf8")) as Partial<NoiseModel>;
  const merged: NoiseModel = { ...DEFAULT_NOISE, ...doc };
  for (const [k, v] of Object.entries(merged)) {
    if (k !== "source" && !(typeof v === "number" && Number.isFinite(v) && v >= 0))
      throw new Error(`${file}: '${k}' must be a non-negative number, got ${JSON.stringify(v)}`);
  }
  return merged;
}
