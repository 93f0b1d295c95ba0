/**
 * npm run bench:overhead [-- --pairs N --seconds S --runtime node,go,python --profiles cpu,alloc --cpu-hz N --alloc-bytes B --env K=V,… --attribute]
 *
 * What profiling costs the service: for every fixture service whose capture
 * driver exists (fixtures/services/<runtime> + src/capture/index.ts), the
 * same load runs against a fresh process without profiling and with the
 * default profilers (config as in the fixture's flamegate.yml), in
 * interleaved pairs whose order alternates (ABBA…), so drift of a shared
 * machine hits both alike. Prints each pair's throughput ratio
 * (with / without), their median with a distribution-free 95 % interval
 * (order statistics), and the median overhead 1 − ratio. Targets at default
 * settings: ≤ 3 % for Go, ≤ 5 % for Node and Python.
 *
 * The ratio is the first capture window's (what the service's users see
 * while the CPU profile is taken). When the driver captures some kinds in
 * their own windows after it (Python: alloc with memray), each such
 * window's throughput is compared with the same unprofiled arm and printed
 * as a separate cost.
 *
 * The load generator (autocannon) runs in this process, on the same cores
 * as the service, for both arms alike. So a second figure is printed that
 * the load generator's share of the cores does not blur: the service's CPU
 * seconds per request as the OS counts them (WindowRecord.cpuSeconds, its
 * whole process group; py-spy attaches from outside it), with / without.
 *
 * Between processes both ratios move ±15 % on a shared 2-core machine, so a
 * cost of a few % needs many pairs. --attribute adds a figure with far less
 * noise: the share of the service's own perf samples that are the profilers'
 * code, with / without (bench/attribute.ts).
 */
import { parseArgs } from "node:util";
import { attribution, checkPerf } from "./attribute.js";
import { DRIVERS } from "../src/capture/index.js";
import { median } from "../src/compare/stats/describe.js";
import { medianInterval } from "../src/compare/stats/median-interval.js";
import { RUNTIMES, type ServiceConfig } from "../src/config.js";
import { isKind } from "../src/model/kinds.js";
import type { RoundRecord } from "../src/model/profile-set.js";
import { buildService, runRound } from "../src/session/index.js";
import { windowPlan } from "../src/session/round.js";
import { hasFixture, loadFixtureConfig } from "../src/session/fixtures.js";

const { values } = parseArgs({
  options: {
    pairs: { type: "string", default: "5" },
    seconds: { type: "string", default: "5" },
    warmup: { type: "string", default: "2" },
    runtime: { type: "string" },
    /** Overrides the fixture's profiles, e.g. --profiles cpu to measure the CPU profiler alone. */
    profiles: { type: "string" },
    /** Overrides sampling.cpu-hz. */
    "cpu-hz": { type: "string" },
    /** Overrides sampling.alloc-bytes (Go: GODEBUG=memprofilerate, set whatever the profiles). */
    "alloc-bytes": { type: "string" },
    /** Extra environment for the service in both arms, e.g. CATALOG_ITEMS=0 (the Go fixture without its catalog). */
    env: { type: "string" },
    /** Also sample the service with perf and say which share of its CPU is the profilers' own code. */
    attribute: { type: "boolean", default: false },
  },
});
const pairs = Math.max(1, Number(values.pairs));
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const only = values.runtime?.split(",");
const extraEnv = Object.fromEntries(
  (values.env?.split(",") ?? []).map((kv) => {
    const at = kv.indexOf("=");
    if (at < 1) throw new Error(`--env: expected KEY=VALUE, got '${kv}'`);
    return [kv.slice(0, at), kv.slice(at + 1)];
  }),
);

/**
 * "median ratio 0.921 (95 % CI 0.876–0.977) -> overhead 7.9 %", the interval
 * distribution-free: the pairs' spread between processes is far from normal.
 * `costAbove`: a ratio above 1 is the cost (CPU per request), else below 1 (throughput).
 */
function overhead(ratios: number[], costAbove: boolean): string {
  const m = median(ratios);
  const [lo, hi] = medianInterval(ratios);
  const pct = (costAbove ? m - 1 : 1 - m) * 100;
  return `median ratio ${m.toFixed(3)} (95 % CI ${lo.toFixed(3)}–${hi.toFixed(3)}) -> overhead ${pct.toFixed(1)} %`;
}

const log = (line: string) => process.stderr.write(`  ${line}\n`);
const rows: string[] = [];
if (values.attribute) await checkPerf();

for (const runtime of RUNTIMES) {
  if (only && !only.includes(runtime)) continue;
  if (!DRIVERS[runtime] || !hasFixture(runtime)) {
    rows.push(
      `${runtime}: skipped (no ${DRIVERS[runtime] ? "fixture service" : "capture driver"})`,
    );
    continue;
  }
  const config = await loadFixtureConfig(runtime);
  const fixture = config.services[0]!;
  if (fixture.load.type !== "builtin") {
    rows.push(`${runtime}: skipped (the fixture's load is a command; throughput unknown)`);
    continue;
  }
  const service: ServiceConfig = {
    ...fixture,
    env: { ...fixture.env, ...extraEnv },
    ...(values.profiles ? { profiles: values.profiles.split(",").filter(isKind) } : {}),
    sampling: {
      ...fixture.sampling,
      ...(values["cpu-hz"] ? { cpuHz: Number(values["cpu-hz"]) } : {}),
      ...(values["alloc-bytes"] ? { allocBytes: Number(values["alloc-bytes"]) } : {}),
    },
    warmupSeconds: warmup,
    load: { ...fixture.load, durationSeconds: seconds },
  };
  process.stderr.write(
    `${runtime}: ${pairs} pairs, ${warmup} s warm-up + ${seconds} s load each\n`,
  );
  await buildService(service, service.cwd, log);
  const attributed = values.attribute ? attribution(runtime) : undefined;
  const ratios: number[] = [];
  /** (CPU seconds per request with) / (without), per pair; empty off Linux. */
  const cpuRatios: number[] = [];
  const arms = { off: [] as number[], on: [] as number[] };
  /** Kinds captured in a window of their own after the first: that window's ratio per pair. */
  const plan = windowPlan(service.profiles, DRIVERS[runtime]);
  const first = plan[0] ?? [];
  const apart = new Map(
    plan
      .slice(1)
      .flat()
      .map((k) => [k, [] as number[]]),
  );
  for (let pair = 1; pair <= pairs; pair++) {
    const order = pair % 2 === 1 ? ([false, true] as const) : ([true, false] as const);
    const got: Partial<Record<"on" | "off", number>> = {};
    const cpuPerRequest: Partial<Record<"on" | "off", number>> = {};
    let windows: RoundRecord["windows"];
    for (const profile of order) {
      const r = await runRound(service, {
        round: pair,
        profile,
        log,
        ...(attributed ? { watchLoad: attributed.watch(profile) } : {}),
      });
      const arm = profile ? "on" : "off";
      got[arm] = r.record.throughput ?? 0;
      if (r.record.cpuSeconds !== undefined && r.record.requests)
        cpuPerRequest[arm] = r.record.cpuSeconds / r.record.requests;
      if (profile) windows = r.record.windows;
    }
    const cpuRatio =
      cpuPerRequest.on !== undefined && cpuPerRequest.off
        ? cpuPerRequest.on / cpuPerRequest.off
        : undefined;
    if (cpuRatio !== undefined) cpuRatios.push(cpuRatio);
    for (const [kind, ratios] of apart) ratios.push((windows?.[kind]?.throughput ?? 0) / got.off!);
    arms.off.push(got.off!);
    arms.on.push(got.on!);
    ratios.push(got.on! / got.off!);
    const separately = [...apart].map(
      ([kind, r]) =>
        `; ${kind} window ${(r.at(-1)! * got.off!).toFixed(0)} req/s, ratio ${r.at(-1)!.toFixed(3)}`,
    );
    const cpu =
      cpuRatio === undefined
        ? ""
        : `; CPU per request without ${(cpuPerRequest.off! * 1e3).toFixed(3)} ms, with ${(cpuPerRequest.on! * 1e3).toFixed(3)} ms, ratio ${cpuRatio.toFixed(3)}`;
    process.stderr.write(
      `${runtime} pair ${pair}: without ${got.off!.toFixed(0)} req/s, with ${got.on!.toFixed(0)} req/s, ratio ${(got.on! / got.off!).toFixed(3)}${cpu}${separately.join("")}\n`,
    );
  }
  rows.push(
    `${runtime}: median throughput without ${median(arms.off).toFixed(0)} req/s, with ${median(arms.on).toFixed(0)} req/s; ` +
      `${overhead(ratios, false)} ` +
      `(pairs: ${ratios.map((r) => r.toFixed(3)).join(" ")}; window ${first.join(", ")} of profiles ${service.profiles.join(", ")}, ` +
      // Go's CPU profiler runs at a fixed 100 Hz; sampling.cpu-hz is for py-spy and V8.
      `cpu ${runtime === "go" ? 100 : service.sampling.cpuHz} Hz, alloc every ${service.sampling.allocBytes} B` +
      `${values.env ? `, env ${values.env}` : ""})`,
  );
  if (cpuRatios.length > 0)
    rows.push(
      `${runtime}: service CPU per request (OS-counted, first window): ${overhead(cpuRatios, true)} (pairs: ${cpuRatios.map((r) => r.toFixed(3)).join(" ")})`,
    );
  for (const [kind, r] of apart)
    rows.push(
      `${runtime}: ${kind} captured in its own window after the ${first.join(", ")} window: ${overhead(r, false)} (pairs: ${r.map((x) => x.toFixed(3)).join(" ")})`,
    );
  if (attributed) rows.push(...attributed.summary());
}

process.stdout.write(
  `\nflamegate overhead bench (${pairs} interleaved pairs per runtime)\n${rows.join("\n")}\n`,
);
