import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Profile } from "pprof-format";
import { FlamegateError } from "../errors.js";
import type { Kind } from "./kinds.js";
import { encodeProfileGz } from "./gzip.js";

/**
 * A profile set: what `flamegate run` writes and the action stores as an
 * artifact. On disk: DIR/<service>/manifest.json + DIR/<service>/r<round>.<kind>.pb.gz
 * (docs/design.md, "Profile set").
 */
export const PROFILE_SET_SCHEMA = "flamegate.profileset/v1";

export interface RunnerFingerprint {
  os: string;
  arch: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  /** Short hash of the fields above; equal fingerprints mean "same kind of machine". */
  id: string;
}

export interface LatencyMs {
  p50: number;
  p95: number;
  p99: number;
}

/** The load figures of one capture window. */
export interface WindowRecord {
  /** Seconds the capture window lasted (load running, profilers on). */
  windowSeconds: number;
  /** Requests completed inside the window; null when the load is the user's own command. */
  requests: number | null;
  errors: number;
  non2xx: number;
  /** Requests per second; null with a load command. */
  throughput: number | null;
  latency: LatencyMs | null;
  /**
   * CPU seconds (user + system) the service's process group used during the
   * window, as the OS counts them (Linux /proc): in-process profilers (Go's,
   * V8's, the Python agents) are included, py-spy (which attaches from its
   * own group) is not. Absent off Linux.
   */
  cpuSeconds?: number;
  /**
   * When the window's load started (ISO 8601, milliseconds): a simultaneous pair's
   * two rounds show how far apart their windows opened, and which side went first.
   */
  loadStarted?: string;
}

/** One round: its (first) window's load figures, its files, and how it was captured. */
export interface RoundRecord extends WindowRecord {
  round: number;
  /** Profile file per kind, relative to the manifest. */
  files: Partial<Record<Kind, string>>;
  /** Which profiler produced each kind, e.g. "py-spy 0.4.1 @ 200 Hz". */
  profilers: Partial<Record<Kind, string>>;
  /**
   * When the kinds were captured in separate windows (Python: cpu, then
   * alloc), each kind's own window; the figures above are the first window's
   * (the CPU window). Absent: one window for every kind.
   */
  windows?: Partial<Record<Kind, WindowRecord>>;
  /** What the capture said about itself, e.g. which profiler ran instead of which. */
  notes?: string[];
}

export interface Manifest {
  schema: typeof PROFILE_SET_SCHEMA;
  service: string;
  runtime: string;
  runtimeVersion: string;
  ref: string | null;
  commit: string | null;
  created: string;
  runner: RunnerFingerprint;
  /** "request" with the built-in load; "second" with a load command (requests unknown). */
  unitOfWork: "request" | "second";
  /** The resolved service config (env values of secrets are not stored). */
  config: unknown;
  rounds: RoundRecord[];
  /** The seed checklist's labels: service, commit, runtime, timestamp. */
  labels: Record<string, string>;
  /** Set by the fork-safe `mode: measure`: which PR this set belongs to. */
  pullRequest?: { number: number; headSha: string };
  /** Name of the file holding the service's stdout+stderr, relative to the manifest. */
  serviceLog?: string;
}

/** In memory: the manifest and each round's decoded profiles. */
export interface ProfileSet {
  manifest: Manifest;
  /** Same order as manifest.rounds. */
  profiles: Array<Partial<Record<Kind, Profile>>>;
}

export function profileFileName(round: number, kind: Kind): string {
  return `r${round}.${kind}.pb.gz`;
}

/** Writes DIR/manifest.json and every profile; DIR is the service's own folder. */
export function writeProfileSet(dir: string, set: ProfileSet): void {
  mkdirSync(dir, { recursive: true });
  set.manifest.rounds.forEach((round, i) => {
    const profiles = set.profiles[i] ?? {};
    for (const [kind, profile] of Object.entries(profiles) as Array<[Kind, Profile]>) {
      const file = profileFileName(round.round, kind);
      writeFileSync(join(dir, file), encodeProfileGz(profile));
      round.files[kind] = file;
    }
  });
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(set.manifest, null, 2)}\n`);
}

export function readManifestFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new FlamegateError(
      `${path}: cannot read the manifest (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FlamegateError(
      `${path}: manifest is not valid JSON; the profile set is damaged, re-run 'flamegate run'`,
    );
  }
}
