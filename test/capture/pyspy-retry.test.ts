import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { onPath } from "../../src/capture/python.js";
import type { ServiceConfig } from "../../src/config.js";
import type { Manifest } from "../../src/model/profile-set.js";
import { loadFixtureConfig } from "../../src/session/fixtures.js";
import { runService } from "../../src/session/index.js";

/**
 * A round whose capture is cut short is run once more. The fault is real and
 * forced: a `py-spy` first on PATH that, the first time it is asked to
 * record, says it samples and then exits at SIGINT without writing a file
 * (as a py-spy killed before it writes would); every later call is the real
 * py-spy.
 */

const work = mkdtempSync(join(tmpdir(), "flamegate-pyspy-retry-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fakePySpy(real: string): string {
  const dir = join(work, "bin");
  const faulted = join(work, "faulted");
  writeFileSync(
    join(work, "py-spy.sh"),
    `#!/bin/sh
if [ "$1" = record ] && [ ! -e ${JSON.stringify(faulted)} ]; then
  : > ${JSON.stringify(faulted)}
  echo "Sampling process 200 times a second. Press Control-C to exit."
  trap 'exit 0' INT
  while :; do sleep 0.05; done
fi
exec ${JSON.stringify(real)} "$@"
`,
  );
  // A directory holding only py-spy: the rest of PATH stays as it was.
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "py-spy"), readFileSync(join(work, "py-spy.sh")));
  chmodSync(join(dir, "py-spy"), 0o755);
  return dir;
}

describe("a round whose py-spy capture is cut short", () => {
  it("is run again once, and the progress and the round's record say so", async () => {
    const real = onPath("py-spy");
    if (!real) throw new Error("py-spy is missing: pip install -r scripts/requirements-python.txt");
    const fixture = (await loadFixtureConfig("python")).services[0]!;
    if (fixture.load.type !== "builtin") throw new Error("the Python fixture has a built-in load");
    const service: ServiceConfig = {
      ...fixture,
      warmupSeconds: 0,
      rounds: 2,
      profiles: ["cpu"],
      load: { ...fixture.load, durationSeconds: 2 },
    };
    const saved = process.env.PATH;
    process.env.PATH = `${fakePySpy(real)}${delimiter}${saved ?? ""}`;
    const lines: string[] = [];
    try {
      await runService(service, { outDir: join(work, "out"), log: (l) => lines.push(l) });
    } finally {
      process.env.PATH = saved;
    }
    const name = service.name;
    const retried = lines.filter((l) => l.includes("running the round again"));
    expect(retried, lines.join("\n")).toHaveLength(1);
    expect(retried[0]).toMatch(
      new RegExp(
        `^${name} r1: python: py-spy wrote no profile for pid \\d+: Sampling process 200 times a second\\. Press Control-C to exit\\.; running the round again \\(once\\)$`,
      ),
    );
    expect(lines.filter((l) => l.startsWith(`${name} r1: started`))).toHaveLength(2);
    const manifest = JSON.parse(
      readFileSync(join(work, "out", name, "manifest.json"), "utf8"),
    ) as Manifest;
    expect(manifest.rounds.map((r) => r.round)).toEqual([1, 2]);
    expect(manifest.rounds[0]!.notes).toContainEqual(
      expect.stringMatching(
        /^round 1 was run a second time because its first capture failed: python: py-spy wrote no profile for pid \d+: /,
      ),
    );
    expect(manifest.rounds[1]!.notes ?? []).not.toContainEqual(
      expect.stringMatching(/run a second time/),
    );
    expect(Object.keys(manifest.rounds[0]!.files)).toEqual(["cpu"]);
  });
});
