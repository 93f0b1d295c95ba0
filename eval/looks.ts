import { appendFileSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareSets } from "../src/compare/compare.js";
import { type CompareSide, readSide } from "../src/compare/inputs.js";
import type { Report } from "../src/compare/types.js";
import { DEFAULT_GATE, type GateConfig, RUNTIMES, type Runtime } from "../src/config.js";
import { normalQuantile } from "../src/compare/stats/distributions.js";
import { wilsonInterval } from "../src/compare/stats/wilson.js";
import { MDE_POWER, alphaTotal } from "../src/compare/verdict/policy.js";
import { type ArmCell, armManifest, detected, duetPairings, sideDir } from "./arms.js";
import { kindFigures } from "./levers.js";

/**
 * `npm run eval -- --looks DIR…`: issue 19's lever 6 (an adaptive budget) measured on kept
 * side-by-side duet runs (`--arms --duets …`, 10 rounds a side). A two-look sequential gate
 * judges a pair on its first FIRST_LOOK rounds at a part of alpha and stops when the
 * judgement is decided; otherwise it judges all rounds at the rest of alpha (Bonferroni
 * across the looks, so the A/A guarantee holds whatever their correlation). Set beside the fixed
 * budget's verdict on the same rounds: what stopping early saves in rounds, and what the
 * smaller alpha costs in detection.
 */

/** The first look: after this many rounds per side. */
const FIRST_LOOK = 5;
/** The parts of alpha the first look may spend (the second spends the rest). */
const FIRST_SHARES = [0.25, 0.5];

/** The first `rounds` rounds of every service of a side. */
function firstRounds(side: CompareSide, rounds: number): CompareSide {
  return {
    ...side,
    services: side.services.map((s) => ({ ...s, rounds: s.rounds.slice(0, rounds) })),
  };
}

const withAlpha = (alpha: number): GateConfig => ({ ...DEFAULT_GATE, alpha });

/** The power at the threshold a stop for a pass needs: the issue's 95 % detection rate. */
const STOP_POWER = 0.95;

/** An MDE computed for MDE_POWER, rescaled to `power` (normal quantiles: the df are ≥ 10). */
function atPower(mdePct: number, level: number, power: number): number {
  const zA = normalQuantile(1 - level / 2);
  const scale = (zA + normalQuantile(power)) / (zA + normalQuantile(MDE_POWER));
  return (Math.exp(Math.log1p(mdePct / 100) * scale) - 1) * 100;
}

/**
 * Whether a judgement is decided, so that more rounds would not change it: nothing is over
 * a threshold unproven (no warn, no "rounds to decide"), and unless it failed, every
 * comparison could have seen a change at the threshold, in the total and in the hottest
 * frame, with STOP_POWER.
 */
export function decided(r: Report, rounds: number, gate: GateConfig): boolean {
  const open = r.comparisons.some(
    (c) =>
      c.total.verdict === "warn" ||
      c.total.roundsToDecide !== undefined ||
      c.frames.some((f) => f.verdict === "warn" || f.roundsToDecide !== undefined),
  );
  if (open) return false;
  if (r.verdict === "fail") return true;
  return r.comparisons.every((c) => {
    const t = c.thresholds;
    const hot = kindFigures(c, rounds, gate, STOP_POWER)?.hottest;
    return (
      t !== undefined &&
      c.mde.totalPct !== undefined &&
      atPower(c.mde.totalPct, alphaTotal(gate), STOP_POWER) <= t.totalPct &&
      (hot === undefined || hot.mdePct <= t.framePct)
    );
  });
}

interface LookRecord {
  runtime: Runtime;
  /** The CPU profiler that ran (perf, py-spy, …): Python's runs hold both. */
  profiler: string;
  cell: ArmCell;
  fixed: boolean;
  /** Whether the fixed budget's judgement was decided (an adaptive budget would stop there). */
  fixedDecided: boolean;
  /** Per first-look share: detected (A/A: failed), the rounds per side it took, and the first look's verdict. */
  sequential: { share: number; detected: boolean; rounds: number; first: string }[];
}

function judgePair(
  runtime: Runtime,
  profiler: string,
  cell: ArmCell,
  base: CompareSide,
  head: CompareSide,
  rounds: number,
): LookRecord {
  const judged = (k: number, alpha: number) =>
    compareSets(firstRounds(base, k), firstRounds(head, k), withAlpha(alpha), { paired: true })
      .report;
  const all = judged(rounds, DEFAULT_GATE.alpha);
  const fixed = detected(runtime, cell, all);
  const fixedDecided = decided(all, rounds, DEFAULT_GATE);
  const sequential = FIRST_SHARES.map((share) => {
    const a1 = DEFAULT_GATE.alpha * share;
    const first = judged(FIRST_LOOK, a1);
    const verdict = first.verdict ?? "pass";
    if (decided(first, FIRST_LOOK, withAlpha(a1)))
      return {
        share,
        detected: detected(runtime, cell, first),
        rounds: FIRST_LOOK,
        first: verdict,
      };
    const last = judged(rounds, DEFAULT_GATE.alpha - a1);
    return { share, detected: detected(runtime, cell, last), rounds, first: verdict };
  });
  return { runtime, profiler, cell, fixed, fixedDecided, sequential };
}

/** The first word of the CPU profiler a kept arm's first round names ("perf", "py-spy", …). */
function cpuProfiler(arm: string): string {
  return armManifest(arm).manifest.rounds[0]?.profilers?.cpu?.split(" ")[0] ?? "?";
}

/** Every simultaneous pair of the duet runs under the given keep directories, judged both ways (appended to `record`). */
export function looks(keeps: string[], log: (l: string) => void, record?: string): LookRecord[] {
  const out: LookRecord[] = [];
  const scratch = mkdtempSync(join(tmpdir(), "flamegate-looks-"));
  for (const keep of keeps)
    for (const run of readdirSync(keep).sort()) {
      const dir = join(keep, run);
      const runtime = run.split("-")[0] as Runtime;
      const pairs = duetPairings(dir);
      if (!RUNTIMES.includes(runtime) || !pairs || !existsSync(join(dir, "capture-seconds")))
        continue;
      for (const p of pairs.filter((x) => x.setup === "simultaneous")) {
        const base = readSide(sideDir(dir, p.base, scratch));
        const head = readSide(sideDir(dir, p.head, scratch));
        const rounds = Math.min(...[base, head].map((s) => s.services[0]?.rounds.length ?? 0));
        if (rounds <= FIRST_LOOK) continue;
        const pair = String(p.base);
        const r = judgePair(runtime, cpuProfiler(join(dir, pair)), p.cell, base, head, rounds);
        if (record) appendFileSync(record, `${JSON.stringify({ run, pair, ...r })}\n`);
        out.push(r);
        log(`${run} ${pair}: ${p.cell}`);
      }
    }
  return out;
}

const rate = (k: number, n: number) => {
  const [lo, hi] = wilsonInterval(k, n);
  return `${k} of ${n} (${(100 * lo).toFixed(0)}–${(100 * hi).toFixed(0)} %)`;
};

export function looksTable(recs: LookRecord[]): string {
  const head = [
    `| runtime | cpu profiler | cell | pairs | fixed 10 rounds: detected (A/A: failed) | decided at 10 | ${FIRST_SHARES.map(
      (s) =>
        `look at ${FIRST_LOOK} with ${s * 100} % of alpha: detected, stopped at ${FIRST_LOOK}, rounds / side`,
    ).join(" | ")} |`,
    `|---|---|---|---:|---|---|${FIRST_SHARES.map(() => "---").join("|")}|`,
  ];
  const keyOf = (r: LookRecord) => `${r.runtime}\t${r.profiler}\t${r.cell}`;
  const keys = [...new Set(recs.map(keyOf))];
  const rows = keys.map((key) => {
    const [runtime, profiler, cell] = key.split("\t");
    const rs = recs.filter((r) => keyOf(r) === key);
    const seq = FIRST_SHARES.map((_, i) => {
      const s = rs.map((r) => r.sequential[i]!);
      const early = s.filter((x) => x.rounds === FIRST_LOOK).length;
      const mean = s.reduce((a, x) => a + x.rounds, 0) / s.length;
      return `${rate(s.filter((x) => x.detected).length, s.length)}, ${early} of ${s.length}, ${mean.toFixed(1)}`;
    });
    const fixed = rate(rs.filter((r) => r.fixed).length, rs.length);
    const settled = rs.filter((r) => r.fixedDecided).length;
    return `| ${runtime} | ${profiler} | ${cell} | ${rs.length} | ${fixed} | ${settled} of ${rs.length} | ${seq.join(" | ")} |`;
  });
  return [...head, ...rows].join("\n");
}
