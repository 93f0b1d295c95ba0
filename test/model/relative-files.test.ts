import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { aggregateFunctions } from "../../src/compare/aggregate.js";
import { ProfileBuilder } from "../../src/model/builder.js";
import { relativizeFiles } from "../../src/model/relative-files.js";

const scratch = mkdtempSync(join(tmpdir(), "flamegate-rel-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function profileAt(root: string) {
  const b = new ProfileBuilder({ sampleTypes: [{ type: "cpu", unit: "nanoseconds" }] });
  b.addSample(
    [
      { name: "checksum", file: `file://${root}/server.mjs`, line: 12 },
      { name: "handle", file: `${root}/lib/handler.go` },
      { name: "emit", file: "node:events" },
      { name: "runtime.main", file: "/usr/local/go/src/runtime/proc.go" },
    ],
    [10],
  );
  return b.build();
}

describe("relativizeFiles", () => {
  it("makes the same code in two checkouts compare as the same functions", () => {
    const base = profileAt("/tmp/worktree-base");
    const head = profileAt("/home/runner/work/app/app");
    expect(relativizeFiles(base, "/tmp/worktree-base")).toBe(2);
    expect(relativizeFiles(head, "/home/runner/work/app/app/")).toBe(2);
    const keys = (p: ReturnType<typeof profileAt>) =>
      [...aggregateFunctions(p, 0).index.keys()].sort();
    expect(keys(base)).toEqual(keys(head));
    const files = aggregateFunctions(base, 0).functions.map((f) => f.file);
    expect(files).toEqual([
      "server.mjs",
      "lib/handler.go",
      "node:events",
      "/usr/local/go/src/runtime/proc.go",
    ]);
  });

  it("matches a root reached through a symlink", () => {
    const link = join(scratch, "link");
    symlinkSync(scratch, link);
    const p = profileAt(scratch);
    expect(relativizeFiles(p, link)).toBe(2);
  });

  it("leaves paths outside the root and look-alike prefixes alone", () => {
    const p = profileAt("/srv/app-old");
    expect(relativizeFiles(p, "/srv/app")).toBe(0);
  });
});
