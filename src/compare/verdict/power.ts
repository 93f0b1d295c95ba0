import type { GateConfig } from "../../config.js";
import { studentTQuantile } from "../stats/distributions.js";
import { minimalDetectableLog, smallestPassing } from "../stats/mde.js";
import type { TTestResult } from "../stats/t-tests.js";
import type { Comparison } from "../types.js";
import type { Design } from "./design.js";
import { pctOfLog } from "./outcome.js";
import {
  JOB_FRAME_SIGMA,
  MDE_POWER,
  MDE_REFERENCE_SHARE,
  PSEUDOCOUNT,
  alphaTotal,
} from "./policy.js";

/** Power: what this run could detect, and how many rounds would decide what it could not. */

/**
 * Rounds per side that would detect the estimated change with MDE_POWER at
 * level `level`, scaling the standard error as 1/√K (K = `rounds` now).
 */
export function roundsToDecide(t: TTestResult, rounds: number, level: number): number {
  if (t.t === 0) return Infinity;
  const need = studentTQuantile(1 - level / 2, t.df) + studentTQuantile(MDE_POWER, t.df);
  return Math.ceil(rounds * (need / Math.abs(t.t)) ** 2);
}

/** The frame noise the tests used: σ0² (log scale) and the prior's df. */
export interface FramePrior {
  sigma0sq: number;
  priorDf: number;
}

/**
 * The MDEs of this run (docs/statistics.md): with the run's rounds, sample
 * budget and estimated frame noise σ0, the smallest relative growth of a
 * frame holding MDE_REFERENCE_SHARE of the total that fails with MDE_POWER
 * (deltaPct; statistics only), the smallest share at which a growth of
 * exactly the threshold fails with MDE_POWER (frameSharePct; statistics and
 * the min-share floor), and the smallest detectable change of the total.
 * A frame holding `share` is tested at its first Holm step's level, `levelAt(share)`.
 */
export function minimalDetectable(
  design: Design,
  prior: FramePrior,
  gate: GateConfig,
  threshold: number,
  levelAt: (share: number) => number,
  total: TTestResult,
): Comparison["mde"] {
  const { baseRounds, headRounds } = design;
  const ownDf = design.paired ? baseRounds - 1 : Math.max(0, baseRounds + headRounds - 2);
  const df = prior.priorDf + ownDf > 0 ? prior.priorDf + ownDf : Infinity;
  const perRound = design.totalCount;
  const between = design.paired ? 0 : 2 * JOB_FRAME_SIGMA ** 2;
  const se = (share: number) =>
    Math.sqrt(
      (1 / (share * perRound + PSEUDOCOUNT) + prior.sigma0sq) * (1 / baseRounds + 1 / headRounds) +
        between,
    );
  const mdeLog = (share: number) => minimalDetectableLog(se(share), levelAt(share), MDE_POWER, df);
  const detects = (share: number) =>
    Math.exp(mdeLog(share)) - 1 <= threshold && share * threshold >= gate.minShare;
  const share = smallestPassing(detects, 1e-6, 1);
  const totalLog = minimalDetectableLog(total.se, alphaTotal(gate), MDE_POWER, total.df);
  return {
    frameSharePct: (detects(share) ? share : 1) * 100,
    deltaPct: pctOfLog(mdeLog(MDE_REFERENCE_SHARE)),
    atSharePct: MDE_REFERENCE_SHARE * 100,
    totalPct: pctOfLog(totalLog),
    power: MDE_POWER,
  };
}
