import { statSync } from "node:fs";
import { basename } from "node:path";
import { FlamegateError } from "../errors.js";
import { ReadBudget } from "../import/limits.js";
import type { Kind } from "../model/kinds.js";
import type { Pairing } from "../config.js";
import { readProfileSets } from "../model/profile-set-read.js";
import { type LoadedProfile, guessViewKind, loadProfileFile, typeName } from "./load.js";

/**
 * One side of `compare` (base or head) as the compare stage sees it: the
 * services of a profile set folder, or one lone profile file wrapped as a
 * one-round set.
 */
export interface SideRound {
  /** Requests completed inside the capture window; null when unknown. */
  requests: number | null;
  windowSeconds: number | null;
  throughput: number | null;
  latency: { p50: number; p99: number } | null;
  /** Absolute path of each kind's profile in this round. */
  files: Partial<Record<Kind, string>>;
  /** A kind captured in its own window: that window's figures (they replace the ones above for it). */
  windows?: Partial<
    Record<Kind, Pick<SideRound, "requests" | "windowSeconds" | "throughput" | "latency">>
  >;
  /** What the capture said about itself (manifest round notes). */
  notes?: string[];
}

export interface SideService {
  service: string;
  runtime: string;
  unitOfWork: "request" | "second" | "profile";
  /** Runner fingerprint id; null for lone files. */
  runnerId: string | null;
  /** How `ab` ran the rounds' two sides, from the set's config; null when it does not say. */
  pairing: Pairing | null;
  /** What to name in messages: the set's folder or the file. */
  where: string;
  rounds: SideRound[];
}

export interface CompareSide {
  path: string;
  /** True for a lone profile file. */
  lone: boolean;
  services: SideService[];
  /** Lone files are decoded to guess their kind; the decoded view is kept here for the diff. */
  preloaded: Map<string, LoadedProfile>;
  /** What the comparison may still read (import/limits.ts); both sides of one comparison share it. */
  budget: ReadBudget;
}

/** The service name a lone profile is reported under (a lone file carries none). */
export const LONE_SERVICE = "profile";

/**
 * One side of a comparison. Pass the same `budget` to both sides: the caps
 * hold for everything a comparison reads, not for each side.
 */
export function readSide(path: string, budget: ReadBudget = new ReadBudget()): CompareSide {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FlamegateError(
      `${path}: ${code === "ENOENT" ? "no such file or directory" : `cannot read (${code ?? String(err)})`}; pass a profile set folder or a profile file`,
    );
  }
  if (!isDir) return readLoneFile(path, budget);
  const services: SideService[] = [];
  for (const [service, set] of readProfileSets(path)) {
    const m = set.manifest;
    services.push({
      service,
      runtime: m.runtime,
      unitOfWork: m.unitOfWork,
      runnerId: m.runner?.id ?? null,
      pairing: m.config?.pairing ?? null,
      where: set.dir,
      rounds: m.rounds.map((r, i) => ({
        requests: r.requests,
        windowSeconds: r.windowSeconds,
        throughput: r.throughput ?? null,
        latency: r.latency ? { p50: r.latency.p50, p99: r.latency.p99 } : null,
        files: set.files[i] ?? {},
        ...(r.windows
          ? {
              windows: Object.fromEntries(
                Object.entries(r.windows).map(([kind, w]) => [
                  kind,
                  {
                    requests: w.requests,
                    windowSeconds: w.windowSeconds,
                    throughput: w.throughput ?? null,
                    latency: w.latency ? { p50: w.latency.p50, p99: w.latency.p99 } : null,
                  },
                ]),
              ),
            }
          : {}),
        ...(r.notes ? { notes: r.notes } : {}),
      })),
    });
  }
  return { path, lone: false, services, preloaded: new Map(), budget };
}

function readLoneFile(path: string, budget: ReadBudget): CompareSide {
  const loaded = loadProfileFile(path, budget);
  const kind = guessViewKind(loaded.view);
  if (!kind)
    throw new FlamegateError(
      `${path}: cannot tell what this profile measures from its sample types (${loaded.view.sampleTypes.map(typeName).join(", ")})`,
    );
  return {
    path,
    lone: true,
    services: [
      {
        service: LONE_SERVICE,
        runtime: "unknown",
        unitOfWork: "profile",
        runnerId: null,
        pairing: null,
        where: basename(path),
        rounds: [
          {
            requests: null,
            windowSeconds: null,
            throughput: null,
            latency: null,
            files: { [kind]: path },
          },
        ],
      },
    ],
    preloaded: new Map([[path, loaded]]),
    budget,
  };
}
