import { FlamegateError } from "../errors.js";
import { CPU_TIME, OS_CPU_COMMENT } from "../model/cpu-time.js";
import {
  type Kind,
  type SampleTypeName,
  commonSampleType,
  sameSampleType,
} from "../model/kinds.js";
import { type FunctionTable, StackTreeBuilder, aggregateView } from "./aggregate.js";
import type { CompareSide, SideRound, SideService } from "./inputs.js";
import { type LoadedProfile, loadProfileFile, typeName, viewSampleIndex } from "./load.js";
import type { ProfileView } from "./profile-view.js";
import type { PerSide } from "./series.js";

/**
 * Reading one kind's rounds of both sides: each profile decoded, aggregated
 * into a function table (and stack tree when asked) and dropped, on one
 * sample type both sides share.
 */

/** One side's rounds of one kind, aggregated. */
export interface SideData {
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
  /** What the importers said about the profiles, each prefixed with its file. */
  warnings: string[];
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
export function commonPeriod(...sides: SideData[]): number | undefined {
  const all = sides.flatMap((d) => d.periods);
  const first = all[0];
  return first !== null && first !== undefined && all.every((p) => p === first) ? first : undefined;
}

/** Every round's own period, when every round of both sides has one. */
export function roundPeriods(base: SideData, head: SideData): { samplePeriods?: PerSide } {
  const known = (d: SideData) => d.periods.every((p): p is number => p !== null);
  return known(base) && known(head)
    ? { samplePeriods: { base: base.periods as number[], head: head.periods as number[] } }
    : {};
}

/** The kinds a service has profiles of in any round. */
export function kindsOf(service: SideService): Set<Kind> {
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
    warnings: [],
  };
  for (const round of service.rounds) {
    const path = round.files[kind];
    if (path === undefined) continue;
    const loaded: LoadedProfile = side.preloaded.get(path) ?? loadProfileFile(path, side.budget);
    side.preloaded.delete(path);
    data.warnings.push(...loaded.warnings.map((w) => `${path}: ${w}`));
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

/** What readBothSides reads: one kind of one service, on both sides. */
export interface KindSource {
  base: CompareSide;
  head: CompareSide;
  baseService: SideService;
  headService: SideService;
  kind: Kind;
  /** Build the per-stack trees too. */
  stacks: boolean;
}

/**
 * Both sides' rounds of `kind` on one sample type: each profile's preferred
 * one when they all agree, else the most preferred type every profile has
 * (a baseline from an older capture lacks the cpu/nanoseconds a Python head
 * has), with a note saying so. Throws when they share none. Importer
 * warnings are those of the first read.
 */
export function readBothSides(src: KindSource): {
  base: SideData;
  head: SideData;
  fellBack?: string;
} {
  const { kind } = src;
  const base = readSideKind(src.base, src.baseService, kind, src.stacks);
  const head = readSideKind(src.head, src.headService, kind, src.stacks);
  if (!base.mixed && !head.mixed && sameSampleType(base.type, head.type)) return { base, head };
  const common = commonSampleType(kind, [...base.available, ...head.available]);
  if (!common) {
    const [one, other] = base.mixed
      ? [base, base.mixed]
      : head.mixed
        ? [head, head.mixed]
        : [base, { type: head.type, where: head.where }];
    throw new FlamegateError(
      `cannot compare ${typeName(one.type)} (${one.where}) with ${typeName(other.type)} (${other.where}): no ${kind} sample type is in both`,
    );
  }
  const dropped = [base.type, head.type, base.mixed?.type, head.mixed?.type].find(
    (t) => t !== undefined && !sameSampleType(t, common),
  )!;
  // Rare, so both sides are simply read again on the shared type.
  return {
    base: {
      ...readSideKind(src.base, src.baseService, kind, src.stacks, common),
      warnings: base.warnings,
    },
    head: {
      ...readSideKind(src.head, src.headService, kind, src.stacks, common),
      warnings: head.warnings,
    },
    fellBack: `not every ${kind} profile has ${typeName(dropped)}; compared ${typeName(common)}, which all of them have`,
  };
}
