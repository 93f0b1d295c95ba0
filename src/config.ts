/**
 * flamegate.yml (and the action's inputs, mapped onto the same keys) parsed
 * once into a complete, typed Config (src/config/). Every error is one line
 * that names the key, quotes the value and says what would be valid.
 */

export type * from "./config/types.js";
export {
  DEFAULT_BUDGET,
  DEFAULT_GATE,
  DEFAULT_GATE_STATISTICS,
  DEFAULT_MAX_ERROR_RATE,
  FALLBACK_PRIOR_DF,
  MAX_PRIOR_DF,
  RUNTIMES,
} from "./config/defaults.js";
export { MAX_SERVICES, SERVICE_NAME, parseConfig } from "./config/document.js";
export { MAX_CONFIG_BYTES, loadConfig, selectService } from "./config/file.js";
export { ConfigReader } from "./config/reader.js";
