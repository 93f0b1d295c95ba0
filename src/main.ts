import * as core from "@actions/core";

/** The action: inputs -> pipeline -> outputs. The only place that calls core.setFailed. */
export async function run(): Promise<void> {
  await Promise.resolve();
  core.setFailed("flamegate action: not wired yet");
}
