import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StackNode } from "../../src/compare/aggregate.js";
import { diffStacks, type DiffNode } from "../../src/compare/stack-diff.js";
import { compareSets } from "../../src/compare/compare.js";
import { readSide } from "../../src/compare/inputs.js";
import { REPORT_SCHEMA, type Comparison, type Report } from "../../src/compare/types.js";
import { DEFAULT_GATE } from "../../src/config.js";
import { packageRoot } from "../../src/paths.js";
import { htmlFor } from "../../src/report/files.js";
import { describeNode } from "../../src/report/flame/format.js";
import { renderHtml } from "../../src/report/flame/index.js";
import { largeScenario, webScenario, type Scenario } from "../report/flame/scenarios.js";

/** Screenshots and the pages under test, kept for a human to look at (gitignored). */
const OUT = resolve("test-output/browser");

let context: BrowserContext;
let userDataDir: string;
let web: Scenario;

function preorder(root: DiffNode): DiffNode[] {
  const out: DiffNode[] = [];
  const visit = (n: DiffNode) => {
    out.push(n);
    n.children.forEach(visit);
  };
  visit(root);
  return out;
}

interface Watched {
  page: Page;
  requests: string[];
  dialogs: string[];
  errors: string[];
}

async function open(file: string): Promise<Watched> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const w: Watched = { page, requests: [], dialogs: [], errors: [] };
  page.on("request", (r) => w.requests.push(r.url()));
  page.on("dialog", (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("pageerror", (e) => w.errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") w.errors.push(m.text());
  });
  await page.goto(pathToFileURL(file).href);
  await page.locator("#flame .f").first().waitFor();
  return w;
}

function offline(w: Watched) {
  for (const url of w.requests) expect(url).toMatch(/^(file|data):/);
  expect(w.errors).toEqual([]);
  expect(w.dialogs).toEqual([]);
}

/** The frame whose text is exactly `name` (first in DOM order). */
const frame = (page: Page, name: string) =>
  page
    .locator("#flame .f")
    .filter({ hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) });

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  userDataDir = mkdtempSync(join(tmpdir(), "flamegate-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  web = webScenario();
  writeFileSync(join(OUT, "web.html"), renderHtml(web));
});

afterAll(async () => {
  await context?.close();
  rmSync(userDataDir, { recursive: true, force: true });
});

describe("HTML report in chromium (real V8 CPU and heap profiles)", () => {
  it("zooms on click: the clicked frame fills the width, the breadcrumb names it", async () => {
    const w = await open(join(OUT, "web.html"));
    const { page } = w;
    await page.screenshot({ path: join(OUT, "web-diff.png") });
    const flameBox = (await page.locator("#flame").boundingBox())!;
    const flameWidth = flameBox.width;
    const target = frame(page, "processRegion").first();
    const before = (await target.boundingBox())!;
    expect(before.width).toBeLessThan(flameWidth / 2);
    const index = await target.getAttribute("data-i");
    await target.click();
    const after = (await page.locator(`#flame .f[data-i="${index}"]`).boundingBox())!;
    // Full width minus the 1 px gap every frame leaves on its right.
    expect(after.width).toBeGreaterThan(flameWidth - 2);
    expect(after.x).toBeCloseTo(flameBox.x, 0);
    await expect.poll(() => page.locator("#crumbs").textContent()).toContain("processRegion");
    await page.screenshot({ path: join(OUT, "web-zoomed.png") });
    await page.locator("#reset").click();
    const reset = (await page.locator(`#flame .f[data-i="${index}"]`).first().boundingBox())!;
    expect(reset.width).toBeCloseTo(before.width, 0);
    offline(w);
    await page.close();
  });

  it("search highlights every drawn match and counts all of them", async () => {
    const w = await open(join(OUT, "web.html"));
    const { page } = w;
    await page.locator("#search").fill("keyword");
    const found = (await page.locator("#found").textContent())!;
    const m = /^(\d+) frames? match · ([\d.]+) % of both · (\d+) shown$/.exec(found);
    expect(m, found).not.toBeNull();
    const tree = diffStacks(web.flames[0]!.base, web.flames[0]!.head);
    const expected = preorder(tree.root).filter((n) => n.name.toLowerCase().includes("keyword"));
    expect(Number(m![1])).toBe(expected.length);
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(await page.locator("#flame .f.match").count()).toBe(Number(m![3]));
    expect(Number(m![3])).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT, "web-search.png") });
    offline(w);
    await page.close();
  });

  it("hover shows the same details as the SVG tooltip (base, head, Δ, verdict)", async () => {
    const w = await open(join(OUT, "web.html"));
    const { page } = w;
    const target = frame(page, "processRegion").first();
    const index = Number(await target.getAttribute("data-i"));
    await target.hover();
    const c = web.report.comparisons[0]!;
    const verdicts = new Map(c.frames.map((f) => [`${f.function}\u0000${f.file}`, f.verdict]));
    const tree = diffStacks(web.flames[0]!.base, web.flames[0]!.head, { verdicts });
    const node = preorder(tree.root)[index]!;
    expect(node.name).toBe("processRegion");
    const text = await page.locator("#details").textContent();
    expect(text).toBe(describeNode(node, tree, web.flames[0]!.unit));
    expect(text).toMatch(/verdict: (pass|warn|fail)/);
    offline(w);
    await page.close();
  });

  it("switches views (diff, head, base) and comparisons (CPU, allocations)", async () => {
    const w = await open(join(OUT, "web.html"));
    const { page } = w;
    // keywords.some was dropped from the head: drawn in base and diff, absent in head.
    expect(await frame(page, "keywords.some").count()).toBeGreaterThan(0);
    await page.locator('button[data-view="head"]').click();
    expect(await frame(page, "keywords.some").count()).toBe(0);
    await page.locator('button[data-view="base"]').click();
    expect(await frame(page, "keywords.some").count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(OUT, "web-base.png") });
    await page.locator('button[data-view="diff"]').click();

    expect(await page.locator('section[data-flame="0"]').isVisible()).toBe(true);
    expect(await page.locator('section[data-flame="1"]').isVisible()).toBe(false);
    await page.locator('button[data-cmp="1"]').click();
    expect(await page.locator('button[data-cmp="1"]').getAttribute("aria-pressed")).toBe("true");
    expect(await page.locator('section[data-flame="1"]').isVisible()).toBe(true);
    expect(await page.locator('section[data-flame="0"]').isVisible()).toBe(false);
    expect(await frame(page, "(V8 API)").count()).toBeGreaterThan(0);
    expect(await page.locator("#note").textContent()).toMatch(/KiB|MiB/);
    await page.screenshot({ path: join(OUT, "web-alloc.png") });
    await page.screenshot({ path: join(OUT, "web-alloc-full.png"), fullPage: true });
    offline(w);
    await page.close();
  });

  it("renders hostile frame names as text: no script runs, nothing is fetched", async () => {
    const names = [
      "</script><script>alert(1)</script>",
      `&<>"' <img src=x onerror=alert(2)>`,
      "<!-- <svg onload=alert(3)>",
      "\u2028line\u2029sep`backticks`",
    ];
    const tree = (weights: number[]): StackNode => {
      const root: StackNode = { name: "all", file: "", value: 0, self: 0, children: new Map() };
      names.forEach((name, i) => {
        const v = weights[i]!;
        root.value += v;
        root.children.set(name, {
          name,
          file: `${name}.js`,
          value: v,
          self: v,
          children: new Map(),
        });
      });
      return root;
    };
    // Every hostile name also fails, so it is listed beside the graph too.
    const same = { base: 1, head: 2, deltaPct: 100 };
    const comparison: Comparison = {
      service: "<b>svc</b>",
      runtime: "node",
      kind: "cpu",
      unit: "count",
      base: { rounds: 1, requests: null, total: 10 },
      head: { rounds: 1, requests: null, total: 10 },
      total: { ...same, ci: [0, 1], p: 1, verdict: "pass" },
      frames: names.map((name) => ({
        function: name,
        file: `${name}.js`,
        self: same,
        cum: same,
        ci: [50, 150],
        p: 0.001,
        verdict: "fail",
        tested: "self",
      })),
      mde: { frameSharePct: 1, deltaPct: 10 },
      verdict: "fail",
    };
    const html = renderHtml({
      report: { schema: REPORT_SCHEMA, verdict: "fail", comparisons: [comparison] },
      flames: [
        {
          service: "<b>svc</b>",
          kind: "cpu",
          unit: "count",
          base: tree([4, 3, 2, 1]),
          head: tree([1, 2, 3, 4]),
        },
      ],
    });
    const file = join(OUT, "hostile.html");
    writeFileSync(file, html);
    const w = await open(file);
    const texts = await w.page.locator("#flame .f").allTextContents();
    for (const name of names) expect(texts).toContain(name);
    expect(await w.page.locator("#flagged-list li button").allTextContents()).toEqual(names);
    await w.page.locator("#flagged-list li button").first().click();
    expect(await w.page.locator("#details").textContent()).toContain(names[0]);
    expect(await w.page.locator('button[data-cmp="0"]').textContent()).toBe("<b>svc</b> · cpu");
    await frame(w.page, names[0]!).hover();
    expect(await w.page.locator("#details").textContent()).toContain(names[0]);
    await w.page.screenshot({ path: join(OUT, "hostile.png") });
    offline(w);
    await w.page.close();
  });

  it("shows the tables alone when the report has no call trees", async () => {
    const file = join(OUT, "tables-only.html");
    writeFileSync(file, renderHtml({ report: web.report, flames: [] }));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await expect.poll(() => page.locator("#note").textContent()).toContain("No call trees");
    expect(await page.locator("section").count()).toBe(web.report.comparisons.length);
    expect(await page.locator("section").first().isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens on the failing allocation comparison, lists its failing frames, a click zooms to one", async () => {
    // Two real comparisons from the compare stage: a CPU profile against itself
    // (pass) first, then the recorded Go allocation regression (main.encode, fail).
    const inputs = join(packageRoot(), "fixtures", "golden", "pprof", "inputs");
    const compare = (base: string, head: string) =>
      compareSets(readSide(join(inputs, base)), readSide(join(inputs, head)), DEFAULT_GATE, {
        stacks: true,
      });
    const cpu = compare("sample.cpu.pb.gz", "sample.cpu.pb.gz");
    const alloc = compare("alloc-base.alloc.pb.gz", "alloc-head.alloc.pb.gz");
    const report: Report = {
      ...alloc.report,
      comparisons: [...cpu.report.comparisons, ...alloc.report.comparisons],
    };
    expect(report.comparisons.map((c) => [c.kind, c.verdict])).toEqual([
      ["cpu", "pass"],
      ["alloc", "fail"],
    ]);
    const failing = report.comparisons[1]!.frames.filter((f) => f.verdict === "fail");
    expect(failing.map((f) => f.function)).toContain("main.encode");
    const file = join(OUT, "alloc-fails.html");
    writeFileSync(file, htmlFor(report, [...cpu.stacks, ...alloc.stacks], "flamegate test"));
    const w = await open(file);
    const { page } = w;
    await page.screenshot({ path: join(OUT, "alloc-fails.png") });
    expect(await page.locator('button[data-cmp="1"]').getAttribute("aria-pressed")).toBe("true");
    expect(await page.locator('section[data-flame="1"]').isVisible()).toBe(true);
    expect(await page.locator('section[data-flame="0"]').isVisible()).toBe(false);
    const listed = await page.locator("#flagged-list li button").allTextContents();
    expect(listed).toEqual(failing.map((f) => f.function));

    // In the base view main.encode holds 0.17 % of the bytes: under 2 px of the
    // graph's width by its share, drawn at 4 px or more because it fails.
    await page.locator('button[data-view="base"]').click();
    const flameWidth = (await page.locator("#flame").boundingBox())!.width;
    const encode = frame(page, "main.encode").first();
    const box = (await encode.boundingBox())!;
    expect(flameWidth * 0.0018).toBeLessThan(4);
    expect(box.width).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: join(OUT, "alloc-fails-base.png") });

    await page.locator('#flagged-list button:text-is("main.encode")').click();
    const zoomed = (await frame(page, "main.encode").first().boundingBox())!;
    expect(zoomed.width).toBeGreaterThan(flameWidth - 2);
    await expect.poll(() => page.locator("#crumbs").textContent()).toMatch(/main\.encode$/);
    expect(await page.locator("#details").textContent()).toMatch(/^main\.encode\n/);
    offline(w);
    await page.close();
  });

  it("stays usable on large.cpu (425k call paths) against a perturbed copy", async () => {
    const large = largeScenario();
    const t0 = performance.now();
    const html = renderHtml(large);
    const renderMs = performance.now() - t0;
    const file = join(OUT, "large.html");
    writeFileSync(file, html);
    const w = await open(file);
    const { page } = w;
    // Evaluated as source text: the test's tsconfig has no DOM types.
    const loadMs = await page.evaluate<number>(
      `(() => { const n = performance.getEntriesByType("navigation")[0]; return n.loadEventEnd - n.startTime; })()`,
    );
    const frames = await page.locator("#flame .f").count();
    const zoomMs = await page.evaluate<number>(
      `(() => { const t = performance.now(); document.querySelector("#flame .f:nth-child(3)").click(); return performance.now() - t; })()`,
    );
    await page.screenshot({ path: join(OUT, "large.png") });
    // Figures for the report and docs/flamegraph.md; no timing assertions.
    console.log(
      `large.cpu HTML: ${Buffer.byteLength(html)} bytes, renderHtml ${renderMs.toFixed(0)} ms, ` +
        `page load ${loadMs.toFixed(0)} ms, ${frames} frames drawn, zoom ${zoomMs.toFixed(0)} ms`,
    );
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
    expect(await page.locator("#note").textContent()).toMatch(
      /frames under 0\.1 % of both totals merged/,
    );
    offline(w);
    await page.close();
  });
});
