import { fileURLToPath } from "node:url";
import { Profile } from "pprof-format";
import {
  addStacks,
  aggregateFunctions,
  newStackRoot,
  type FunctionTable,
  type StackNode,
} from "../../../src/compare/aggregate.js";
import type { KindSeries } from "../../../src/compare/series.js";
import { REPORT_SCHEMA, type Comparison, type Report } from "../../../src/compare/types.js";
import { worst } from "../../../src/compare/severity.js";
import { sum } from "../../../src/compare/stats/describe.js";
import { type Judgement, judge } from "../../../src/compare/verdict/judge.js";
import { noteText, totalInWords } from "../../../src/report/notes.js";
import { DEFAULT_GATE } from "../../../src/config.js";
import { importProfileFile } from "../../../src/import/index.js";
import { functionKey, locationFrames, type FunctionId } from "../../../src/model/functions.js";
import { guessKind, sampleIndexFor, sampleTypes, type Kind } from "../../../src/model/kinds.js";
import { toNumber } from "../../../src/model/values.js";

/** The real profiles copied into the repo (fixtures/real/SOURCES.md gives origin and licence). */
export const REAL = fileURLToPath(new URL("../../../fixtures/real", import.meta.url));

export interface Side {
  profile: Profile;
  kind: Kind;
  sampleIndex: number;
}

export function load(path: string): Side {
  const { profile } = importProfileFile(path);
  const kind = guessKind(profile);
  if (!kind) throw new Error(`${path}: no known kind`);
  return { profile, kind, sampleIndex: sampleIndexFor(profile, kind) };
}

export function stacks(side: Side): StackNode {
  return addStacks(newStackRoot(), side.profile, side.sampleIndex);
}

/**
 * A deterministic "head" made from a real profile, in place: samples whose
 * stack holds `grow` are scaled by `factor`, those holding `drop` removed,
 * every other sample jittered by ±3 % with a fixed-seed LCG, so the diff has
 * one real regression, one removed path, and noise that must stay grey.
 */
export function perturb(side: Side, change: { grow: string; factor: number; drop: string }): Side {
  const frames = locationFrames(side.profile);
  const names = (locs: Array<number | bigint>) =>
    locs.flatMap((l) => (frames.get(toNumber(l)) ?? []).map((f) => f.name));
  let seed = 12345;
  const next = () => {
    // Numerical Recipes LCG; the value is in [0, 1).
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  for (const sample of side.profile.sample) {
    const fns = names(sample.locationId);
    const jitter = 0.97 + 0.06 * next();
    const k = fns.includes(change.drop) ? 0 : fns.includes(change.grow) ? change.factor : jitter;
    sample.value = sample.value.map((v) => Math.round(toNumber(v) * k));
  }
  return side;
}

/** Rounds each side is split into (sample i goes to round i mod ROUNDS), so the gate has a spread to judge. */
const ROUNDS = 3;

function roundsOf(side: Side): FunctionTable[] {
  return Array.from({ length: ROUNDS }, (_, r) => {
    const part: Profile = Object.assign(Object.create(Profile.prototype) as Profile, side.profile, {
      sample: side.profile.sample.filter((_s, i) => i % ROUNDS === r),
    });
    return aggregateFunctions(part, side.sampleIndex);
  });
}

/**
 * A real Comparison for two profiles: the statistical gate (judge) run on
 * per-function series, each side split into ROUNDS rounds. Stands in for
 * the compare stage so the HTML report has real verdicts, intervals and p.
 */
export function compareSides(service: string, base: Side, head: Side): Comparison {
  const unit = sampleTypes(base.profile)[base.sampleIndex]!;
  const b = roundsOf(base);
  const h = roundsOf(head);
  const keys = new Map<string, FunctionId>();
  for (const t of [...b, ...h]) for (const f of t.functions) keys.set(functionKey(f), f);
  const per = (tables: FunctionTable[], key: string, col: "self" | "cum") =>
    tables.map((t) => {
      const i = t.index.get(key);
      return i === undefined ? 0 : t[col][i]!;
    });
  const series: KindSeries = {
    service,
    runtime: "node",
    kind: base.kind,
    unit: unit.unit,
    sampleType: unit.type,
    totals: { base: b.map((t) => t.total), head: h.map((t) => t.total) },
    work: { base: b.map(() => 1), head: h.map(() => 1) },
    unitOfWork: "profile",
    paired: false,
    sameRunner: true,
    frames: [...keys].map(([key, f]) => ({
      function: f.name,
      file: f.file,
      self: { base: per(b, key, "self"), head: per(h, key, "self") },
      cum: { base: per(b, key, "cum"), head: per(h, key, "cum") },
    })),
  };
  return {
    service,
    runtime: "node",
    kind: base.kind,
    unit: unit.unit,
    sampleType: unit.type,
    base: { rounds: ROUNDS, requests: null, total: sum(series.totals.base) },
    head: { rounds: ROUNDS, requests: null, total: sum(series.totals.head) },
    ...inWords(judge(series, DEFAULT_GATE)),
  };
}

/** A judgement's coded notes in words, as the compare stage writes them into a comparison. */
function inWords(
  j: Judgement,
): Omit<Comparison, "service" | "runtime" | "kind" | "unit" | "base" | "head"> {
  return { ...j, total: totalInWords(j.total), notes: (j.notes ?? []).map(noteText) };
}

export function reportOf(comparisons: Comparison[]): Report {
  const verdict = worst(comparisons.map((c) => c.verdict ?? c.total.verdict));
  return { schema: REPORT_SCHEMA, verdict, comparisons };
}
