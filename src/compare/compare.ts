import type { GateConfig } from "../config.js";
import { FlamegateError } from "../errors.js";
import { KINDS, type Kind } from "../model/kinds.js";
import { STACK_NODE_BUDGET, type StackNode } from "./aggregate.js";
import { assembleComparison, buildSeries } from "./diff.js";
import type { CompareSide, SideService } from "./inputs.js";
import { typeName, viewSampleIndex } from "./load.js";
import { type SideData, commonPeriod, kindsOf, readBothSides, roundPeriods } from "./read-kind.js";
import type { PerSide } from "./series.js";
import { worst } from "./severity.js";
import { median, sum } from "./stats/describe.js";
import { type Comparison, REPORT_SCHEMA, type Report } from "./types.js";
import { judge } from "./verdict/judge.js";
import type { ProcedureVariant } from "./verdict/policy.js";

/**
 * The compare stage: two sides (profile sets or lone files) -> the report
 * of docs/design.md and, for the flamegraph, each comparison's per-stack trees.
 * Profiles are read one at a time and dropped once aggregated, so memory
 * holds one decoded profile plus the tables, not every round.
 */

export interface CompareOptions {
  /** Build the per-stack trees (only the flamegraph needs them; they cost memory). */
  stacks?: boolean;
  /** Frames kept per comparison besides the ones that do not pass (diff.ts TOP_FRAMES). */
  topFrames?: number;
  /**
   * Round i of base and head ran side by side on this machine (`ab`): the
   * verdict pairs them by round when both sides have the same round count.
   */
  paired?: boolean;
  /** The procedure's variant; only the evaluation sets it (verdict/policy.ts). */
  variant?: ProcedureVariant;
}

export interface ComparisonStacks {
  service: string;
  kind: Kind;
  unit: string;
  /** Summed over rounds; root "all". */
  base: StackNode;
  head: StackNode;
}

export interface CompareResult {
  report: Report;
  /** One per comparison when options.stacks; empty otherwise. */
  stacks: ComparisonStacks[];
  /** Things the user should know that are not about one comparison. */
  warnings: string[];
}

/**
 * Units of work per round. Requests when both sides counted them in every
 * round; else window seconds when both sides have them; else 1 per round.
 */
function workOf(
  base: SideData,
  head: SideData,
  baseService: SideService,
  headService: SideService,
): { unitOfWork: "request" | "second" | "profile"; work: PerSide; note?: string } {
  const counted = (d: SideData, s: SideService) =>
    s.unitOfWork === "request" && d.rounds.every((r) => r.requests !== null && r.requests > 0);
  if (counted(base, baseService) && counted(head, headService))
    return {
      unitOfWork: "request",
      work: {
        base: base.rounds.map((r) => r.requests!),
        head: head.rounds.map((r) => r.requests!),
      },
    };
  const timed = (d: SideData) =>
    d.rounds.every((r) => r.windowSeconds !== null && r.windowSeconds > 0);
  if (timed(base) && timed(head)) {
    const uncounted = baseService.unitOfWork === "request" || headService.unitOfWork === "request";
    return {
      unitOfWork: "second",
      work: {
        base: base.rounds.map((r) => r.windowSeconds!),
        head: head.rounds.map((r) => r.windowSeconds!),
      },
      ...(uncounted
        ? {
            note: "requests were not counted on both sides in every round: values are compared per second of capture window",
          }
        : {}),
    };
  }
  return {
    unitOfWork: "profile",
    work: { base: base.rounds.map(() => 1), head: head.rounds.map(() => 1) },
  };
}

/** The capture's own notes (which profiler ran instead of which …), once each, with the rounds they came from. */
function captureNotes(side: "base" | "head", service: SideService): string[] {
  const rounds = new Map<string, number[]>();
  service.rounds.forEach((r, i) => {
    for (const note of r.notes ?? []) rounds.set(note, [...(rounds.get(note) ?? []), i + 1]);
  });
  const all = service.rounds.length;
  return [...rounds].map(
    ([note, rs]) =>
      `${side} capture${rs.length === all ? "" : ` (round${rs.length > 1 ? "s" : ""} ${rs.join(", ")} of ${all})`}: ${note}`,
  );
}

function loadFigures(d: SideData) {
  return {
    throughput: median(
      d.rounds.flatMap((r) => (r.throughput === null ? [] : [r.throughput])),
      null,
    ),
    p50: median(
      d.rounds.flatMap((r) => (r.latency ? [r.latency.p50] : [])),
      null,
    ),
    p99: median(
      d.rounds.flatMap((r) => (r.latency ? [r.latency.p99] : [])),
      null,
    ),
  };
}

/** One kind of one service to compare: both sides and how to judge them. */
interface KindJob {
  base: CompareSide;
  head: CompareSide;
  baseService: SideService;
  headService: SideService;
  kind: Kind;
  gate: GateConfig;
  options: CompareOptions;
}

type KindOutcome = { warnings: string[] } & (
  { comparison: Comparison; stacks?: ComparisonStacks } | { skipped: string }
);

/** The comparison's own notes: the sample type fallen back to, truncated flamegraphs, the captures' notes. */
function readNotes(
  job: KindJob,
  sides: { base: SideData; head: SideData; fellBack?: string },
  totals: { base: number; head: number },
): string[] {
  const notes: string[] = sides.fellBack ? [sides.fellBack] : [];
  for (const side of ["base", "head"] as const) {
    const cut = sides[side].stacks?.truncatedValue ?? 0;
    if (cut !== 0)
      notes.push(
        `flamegraph: ${((100 * cut) / totals[side]).toPrecision(2)} % of the ${side} is on call paths beyond the ${STACK_NODE_BUDGET} kept; those paths end at their last kept frame`,
      );
  }
  notes.push(...captureNotes("base", job.baseService), ...captureNotes("head", job.headService));
  return notes;
}

/** A side's rounds, requests (when counted), window seconds (when known) and total. */
function sideSummary(d: SideData, total: number, unitOfWork: string) {
  return {
    rounds: d.tables.length,
    requests: unitOfWork === "request" ? sum(d.rounds.map((r) => r.requests ?? 0)) : null,
    windowSeconds: d.rounds.every((r) => r.windowSeconds !== null)
      ? sum(d.rounds.map((r) => r.windowSeconds ?? 0))
      : null,
    total,
  };
}

function compareKind(job: KindJob): KindOutcome {
  const { baseService, headService, kind } = job;
  const sides = readBothSides({
    base: job.base,
    head: job.head,
    baseService,
    headService,
    kind,
    stacks: job.options.stacks ?? false,
  });
  const { base, head } = sides;
  const warnings = [...base.warnings, ...head.warnings];
  const totals = {
    base: sum(base.tables.map((t) => t.total)),
    head: sum(head.tables.map((t) => t.total)),
  };
  if (totals.base === 0 && totals.head === 0 && !job.base.lone)
    return {
      warnings,
      skipped: `${baseService.service}: no ${kind} samples on either side; not compared`,
    };
  for (const side of ["base", "head"] as const) {
    const d = sides[side];
    if (totals[side] === 0)
      throw new FlamegateError(
        `${d.where}: no ${typeName(d.type)} samples${d.rounds.length > 1 ? ` in any of its ${d.rounds.length} rounds` : ""}; nothing to compare (was the service idle during capture?)`,
      );
  }
  const notes = readNotes(job, sides, totals);
  const { unitOfWork, work, note } = workOf(base, head, baseService, headService);
  if (note !== undefined) notes.push(note);
  if (baseService.runtime !== headService.runtime)
    notes.push(`base runtime is ${baseService.runtime}, head runtime is ${headService.runtime}`);
  const paired = job.options.paired === true && base.tables.length === head.tables.length;
  // How the pairs ran, when both sets say the same.
  const pairing =
    paired && baseService.pairing !== null && baseService.pairing === headService.pairing
      ? baseService.pairing
      : undefined;
  const series = buildSeries(
    {
      service: headService.service,
      runtime: headService.runtime,
      kind,
      unit: head.type.unit,
      sampleType: head.type.type,
      work,
      unitOfWork,
      samplePeriod: commonPeriod(base, head),
      ...roundPeriods(base, head),
      ...([...base.osCounted, ...head.osCounted].every(Boolean) ? { osCountedValues: true } : {}),
      paired,
      ...(pairing === "simultaneous" ? { simultaneous: true } : {}),
      sameRunner:
        baseService.runnerId === null ||
        headService.runnerId === null ||
        baseService.runnerId === headService.runnerId,
    },
    base.tables,
    head.tables,
  );
  const known = (d: SideData) => d.rounds.some((r) => r.throughput !== null || r.latency !== null);
  const comparison = assembleComparison(
    series,
    judge(series, job.gate, undefined, job.options.variant),
    {
      base: sideSummary(base, totals.base, unitOfWork),
      head: sideSummary(head, totals.head, unitOfWork),
      ...(pairing ? { pairing } : {}),
      load:
        known(base) && known(head)
          ? { base: loadFigures(base), head: loadFigures(head) }
          : undefined,
      notes,
    },
    job.options.topFrames,
  );
  if (!base.stacks || !head.stacks) return { warnings, comparison };
  return {
    warnings,
    comparison,
    stacks: {
      service: headService.service,
      kind,
      unit: head.type.unit,
      base: base.stacks.build(),
      head: head.stacks.build(),
    },
  };
}

/**
 * Compares every service and kind present on both sides. Services or kinds
 * on one side only are not compared and are named in report.notes; when
 * nothing is left to compare, that is an error (exit 2).
 */
export function compareSets(
  base: CompareSide,
  head: CompareSide,
  gate: GateConfig,
  options: CompareOptions = {},
): CompareResult {
  if (base.lone !== head.lone)
    throw new FlamegateError(
      `cannot compare ${base.lone ? "a profile file" : "a profile set"} (${base.path}) with ${head.lone ? "a profile file" : "a profile set"} (${head.path}); pass two sets or two files`,
    );
  const notes: string[] = [];
  const warnings: string[] = [];
  const comparisons: Comparison[] = [];
  const stacks: ComparisonStacks[] = [];
  const heads = new Map(head.services.map((s) => [s.service, s]));
  const bases = new Map(base.services.map((s) => [s.service, s]));
  for (const s of base.services)
    if (!heads.has(s.service))
      notes.push(`service '${s.service}' is only in the base (${base.path}): not compared`);
  for (const s of head.services)
    if (!bases.has(s.service))
      notes.push(`service '${s.service}' is only in the head (${head.path}): not compared`);

  for (const baseService of base.services) {
    const headService = heads.get(baseService.service);
    if (!headService) continue;
    const baseKinds = kindsOf(baseService);
    const headKinds = kindsOf(headService);
    if (base.lone) {
      // Two lone files: each one's kind was guessed; they must measure the same thing.
      const [baseKind] = baseKinds;
      const [headKind] = headKinds;
      if (baseKind !== headKind) {
        const baseView = base.preloaded.get(base.path)!.view;
        const headView = head.preloaded.get(head.path)!.view;
        const baseType = baseView.sampleTypes[viewSampleIndex(baseView, baseKind!)]!;
        const headType = headView.sampleTypes[viewSampleIndex(headView, headKind!)]!;
        throw new FlamegateError(
          `cannot compare ${typeName(baseType)} (${base.path}) with ${typeName(headType)} (${head.path})`,
        );
      }
    }
    for (const kind of KINDS) {
      if (baseKinds.has(kind) !== headKinds.has(kind))
        notes.push(
          `${baseService.service}: ${kind} profiles only in the ${baseKinds.has(kind) ? "base" : "head"}: not compared`,
        );
      if (!baseKinds.has(kind) || !headKinds.has(kind)) continue;
      const out = compareKind({ base, head, baseService, headService, kind, gate, options });
      warnings.push(...out.warnings);
      if ("skipped" in out) {
        notes.push(out.skipped);
        continue;
      }
      comparisons.push(out.comparison);
      if (out.stacks) stacks.push(out.stacks);
    }
  }
  if (comparisons.length === 0)
    throw new FlamegateError(
      `nothing to compare between ${base.path} and ${head.path}: ${notes.join("; ") || "no common service and kind"}`,
    );
  const report: Report = {
    schema: REPORT_SCHEMA,
    verdict: worst(comparisons.map((c) => c.verdict ?? "pass")),
    comparisons,
    ...(notes.length > 0 ? { notes } : {}),
  };
  return { report, stacks, warnings };
}
