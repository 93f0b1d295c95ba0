import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { prArtifactName } from "../../github/artifacts.js";
import type { PullRequestEvent } from "../context.js";
import { type Flow, short } from "./flow.js";
import { type Outcome, nothingToDo } from "./publish.js";

/**
 * Fork-safe, first half (mode measure): measure and upload each set with the
 * PR inside its manifest; no call with the token (the artifact upload uses
 * the runner's own artifact token).
 */
export async function measureFlow(flow: Flow, pr: PullRequestEvent): Promise<Outcome> {
  for (const service of flow.inputs.config.services) {
    const measured = await flow.measure(
      service,
      join(flow.out, "head"),
      `pr-${pr.number}`,
      service.cwd,
    );
    // A copy: a profile-set input is the user's folder, not ours to edit.
    const dir = join(flow.out, "upload", service.name);
    cpSync(measured.dir, dir, { recursive: true });
    const manifestPath = join(dir, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
    manifest.pullRequest = { number: pr.number, headSha: pr.headSha };
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    await flow.upload(
      prArtifactName(service.name, pr.headSha, pr.number),
      dir,
      `profiles ${service.name}`,
    );
  }
  const summary = [
    `### flamegate: measured #${pr.number} at ${short(pr.headSha)}`,
    "",
    `Profiles uploaded (${flow.inputs.config.services.map((s) => s.name).join(", ")}); the workflow_run workflow with \`mode: report\` compares them and comments.`,
    "",
    ...flow.links.map((l) => `- [${l.label}](${l.url})`),
    "",
  ].join("\n");
  return nothingToDo("measured", summary);
}
