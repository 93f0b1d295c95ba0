/**
 * `bench:overhead --attribute`: what the profilers' own code costs, read from
 * the service's stacks instead of from the difference of two noisy runs.
 *
 * While each window's load runs, `perf record` samples the service's process
 * group (cpu-clock, 997 Hz, call graphs; the same in both arms). Each sample
 * is then put in at most one category by its thread name or by a frame of its
 * stack, and a category's share of the window's samples is compared between
 * the profiled arm and the control. What the profilers make slower without
 * running code of their own (caches, deoptimised code) is not in these
 * shares; the throughput and CPU-per-request ratios still carry it, with
 * their noise. perf must be installed and allowed to attach: root, or
 * kernel.perf_event_paranoid ≤ 1 (at 2 it sees no kernel frames, so the
 * signal delivery is missed).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { Runtime } from "../src/config.js";
import { median } from "../src/compare/stats/describe.js";
import { groupMembers } from "../src/session/reaper.js";

interface Category {
  name: string;
  /** The sample's thread name (perf's comm), e.g. V8's tick thread. */
  thread?: RegExp;
  /** Any frame of the sample's stack, kernel frames included. */
  frame?: RegExp;
  /** Not the profilers' code (the GC): a change in it is their side effect, not in the total. */
  sideEffect?: boolean;
}

/** Delivering a signal and returning from it, in the kernel and libc (SIGPROF is how V8 and Go sample). */
const SIGNAL_PATH =
  /arch_do_signal_or_restart|irqentry_exit_to_user_mode|x64_setup_rt_frame|__restore_rt|rt_sigreturn/;

/** Checked first to last; a sample lands in the first that matches. */
const CATEGORIES: Record<Runtime, Category[]> = {
  node: [
    { name: "V8 tick thread (v8:ProfEvntProc)", thread: /^v8:ProfEvntProc$/ },
    {
      name: "SIGPROF: delivery, V8's handler and stack walk",
      frame: new RegExp(
        `${SIGNAL_PATH.source}|HandleProfilerSignal|SamplerManager|CpuSampler|TickSample`,
      ),
    },
    { name: "V8 heap sampler", frame: /SamplingHeapProfiler|SamplingAllocationObserver/ },
    {
      name: "GC",
      sideEffect: true,
      frame:
        /v8::internal::(Heap::|Scavenger|ScavengerCollector|MarkCompactCollector|MinorMarkSweep|ConcurrentMarking|IncrementalMarking|Sweeper|GCTracer)/,
    },
  ],
  go: [
    {
      name: "SIGPROF: delivery, runtime.sigprof, the profile's writer",
      frame: new RegExp(
        `${SIGNAL_PATH.source}|runtime\\.sigprof|runtime\\.\\(\\*profBuf\\)|runtime/pprof\\.|net/http/pprof\\.|compress/flate`,
      ),
    },
    // Go samples allocations at 512 KiB even when nobody asks: the control has some too.
    { name: "allocation sampling", frame: /runtime\.profilealloc|runtime\.mProf_/ },
    {
      name: "GC",
      sideEffect: true,
      frame:
        /runtime\.(gcBgMarkWorker|gcAssistAlloc|gcDrain|bgsweep|sweepone|bgscavenge|gcStart|gcMarkDone|gcMarkTermination)/,
    },
  ],
  // py-spy reads the service's memory from its own process, outside the group;
  // Python 3.11's own frames are not visible to perf, so a Python-level sampler is not either.
  python: [
    { name: "memray", frame: /memray/ },
    { name: "tracemalloc", frame: /tracemalloc/ },
  ],
};

/** perf's sampling rate in Hz: prime, so it does not beat with 1 kHz or 100 Hz profilers. */
const PERF_HZ = 997;
/**
 * Time perf gets to attach before the load starts, in ms. The profilers
 * started just before it, so with --attribute they run this much longer than
 * the load (Go's CPU profile ends this much before it): a cost diluted by ≤ 3 %.
 */
const ATTACH_MS = 150;

/** Category shares of one window, in % of its samples. */
type Shares = Map<string, number>;

export interface Attribution {
  /** Pass as runRound's watchLoad; `profiled` says which arm the next windows belong to. */
  watch(
    profiled: boolean,
  ): (pgid: number, kinds: readonly string[]) => Promise<() => Promise<void>>;
  /** One line per window kind and category: median share with / without, and the difference. */
  summary(): string[];
}

/** Fails with perf's own words when perf is missing or may not attach. */
export async function checkPerf(): Promise<void> {
  const probe = await execa("perf", ["record", "-q", "-o", "/dev/null", "--", "true"], {
    reject: false,
  });
  if (probe.failed) {
    const why = probe.stderr || ("shortMessage" in probe ? String(probe.shortMessage) : "");
    throw new Error(
      `--attribute needs perf (linux-perf) allowed to record: ${why.split("\n")[0] ?? ""}`,
    );
  }
}

/** Assigns each sample of a `perf script` dump to its first matching category. */
export function classify(dump: string, categories: readonly Category[]): Shares {
  const counts = new Map(categories.map((c) => [c.name, 0]));
  let total = 0;
  for (const block of dump.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((l) => l.trim() !== "");
    const head = lines[0];
    if (head === undefined) continue;
    total++;
    const thread = head.trim().split(/\s+/)[0] ?? "";
    const frames = lines.slice(1);
    const hit = categories.find(
      ({ thread: byThread, frame: byFrame }) =>
        byThread?.test(thread) || (byFrame && frames.some((f) => byFrame.test(f))),
    );
    if (hit) counts.set(hit.name, counts.get(hit.name)! + 1);
  }
  return new Map([...counts].map(([name, n]) => [name, total > 0 ? (n / total) * 100 : 0]));
}

export function attribution(runtime: Runtime): Attribution {
  const categories = CATEGORIES[runtime];
  /** window key ("cpu, alloc", or "control") -> one Shares per window. */
  const seen = new Map<string, Shares[]>();
  /** Why perf recorded nothing, per window it failed on. */
  const failures: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), "flamegate-perf-"));
  let windows = 0;
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));

  return {
    watch(profiled) {
      return async (pgid, kinds) => {
        const file = join(dir, `w${++windows}.data`);
        const pids = groupMembers(pgid).join(",");
        const perf = execa(
          "perf",
          ["record", "-q", "-e", "cpu-clock", "-F", String(PERF_HZ), "-g", "-p", pids, "-o", file],
          { reject: false },
        );
        await new Promise((r) => setTimeout(r, ATTACH_MS));
        return async () => {
          perf.kill("SIGINT");
          await perf;
          const dump = await execa("perf", ["script", "-i", file, "-F", "comm,ip,sym"], {
            reject: false,
            maxBuffer: 1024 * 1024 * 1024,
          });
          rmSync(file, { force: true });
          if (dump.failed) {
            failures.push(dump.stderr.split("\n")[0] || dump.shortMessage || "no output");
            return;
          }
          const key = profiled ? kinds.join(", ") : "control";
          seen.set(key, [...(seen.get(key) ?? []), classify(dump.stdout, categories)]);
        };
      };
    },

    summary() {
      const control = seen.get("control") ?? [];
      const lines: string[] = [];
      if (failures.length > 0)
        lines.push(
          `${runtime}: perf attribution failed in ${failures.length} windows: ${failures[0]}`,
        );
      for (const [key, shares] of seen) {
        if (key === "control") continue;
        lines.push(
          `${runtime}: perf attribution, ${key} window (median % of the service's samples over ${shares.length} windows, with / without profiling):`,
        );
        const line = (name: string, share: (s: Shares) => number) => {
          const on = median(shares.map(share));
          const off = median(control.map(share));
          const diff = `${on - off >= 0 ? "+" : ""}${(on - off).toFixed(2)}`;
          lines.push(`  ${name}: ${on.toFixed(2)} % / ${off.toFixed(2)} % -> ${diff} points`);
        };
        for (const { name } of categories) line(name, (s) => s.get(name) ?? 0);
        const own = categories.filter((c) => !c.sideEffect).map((c) => c.name);
        line("the profilers' own code in all", (s) => own.reduce((t, n) => t + (s.get(n) ?? 0), 0));
      }
      return lines;
    },
  };
}
