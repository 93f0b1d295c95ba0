import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { FlamegateError } from "../errors.js";
import { PAIRINGS } from "../config/defaults.js";
import { type Kind, isKind } from "./kinds.js";
import { PROFILE_SET_SCHEMA, readManifestFile } from "./profile-set.js";

/**
 * Reading a profile set from disk (docs/design.md, "Profile set"). A set may come
 * from another job or a fork's artifact, so the manifest is untrusted: its
 * size is capped, its shape checked with a schema, and every profile file it
 * names must be a plain file name inside the set's own folder.
 */

/** A manifest of 100 rounds is ~60 KB; anything over 1 MiB is not ours. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** `run` writes r<round>.<kind>.pb.gz next to the manifest: no folders, no "..". */
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => !/[/\\\0]/.test(s) && s !== "." && s !== "..", {
    message: "must be a file name inside the profile set's folder",
  });

const finite = z.number().finite();
const count = z.number().int().min(0);

const WindowSchema = z.object({
  windowSeconds: finite.min(0),
  requests: count.nullable(),
  throughput: finite.min(0).nullable().optional(),
  latency: z.object({ p50: finite, p95: finite, p99: finite }).nullable().optional(),
  cpuSeconds: finite.min(0).optional(),
  loadStarted: z.string().max(40).optional(),
});

/** A round's own figures are its first window's (RoundRecord extends WindowRecord). */
const RoundSchema = z.object({
  round: count,
  ...WindowSchema.shape,
  errors: count.optional(),
  non2xx: count.optional(),
  /** Kinds this version does not know are ignored (a newer writer may add some). */
  files: z.record(z.string(), fileName),
  profilers: z.record(z.string(), z.string()).optional(),
  /** Per kind, when kinds were captured in separate windows. */
  windows: z.record(z.string(), WindowSchema).optional(),
  notes: z.array(z.string()).optional(),
});

const ManifestSchema = z.object({
  schema: z.literal(PROFILE_SET_SCHEMA),
  service: z
    .string()
    .min(1)
    .max(200)
    .refine((s) => !/[\0\n\r]/.test(s), { message: "must be one line" }),
  runtime: z.string().max(100),
  runtimeVersion: z.string().max(200).optional(),
  ref: z.string().max(500).nullable().optional(),
  commit: z.string().max(200).nullable().optional(),
  created: z.string().max(100).optional(),
  runner: z
    .object({ id: z.string().max(200) })
    .loose()
    .optional(),
  unitOfWork: z.enum(["request", "second"]),
  /** Of the service's config only what compare reads; a value it does not know is left out. */
  config: z
    .object({ pairing: z.enum(PAIRINGS).optional().catch(undefined) })
    .loose()
    .optional()
    .catch(undefined),
  rounds: z.array(RoundSchema).min(1).max(1000),
  labels: z.record(z.string(), z.string()).optional(),
});

export type ManifestRead = z.infer<typeof ManifestSchema>;
export type RoundRead = ManifestRead["rounds"][number];

export interface ProfileSetOnDisk {
  /** The folder holding manifest.json. */
  dir: string;
  manifest: ManifestRead;
  /** Parallel to manifest.rounds: absolute path of each kind's profile. */
  files: Array<Partial<Record<Kind, string>>>;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join(".") || "(top level)";
  return `'${path}' ${issue.message.replace(/^Invalid input: /, "")}`;
}

/** Reads and checks DIR/manifest.json and that every profile it names exists. */
export function readProfileSetDir(dir: string): ProfileSetOnDisk {
  const path = join(dir, "manifest.json");
  let size: number;
  try {
    size = statSync(path).size;
  } catch (err) {
    throw new FlamegateError(
      `${path}: cannot read the manifest (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  if (size > MAX_MANIFEST_BYTES)
    throw new FlamegateError(
      `${path}: ${size} bytes is larger than a manifest can be (${MAX_MANIFEST_BYTES} bytes); the profile set is damaged or not flamegate's`,
    );
  const parsed = ManifestSchema.safeParse(readManifestFile(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FlamegateError(
      `${path}: not a valid ${PROFILE_SET_SCHEMA} manifest: ${issue ? describeIssue(issue) : "invalid"}; the profile set is damaged, re-run 'flamegate run'`,
    );
  }
  const manifest = parsed.data;
  const files = manifest.rounds.map((round) => {
    const out: Partial<Record<Kind, string>> = {};
    for (const [kind, file] of Object.entries(round.files)) {
      if (!isKind(kind)) continue;
      const abs = join(dir, file);
      if (!existsSync(abs))
        throw new FlamegateError(
          `${abs}: missing; ${path} lists it as round ${round.round}'s ${kind} profile (the profile set is incomplete)`,
        );
      out[kind] = abs;
    }
    return out;
  });
  return { dir, manifest, files };
}

/**
 * PATH is either one service's set (it holds manifest.json) or a `run --out`
 * folder holding one <service>/manifest.json per service. Returns the sets
 * by service name (the manifest's, which is what sides are matched on).
 */
export function readProfileSets(path: string): Map<string, ProfileSetOnDisk> {
  const sets = new Map<string, ProfileSetOnDisk>();
  const add = (set: ProfileSetOnDisk) => {
    const other = sets.get(set.manifest.service);
    if (other)
      throw new FlamegateError(
        `${path}: two profile sets for service '${set.manifest.service}' (${other.dir} and ${set.dir}); keep one`,
      );
    sets.set(set.manifest.service, set);
  };
  if (existsSync(join(path, "manifest.json"))) {
    add(readProfileSetDir(path));
    return sets;
  }
  let entries: string[];
  try {
    entries = readdirSync(path).sort();
  } catch (err) {
    throw new FlamegateError(
      `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  for (const entry of entries) {
    const dir = join(path, entry);
    if (existsSync(join(dir, "manifest.json"))) add(readProfileSetDir(dir));
  }
  if (sets.size === 0)
    throw new FlamegateError(
      `${path}: no manifest.json in it or in any folder below it; pass a profile set written by 'flamegate run' or a profile file`,
    );
  return sets;
}
