import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import type { Profile } from "pprof-format";
import { aggregateFunctions } from "../../src/compare/aggregate.js";
import { type Kind, sampleIndexFor } from "../../src/model/kinds.js";
import { str, toNumber } from "../../src/model/values.js";
import { sleep } from "../../src/session/process.js";
import { waitReady as sessionWaitReady } from "../../src/session/ready.js";
import { groupMembers, signalGroup } from "../../src/session/reaper.js";

export { freePort } from "../../src/session/ready.js";

/**
 * Test support shared by the Go and Python capture tests: boot a fixture
 * service in its own process group, wait for it, load it, read a profile by
 * function, and make sure nothing survives.
 */

export interface Running {
  /** The shell's pid, which is also the process group id. */
  pid: number;
  output(): string;
  /** SIGTERM to the group, SIGKILL after 3 s; resolves when no member is left. */
  stop(): Promise<void>;
}

export function startService(
  command: string,
  cwd: string,
  env: Record<string, string | undefined>,
): Running {
  const child: ChildProcess = spawn("sh", ["-c", command], {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot spawn ${command}`);
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  return {
    pid,
    output: () => out,
    async stop() {
      signalGroup(pid, "SIGTERM");
      for (let i = 0; i < 60 && groupMembers(pid).length > 0; i++) {
        if (i === 30) signalGroup(pid, "SIGKILL");
        await sleep(100);
      }
    },
  };
}

/** Waits with the session's own readiness probe; a test failure carries the service's output. */
export async function waitReady(url: string, running: Running, timeoutS = 30): Promise<void> {
  const outcome = await sessionWaitReady(
    url,
    timeoutS,
    () => groupMembers(running.pid).length === 0,
  );
  if (outcome === "exited") throw new Error(`service exited before ready:\n${running.output()}`);
  if (outcome === "timeout")
    throw new Error(`not ready after ${timeoutS}s: ${url}\n${running.output()}`);
}

/** Closed-loop load for `seconds`; returns completed 2xx requests. */
export async function load(url: string, seconds: number, connections = 4): Promise<number> {
  const result = await autocannon({ url, connections, duration: seconds });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`load errors: ${result.errors} errors, ${result.non2xx} non-2xx`);
  return result.requests.total;
}

/** Cumulative value of each function name (with its file) in a profile of `kind`. */
export function cumByFunction(
  profile: Profile,
  kind: Kind,
): { total: number; cum: Map<string, { value: number; file: string }> } {
  const index = sampleIndexFor(profile, kind);
  if (index < 0) throw new Error(`profile has no sample type for ${kind}`);
  const table = aggregateFunctions(profile, index);
  const cum = new Map<string, { value: number; file: string }>();
  table.functions.forEach((f, i) => {
    const prev = cum.get(f.name);
    cum.set(f.name, { value: (prev?.value ?? 0) + (table.cum[i] ?? 0), file: f.file });
  });
  return { total: table.total, cum };
}

/**
 * The source lines of function `fn` that appear in any stack with a value of
 * `kind`: which statements of it ran, e.g. whether a code path that only a
 * regression takes allocated anything.
 */
export function linesIn(profile: Profile, kind: Kind, fn: string): Set<number> {
  const index = sampleIndexFor(profile, kind);
  if (index < 0) throw new Error(`profile has no sample type for ${kind}`);
  const names = new Map(profile.function.map((f) => [toNumber(f.id), str(profile, f.name)]));
  const lines = new Map(
    profile.location.map((l) => [
      toNumber(l.id),
      l.line
        .filter((line) => names.get(toNumber(line.functionId)) === fn)
        .map((line) => toNumber(line.line)),
    ]),
  );
  const out = new Set<number>();
  for (const sample of profile.sample) {
    if (toNumber(sample.value[index]) <= 0) continue;
    for (const id of sample.locationId) for (const n of lines.get(toNumber(id)) ?? []) out.add(n);
  }
  return out;
}

/** The 1-based line of `file` that contains `needle` (exactly one must). */
export function sourceLine(file: string, needle: string): number {
  const found = readFileSync(file, "utf8")
    .split("\n")
    .flatMap((text, i) => (text.includes(needle) ? [i + 1] : []));
  if (found.length !== 1) throw new Error(`${file}: ${found.length} lines hold ${needle}`);
  return found[0]!;
}
