import { createWriteStream, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { DefaultArtifactClient } from "@actions/artifact";
import { HttpClient } from "@actions/http-client";
import { FlamegateError, errorMessage } from "../errors.js";
import { apiCall, type Octokit, type RepoRef } from "./api.js";
import { type UnzipLimits, byteCap, refusal, unzipCapped } from "./unzip.js";

/**
 * Profile sets and reports as workflow artifacts. Uploads go through
 * @actions/artifact (ACTIONS_RUNTIME_TOKEN + ACTIONS_RESULTS_URL, never the
 * GitHub token); listing and downloading other runs' artifacts go through
 * the REST API (its redirect to the blob), capped as they stream, and are
 * unpacked by unzipCapped, never by @actions/artifact.
 */

export type ArtifactClient = Pick<
  DefaultArtifactClient,
  "uploadArtifact" | "listArtifacts" | "deleteArtifact"
>;

/** Characters @actions/artifact refuses in a name (upload/path-and-artifact-name-validation). */
const INVALID_NAME_CHARS = /[":<>|*?\r\n\\/]/g;

export function safeNamePart(s: string): string {
  return s.replace(INVALID_NAME_CHARS, "-");
}

/** What every profile-set artifact of `service` is named with first: `flamegate-<service>-`. */
export function serviceArtifactPrefix(service: string): string {
  return `flamegate-${safeNamePart(service)}-`;
}

/** The baseline artifact: `flamegate-<service>-<sha>` (push to the base branch). */
export function baselineArtifactName(service: string, sha: string): string {
  return `${serviceArtifactPrefix(service)}${sha}`;
}

/** What a PR's head set at `sha` is named with before its PR number: `flamegate-<service>-<sha>-pr`. */
export function prArtifactPrefix(service: string, sha: string): string {
  return `${serviceArtifactPrefix(service)}${sha}-pr`;
}

/** A PR's head profile set: never a baseline, and never matches the baseline name pattern. */
export function prArtifactName(service: string, sha: string, pr: number): string {
  return `${prArtifactPrefix(service, sha)}${pr}`;
}

/** The PR number in a name made by prArtifactName for `service` at `sha`; null for any other name. */
export function prNumberOf(name: string, service: string, sha: string): number | null {
  const prefix = prArtifactPrefix(service, sha);
  const rest = name.slice(prefix.length);
  return name.startsWith(prefix) && /^\d+$/.test(rest) ? Number(rest) : null;
}

export function reportArtifactName(key: string, sha: string): string {
  return `flamegate-report-${safeNamePart(key)}-${sha}`;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

export interface UploadedArtifact {
  id: number;
  name: string;
  /** Bytes of the zip as stored. */
  size: number;
}

/** The results service's answer to a second artifact of the same name in one run (Twirp 409). */
function isNameConflict(err: unknown): boolean {
  return /\(409\)|already exists/i.test(errorMessage(err));
}

/**
 * Uploads every file under `dir`, paths relative to `dir` inside the zip.
 * A re-run of the job finds its previous attempt's artifact under the same
 * name in the same run: that one is replaced, as upload-artifact's
 * `overwrite: true` does (delete, then upload again).
 */
export async function uploadDirectory(
  client: ArtifactClient,
  name: string,
  dir: string,
  /** Days to keep it; undefined = the repository's setting. */
  retentionDays: number | undefined,
  log: (line: string) => void,
): Promise<UploadedArtifact> {
  const files = filesUnder(dir);
  if (files.length === 0) throw new FlamegateError(`artifact ${name}: nothing to upload in ${dir}`);
  const upload = async () => {
    const r = await client.uploadArtifact(
      name,
      files,
      dir,
      retentionDays === undefined ? {} : { retentionDays },
    );
    if (r.id === undefined) throw new Error("the artifact service returned no id");
    return { id: r.id, name, size: r.size ?? 0 };
  };
  try {
    try {
      return await upload();
    } catch (err) {
      if (!isNameConflict(err)) throw err;
      log(`artifact ${name} exists from an earlier attempt of this run: replacing it`);
      await client.deleteArtifact(name);
      return await upload();
    }
  } catch (err) {
    throw new FlamegateError(`cannot upload artifact ${name}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

/** The fields of GET /repos/{o}/{r}/actions/artifacts items flamegate decides on. */
export interface ArtifactInfo {
  id: number;
  name: string;
  sizeBytes: number;
  expired: boolean;
  createdAt: string;
  runId: number | null;
  headBranch: string | null;
  headSha: string | null;
  /** True only when the API names both the run's repository and its head repository, and they are the same: else never a baseline. */
  sameRepo: boolean;
}

interface RestArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  created_at: string | null;
  workflow_run?: {
    id?: number;
    repository_id?: number;
    head_repository_id?: number;
    head_branch?: string | null;
    head_sha?: string;
  } | null;
}

function toInfo(a: RestArtifact): ArtifactInfo {
  const run = a.workflow_run ?? {};
  return {
    id: a.id,
    name: a.name,
    sizeBytes: a.size_in_bytes,
    expired: a.expired,
    createdAt: a.created_at ?? "",
    runId: run.id ?? null,
    headBranch: run.head_branch ?? null,
    headSha: run.head_sha ?? null,
    // Only proven when GitHub names both repositories: a missing id is no evidence of a same-repo run.
    sameRepo:
      run.repository_id !== undefined &&
      run.head_repository_id !== undefined &&
      run.repository_id === run.head_repository_id,
  };
}

/** Artifacts of the repository with exactly this name (GitHub's `name` filter is an exact match). */
export async function listArtifactsNamed(
  octokit: Octokit,
  repo: RepoRef,
  name: string,
): Promise<ArtifactInfo[]> {
  const all = await apiCall(`GET /repos/${repo.owner}/${repo.repo}/actions/artifacts`, () =>
    octokit.paginate(octokit.rest.actions.listArtifactsForRepo, { ...repo, name, per_page: 100 }),
  );
  return all.map((a) => toInfo(a as RestArtifact));
}

/**
 * Artifacts of the repository whose name starts with `prefix`. The API has no
 * prefix filter, so this pages through the list, newest pages first as
 * GitHub serves them, and stops after `maxPages` × 100 artifacts.
 */
export async function listArtifactsWithPrefix(
  octokit: Octokit,
  repo: RepoRef,
  prefix: string,
  maxPages = 5,
): Promise<ArtifactInfo[]> {
  const found: ArtifactInfo[] = [];
  let pages = 0;
  await apiCall(`GET /repos/${repo.owner}/${repo.repo}/actions/artifacts`, () =>
    octokit.paginate(
      octokit.rest.actions.listArtifactsForRepo,
      { ...repo, per_page: 100 },
      (response, done) => {
        pages++;
        for (const a of response.data) {
          if (a.name.startsWith(prefix)) found.push(toInfo(a));
        }
        if (pages >= maxPages) done();
        return [];
      },
    ),
  );
  return found;
}

/** Artifacts of one workflow run (fork-safe report mode: the measuring run). */
export async function listRunArtifacts(
  octokit: Octokit,
  repo: RepoRef,
  runId: number,
): Promise<ArtifactInfo[]> {
  const all = await apiCall(
    `GET /repos/${repo.owner}/${repo.repo}/actions/runs/${runId}/artifacts`,
    () =>
      octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
        ...repo,
        run_id: runId,
        per_page: 100,
      }),
  );
  return all.map((a) => toInfo(a as RestArtifact));
}

/**
 * What another run's artifact may hold. In mode report it is a fork's
 * measuring run's upload, untrusted input; baselines come from pushes but are
 * held to the same limits. A profile set of 100 rounds × 7 kinds is 701 files
 * (manifest.json and r<round>.<kind>.pb.gz, already gzipped, so they barely
 * shrink in the zip).
 */
export const ARTIFACT_LIMITS: UnzipLimits = {
  /** 64 MiB of zip, as listed and as downloaded. */
  zipBytes: 64 * 1024 * 1024,
  /** 256 MiB unpacked in all. */
  unpackedBytes: 256 * 1024 * 1024,
  /** Almost three times the 701 files of the largest profile set. */
  entries: 2048,
};

/** Time blob storage may go without sending a byte before the download is given up, in ms (as @actions/artifact's). */
const BLOB_IDLE_MS = 30_000;

/**
 * Saves the artifact's zip to `file`, at most `limits.zipBytes` of it. The
 * REST endpoint redirects to a pre-signed blob URL, fetched here without the
 * token by @actions/http-client (which honours the runner's proxy settings).
 * The listed size is the one the uploader declared when it finalised the
 * artifact (FinalizeArtifact's `size`), so the bytes are counted as they
 * arrive and the download stops one byte past the limit: @actions/artifact's
 * download has no cap.
 */
async function saveZipCapped(
  octokit: Octokit,
  repo: RepoRef,
  artifact: ArtifactInfo,
  file: string,
  limits: UnzipLimits,
  where: string,
): Promise<void> {
  const call = `GET /repos/${repo.owner}/${repo.repo}/actions/artifacts/${artifact.id}/zip`;
  const redirect = await apiCall(call, () =>
    octokit.rest.actions.downloadArtifact({
      ...repo,
      artifact_id: artifact.id,
      archive_format: "zip",
      request: { redirect: "manual" },
    }),
  );
  const location = redirect.headers.location;
  if (!location)
    throw new FlamegateError(
      `cannot download ${where}: ${call} answered HTTP ${redirect.status} without a Location`,
    );
  const failed = (err: unknown) =>
    new FlamegateError(`cannot download ${where}: ${errorMessage(err)}`, { cause: err });
  const blob = new HttpClient("flamegate", [], { socketTimeout: BLOB_IDLE_MS });
  try {
    const body = (
      await blob.get(location).catch((err: unknown) => {
        throw failed(err);
      })
    ).message;
    if (body.statusCode !== 200) {
      body.resume();
      throw new FlamegateError(
        `cannot download ${where}: blob storage answered HTTP ${body.statusCode} ${body.statusMessage ?? ""}`.trimEnd(),
      );
    }
    const over = () =>
      refusal(
        where,
        `its zip is more than ${limits.zipBytes} bytes (the limit), though GitHub lists ${artifact.sizeBytes}`,
      );
    if (Number(body.headers["content-length"]) > limits.zipBytes) {
      body.destroy();
      throw over();
    }
    await pipeline(
      body,
      byteCap({ bytes: 0 }, limits.zipBytes, over),
      createWriteStream(file, { flags: "wx" }),
    ).catch((err: unknown) => {
      throw err instanceof FlamegateError ? err : failed(err);
    });
  } finally {
    blob.dispose();
  }
}

/**
 * Downloads another run's artifact and unpacks it into a fresh `dir` within
 * `limits`: the zip is saved, capped, to a private temporary folder and
 * unpacked by unzipCapped (@actions/artifact's own extraction has no cap).
 */
export async function downloadArtifactTo(
  octokit: Octokit,
  repo: RepoRef,
  artifact: ArtifactInfo,
  dir: string,
  limits: UnzipLimits = ARTIFACT_LIMITS,
): Promise<string> {
  const where = `artifact ${artifact.name} (id ${artifact.id})`;
  if (artifact.sizeBytes > limits.zipBytes)
    throw refusal(
      where,
      `GitHub lists its zip at ${artifact.sizeBytes} bytes, over the ${limits.zipBytes}-byte limit`,
    );
  const scratch = mkdtempSync(join(tmpdir(), "flamegate-artifact-"));
  try {
    const zip = join(scratch, "artifact.zip");
    await saveZipCapped(octokit, repo, artifact, zip, limits, where);
    await unzipCapped(zip, dir, limits, where);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return dir;
}

/** https://github.com/<o>/<r>/actions/runs/<run_id>/artifacts/<artifact_id> */
export function artifactUrl(serverUrl: string, repo: RepoRef, runId: number, id: number): string {
  return `${serverUrl.replace(/\/$/, "")}/${repo.owner}/${repo.repo}/actions/runs/${runId}/artifacts/${id}`;
}
