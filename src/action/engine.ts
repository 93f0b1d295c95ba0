import type { GateConfig, ServiceConfig } from "../config.js";
import type { Report } from "../compare/types.js";
import type { RunnerFingerprint } from "../model/profile-set.js";
import type { FlameStacks } from "../report/flame/html.js";
import type { ArtifactClient } from "../github/artifacts.js";
import type { Octokit } from "../github/api.js";

/**
 * What the action's flows need from the rest of flamegate and from the
 * outside world. main.ts wires the real ones; the flows never import
 * session/ or compare/ directly, so one flow file reads as the PR story.
 */

/**
 * One service measured or compared: its report (one comparison per kind)
 * and the call trees its flamegraphs are drawn from. Not compare/types.ts's
 * Comparison, which is one kind of one service.
 */
export interface ServiceComparison {
  report: Report;
  /** One per comparison: the call trees the flamegraphs are drawn from. */
  stacks: FlameStacks[];
}

export interface Engine {
  /** Boots, loads and profiles `service` in `cwd`; writes OUT/<service>/ (a profile set). */
  measure(service: ServiceConfig, outDir: string, ref: string, cwd: string): Promise<void>;
  /**
   * Base vs head in interleaved rounds on this machine (`flamegate ab`), each
   * side's commands run in its own directory; writes OUT/base/<service> and
   * OUT/head/<service>.
   */
  ab(
    service: ServiceConfig,
    baseDir: string,
    headDir: string,
    outDir: string,
    gate: GateConfig,
  ): Promise<ServiceComparison>;
  /** Two profile set folders (each holding manifest.json) -> report and call trees. */
  compare(baseDir: string, headDir: string, gate: GateConfig): Promise<ServiceComparison>;
  fingerprint(): RunnerFingerprint;
}

export interface Deps {
  engine: Engine;
  /** Null in `mode: measure` without a token: that mode makes no API calls. */
  octokit: Octokit | null;
  artifacts: ArtifactClient;
  /** Runs git with `args` in `cwd`; resolves to stdout. */
  git: (args: string[], cwd: string) => Promise<string>;
  log: (line: string) => void;
  warn: (line: string) => void;
}
