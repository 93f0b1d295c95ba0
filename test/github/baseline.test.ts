import { describe, expect, it } from "vitest";
import type { ArtifactInfo } from "../../src/github/artifacts.js";
import { chooseBaseline } from "../../src/github/baseline.js";

const sha = (c: string) => c.repeat(40);

function artifact(over: Partial<ArtifactInfo> & { sha: string }): ArtifactInfo {
  const { sha: s, ...rest } = over;
  return {
    id: 1,
    name: `flamegate-api-${s}`,
    sizeBytes: 1000,
    expired: false,
    createdAt: "2026-11-20T10:00:00Z",
    runId: 10,
    headBranch: "main",
    headSha: s,
    sameRepo: true,
    ...rest,
  };
}

describe("chooseBaseline", () => {
  it("prefers the merge-base commit over newer ones", () => {
    const list = [
      artifact({ id: 1, sha: sha("a"), createdAt: "2026-11-20T10:00:00Z" }),
      artifact({ id: 2, sha: sha("b"), createdAt: "2026-11-22T10:00:00Z" }),
    ];
    expect(chooseBaseline(list, "api", "main", sha("a"))).toMatchObject({
      match: "merge-base",
      artifact: { id: 1 },
    });
  });

  it("else takes the newest by created_at, whatever order the API listed them in", () => {
    const list = [
      artifact({ id: 5, sha: sha("c"), createdAt: "2026-11-21T10:00:00Z" }),
      artifact({ id: 3, sha: sha("d"), createdAt: "2026-11-23T10:00:00Z" }),
      artifact({ id: 4, sha: sha("e"), createdAt: "2026-11-22T10:00:00Z" }),
    ];
    expect(chooseBaseline(list, "api", "main", sha("f"))).toMatchObject({
      match: "newest",
      artifact: { id: 3 },
    });
  });

  it("never picks expired ones, other branches, forks, PR artifacts, other services, or a name that lies about its commit", () => {
    const list = [
      artifact({ id: 1, sha: sha("a"), expired: true }),
      artifact({ id: 2, sha: sha("a"), headBranch: "feature" }),
      artifact({ id: 3, sha: sha("a"), sameRepo: false }),
      artifact({ id: 4, sha: sha("a"), name: `flamegate-api-${sha("a")}-pr7` }),
      artifact({ id: 5, sha: sha("a"), name: `flamegate-api-worker-${sha("a")}` }),
      artifact({ id: 6, sha: sha("a"), headSha: sha("9") }),
      artifact({ id: 7, sha: sha("a"), name: `flamegate-apix-${sha("a")}` }),
    ];
    expect(chooseBaseline(list, "api", "main", sha("a"))).toBeNull();
  });

  it("a push never compares with its own commit", () => {
    const list = [artifact({ id: 1, sha: sha("a") })];
    expect(chooseBaseline(list, "api", "main", null, sha("a"))).toBeNull();
  });
});
