/** The session: boot, readiness, warm-up, load + capture window per round, stop, profile set. */
export { type RoundOptions, type RoundResult, checkKinds, runRound } from "./round.js";
export { type ScheduledRound, runRounds } from "./pipeline.js";
export { withOwnPorts } from "./ports.js";
export {
  type RunServiceOptions,
  SERVICE_LOG,
  assembleProfileSet,
  buildService,
  redactedConfig,
  runService,
} from "./run.js";
