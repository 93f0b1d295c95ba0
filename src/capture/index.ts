import type { Runtime } from "../config.js";
import { FlamegateError } from "../errors.js";
import type { RuntimeDriver } from "./driver.js";
import { goDriver } from "./go.js";
import { nodeDriver } from "./node.js";
import { withPerfCpu } from "./perf-driver.js";
import { pythonDriver } from "./python.js";

/** The capture driver of each runtime; the session looks its service's runtime up here. */
export const DRIVERS: Partial<Record<Runtime, RuntimeDriver>> = {
  node: withPerfCpu(nodeDriver, "node"),
  go: withPerfCpu(goDriver, "go"),
  python: withPerfCpu(pythonDriver, "python"),
};

export function driverFor(runtime: Runtime): RuntimeDriver {
  const driver = DRIVERS[runtime];
  if (!driver)
    throw new FlamegateError(
      `runtime '${runtime}': this flamegate build has no capture driver for it (have: ${Object.keys(DRIVERS).join(", ")})`,
    );
  return driver;
}
