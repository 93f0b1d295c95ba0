import { execa } from "execa";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { agentsDir } from "../../src/paths.js";

/**
 * sampling.node-inlining: off — the agent turns TurboFan's inlining off before the
 * service's code loads (the flag is refused in NODE_OPTIONS). V8's own trace of its
 * inlining decisions shows whether it took: a small hot callee is inlined into its
 * caller without the flag and never with it.
 */
const dir = mkdtempSync(join(tmpdir(), "flamegate-inlining-"));
const script = join(dir, "hot.js");
writeFileSync(
  script,
  `function inner(x) { return (x * 31 + 7) % 1000003; }
function outer(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + inner(i)) | 0; return s; }
let t = 0; for (let k = 0; k < 4000; k++) t += outer(10000);
console.log(t);
`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function inliningTrace(noInlining: boolean): Promise<string[]> {
  const agentDir = mkdtempSync(join(dir, "agent-"));
  // Compiled on the main thread, so the trace is complete when the script ends, however
  // busy the machine: a background compile job could still be queued.
  const r = await execa(
    "node",
    ["--no-concurrent-recompilation", "--trace-turbo-inlining", script],
    {
      env: {
        NODE_OPTIONS: `--require "${join(agentsDir(), "node-agent.cjs")}"`,
        FLAMEGATE_AGENT_DIR: agentDir,
        ...(noInlining ? { FLAMEGATE_AGENT_NO_INLINING: "1" } : {}),
      },
    },
  );
  return r.stdout.split("\n").filter((l) => /inlin/i.test(l));
}

describe("the Node agent and sampling.node-inlining", () => {
  it("turns TurboFan's inlining off in the service when asked, and leaves it on otherwise", async () => {
    expect(await inliningTrace(true)).toEqual([]);
    expect((await inliningTrace(false)).length).toBeGreaterThan(0);
  });
});
