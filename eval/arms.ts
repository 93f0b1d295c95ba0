import { shuffled } from "../src/session/shuffled.js";
import { DEFAULT_VARIANT } from "../src/compare/verdict/policy.js";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareSets } from "../src/compare/compare.js";
import { readSide } from "../src/compare/inputs.js";
import type { Report } from "../src/compare/types.js";
import {
  DEFAULT_BUDGET,
  DEFAULT_GATE,
  RUNTIMES,
  type Runtime,
  type ServiceConfig,
} from "../src/config.js";
import { runnerFingerprint } from "../src/session/fingerprint.js";
import { byKind, noiseFromReports, pooledCalibration } from "./real.js";
import {
  type Manifest,
  type RoundRecord,
  profileFileName,
  readManifestFile,
  writeProfileSet,
} from "../src/model/profile-set.js";
import type { Kind } from "../src/model/kinds.js";
import {
  SERVICE_LOG,
  assembleProfileSet,
  buildService,
  type ScheduledRound,
  runRounds,
  withOwnPorts,
} from "../src/session/index.js";
import { fixtureDir, loadFixtureConfig } from "../src/session/fixtures.js";
import { median as describedMedian } from "../src/compare/stats/describe.js";
import { wilsonInterval } from "../src/compare/stats/wilson.js";
import { ISSUE_VARIANTS } from "./gate-levers.js";
import { kindFigures } from "./levers.js";

/** The noise the arms' A/A comparisons measured, per runtime. */
const armsNoiseFile = (runtime: Runtime) =>
  new URL(`./noise-${runtime}-default-budget.json`, import.meta.url);

/**
 * `npm run eval -- --real --arms` — the issue-19 cases at the product's default
 * budget, measured on real captures of the fixture services.
 *
 * One run captures eight arms of the fixture, interleaved round by round (the
 * order shuffled in every round, each base between its two CPU heads): the base twice, and twice each of three heads
 * with a known regression: the hottest CPU frame +10 %, the CPU total +10 % per
 * request (the same frame grown by 10 % / its share), and +30 % bytes in the
 * allocation frame buildIndex. Each arm is a profile set of
 * DEFAULT_BUDGET.rounds rounds, so any two arms compare as an `ab` run's sides
 * do (paired by round). From one run come four A/A comparisons (each arm with
 * its twin) and two A/B comparisons per case (base 1 with head 1, base 2 with
 * head 2): 2.5 × the comparisons of plain `ab` runs for the same capture time.
 * The pairs of one run share a capture, so its comparisons are not independent
 * of each other; the runs are.
 *
 * Every arm's profile set is kept under KEEP/<runtime>-<stamp>/<arm>, and the
 * comparisons are judged from there, so `--rejudge-arms KEEP` judges every kept
 * run again with the current default gate (a gate change measured on the same
 * real rounds).
 */

export interface Arm {
  name: string;
  env: Record<string, string>;
}

/**
 * Share of the fixture's CPU per request (fraction) its regressed frame holds, so that
 * growing it by 10 % / share grows the total by 10 %. Go and Node: the frame's share of
 * perf's samples. Python: from the total, which is the OS's count: py-spy's 22 % share
 * understates hash_payload (threads waiting for the GIL are sampled), and a +29 % arm
 * grew the total by +16.9 % (the first real run), so 0.58.
 */
const HOT_SHARE: Record<Runtime, number> = { go: 0.42, node: 0.31, python: 0.58 };

export function armsOf(runtime: Runtime): Arm[] {
  const totalPct = String(Math.round(10 / HOT_SHARE[runtime]));
  const kinds: Arm[] = [
    { name: "base", env: {} },
    { name: "hot10", env: { FLAMEGATE_REGRESSION: "cpu", FLAMEGATE_REGRESSION_PCT: "10" } },
    { name: "total10", env: { FLAMEGATE_REGRESSION: "cpu", FLAMEGATE_REGRESSION_PCT: totalPct } },
    { name: "alloc30", env: { FLAMEGATE_REGRESSION: "alloc", FLAMEGATE_REGRESSION_PCT: "30" } },
  ];
  return kinds.flatMap((k) => [1, 2].map((i) => ({ name: `${k.name}-${i}`, env: k.env })));
}

/** The frame a regression lives in, by runtime (its callees count: perf folds inlined sha256 into them). */
const HOT_FRAME: Record<Runtime, RegExp> = {
  go: /hashPayload|sha256/,
  node: /checksum/,
  python: /hash_payload|sha256|_hashlib|openssl/i,
};
/** The allocation regression's own frame, whose estimate the table shows. */
const ALLOC_TARGET: Record<Runtime, RegExp> = {
  go: /^main\.buildIndex$/,
  node: /^buildIndex$/,
  python: /^build_index$/,
};
const ALLOC_FRAME: Record<Runtime, RegExp> = {
  go: /buildIndex|strings\.Repeat/,
  node: /buildIndex|repeat/,
  python: /build_index/,
};

export type ArmCell =
  "A/A" | "A/B hottest +10 %" | "A/B total +10 %" | "A/B alloc +30 %" | "A/B 10 % frame +25 %";

/**
 * +25 % in a frame of ~10 % of the CPU (duet designs only): the fixtures' mid regression,
 * in matchTokens (Go, ~13 %), hashRecords (Node, ~13 %) and match_tokens (Python, ~7 %
 * under perf; ~2 % of py-spy's samples, which the GIL's waits crowd).
 */
const MID_ENV = { FLAMEGATE_REGRESSION: "mid", FLAMEGATE_REGRESSION_PCT: "25" };
const MID_ARM: Record<Runtime, Record<string, string>> = {
  go: MID_ENV,
  node: MID_ENV,
  python: MID_ENV,
};
/** The mid regression's frame and what it calls (a failing callee names it too). */
const MID_FRAME: Record<Runtime, RegExp> = {
  go: /matchTokens|regexp\./,
  node: /hashRecords|createHash|^Hash|digest/,
  python: /match_tokens/,
};

interface Pairing {
  cell: ArmCell;
  /** How the pair's sides ran, when the run compared two ways (captureDuets). */
  setup?: string;
  /** An arm, or several pooled into one side of 10 rounds each (round k of the i-th arm is round 10·i + k). */
  base: string | string[];
  head: string | string[];
}

export const PAIRINGS: Pairing[] = [
  { cell: "A/A", base: "base-1", head: "base-2" },
  { cell: "A/A", base: "hot10-1", head: "hot10-2" },
  { cell: "A/A", base: "total10-1", head: "total10-2" },
  { cell: "A/A", base: "alloc30-1", head: "alloc30-2" },
  ...[1, 2].flatMap((i): Pairing[] => [
    { cell: "A/B hottest +10 %", base: `base-${i}`, head: `hot10-${i}` },
    { cell: "A/B total +10 %", base: `base-${i}`, head: `total10-${i}` },
    { cell: "A/B alloc +30 %", base: `base-${i}`, head: `alloc30-${i}` },
  ]),
];

/**
 * The same arms pooled into sides of 20 rounds, paired by position: what twice the
 * default rounds would prove, on the same real captures. A/A sides hold the same mix
 * of code (round k of base-1 pairs with round k of base-2, of hot10-1 with hot10-2).
 */
export const PAIRINGS_20: Pairing[] = [
  { cell: "A/A", base: ["base-1", "hot10-1"], head: ["base-2", "hot10-2"] },
  { cell: "A/A", base: ["total10-1", "alloc30-1"], head: ["total10-2", "alloc30-2"] },
  { cell: "A/B hottest +10 %", base: ["base-1", "base-2"], head: ["hot10-1", "hot10-2"] },
  { cell: "A/B total +10 %", base: ["base-1", "base-2"], head: ["total10-1", "total10-2"] },
  { cell: "A/B alloc +30 %", base: ["base-1", "base-2"], head: ["alloc30-1", "alloc30-2"] },
];

const armsOfSide = (side: string | string[]) => (typeof side === "string" ? [side] : side);

/** A kept arm's one service folder and the manifest in it. */
export function armManifest(armDir: string): { service: string; manifest: Manifest } {
  const service = readdirSync(armDir).find((f) => !f.endsWith(".json"))!;
  return {
    service,
    manifest: readManifestFile(join(armDir, service, "manifest.json")) as Manifest,
  };
}

/**
 * One side of a pairing as a profile set folder: the arm's own, or the arms' rounds
 * pooled into a profile set under `scratch` (their files linked, rounds renumbered).
 */
export function sideDir(dir: string, side: string | string[], scratch: string): string {
  if (typeof side === "string") return join(dir, side);
  const out = join(scratch, side.join("+"));
  if (existsSync(out)) return out;
  let manifest: Manifest | undefined;
  const rounds: RoundRecord[] = [];
  for (const arm of side) {
    const { service, manifest: m } = armManifest(join(dir, arm));
    manifest ??= m;
    mkdirSync(join(out, service), { recursive: true });
    for (const r of m.rounds) {
      const round = rounds.length + 1;
      const files: RoundRecord["files"] = {};
      for (const [kind, file] of Object.entries(r.files) as Array<[Kind, string]>) {
        files[kind] = profileFileName(round, kind);
        symlinkSync(join(dir, arm, service, file), join(out, service, files[kind]));
      }
      rounds.push({ ...r, round, files });
    }
  }
  writeFileSync(
    join(out, manifest!.service, "manifest.json"),
    `${JSON.stringify({ ...manifest, rounds })}\n`,
  );
  return out;
}

export interface ArmsOptions {
  runtime: Runtime;
  runs: number;
  /**
   * A duet design (captureDuets): "compare", each pair's sides at once against back
   * to back; "aa", four A/A pairs side by side.
   */
  duets?: DuetDesign;
  keep: string;
  record?: string;
  log: (line: string) => void;
}

/** Captures one run of all arms into `dir`/<arm>/<service>. */
async function captureArms(runtime: Runtime, dir: string, log: (l: string) => void) {
  const fixture = (await loadFixtureConfig(runtime)).services[0];
  if (!fixture) throw new Error(`the ${runtime} fixture config names no service`);
  const cwd = fixtureDir(runtime);
  const arms = armsOf(runtime).map((arm) => {
    const service: ServiceConfig = {
      ...fixture,
      rounds: DEFAULT_BUDGET.rounds,
      warmupSeconds: DEFAULT_BUDGET.warmupSeconds,
      load: { ...fixture.load, durationSeconds: DEFAULT_BUDGET.durationSeconds },
      env: { ...fixture.env, ...arm.env },
      pairing: "sequential",
    };
    const out = join(dir, arm.name, service.name);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, SERVICE_LOG), "");
    return { arm, service, out };
  });
  // What each arm injected, so a later rejudge knows (armsOf may change between sessions).
  writeFileSync(join(dir, EXACT_STEPS), "");
  writeFileSync(join(dir, ADJACENT_HEADS), "");
  writeFileSync(
    join(dir, "arms.json"),
    `${JSON.stringify(Object.fromEntries(arms.map((a) => [a.arm.name, a.arm.env])), null, 1)}\n`,
  );
  for (const a of arms)
    await buildService(a.service, cwd, (l) => log(`${a.arm.name}: ${l}`), join(a.out, SERVICE_LOG));
  // Each base runs between its two CPU heads (hot10-i, base-i, total10-i, the heads'
  // order drawn each round), back to back as `ab` runs a round's two sides: the machine's
  // speed drifts over the ~2 minutes eight arms take (one arm's CPU per request varied
  // 5–30 % between rounds), and a pair's sides must see the same machine. Allocations
  // per request do not depend on speed, so the alloc heads go anywhere in the round.
  const arm = (name: string) => arms.find((a) => a.arm.name === name)!;
  const blocks = () =>
    [1, 2].map((i) => {
      const [x, y] = shuffled([arm(`hot10-${i}`), arm(`total10-${i}`)]);
      return [x!, arm(`base-${i}`), y!];
    });
  function* schedule(): Generator<ScheduledRound<string>> {
    for (let round = 1; round <= DEFAULT_BUDGET.rounds; round++) {
      const order = shuffled([...blocks(), [arm("alloc30-1")], [arm("alloc30-2")]]).flat();
      log(`round ${round}/${DEFAULT_BUDGET.rounds}: ${order.map((a) => a.arm.name).join(", ")}`);
      for (const a of order)
        yield {
          key: a.arm.name,
          service: a.service,
          options: {
            round,
            cwd,
            logFile: join(a.out, SERVICE_LOG),
            log: (l) => log(`${a.arm.name}: ${l}`),
          },
        };
    }
  }
  const results = await runRounds(schedule());
  for (const a of arms)
    writeProfileSet(
      a.out,
      assembleProfileSet(a.service, results.get(a.arm.name) ?? [], {
        cwd,
        ref: a.arm.name,
        serviceLog: SERVICE_LOG,
      }),
    );
}

/**
 * The duet design: `ab`'s two ways of running a pair, interleaved in one run. Four
 * duos (base with base, hot10, total10, alloc30) run each round with their sides
 * at the same time (simultaneous: the head on ports of its own, the windows opened
 * together), and the three CPU duos again with their sides back to back in a drawn
 * order (sequential, as `ab` ran before); the slots' order is shuffled every round.
 * Arms are named <s|q>-<duo>-<a|b>.
 */
const DUOS = [
  { duo: "aa", cell: "A/A", head: "base" },
  { duo: "hot", cell: "A/B hottest +10 %", head: "hot10" },
  { duo: "tot", cell: "A/B total +10 %", head: "total10" },
  { duo: "alloc", cell: "A/B alloc +30 %", head: "alloc30" },
  { duo: "mid", cell: "A/B 10 % frame +25 %", head: "mid25" },
] as const;
const DUET_MODES = { s: "simultaneous", q: "sequential" } as const;
/**
 * Sequential alloc duos are left out: bytes per request do not depend on the machine's
 * speed. The mid duo came after this design's runs (2026-12-06) and is not in it.
 */
const DUET_PAIRINGS: Pairing[] = (["s", "q"] as const).flatMap((m) =>
  DUOS.filter((d) => d.duo !== "mid" && (m === "s" || d.duo !== "alloc")).map((d) => ({
    cell: d.cell,
    setup: DUET_MODES[m],
    base: `${m}-${d.duo}-a`,
    head: `${m}-${d.duo}-b`,
  })),
);
/** Numbered duos side by side (arms s-<duo><k>-a|b), k = 1, 2, … for each listed duo. */
const sideBySide = (duos: (typeof DUOS)[number]["duo"][]): Pairing[] =>
  duos.map((duo, i) => {
    const k = duos.slice(0, i + 1).filter((d) => d === duo).length;
    return {
      cell: DUOS.find((d) => d.duo === duo)!.cell,
      setup: DUET_MODES.s,
      base: `s-${duo}${k}-a`,
      head: `s-${duo}${k}-b`,
    };
  });
/**
 * aa: four A/A duos side by side, simultaneous pairing's false alarms. ab: the product's
 * default alone, every case a run (two A/A, two hottest +10 %, total, alloc, mid), so the
 * counts the issue asks for (≥ 20 A/A, ≥ 10 hottest, ≥ 5 of the rest) grow fastest.
 * cases: the A/B cases twice each and one A/A, for a runtime whose A/A count is made.
 */
export const DUET_DESIGNS = {
  compare: DUET_PAIRINGS,
  aa: sideBySide(["aa", "aa", "aa", "aa"]),
  ab: sideBySide(["aa", "hot", "tot", "alloc", "mid", "aa", "hot"]),
  cases: sideBySide(["hot", "tot", "alloc", "mid", "aa", "hot", "tot", "alloc", "mid"]),
};
export type DuetDesign = keyof typeof DUET_DESIGNS;
/** Marks a run captured by captureDuets; holds its pairings (empty: DUET_PAIRINGS). */
const DUETS = "duets";

/** The pairings of a duet run, or undefined for another design. */
export function duetPairings(dir: string): Pairing[] | undefined {
  const file = join(dir, DUETS);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  return text.trim() === "" ? DUET_PAIRINGS : (JSON.parse(text) as Pairing[]);
}

async function captureDuets(
  runtime: Runtime,
  dir: string,
  log: (l: string) => void,
  design: DuetDesign,
) {
  const fixture = (await loadFixtureConfig(runtime)).services[0];
  if (!fixture) throw new Error(`the ${runtime} fixture config names no service`);
  const cwd = fixtureDir(runtime);
  const envOf: Record<string, Record<string, string>> = {
    ...Object.fromEntries(armsOf(runtime).map((a) => [a.name.replace(/-\d$/, ""), a.env])),
    mid25: MID_ARM[runtime],
  };
  const pairings = DUET_DESIGNS[design];
  const arms = await Promise.all(
    pairings
      .flatMap((p) => [p.base as string, p.head as string])
      .map(async (name) => {
        const [mode, duo, side] = name.split("-") as [string, string, string];
        const head = DUOS.find((d) => d.duo === duo.replace(/\d+$/, ""))!.head;
        let service: ServiceConfig = {
          ...fixture,
          rounds: DEFAULT_BUDGET.rounds,
          warmupSeconds: DEFAULT_BUDGET.warmupSeconds,
          load: { ...fixture.load, durationSeconds: DEFAULT_BUDGET.durationSeconds },
          env: { ...fixture.env, ...(side === "b" ? envOf[head] : {}) },
          // As the arm runs: its manifest tells the gate whether the pair shared its seconds.
          pairing: mode === "s" ? "simultaneous" : "sequential",
        };
        if (mode === "s" && side === "b") service = (await withOwnPorts(service)).service;
        const out = join(dir, name, service.name);
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, SERVICE_LOG), "");
        return { name, mode, duo, side, service, out };
      }),
  );
  for (const f of [EXACT_STEPS, ADJACENT_HEADS]) writeFileSync(join(dir, f), "");
  writeFileSync(join(dir, DUETS), `${JSON.stringify(pairings)}\n`);
  writeFileSync(
    join(dir, "arms.json"),
    `${JSON.stringify(Object.fromEntries(arms.map((a) => [a.name, a.service.env])), null, 1)}\n`,
  );
  await buildService(arms[0]!.service, cwd, log, join(arms[0]!.out, SERVICE_LOG));
  const arm = (name: string) => arms.find((a) => a.name === name)!;
  const scheduled = (a: (typeof arms)[number], round: number): ScheduledRound<string> => ({
    key: a.name,
    service: a.service,
    options: { round, cwd, logFile: join(a.out, SERVICE_LOG), log: (l) => log(`${a.name}: ${l}`) },
  });
  function* schedule(): Generator<ScheduledRound<string> | ScheduledRound<string>[]> {
    for (let round = 1; round <= DEFAULT_BUDGET.rounds; round++) {
      const slots = shuffled(pairings).map((p) => ({
        mode: p.setup!,
        sides: [arm(p.base as string), arm(p.head as string)],
      }));
      log(
        `round ${round}/${DEFAULT_BUDGET.rounds}: ${slots.map((s) => `${s.sides[0]!.name}${s.mode === "simultaneous" ? "+" : ","}${s.sides[1]!.name}`).join(" ")}`,
      );
      for (const slot of slots) {
        const rounds = slot.sides.map((a) => scheduled(a, round));
        if (slot.mode === "simultaneous") yield rounds;
        else yield* shuffled(rounds);
      }
    }
  }
  const results = await runRounds(schedule());
  for (const a of arms)
    writeProfileSet(
      a.out,
      assembleProfileSet(a.service, results.get(a.name) ?? [], {
        cwd,
        ref: a.name,
        serviceLog: SERVICE_LOG,
      }),
    );
}

const SPEED_FACTORS_SIMULTANEOUS = { ...DEFAULT_VARIANT, speedFactorsSimultaneous: true };

/** Whether a comparison found what its cell injected (A/A: whether the gate failed at all). */
export function detected(runtime: Runtime, cell: ArmCell, r: Report): boolean {
  const failsIn = (kind: string, re: RegExp) =>
    (byKind(r, kind)?.frames ?? []).some((f) => f.verdict === "fail" && re.test(f.function));
  switch (cell) {
    case "A/A":
      return r.verdict === "fail";
    case "A/B hottest +10 %":
      return failsIn("cpu", HOT_FRAME[runtime]);
    case "A/B total +10 %":
      return byKind(r, "cpu")?.total.verdict === "fail";
    case "A/B alloc +30 %":
      return failsIn("alloc", ALLOC_FRAME[runtime]);
    case "A/B 10 % frame +25 %":
      return failsIn("cpu", MID_FRAME[runtime]);
  }
}

/** The regressed frame of a cell as the gate saw it: estimate, raw p, verdict. */
function target(runtime: Runtime, cell: ArmCell, r: Report) {
  const kind = cell === "A/B alloc +30 %" ? "alloc" : "cpu";
  const re =
    kind === "alloc"
      ? ALLOC_TARGET[runtime]
      : cell === "A/B 10 % frame +25 %"
        ? MID_FRAME[runtime]
        : HOT_FRAME[runtime];
  const c = byKind(r, kind);
  if (!c) return undefined;
  if (cell === "A/B total +10 %")
    return {
      function: "total",
      deltaPct: c.total.deltaPct,
      p: c.total.p,
      verdict: c.total.verdict,
    };
  const f = c.frames
    .filter((x) => re.test(x.function) && x.untested === undefined && x.pRaw !== undefined)
    .sort((a, b) => (b.shareBase ?? 0) - (a.shareBase ?? 0))[0];
  if (!f) return undefined;
  const d = f.tested === "cum" ? f.cum.deltaPct : f.self.deltaPct;
  return {
    function: f.function,
    share: f.shareBase,
    deltaPct: d,
    ci: f.ci,
    p: f.p,
    verdict: f.verdict,
  };
}

export interface ArmRecord {
  runtime: Runtime;
  run: string;
  cell: ArmCell;
  base: string;
  head: string;
  verdict: string;
  detected: boolean;
  target?: ReturnType<typeof target>;
  failing: string[];
  /** The same comparison by the gate before issue 19's gate levers (ISSUE_VARIANTS[0]): same rounds. */
  before?: { verdict: string; detected: boolean };
  /** Wall seconds of this run's capture (all eight arms, builds included). */
  captureSeconds?: number;
  /** Wall seconds per ab of the default budget: captureSeconds over the ab runs the capture held. */
  abSeconds?: number;
  /** Rounds per side when not the default's: arms pooled (PAIRINGS_20). */
  rounds?: number;
  /** A capture setting that differs from today's default, e.g. "inlining on" for Node runs before node-inlining: off. */
  setup?: string;
  /**
   * How this cell's comparison differs from the cell's name: what the fixture injected
   * when it was not +10 % (whole work steps), or a total whose sides were not run back to back.
   */
  cellNote?: string;
  cpu?: {
    samplesPerRound?: number;
    frameSigma?: number | null;
    mdeTop?: number;
    mde5?: number;
    mdeTotal?: number;
  };
}

/**
 * Until 2026-12-05 the Go and Node fixtures grew their hot frame in whole steps, so
 * FLAMEGATE_REGRESSION_PCT=10 injected +9.4 % (Go: 105 sha256 rounds for 96) and
 * +16.7 % (Node: 7 checksum passes for 6). Runs since carry EXACT_STEPS.
 */
const EXACT_STEPS = "exact-steps";
/** Runs since 2026-12-05 22:10 UTC ran each base between its two CPU heads (captureArms). */
const ADJACENT_HEADS = "adjacent-heads";
const WHOLE_STEP_HOT: Partial<Record<Runtime, string>> = { go: "+9.4 %", node: "+16.7 %" };

/** Node runs captured before sampling.node-inlining existed (or with it on) ran with V8's inlining. */
function setupOf(runtime: Runtime, dir: string): string | undefined {
  // Duet runs name their arms otherwise; they ran with today's sampling.
  if (runtime !== "node" || !existsSync(join(dir, "base-1"))) return undefined;
  const set = readdirSync(join(dir, "base-1"))[0];
  const manifest = set === undefined ? undefined : join(dir, "base-1", set, "manifest.json");
  if (!manifest || !existsSync(manifest)) return undefined;
  const m = JSON.parse(readFileSync(manifest, "utf8")) as {
    config?: { sampling?: { nodeInlining?: string } };
  };
  return m.config?.sampling?.nodeInlining === "off" ? undefined : "inlining on";
}

/** Judges every pairing of one kept run by the current default gate; the A/A reports go to `aa`. */
export function judgeArms(
  runtime: Runtime,
  dir: string,
  run: string,
  aa: Report[] = [],
  aaPooled: Report[] = [],
  aaDuets = new Map<string, Report[]>(),
): ArmRecord[] {
  // A run whose total arm grew the hot frame by another amount than armsOf's now is not a
  // +10 % total: its total pairings are left out.
  const recorded = join(dir, "arms.json");
  const injected = existsSync(recorded)
    ? (JSON.parse(readFileSync(recorded, "utf8")) as Record<string, Record<string, string>>)
    : undefined;
  const totalNow = armsOf(runtime).find((a) => a.name === "total10-1")!.env;
  const duets = duetPairings(dir);
  const totalArm = duets?.find((p) => p.cell === "A/B total +10 %")?.head ?? "total10-1";
  const totalOk =
    injected?.[totalArm as string]?.FLAMEGATE_REGRESSION_PCT === totalNow.FLAMEGATE_REGRESSION_PCT;
  const setup = setupOf(runtime, dir);
  const wholeStep = existsSync(join(dir, EXACT_STEPS)) ? undefined : WHOLE_STEP_HOT[runtime];
  // Before adjacent heads, a pair's sides ran up to eight arm-rounds (~100 s) apart.
  const loose = existsSync(join(dir, ADJACENT_HEADS)) ? undefined : "sides apart";
  const cellNote = (cell: ArmCell) =>
    cell === "A/B hottest +10 %"
      ? [wholeStep && `${wholeStep} injected`, loose].filter(Boolean).join(", ") || undefined
      : cell === "A/B total +10 %"
        ? loose
        : undefined;
  const secondsFile = join(dir, "capture-seconds");
  // A duet run that compares both ways holds both at once: no wall time of one ab. An aa
  // run is four simultaneous ab runs (four pairs × the default rounds), as 8 arms are.
  const oneWay = duets === undefined || duets.every((p) => p.setup === DUET_MODES.s);
  const captureSeconds =
    oneWay && existsSync(secondsFile) ? Number(readFileSync(secondsFile, "utf8")) : undefined;
  const scratch = mkdtempSync(join(tmpdir(), "flamegate-arms-"));
  const pairings = duets
    ? duets.map((p) => ({ ...p, rounds: DEFAULT_BUDGET.rounds }))
    : [
        ...PAIRINGS.map((p) => ({ ...p, rounds: DEFAULT_BUDGET.rounds })),
        ...PAIRINGS_20.map((p) => ({ ...p, rounds: 2 * DEFAULT_BUDGET.rounds })),
      ];
  const recs = pairings
    .filter(
      (p) =>
        [...armsOfSide(p.base), ...armsOfSide(p.head)].every((a) => existsSync(join(dir, a))) &&
        (p.cell !== "A/B total +10 %" || totalOk),
    )
    .map((p): ArmRecord => {
      const base = sideDir(dir, p.base, scratch);
      const head = sideDir(dir, p.head, scratch);
      const report = compareSets(readSide(base), readSide(head), DEFAULT_GATE, {
        paired: true,
      }).report;
      // The noise file and the pooled calibration describe the default budget;
      // a duet run's A/A comparisons are calibrated per way of pairing, apart.
      if (p.cell === "A/A" && p.setup !== undefined)
        aaDuets.set(p.setup, [...(aaDuets.get(p.setup) ?? []), report]);
      else if (p.cell === "A/A") (p.rounds === DEFAULT_BUDGET.rounds ? aa : aaPooled).push(report);
      // "Before": for a duet run, today's gate with size factors on pairs run at once (the
      // gate until 2026-12-06); for the others, the gate before issue 19's gate levers.
      const old = compareSets(readSide(base), readSide(head), DEFAULT_GATE, {
        paired: true,
        variant: duets ? SPEED_FACTORS_SIMULTANEOUS : ISSUE_VARIANTS[0]!.variant,
      }).report;
      const figures = kindFigures(byKind(report, "cpu"), p.rounds);
      return {
        runtime,
        run,
        ...((p.setup ?? setup) === undefined ? {} : { setup: p.setup ?? setup }),
        ...(cellNote(p.cell) === undefined ? {} : { cellNote: cellNote(p.cell) }),
        ...(p.rounds === DEFAULT_BUDGET.rounds ? {} : { rounds: p.rounds }),
        cell: p.cell,
        base: armsOfSide(p.base).join("+"),
        head: armsOfSide(p.head).join("+"),
        verdict: report.verdict,
        detected: detected(runtime, p.cell, report),
        before: { verdict: old.verdict, detected: detected(runtime, p.cell, old) },
        ...(captureSeconds === undefined
          ? {}
          : {
              captureSeconds,
              // A duet run's pairs are each one ab; eight arms are four ab of the default rounds.
              abSeconds:
                captureSeconds / (duets ? duets.length : (4 * DEFAULT_BUDGET.rounds) / p.rounds),
            }),
        target: target(runtime, p.cell, report),
        failing: report.comparisons.flatMap((c) => [
          ...c.frames.filter((f) => f.verdict === "fail").map((f) => `${c.kind}:${f.function}`),
          ...(c.total.verdict === "fail" ? [`${c.kind}:total`] : []),
        ]),
        ...(figures
          ? {
              cpu: {
                samplesPerRound: figures.samplesPerRound,
                frameSigma: figures.frameSigma,
                mdeTop: figures.hottest?.mdePct,
                mde5: figures.mde5Pct,
                mdeTotal: figures.mdeTotalPct,
              },
            }
          : {}),
      };
    });
  rmSync(scratch, { recursive: true, force: true });
  return recs;
}

export async function runArms(o: ArmsOptions): Promise<ArmRecord[]> {
  const all: ArmRecord[] = [];
  for (let i = 0; i < o.runs; i++) {
    const run = `${o.runtime}-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    const dir = join(o.keep, run);
    const started = Date.now();
    o.log(`${run}: run ${i + 1}/${o.runs}`);
    if (o.duets) await captureDuets(o.runtime, dir, o.log, o.duets);
    else await captureArms(o.runtime, dir, o.log);
    const secs = (Date.now() - started) / 1000;
    writeFileSync(join(dir, "capture-seconds"), `${secs.toFixed(0)}\n`);
    const recs = judgeArms(o.runtime, dir, run);
    for (const r of recs) {
      if (o.record) appendFileSync(o.record, `${JSON.stringify(r)}\n`);
      o.log(
        `${run} ${r.cell} ${r.base} vs ${r.head}: ${r.verdict}${r.detected ? " (detected)" : ""}`,
      );
    }
    all.push(...recs);
  }
  return all;
}

/**
 * Every run kept under `keep` (directories <runtime>-<stamp>), judged again; the noise
 * of each runtime's A/A comparisons is written to eval/noise-<runtime>-default-budget.json
 * for the offline simulation (`--noise`); eval/noise-<runtime>.json stays what `--real`
 * measured with the profilers of its day.
 */
export function rejudgeArms(
  keep: string,
  record?: string,
): { records: ArmRecord[]; calibration: string[] } {
  const out: ArmRecord[] = [];
  const aa = new Map<Runtime, Report[]>();
  const aaPooled = new Map<Runtime, Report[]>();
  const aaDuets = new Map<Runtime, Map<string, Report[]>>();
  const listOf = (m: Map<Runtime, Report[]>, runtime: Runtime) => {
    const list = m.get(runtime) ?? [];
    m.set(runtime, list);
    return list;
  };
  for (const run of readdirSync(keep).sort()) {
    const runtime = run.split("-")[0] as Runtime;
    // A run still capturing (or stopped) has written no capture-seconds: nothing to judge.
    if (!RUNTIMES.includes(runtime) || !existsSync(join(keep, run, "capture-seconds"))) continue;
    const recs = judgeArms(
      runtime,
      join(keep, run),
      run,
      listOf(aa, runtime),
      listOf(aaPooled, runtime),
      aaDuets.get(runtime) ?? aaDuets.set(runtime, new Map()).get(runtime),
    );
    for (const r of recs) if (record) appendFileSync(record, `${JSON.stringify(r)}\n`);
    out.push(...recs);
  }
  const fp = runnerFingerprint();
  const calibration: string[] = [];
  const calibrationLine = (what: string, reports: Report[]) => {
    const { tested, below01 } = pooledCalibration(reports);
    return `${what}: ${reports.length} A/A comparisons, ${below01} of ${tested} tested frames with a raw p below 0.01 (${((100 * below01) / Math.max(1, tested)).toFixed(2)} %; calibrated when ≤ 1 %)`;
  };
  for (const [runtime, reports] of aa) {
    if (reports.length === 0) continue;
    calibration.push(calibrationLine(runtime, reports));
    const noise = noiseFromReports(
      reports,
      `${reports.length} real A/A comparisons of the ${runtime} fixture at the default budget (eval/arms.ts: ${DEFAULT_BUDGET.rounds} paired rounds of ${DEFAULT_BUDGET.durationSeconds} s), ${new Date().toISOString().slice(0, 10)}, ${fp.cpuModel} × ${fp.cores} cores; sigmaJob and sigmaFrameJob are defaults (one machine cannot show them)`,
    );
    writeFileSync(armsNoiseFile(runtime), `${JSON.stringify(noise, null, 2)}\n`);
  }
  for (const [runtime, bySetup] of aaDuets)
    for (const [setup, reports] of bySetup)
      calibration.push(calibrationLine(`${runtime}, duets, ${setup}`, reports));
  for (const [runtime, reports] of aaPooled)
    if (reports.length > 0)
      calibration.push(
        calibrationLine(`${runtime}, ${2 * DEFAULT_BUDGET.rounds} rounds pooled`, reports),
      );
  return { records: out, calibration };
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
/** The median of the finite values; NaN when there are none. */
const median = (xs: number[]) => describedMedian(xs.filter(Number.isFinite), NaN);

/** Per runtime and cell: comparisons, detections (A/A: gate failures) with a 95 % Wilson interval, and the median target estimate. */
export function armsTable(recs: ArmRecord[]): string {
  const rows = [
    "| runtime | cell | comparisons | gate before: detected (A/A: failed) | 95 % CI | gate now: detected (A/A: failed) | 95 % CI (Wilson) | median estimate of the target | median p (adjusted) | CPU samples / round | σ0 | MDE hottest / 5 % frame / total (now) | wall time per ab | runs whose comparisons of the cell agree (a rerun's verdict) |",
    "|---|---|---:|---:|---|---:|---|---:|---:|---:|---:|---|---:|---:|",
  ];
  const cells: ArmCell[] = [
    "A/A",
    "A/B hottest +10 %",
    "A/B total +10 %",
    "A/B alloc +30 %",
    "A/B 10 % frame +25 %",
  ];
  const groupOf = (r: ArmRecord) =>
    `${r.runtime}${r.setup ? `, ${r.setup}` : ""}${r.rounds ? `, ${r.rounds} rounds pooled` : ""}`;
  const groups = [...new Set(recs.map(groupOf))].sort();
  // A cell splits by how its comparisons differ from its name (cellNote).
  const rowsOf = (cell: ArmCell) => [
    ...new Set(recs.filter((r) => r.cell === cell).map((r) => r.cellNote)),
  ];
  for (const group of groups) {
    for (const [cell, note] of cells.flatMap((c) => rowsOf(c).map((n) => [c, n] as const))) {
      const rs = recs.filter((r) => groupOf(r) === group && r.cell === cell && r.cellNote === note);
      if (rs.length === 0) continue;
      const label = note === undefined ? cell : `${cell} (${note})`;
      const k = rs.filter((r) => r.detected).length;
      const [lo, hi] = wilsonInterval(k, rs.length);
      const withBefore = rs.filter((r) => r.before !== undefined);
      const kb = withBefore.filter((r) => r.before!.detected).length;
      const [blo, bhi] = wilsonInterval(kb, withBefore.length);
      const before =
        withBefore.length === 0
          ? "– | –"
          : `${kb} (${pct(kb / withBefore.length)}) | ${pct(blo)} – ${pct(bhi)}`;
      // A run's eight arms are four ab runs of the default rounds (pooled sides: two).
      // Records before abSeconds: a run's eight arms were four ab (pooled sides: two).
      const abRuns = (4 * DEFAULT_BUDGET.rounds) / (rs[0]!.rounds ?? DEFAULT_BUDGET.rounds);
      const wall = median([
        ...new Map(
          rs.map((r) => [r.run, r.abSeconds ?? (r.captureSeconds ?? NaN) / abRuns]),
        ).values(),
      ]);
      // The comparisons of one cell in one run are independent captures of the same change:
      // whether they agree is whether a rerun would give the same verdict.
      const runs = [...new Set(rs.map((r) => r.run))];
      const agree = runs.filter(
        (run) => new Set(rs.filter((r) => r.run === run).map((r) => r.detected)).size === 1,
      ).length;
      const est = median(rs.map((r) => r.target?.deltaPct ?? NaN));
      const p = median(rs.map((r) => r.target?.p ?? NaN));
      const m = (f: (r: ArmRecord) => number | null | undefined) =>
        median(rs.map((r) => f(r) ?? NaN));
      rows.push(
        `| ${group} | ${label} | ${rs.length} | ${before} | ${k} (${pct(k / rs.length)}) | ${pct(lo)} – ${pct(hi)} | ${cell === "A/A" ? "–" : `${est.toFixed(1)} %`} | ${cell === "A/A" ? "–" : p.toPrecision(2)} | ${m((r) => r.cpu?.samplesPerRound).toFixed(0)} | ${(m((r) => r.cpu?.frameSigma) * 100).toFixed(1)} % | ${m((r) => r.cpu?.mdeTop).toFixed(0)} / ${m((r) => r.cpu?.mde5).toFixed(0)} / ${m((r) => r.cpu?.mdeTotal).toFixed(0)} % | ${Number.isFinite(wall) ? `${(wall / 60).toFixed(1)} min` : "–"} | ${agree} of ${runs.length} |`,
      );
    }
  }
  return rows.join("\n");
}
