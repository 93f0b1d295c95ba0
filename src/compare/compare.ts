import type { GateConfig } from "../config.js";
import { FlamegateError } from "../errors.js";
import { CPU_TIME, OS_CPU_COMMENT } from "../model/cpu-time.js";
import {
  KINDS,
  type Kind,
  type SampleTypeName,
  commonSampleType,
  sameSampleType,
} from "../model/kinds.js";
import {
  type FunctionTable,
  STACK_NODE_BUDGET,
  type StackNode,
  StackTreeBuilder,
  aggregateView,
} from "./aggregate.js";
import { assembleComparison, buildSeries } from "./diff.js";
import type { CompareSide, SideRound, SideService } from "./inputs.js";
import { type LoadedProfile, loadProfileFile, typeName, viewSampleIndex } from "./load.js";
import type { ProfileView } from "./profile-view.js";
import type { PerSide } from "./series.js";
import { worst } from "./severity.js";
import { median, sum } from "./stats/describe.js";
import { type Comparison, REPORT_SCHEMA, type Report } from "./types.js";
import { judge } from "./verdict/judge.js";

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

interface SideData {
  tables: FunctionTable[];
  rounds: SideRound[];
  type: SampleTypeName;
  /** Where the sample type was first seen, for messages. */
  where: string;
  stacks: StackTreeBuilder | undefined;
  /** Per round: what one sample is worth in the compared unit, or null when the profile does not say. */
  periods: Array<number | null>;
  /** Per round: every sample type its profile has. */
  available: SampleTypeName[][];
  /** Per round: the compared values are the OS's CPU count (model/cpu-time.ts). */
  osCounted: boolean[];
  /** A round whose preferred sample type differs from the first round's. */
  mixed?: { type: SampleTypeName; where: string };
}

/**
 * Value of one sample of `type`: 1 for counts; pprof's period when its
 * period_type has the same unit (Go CPU: 10,000,000 ns at 100 Hz; Go allocs:
 * the memprofilerate in bytes, period_type space/bytes); else unknown.
 */
function periodOf(view: ProfileView, type: SampleTypeName): number | null {
  if (type.unit === "count") return 1;
  const p = view.period;
  return p && p.type.unit === type.unit && p.value > 0 ? p.value : null;
}

/** The one period every round of both sides agrees on, if any. */
function commonPeriod(...sides: SideData[]): number | undefined {
  const all = sides.flatMap((d) => d.periods);
  const first = all[0];
  return first !== null && first !== undefined && all.every((p) => p === first) ? first : undefined;
}

/** Every round's own period, when every round of both sides has one. */
function roundPeriods(bd: SideData, hd: SideData): { samplePeriods?: PerSide } {
  const known = (d: SideData) => d.periods.every((p): p is number => p !== null);
  return known(bd) && known(hd)
    ? { samplePeriods: { base: bd.periods as number[], head: hd.periods as number[] } }
    : {};
}

function kindsOf(service: SideService): Set<Kind> {
  const kinds = new Set<Kind>();
  for (const r of service.rounds) for (const k of Object.keys(r.files)) kinds.add(k as Kind);
  return kinds;
}

/**
 * One side's rounds of `kind`, each aggregated on `want` when given, else on
 * the sample type its profile prefers for the kind (kinds.ts).
 */
function readSideKind(
  side: CompareSide,
  service: SideService,
  kind: Kind,
  stacks: boolean,
  warnings: string[],
  want?: SampleTypeName,
): SideData {
  const data: SideData = {
    tables: [],
    rounds: [],
    type: { type: "", unit: "" },
    where: "",
    stacks: stacks ? new StackTreeBuilder() : undefined,
    periods: [],
    available: [],
    osCounted: [],
  };
  for (const round of service.rounds) {
    const path = round.files[kind];
    if (path === undefined) continue;
    const loaded: LoadedProfile = side.preloaded.get(path) ?? loadProfileFile(path);
    side.preloaded.delete(path);
    warnings.push(...loaded.warnings.map((w) => `${path}: ${w}`));
    const index = want
      ? loaded.view.sampleTypes.findIndex((t) => sameSampleType(t, want))
      : viewSampleIndex(loaded.view, kind);
    if (index < 0)
      throw new FlamegateError(
        `${path}: has no ${want ? typeName(want) : kind} sample type (it has ${loaded.view.sampleTypes.map(typeName).join(", ")})`,
      );
    const type = loaded.view.sampleTypes[index]!;
    if (data.where === "") {
      data.type = type;
      data.where = path;
    } else if (!sameSampleType(type, data.type)) {
      data.mixed ??= { type, where: path };
    }
    data.available.push(loaded.view.sampleTypes);
    data.osCounted.push(
      sameSampleType(type, CPU_TIME) && loaded.view.comments.includes(OS_CPU_COMMENT),
    );
    data.periods.push(periodOf(loaded.view, type));
    data.tables.push(aggregateView(loaded.view, index, data.stacks));
    // A kind captured in its own window is normalised by that window's work.
    data.rounds.push({ ...round, ...round.windows?.[kind] });
  }
  return data;
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
  notes: string[],
): { unitOfWork: "request" | "second" | "profile"; work: PerSide } {
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
    if (baseService.unitOfWork === "request" || headService.unitOfWork === "request")
      notes.push(
        "requests were not counted on both sides in every round: values are compared per second of capture window",
      );
    return {
      unitOfWork: "second",
      work: {
        base: base.rounds.map((r) => r.windowSeconds!),
        head: head.rounds.map((r) => r.windowSeconds!),
      },
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

/**
 * Both sides' rounds of `kind` on one sample type: each profile's preferred
 * one when they all agree, else the most preferred type every profile has
 * (a baseline from an older capture lacks the cpu/nanoseconds a Python head
 * has), with a note saying so. Throws when they share none.
 */
function readBothSides(
  base: CompareSide,
  head: CompareSide,
  b: SideService,
  h: SideService,
  kind: Kind,
  stacks: boolean,
  warnings: string[],
): { bd: SideData; hd: SideData; fellBack?: string } {
  const bd = readSideKind(base, b, kind, stacks, warnings);
  const hd = readSideKind(head, h, kind, stacks, warnings);
  if (!bd.mixed && !hd.mixed && sameSampleType(bd.type, hd.type)) return { bd, hd };
  const common = commonSampleType(kind, [...bd.available, ...hd.available]);
  if (!common) {
    const [one, other] = bd.mixed
      ? [bd, bd.mixed]
      : hd.mixed
        ? [hd, hd.mixed]
        : [bd, { type: hd.type, where: hd.where }];
    throw new FlamegateError(
      `cannot compare ${typeName(one.type)} (${one.where}) with ${typeName(other.type)} (${other.where}): no ${kind} sample type is in both`,
    );
  }
  const dropped = [bd.type, hd.type, bd.mixed?.type, hd.mixed?.type].find(
    (t) => t !== undefined && !sameSampleType(t, common),
  )!;
  // Rare, so both sides are simply read again on the shared type.
  return {
    bd: readSideKind(base, b, kind, stacks, [], common),
    hd: readSideKind(head, h, kind, stacks, [], common),
    fellBack: `not every ${kind} profile has ${typeName(dropped)}; compared ${typeName(common)}, which all of them have`,
  };
}

function compareKind(
  base: CompareSide,
  head: CompareSide,
  b: SideService,
  h: SideService,
  kind: Kind,
  gate: GateConfig,
  options: CompareOptions,
  warnings: string[],
): { comparison: Comparison; stacks?: ComparisonStacks } | { skipped: string } {
  const { bd, hd, fellBack } = readBothSides(
    base,
    head,
    b,
    h,
    kind,
    options.stacks ?? false,
    warnings,
  );
  const baseTotal = sum(bd.tables.map((t) => t.total));
  const headTotal = sum(hd.tables.map((t) => t.total));
  if (baseTotal === 0 && headTotal === 0 && !base.lone)
    return { skipped: `${b.service}: no ${kind} samples on either side; not compared` };
  for (const [d, total] of [
    [bd, baseTotal],
    [hd, headTotal],
  ] as const) {
    if (total === 0)
      throw new FlamegateError(
        `${d.where}: no ${typeName(d.type)} samples${d.rounds.length > 1 ? ` in any of its ${d.rounds.length} rounds` : ""}; nothing to compare (was the service idle during capture?)`,
      );
  }
  const notes: string[] = fellBack ? [fellBack] : [];
  for (const [side, d, total] of [
    ["base", bd, baseTotal],
    ["head", hd, headTotal],
  ] as const) {
    const cut = d.stacks?.truncatedValue ?? 0;
    if (cut !== 0)
      notes.push(
        `flamegraph: ${((100 * cut) / total).toPrecision(2)} % of the ${side} is on call paths beyond the ${STACK_NODE_BUDGET} kept; those paths end at their last kept frame`,
      );
  }
  notes.push(...captureNotes("base", b), ...captureNotes("head", h));
  const { unitOfWork, work } = workOf(bd, hd, b, h, notes);
  const sameRunner = b.runnerId === null || h.runnerId === null || b.runnerId === h.runnerId;
  if (b.runtime !== h.runtime)
    notes.push(`base runtime is ${b.runtime}, head runtime is ${h.runtime}`);
  const series = buildSeries(
    {
      service: h.service,
      runtime: h.runtime,
      kind,
      unit: hd.type.unit,
      sampleType: hd.type.type,
      work,
      unitOfWork,
      samplePeriod: commonPeriod(bd, hd),
      ...roundPeriods(bd, hd),
      ...([...bd.osCounted, ...hd.osCounted].every(Boolean) ? { osCountedValues: true } : {}),
      paired: options.paired === true && bd.tables.length === hd.tables.length,
      sameRunner,
    },
    bd.tables,
    hd.tables,
  );
  const requests = (d: SideData) =>
    unitOfWork === "request" ? sum(d.rounds.map((r) => r.requests ?? 0)) : null;
  const known = (d: SideData) => d.rounds.some((r) => r.throughput !== null || r.latency !== null);
  const comparison = assembleComparison(
    series,
    judge(series, gate),
    {
      base: { rounds: bd.tables.length, requests: requests(bd), total: baseTotal },
      head: { rounds: hd.tables.length, requests: requests(hd), total: headTotal },
      load: known(bd) && known(hd) ? { base: loadFigures(bd), head: loadFigures(hd) } : undefined,
      notes,
    },
    options.topFrames,
  );
  return {
    comparison,
    ...(bd.stacks && hd.stacks
      ? {
          stacks: {
            service: h.service,
            kind,
            unit: hd.type.unit,
            base: bd.stacks.build(),
            head: hd.stacks.build(),
          },
        }
      : {}),
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

  for (const b of base.services) {
    const h = heads.get(b.service);
    if (!h) continue;
    const bk = kindsOf(b);
    const hk = kindsOf(h);
    if (base.lone) {
      // Two lone files: each one's kind was guessed; they must measure the same thing.
      const [kb] = bk;
      const [kh] = hk;
      if (kb !== kh) {
        const pb = base.preloaded.get(base.path)!.view;
        const ph = head.preloaded.get(head.path)!.view;
        const tb = pb.sampleTypes[viewSampleIndex(pb, kb!)]!;
        const th = ph.sampleTypes[viewSampleIndex(ph, kh!)]!;
        throw new FlamegateError(
          `cannot compare ${typeName(tb)} (${base.path}) with ${typeName(th)} (${head.path})`,
        );
      }
    }
    for (const kind of KINDS) {
      if (bk.has(kind) !== hk.has(kind) && (bk.has(kind) || hk.has(kind)))
        notes.push(
          `${b.service}: ${kind} profiles only in the ${bk.has(kind) ? "base" : "head"}: not compared`,
        );
      if (!bk.has(kind) || !hk.has(kind)) continue;
      const out = compareKind(base, head, b, h, kind, gate, options, warnings);
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
