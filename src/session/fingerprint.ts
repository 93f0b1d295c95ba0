import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { arch, cpus, platform, totalmem } from "node:os";
import type { RunnerFingerprint } from "../model/profile-set.js";

/**
 * What kind of machine measured a profile set. Two sets with the same id
 * came from the same kind of runner, so their CPU figures are comparable.
 */
export function runnerFingerprint(): RunnerFingerprint {
  const list = cpus();
  const base = {
    os: platform(),
    arch: arch(),
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memoryBytes: totalmem(),
  };
  // Memory rounded to GiB: the kernel's figure wobbles by a few MiB between boots.
  const key = [
    base.os,
    base.arch,
    base.cpuModel,
    base.cores,
    Math.round(base.memoryBytes / 2 ** 30),
  ].join("|");
  return { ...base, id: createHash("sha256").update(key).digest("hex").slice(0, 12) };
}

/** `git rev-parse HEAD` in `cwd`, or null outside a git checkout. */
export function gitCommit(cwd: string): string | null {
  try {
    const out = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5_000,
    }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : null;
  } catch {
    return null;
  }
}
