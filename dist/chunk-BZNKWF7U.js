#!/usr/bin/env node
import { createRequire as __flamegateCreateRequire } from 'node:module'; const require = __flamegateCreateRequire(import.meta.url);
import {
  CPU_TIME,
  KINDS,
  OS_CPU_COMMENT,
  PROFILE_SET_SCHEMA,
  Profile,
  ReadBudget,
  StringTable,
  ValueType,
  checkStringIndex,
  checkStringLength,
  checkTables,
  commonSampleType,
  external_exports,
  functionKey,
  guessKind,
  importProfile,
  isKind,
  looksLikePprof,
  maybeGunzip,
  missingLocation,
  readManifestFile,
  sameSampleType,
  sampleIndexFor,
  sampleTypes,
  str,
  toNumber
} from "./chunk-QVMRSD7E.js";
import {
  FALLBACK_PRIOR_DF,
  FlamegateError,
  MAX_PRIOR_DF,
  PAIRINGS,
  ProfileFormatError
} from "./chunk-NLRHZH6U.js";

// src/report/json.ts
function renderJson(report) {
  return `${JSON.stringify(report, (_key, value) => typeof value === "number" && !Number.isFinite(value) ? null : value, 2)}
`;
}

// src/compare/stack-diff.ts
var DEFAULT_DIFF_OPTIONS = { minShare: 1e-3, noiseShare: 1e-3, noiseRel: 0.05 };
function verdictsOf(comparison) {
  const out = /* @__PURE__ */ new Map();
  for (const f of comparison.frames)
    out.set(functionKey({ name: f.function, file: f.file }), f.verdict);
  return out;
}
function byNameThenFile(a, b) {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return 0;
}
function diffStacks(base, head, options = {}) {
  const opts = {
    minShare: options.minShare ?? DEFAULT_DIFF_OPTIONS.minShare,
    noiseShare: options.noiseShare ?? DEFAULT_DIFF_OPTIONS.noiseShare,
    noiseRel: options.noiseRel ?? DEFAULT_DIFF_OPTIONS.noiseRel
  };
  const differ = new StackDiffer(base.value, head.value, opts, options.verdicts);
  const root = differ.walk(
    { b: [base], h: [head], bv: base.value, hv: head.value, bs: base.self, hs: head.self },
    0
  );
  const { mergedFrames, nodes, maxDepth } = differ;
  return {
    root,
    baseTotal: base.value,
    headTotal: head.value,
    mergedFrames,
    nodes,
    maxDepth,
    options: opts
  };
}
var StackDiffer = class {
  constructor(baseTotal, headTotal, opts, verdicts) {
    this.baseTotal = baseTotal;
    this.headTotal = headTotal;
    this.opts = opts;
    this.verdicts = verdicts;
    this.sidesPresent = baseTotal > 0 && headTotal > 0;
  }
  mergedFrames = 0;
  nodes = 0;
  maxDepth = 0;
  sidesPresent;
  /** Function key -> dense id, and id -> slot in the level being tallied (−1: none yet). */
  fidOf = /* @__PURE__ */ new Map();
  slotOf = new Int32Array(1024).fill(-1);
  /** A node's shares, their change and its colour. */
  make(name, file, s) {
    const { baseTotal, headTotal, opts } = this;
    const baseShare = baseTotal > 0 ? s.bv / baseTotal : 0;
    const headShare = headTotal > 0 ? s.hv / headTotal : 0;
    const shareDelta = headShare - baseShare;
    const shareRel = baseShare > 0 ? shareDelta / baseShare : null;
    const withinNoise = Math.abs(shareDelta) < opts.noiseShare || shareRel !== null && Math.abs(shareRel) < opts.noiseRel;
    const change2 = !this.sidesPresent || withinNoise || shareDelta === 0 ? "neutral" : shareDelta > 0 ? "grew" : "shrank";
    const heat = change2 === "neutral" ? 0 : shareRel === null ? 1 : Math.max(-1, Math.min(1, shareRel));
    this.nodes++;
    return {
      name,
      file,
      base: s.bv,
      head: s.hv,
      baseSelf: s.bs,
      headSelf: s.hs,
      baseShare,
      headShare,
      shareDelta,
      shareRel,
      change: change2,
      heat,
      children: []
    };
  }
  narrow(b, h) {
    const { baseTotal, headTotal, opts } = this;
    return (baseTotal > 0 ? b / baseTotal : 0) < opts.minShare && (headTotal > 0 ? h / headTotal : 0) < opts.minShare;
  }
  /**
   * One node of the diff from the stack nodes it stands for on each side:
   * one per side for an ordinary path; several for a "(N narrow frames)"
   * node and the callees below it, which are summed by function without
   * copying any subtree (each stack node is read once).
   */
  walk(s, depth, label3) {
    const any = s.b[0] ?? s.h[0];
    const node = this.make(label3 ?? any.name, label3 === void 0 ? any.file : "", s);
    if (this.verdicts && label3 === void 0) {
      const v = this.verdicts.get(functionKey(any));
      if (v) node.verdict = v;
    }
    if (depth > this.maxDepth) this.maxDepth = depth;
    if (this.narrow(s.bv, s.hv)) return node;
    const { wide, narrow, narrowFrames } = this.route(this.tally(s.b, s.h));
    const children = wide.map((w) => this.walk(w, depth + 1));
    children.sort(byNameThenFile);
    if (narrowFrames > 0) {
      const m = this.walk(
        narrow,
        depth + 1,
        `(${narrowFrames} narrow frame${narrowFrames === 1 ? "" : "s"})`
      );
      m.merged = narrowFrames;
      this.mergedFrames += narrowFrames;
      children.push(m);
    }
    node.children = children;
    return node;
  }
  /**
   * Sums each callee function's value per side, recording every callee and
   * its slot in visiting order, base side first. A merged group of 10k thin
   * callers (large.cpu) costs one Map lookup per callee and no object per
   * narrow function. Self values are summed in the same pass: the callees are
   * in cache now, and a merged group's members are scattered over the heap.
   */
  tally(base, head) {
    const t = {
      sumB: [],
      sumH: [],
      selfB: [],
      selfH: [],
      order: [],
      seen: [],
      baseCallees: 0
    };
    const fids = [];
    const add = (g, sums, selfs) => {
      for (const n of g)
        n.children.forEach((child, key) => {
          const f = this.fid(key);
          let i = this.slotOf[f];
          if (i < 0) {
            i = t.sumB.length;
            this.slotOf[f] = i;
            fids.push(f);
            t.sumB.push(0);
            t.sumH.push(0);
            t.selfB.push(0);
            t.selfH.push(0);
          }
          sums[i] += child.value;
          selfs[i] += child.self;
          t.order.push(i);
          t.seen.push(child);
        });
    };
    add(base, t.sumB, t.selfB);
    t.baseCallees = t.seen.length;
    add(head, t.sumH, t.selfH);
    for (const f of fids) this.slotOf[f] = -1;
    return t;
  }
  /** The dense id of a function key, growing the slot table when needed. */
  fid(key) {
    let f = this.fidOf.get(key);
    if (f === void 0) {
      f = this.fidOf.size;
      this.fidOf.set(key, f);
      if (f >= this.slotOf.length) {
        const grown = new Int32Array(this.slotOf.length * 2).fill(-1);
        grown.set(this.slotOf);
        this.slotOf = grown;
      }
    }
    return f;
  }
  /** Each tallied callee to its wide slice, or to the one pile of narrow frames. */
  route(t) {
    const wideAt = [];
    const narrow = { b: [], h: [], bv: 0, hv: 0, bs: 0, hs: 0 };
    let narrowFrames = 0;
    for (let i = 0; i < t.sumB.length; i++) {
      if (this.narrow(t.sumB[i], t.sumH[i])) {
        narrowFrames++;
        narrow.bv += t.sumB[i];
        narrow.hv += t.sumH[i];
        narrow.bs += t.selfB[i];
        narrow.hs += t.selfH[i];
      } else {
        wideAt[i] = {
          b: [],
          h: [],
          bv: t.sumB[i],
          hv: t.sumH[i],
          bs: t.selfB[i],
          hs: t.selfH[i]
        };
      }
    }
    for (let k = 0; k < t.seen.length; k++) {
      const w = wideAt[t.order[k]];
      const onBase = k < t.baseCallees;
      if (w) (onBase ? w.b : w.h).push(t.seen[k]);
      else (onBase ? narrow.b : narrow.h).push(t.seen[k]);
    }
    return { wide: wideAt.filter((w) => w !== void 0), narrow, narrowFrames };
  }
};

// src/report/flame/colours.ts
var PALETTE = {
  neutral: "#d9d9d9",
  grew: ["#f7d4cf", "#f0a297", "#e2695c", "#c0392b"],
  shrank: ["#d3e1f5", "#a3c2ea", "#6d9bd9", "#2f64b5"]
};
var DARK_STEP = 4;
function colourLevel(node) {
  if (node.change === "neutral") return 0;
  const step = Math.min(4, Math.max(1, Math.ceil(Math.abs(node.heat) * 4)));
  return node.change === "grew" ? step : -step;
}
function fillOf(level) {
  if (level === 0) return { fill: PALETTE.neutral, text: "#000" };
  const steps2 = level > 0 ? PALETTE.grew : PALETTE.shrank;
  const step = Math.abs(level);
  return { fill: steps2[step - 1], text: step >= DARK_STEP ? "#fff" : "#000" };
}

// src/report/flame/escape.ts
var XML_INVALID = (
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
);
var XML_ENTITIES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
};
function escapeXml(s) {
  return s.replace(XML_INVALID, "\uFFFD").replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);
}
function jsonForScript(value) {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
function plainText(s) {
  return s.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, "\uFFFD").replace(/`+/g, "\u02CB");
}
function truncate(s, max) {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  if (max <= 0) return "";
  return chars.slice(0, max - 1).join("") + "\u2026";
}

// src/report/units.ts
function short(v) {
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
function formatValue(v, unit) {
  if (v === 0) return unit === "bytes" ? "0 B" : unit === "nanoseconds" ? "0 s" : "0";
  const a = Math.abs(v);
  if (unit === "nanoseconds") {
    if (a >= 1e9) return `${short(v / 1e9)} s`;
    if (a >= 1e6) return `${short(v / 1e6)} ms`;
    if (a >= 1e3) return `${short(v / 1e3)} \xB5s`;
    return `${short(v)} ns`;
  }
  if (unit === "bytes") {
    if (a >= 2 ** 30) return `${short(v / 2 ** 30)} GiB`;
    if (a >= 2 ** 20) return `${short(v / 2 ** 20)} MiB`;
    if (a >= 2 ** 10) return `${short(v / 2 ** 10)} KiB`;
    return `${v.toFixed(0)} B`;
  }
  const suffix = unit === "count" || unit === "" ? "" : ` ${unit}`;
  if (a >= 1e9) return `${short(v / 1e9)}G${suffix}`;
  if (a >= 1e6) return `${short(v / 1e6)}M${suffix}`;
  if (a >= 1e3) return `${short(v / 1e3)}k${suffix}`;
  return `${Number.isInteger(v) ? v.toFixed(0) : short(v)}${suffix}`;
}
function formatSigned(value, o = {}) {
  const body = Math.abs(value).toFixed(o.decimals ?? 1);
  const zero = value === 0 || o.roundedZero === true && Number(body) === 0;
  const sign = zero ? o.zero ?? "\xB1" : value > 0 ? "+" : value < 0 ? o.minus ?? "\u2212" : o.zero ?? "\xB1";
  return `${sign}${body} ${o.unit ?? "%"}`;
}
function ratioOrPct(pct, cap = Infinity) {
  if (!(pct >= 900)) return formatSigned(pct);
  const ratio = 1 + pct / 100;
  if (ratio >= cap) return `> \xD7${cap}`;
  return `\xD7${ratio < 100 ? ratio.toFixed(1) : ratio.toFixed(0)}`;
}
function formatPct(pct) {
  return pct === null ? "new" : ratioOrPct(pct);
}
var INTERVAL_CAP = 100;
function formatInterval(ci) {
  const low = ratioOrPct(ci[0], INTERVAL_CAP);
  const high = ratioOrPct(ci[1], INTERVAL_CAP);
  return low === high && low.startsWith(">") ? low : `${low} \u2026 ${high}`;
}
function formatP(p) {
  if (p < 1e-4) return "p < 0.0001";
  return `p = ${p < 0.01 ? p.toPrecision(2) : p.toFixed(2)}`;
}

// src/report/flame/format.ts
function formatShare(f) {
  const p = f * 100;
  return `${Math.abs(p) < 0.1 && p !== 0 ? p.toFixed(2) : p.toFixed(1)} %`;
}
var FLAME_SIGN = { minus: "-", zero: "", roundedZero: true };
function formatPp(delta) {
  const p = delta * 100;
  const decimals = Math.abs(p) < 0.1 && p !== 0 ? 2 : 1;
  return formatSigned(p, { ...FLAME_SIGN, decimals, unit: "pp" });
}
function formatRel(rel) {
  if (rel === null) return "new";
  const p = rel * 100;
  return formatSigned(p, { ...FLAME_SIGN, decimals: Math.abs(p) >= 10 ? 0 : 1 });
}
function describeNode(node, tree, unit) {
  const lines2 = [node.name];
  if (node.merged !== void 0) {
    lines2.push(
      `${node.merged} frames (with their callees) each under ${formatShare(tree.options.minShare)} of both totals, merged`
    );
  } else if (node.file) {
    lines2.push(node.file);
  }
  const side = (v, share2, self, which) => `${which}: ${formatValue(v, unit)} \xB7 ${formatShare(share2)} of ${which} (self ${formatValue(self, unit)})`;
  lines2.push(side(node.base, node.baseShare, node.baseSelf, "base"));
  lines2.push(side(node.head, node.headShare, node.headSelf, "head"));
  const what = node.change === "neutral" ? "within noise" : node.change === "grew" ? "share grew" : "share shrank";
  const delta = node.base === 0 && node.head > 0 ? "new in head" : node.head === 0 && node.base > 0 ? "gone in head" : `${formatPp(node.shareDelta)} (${formatRel(node.shareRel)})`;
  lines2.push(`\u0394 share: ${delta} \xB7 ${what}`);
  if (node.verdict) lines2.push(`verdict: ${node.verdict}`);
  return lines2.join("\n");
}

// src/report/flame/svg.ts
var ROW = 17;
var FONT = 11;
var CHAR = FONT * 0.6;
var PAD = 3;
var HEADER = 44;
var FOOTER = 8;
function widthShare(node, widths) {
  if (widths === "head") return node.headShare;
  if (widths === "base") return node.baseShare;
  return (node.baseShare + node.headShare) / 2;
}
function place(tree, widths, total, minPx) {
  const out = [];
  const visit = (node, x, depth) => {
    const w = widthShare(node, widths) * total;
    if (w < minPx) return;
    out.push({ node, x, w, depth });
    let cx = x;
    for (const child of node.children) {
      visit(child, cx, depth + 1);
      cx += widthShare(child, widths) * total;
    }
  };
  visit(tree.root, 0, 0);
  return out;
}
var n2 = (v) => v.toFixed(2);
function mergedNote(tree) {
  if (tree.mergedFrames === 0) return void 0;
  return `${tree.mergedFrames} frames under ${formatShare(tree.options.minShare)} of both totals merged into "(N narrow frames)"`;
}
function legendText(tree, widths) {
  const o = tree.options;
  const parts = [
    `colour: share of own total grew (red) / shrank (blue) / within \xB1${formatPp(o.noiseShare).slice(1)} or \xB1${formatShare(o.noiseRel)} (grey)`
  ];
  if (widths)
    parts.unshift(
      `width: ${widths === "diff" ? "mean of base and head share" : `${widths} share`}`
    );
  const merged = mergedNote(tree);
  if (merged) parts.push(merged);
  return parts.join(" \xB7 ");
}
function renderSvg(tree, options = {}) {
  const widths = options.widths ?? "head";
  const orientation = options.orientation ?? "flame";
  const width = options.width ?? 1200;
  const unit = options.unit ?? "count";
  const title = options.title ?? "flamegraph diff";
  const minPx = options.minFramePx ?? 0.5;
  const placed = place(tree, widths, width, minPx);
  const depth = placed.reduce((m, p) => Math.max(m, p.depth), 0);
  const rows = placed.length > 0 ? depth + 1 : 0;
  const height = HEADER + rows * ROW + FOOTER;
  const yOf = (d) => orientation === "flame" ? HEADER + (depth - d) * ROW : HEADER + d * ROW;
  const totals = `base ${formatValue(tree.baseTotal, unit)} \xB7 head ${formatValue(tree.headTotal, unit)}`;
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="${FONT}">`
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(
    `<text x="${PAD}" y="16" font-size="14" font-weight="bold">${escapeXml(`${title} \u2014 ${totals}`)}</text>`
  );
  out.push(
    `<text x="${PAD}" y="34" fill="#444">${escapeXml(truncate(legendText(tree, widths), Math.floor((width - 2 * PAD) / CHAR)))}</text>`
  );
  if (placed.length === 0) {
    out.push(
      `<text x="${PAD}" y="${HEADER + 12}">${escapeXml(`no samples on the ${widths} side`)}</text>`
    );
  }
  for (const { node, x, w, depth: d } of placed) {
    const { fill, text } = fillOf(colourLevel(node));
    const y = yOf(d);
    const stroke = node.verdict === "fail" ? ` stroke="#000" stroke-width="1.5"` : node.verdict === "warn" ? ` stroke="#000" stroke-dasharray="3 2"` : "";
    out.push(`<g><title>${escapeXml(describeNode(node, tree, unit))}</title>`);
    out.push(
      `<rect x="${n2(x)}" y="${y}" width="${n2(Math.max(w - 0.5, 0.1))}" height="${ROW - 1}" fill="${fill}"${stroke} rx="1"/>`
    );
    const fit = Math.floor((w - 2 * PAD) / CHAR);
    if (fit >= 3) {
      out.push(
        `<text x="${n2(x + PAD)}" y="${y + ROW - 5}" fill="${text}">${escapeXml(truncate(node.name, fit))}</text>`
      );
    }
    out.push(`</g>`);
  }
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

// src/report/flame/text.ts
var BAR = 8;
var EIGHTHS = ["", "\u258F", "\u258E", "\u258D", "\u258C", "\u258B", "\u258A", "\u2589"];
var INDENT = 2;
var MAX_LEVEL = 8;
var SEP = " \u203A ";
function bar(share2) {
  const eighths = Math.round(Math.max(0, Math.min(1, share2)) * BAR * 8);
  const s = "\u2588".repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
  return s.padEnd(BAR, " ");
}
var magnitude = (e) => Math.abs(e.node.shareDelta);
var byChange = (a, b) => magnitude(b) - magnitude(a) || a.index - b.index;
function lines(root, selected) {
  const out = [{ chain: [root], level: 0 }];
  const picked = (e) => e.children.filter((c) => selected.has(c)).sort(byChange);
  const emit = (start, level) => {
    const chain = [start];
    let kids = picked(start);
    while (kids.length === 1) {
      chain.push(kids[0]);
      kids = picked(kids[0]);
    }
    out.push({ chain, level });
    for (const k of kids) emit(k, level + 1);
  };
  for (const k of picked(root)) emit(k, 1);
  return out;
}
function label(chain, room) {
  const names = chain.map((e) => plainText(e.node.name));
  const last = chain[chain.length - 1].node;
  const tag = (last.base === 0 && last.head > 0 ? " (new)" : last.head === 0 && last.base > 0 ? " (gone)" : "") + (last.verdict === "fail" || last.verdict === "warn" ? ` [${last.verdict}]` : "");
  const fits = (s) => Array.from(s + tag).length <= room;
  const tries = [names.join(SEP)];
  if (names.length > 2) tries.push(`${names[0]}${SEP}\u2026${SEP}${names[names.length - 1]}`);
  if (names.length > 1) tries.push(`\u2026${SEP}${names[names.length - 1]}`);
  const best = tries.find(fits) ?? tries[tries.length - 1];
  return truncate(best, Math.max(1, room - Array.from(tag).length)) + tag;
}
function renderTextFlame(tree, options = {}) {
  const maxLines = Math.max(3, options.maxLines ?? 24);
  const width = Math.max(60, options.width ?? 100);
  let count2 = 0;
  const build = (node, parent) => {
    const e = { node, parent, index: count2++, children: [] };
    e.children = node.children.map((c) => build(c, e));
    return e;
  };
  const root = build(tree.root, void 0);
  const all = [];
  const collect = (e) => {
    all.push(e);
    e.children.forEach(collect);
  };
  collect(root);
  const ranked = all.filter((e) => e !== root && e.node.change !== "neutral").sort(byChange);
  const budget = maxLines - 2;
  const selected = /* @__PURE__ */ new Set([root]);
  let shown = 0;
  for (const e of ranked) {
    const added2 = [];
    for (let a = e; a && !selected.has(a); a = a.parent) added2.push(a);
    added2.forEach((a) => selected.add(a));
    if (lines(root, selected).length > budget) {
      added2.forEach((a) => selected.delete(a));
      break;
    }
    shown++;
  }
  const prefix = (n) => `${bar(n.headShare)} ${formatShare(n.headShare).padStart(7)} ${formatPp(n.shareDelta).padStart(9)}  `;
  const prefixWidth = Array.from(prefix(tree.root)).length;
  const out = [
    truncate(
      `${"head".padEnd(BAR)} ${"share".padStart(7)} ${"\u0394 share".padStart(9)}  call path, root first`,
      width
    )
  ];
  for (const { chain, level } of lines(root, selected)) {
    const indent = " ".repeat(Math.min(level, MAX_LEVEL) * INDENT);
    const last = chain[chain.length - 1].node;
    const room = width - prefixWidth - indent.length;
    out.push(prefix(last) + indent + label(chain, room));
  }
  const rest = ranked.length - shown;
  if (ranked.length === 0) out.push("no call path's share moved beyond the noise band");
  else if (rest > 0)
    out.push(
      truncate(`\u2026 ${rest} more changed frame${rest === 1 ? "" : "s"} in the HTML report`, width)
    );
  return out.join("\n") + "\n";
}

// src/report/flame/html.ts
import { createHash } from "node:crypto";

// src/compare/severity.ts
var RANK = { "no-baseline": 0, pass: 1, warn: 2, fail: 3 };
function severity(v) {
  return RANK[v];
}
function worstFirst(a, b) {
  return RANK[b] - RANK[a];
}
function worst(verdicts, none = "pass") {
  let out = none;
  for (const v of verdicts) if (RANK[v] > RANK[out]) out = v;
  return out;
}

// src/report/rows.ts
var KIND_LABEL = {
  cpu: "CPU",
  alloc: "allocations",
  heap: "in-use heap",
  wall: "wall time",
  mutex: "mutex contention",
  block: "blocking",
  goroutine: "goroutines"
};
function kindLabel(c) {
  return KIND_LABEL[c.kind] ?? c.kind;
}
function unitOfWork(c) {
  return c.unitOfWork ?? (c.base.requests && c.head.requests ? "request" : "profile");
}
function perSuffix(c) {
  return { request: "/req", second: "/s", profile: "/round" }[unitOfWork(c)];
}
function perWords(c) {
  return {
    request: "per request",
    second: "per second of capture window",
    profile: "per round"
  }[unitOfWork(c)];
}
function scopeWords(c) {
  const why = c.uncorrectedBecause ?? (c.pairing === "simultaneous" ? "side-by-side" : "few-frames");
  const speed = c.speedCorrected !== false ? "frames corrected for machine speed" : why === "side-by-side" ? "frames as measured (base and head ran side by side)" : "frames not corrected for machine speed (too few frames to estimate it)";
  return `Values are ${perWords(c)}, geometric means over rounds; ${speed}. The raw sums are in the JSON report and the HTML tooltips.`;
}
function testedValue(f) {
  return f.tested === "self" ? f.self : f.cum;
}
function shownPair(c, v) {
  if (v.perWork) return v.perWork;
  const work = (side) => unitOfWork(c) === "request" ? c[side].requests ?? 1 : Math.max(1, c[side].rounds);
  return { base: v.base / work("base"), head: v.head / work("head") };
}
function share(fraction) {
  const pct = (fraction ?? 0) * 100;
  return pct >= 10 ? pct.toFixed(0) : pct >= 1 ? pct.toFixed(1) : pct.toPrecision(2);
}
function directionOf(v) {
  if (v.base === 0 && v.head > 0) return "new";
  if (v.head === 0 && v.base > 0) return "gone";
  const d = Math.round((v.deltaPct ?? 0) * 10) / 10;
  return d > 0 ? "grew" : d < 0 ? "shrank" : "same";
}
function frameChange(c, f) {
  const v = testedValue(f);
  const p = shownPair(c, v);
  const direction = directionOf(v);
  const per = perSuffix(c);
  if (direction === "new")
    return {
      direction,
      pair: `new \xB7 ${formatValue(p.head, c.unit)}${per} \xB7 ${share(f.shareHead ?? (c.head.total > 0 ? v.head / c.head.total : 0))} % of ${kindLabel(c)}`,
      delta: "new",
      interval: "\u2014"
    };
  if (direction === "gone")
    return {
      direction,
      pair: `gone (was ${formatValue(p.base, c.unit)}${per})`,
      delta: "gone",
      interval: "\u2014"
    };
  return {
    direction,
    pair: `${formatValue(p.base, c.unit)} \u2192 ${formatValue(p.head, c.unit)}`,
    delta: formatPct(v.deltaPct),
    interval: formatInterval(f.ci)
  };
}
function totalChange(c, t = c.total) {
  const p = shownPair(c, t);
  return {
    direction: directionOf(t),
    pair: `${formatValue(p.base, c.unit)} \u2192 ${formatValue(p.head, c.unit)}`,
    delta: formatPct(t.deltaPct),
    interval: formatInterval(t.ci)
  };
}
function budgetWords(c) {
  const side = (s) => {
    const rounds = `${s.rounds} round${s.rounds === 1 ? "" : "s"}`;
    return typeof s.windowSeconds === "number" && s.rounds > 0 ? `${rounds} \xD7 ${(s.windowSeconds / s.rounds).toFixed(1)} s` : rounds;
  };
  const paired = c.pairing === "simultaneous" ? ", side by side" : c.pairing === "sequential" ? ", paired one after the other" : "";
  return `${side(c.base)} vs ${side(c.head)}${paired}`;
}

// src/report/flame/page-script.ts
var NODE_FIELDS = 10;
var PAGE_SCRIPT = String.raw`(function () {
  "use strict";
  var FIELDS = ${NODE_FIELDS};
  var ROW = 18;
  var MIN_FAIL_PX = 4;
  var data = JSON.parse(document.getElementById("flame-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var flame = $("flame"), details = $("details"), crumbs = $("crumbs"), search = $("search");
  var found = $("found"), note = $("note"), flaggedList = $("flagged-list");
  var state = { cmp: data.initial || 0, view: "diff", focus: null, query: "", flip: false, picked: null };
  var trees = [];
  var VERDICTS = ["", "pass", "warn", "fail"];

  // --- mirror of format.ts ---
  function short(v) {
    var a = Math.abs(v);
    if (a >= 100) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1);
    return v.toFixed(2);
  }
  function fmtValue(v, unit) {
    if (v === 0) return unit === "bytes" ? "0 B" : unit === "nanoseconds" ? "0 s" : "0";
    var a = Math.abs(v);
    if (unit === "nanoseconds") {
      if (a >= 1e9) return short(v / 1e9) + " s";
      if (a >= 1e6) return short(v / 1e6) + " ms";
      if (a >= 1e3) return short(v / 1e3) + " µs";
      return short(v) + " ns";
    }
    if (unit === "bytes") {
      if (a >= Math.pow(2, 30)) return short(v / Math.pow(2, 30)) + " GiB";
      if (a >= Math.pow(2, 20)) return short(v / Math.pow(2, 20)) + " MiB";
      if (a >= Math.pow(2, 10)) return short(v / Math.pow(2, 10)) + " KiB";
      return v.toFixed(0) + " B";
    }
    var suffix = unit === "count" || unit === "" ? "" : " " + unit;
    if (a >= 1e9) return short(v / 1e9) + "G" + suffix;
    if (a >= 1e6) return short(v / 1e6) + "M" + suffix;
    if (a >= 1e3) return short(v / 1e3) + "k" + suffix;
    return (Number.isInteger(v) ? v.toFixed(0) : short(v)) + suffix;
  }
  function fmtShare(f) {
    var p = f * 100;
    return (Math.abs(p) < 0.1 && p !== 0 ? p.toFixed(2) : p.toFixed(1)) + " %";
  }
  function signed(s, v) {
    if (parseFloat(s) === 0) return s.replace(/^-/, "");
    return v > 0 ? "+" + s : s;
  }
  function fmtPp(delta) {
    var p = delta * 100;
    return signed((Math.abs(p) < 0.1 && p !== 0 ? p.toFixed(2) : p.toFixed(1)) + " pp", p);
  }
  function fmtRel(rel) {
    if (rel === null) return "new";
    var p = rel * 100;
    return signed((Math.abs(p) >= 10 ? p.toFixed(0) : p.toFixed(1)) + " %", p);
  }
  function describe(c, n) {
    var baseShare = c.baseTotal > 0 ? n.base / c.baseTotal : 0;
    var headShare = c.headTotal > 0 ? n.head / c.headTotal : 0;
    var shareDelta = headShare - baseShare;
    var shareRel = baseShare > 0 ? shareDelta / baseShare : null;
    var lines = [n.name];
    if (n.merged >= 0) {
      lines.push(n.merged + " frames (with their callees) each under " + fmtShare(c.minShare) +
        " of both totals, merged");
    } else if (n.file) {
      lines.push(n.file);
    }
    var side = function (v, share, self, which) {
      return which + ": " + fmtValue(v, c.unit) + " · " + fmtShare(share) + " of " + which +
        " (self " + fmtValue(self, c.unit) + ")";
    };
    lines.push(side(n.base, baseShare, n.baseSelf, "base"));
    lines.push(side(n.head, headShare, n.headSelf, "head"));
    var what = n.level === 0 ? "within noise" : n.level > 0 ? "share grew" : "share shrank";
    var delta = n.base === 0 && n.head > 0 ? "new in head"
      : n.head === 0 && n.base > 0 ? "gone in head"
      : fmtPp(shareDelta) + " (" + fmtRel(shareRel) + ")";
    lines.push("Δ share: " + delta + " · " + what);
    if (n.verdict) lines.push("verdict: " + VERDICTS[n.verdict]);
    return lines.join("\n");
  }
  // --- end of mirror ---

  function tree(i) {
    if (trees[i]) return trees[i];
    var c = data.comparisons[i], n = c.nodes, nodes = [], stack = [];
    for (var k = 0; k * FIELDS < n.length; k++) {
      var o = k * FIELDS;
      var node = { i: k, name: c.strings[n[o]], file: c.strings[n[o + 1]], depth: n[o + 2],
        base: n[o + 3], head: n[o + 4], baseSelf: n[o + 5], headSelf: n[o + 6], level: n[o + 7],
        verdict: n[o + 8], merged: n[o + 9], children: [], parent: null };
      stack.length = node.depth;
      if (node.depth > 0) { node.parent = stack[node.depth - 1]; node.parent.children.push(node); }
      stack.push(node);
      nodes.push(node);
    }
    // keep: a failing frame or one on a failing frame's path, never dropped as too narrow.
    nodes.forEach(function (node) {
      if (node.verdict !== 3) return;
      for (var a = node; a && !a.keep; a = a.parent) a.keep = true;
    });
    trees[i] = { c: c, nodes: nodes, root: nodes[0] };
    return trees[i];
  }

  // Width of a node as a fraction of the whole graph: its share of its own side's total.
  function val(t, node) {
    var b = t.c.baseTotal > 0 ? node.base / t.c.baseTotal : 0;
    var h = t.c.headTotal > 0 ? node.head / t.c.headTotal : 0;
    return state.view === "base" ? b : state.view === "head" ? h : (b + h) / 2;
  }

  function matches(node, q) { return q !== "" && node.name.toLowerCase().indexOf(q) >= 0; }

  function searchStats(t, q) {
    var count = 0, share = 0;
    (function walk(node, inside) {
      var m = matches(node, q);
      if (m) count++;
      // Nested matches are inside an outer one: count their weight once.
      if (m && !inside) share += val(t, node);
      for (var k = 0; k < node.children.length; k++) walk(node.children[k], inside || m);
    })(t.root, false);
    var all = val(t, t.root);
    return { count: count, share: all > 0 ? share / all : 0 };
  }

  function render() {
    var t = tree(state.cmp);
    if (state.focus && !(val(t, state.focus) > 0)) state.focus = null;
    var focus = state.focus || t.root;
    var W = flame.clientWidth;
    var chain = [];
    for (var a = focus; a; a = a.parent) chain.unshift(a);
    var items = [];
    chain.forEach(function (node, d) { items.push({ node: node, x: 0, w: W, d: d, anc: node !== focus }); });
    var fv = val(t, focus), maxD = chain.length - 1;
    (function lay(node, x, d) {
      var cx = x;
      node.children.forEach(function (ch) {
        var w = (val(t, ch) / fv) * W;
        // Under half a pixel a frame cannot be seen; zooming in brings it back
        // (a failing frame and its path stay, widened to MIN_FAIL_PX when drawn).
        if (w >= 0.5 || ch.keep) {
          items.push({ node: ch, x: cx, w: w, d: d, anc: false });
          if (d > maxD) maxD = d;
          lay(ch, cx, d + 1);
        }
        cx += w;
      });
    })(focus, 0, chain.length);
    var rows = maxD + 1, q = state.query.toLowerCase(), shown = 0;
    var frag = document.createDocumentFragment();
    items.forEach(function (it) {
      var div = document.createElement("div");
      var lv = it.node.level;
      var cls = "f " + (lv > 0 ? "r" + lv : lv < 0 ? "b" + -lv : "n");
      if (it.anc) cls += " anc";
      if (it.node.verdict === 3) cls += " vf";
      else if (it.node.verdict === 2) cls += " vw";
      if (matches(it.node, q)) { cls += " match"; shown++; }
      if (it.node === state.picked) cls += " picked";
      div.className = cls;
      div.style.left = it.x + "px";
      div.style.width = Math.max(it.w - 1, it.node.keep ? MIN_FAIL_PX : 0.5) + "px";
      div.style.top = (state.flip ? rows - 1 - it.d : it.d) * ROW + "px";
      div.setAttribute("data-i", String(it.node.i));
      div.textContent = it.node.name;
      frag.appendChild(div);
    });
    flame.style.height = rows * ROW + "px";
    flame.replaceChildren(frag);

    crumbs.replaceChildren();
    chain.forEach(function (node, d) {
      if (d > 0) crumbs.appendChild(document.createTextNode(" › "));
      var b = document.createElement("button");
      b.textContent = node.name;
      b.className = "crumb";
      b.addEventListener("click", function () { state.focus = node === t.root ? null : node; render(); });
      crumbs.appendChild(b);
    });

    if (q) {
      var s = searchStats(t, q);
      found.textContent = s.count + " frame" + (s.count === 1 ? "" : "s") + " match · " +
        (s.share * 100).toFixed(1) + " % of " + (state.view === "diff" ? "both" : state.view) +
        " · " + shown + " shown";
    } else {
      found.textContent = "";
    }
    note.textContent = t.c.note;
    if (flaggedList.getAttribute("data-cmp") !== String(state.cmp)) listFlagged(t);
    document.querySelectorAll("button[data-cmp]").forEach(function (b) {
      var on = b.getAttribute("data-cmp") === String(state.cmp);
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", String(on));
    });
    document.querySelectorAll("button[data-view]").forEach(function (b) {
      var on = b.getAttribute("data-view") === state.view;
      b.classList.toggle("on", on);
      b.setAttribute("aria-pressed", String(on));
    });
    document.querySelectorAll("section[data-flame]").forEach(function (sec) {
      sec.hidden = sec.getAttribute("data-flame") !== String(state.cmp);
    });
  }

  // The heaviest drawn node of a listed function (name and file), in the current view.
  function heaviest(t, f) {
    var best = null;
    t.nodes.forEach(function (node) {
      if (node.name !== f.name || node.file !== f.file) return;
      if (!best || val(t, node) > val(t, best)) best = node;
    });
    return best;
  }

  function listFlagged(t) {
    flaggedList.setAttribute("data-cmp", String(state.cmp));
    flaggedList.replaceChildren();
    var flagged = t.c.flagged || [];
    $("flagged-none").hidden = flagged.length > 0;
    flagged.forEach(function (f) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "frame " + f.verdict;
      b.textContent = f.name;
      b.title = f.file;
      var node = heaviest(t, f);
      if (node) {
        b.addEventListener("click", function () {
          var n = heaviest(tree(state.cmp), f);
          state.focus = n.parent ? n : null;
          state.picked = n;
          render();
          details.textContent = describe(t.c, n);
        });
      } else {
        b.disabled = true;
        b.title = f.file + " (not in the graph: merged into a narrow frame)";
      }
      var info = document.createElement("span");
      info.className = "muted";
      info.textContent = " " + f.verdict + " · " + f.change;
      li.appendChild(b);
      li.appendChild(info);
      flaggedList.appendChild(li);
    });
  }

  function nodeOf(target) {
    var div = target && target.closest ? target.closest(".f") : null;
    return div ? tree(state.cmp).nodes[Number(div.getAttribute("data-i"))] : null;
  }

  flame.addEventListener("click", function (e) {
    var node = nodeOf(e.target);
    if (!node) return;
    state.focus = node.parent ? node : null;
    render();
  });
  flame.addEventListener("mouseover", function (e) {
    var node = nodeOf(e.target);
    if (node) details.textContent = describe(tree(state.cmp).c, node);
  });
  document.querySelectorAll("button[data-cmp]").forEach(function (b) {
    b.addEventListener("click", function () {
      state.cmp = Number(b.getAttribute("data-cmp"));
      state.focus = null;
      state.picked = null;
      details.textContent = details.getAttribute("data-empty");
      render();
    });
  });
  document.querySelectorAll("button[data-view]").forEach(function (b) {
    b.addEventListener("click", function () { state.view = b.getAttribute("data-view"); render(); });
  });
  $("reset").addEventListener("click", function () { state.focus = null; render(); });
  $("flip").addEventListener("click", function () { state.flip = !state.flip; render(); });
  search.addEventListener("input", function () { state.query = search.value.trim(); render(); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { state.focus = null; render(); }
  });
  window.addEventListener("resize", render);
  details.textContent = details.getAttribute("data-empty");
  if (data.comparisons.length > 0) render();
  else {
    note.textContent = "No call trees in this report: the tables below are all there is.";
    $("flagged").hidden = true;
  }
})();
`;

// src/report/flame/page-style.ts
var steps = (prefix, fills) => fills.map((fill, i) => `.${prefix}${i + 1}{background:${fill}}`).join("");
var PAGE_STYLE = `
body{font:13px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px;color:#111;background:#fff}
h1{font-size:18px;margin:0 0 8px}
h2{font-size:15px;margin:20px 0 6px}
.bar{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:6px 0}
button{font:inherit;border:1px solid #999;background:#f4f4f4;border-radius:3px;padding:2px 8px;cursor:pointer}
button.on{background:#222;color:#fff;border-color:#222}
button.crumb{border:none;background:none;padding:0;color:#0645ad;text-decoration:underline}
input[type=search]{font:inherit;padding:2px 6px;width:22em}
#found{color:#333}
#note,.legend{color:#444;margin:4px 0}
.sw{display:inline-block;width:1.6em;height:1em;vertical-align:middle;border-radius:2px}
#main{display:flex;gap:12px;align-items:flex-start}
#flame{position:relative;flex:1 1 auto;min-width:0;overflow:hidden;font:11px/17px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:6px 0}
.f{position:absolute;height:17px;box-sizing:border-box;padding:0 3px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;cursor:pointer;border-radius:1px}
.f:hover{filter:brightness(.88)}
.n{background:${PALETTE.neutral}}
${steps("r", PALETTE.grew)}${steps("b", PALETTE.shrank)}
.r4,.b4{color:#fff}
.anc{opacity:.55}
.vf{box-shadow:inset 0 0 0 2px #b00020;z-index:1}
.f.picked{outline:2px solid #0645ad;outline-offset:-1px;z-index:2}
.vw{box-shadow:inset 0 0 0 1px #555}
#flagged{flex:0 0 18em;max-height:70vh;overflow:auto;border-left:1px solid #ddd;padding-left:10px}
#flagged h3{font-size:13px;margin:0 0 4px}
#flagged ol{margin:0;padding-left:1.6em}
#flagged li{margin:2px 0;overflow-wrap:anywhere}
button.frame{border:none;background:none;padding:0;text-align:left;text-decoration:underline;font-weight:bold}
button.frame:disabled{text-decoration:none;cursor:default}
button[data-verdict=fail]{border-color:#b00020}
button[data-verdict=fail]::after{content:" \xB7 fail";color:#b00020}
button[data-verdict=warn]::after{content:" \xB7 warn";color:#9a6700}
button.on[data-verdict]::after{color:inherit}
.f.match{background:#ffd400;color:#000}
#details{white-space:pre-wrap;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;min-height:7.5em;background:#f6f6f6;padding:6px 8px;margin:6px 0}
table{border-collapse:collapse;margin:4px 0 10px}
th,td{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.fail{color:#b00020;font-weight:bold}.warn{color:#9a6700;font-weight:bold}.pass{color:#1a7f37}
.muted{color:#666}
`;

// src/report/flame/html.ts
var VERDICT_CODE = { pass: 1, warn: 2, fail: 3 };
var MAX_FLAGGED = 50;
function flaggedFrames(c) {
  if (!c) return [];
  const pick = (v) => c.frames.filter((f) => f.verdict === v).map((f) => {
    const tested = f.tested ?? "self";
    return {
      name: f.function,
      file: f.file,
      verdict: v,
      change: `${tested} ${frameChange(c, f).delta}`
    };
  });
  return [...pick("fail"), ...pick("warn")].slice(0, MAX_FLAGGED);
}
function worstIndex(verdicts) {
  let best = 0;
  verdicts.forEach((v, i) => {
    if (severity(v) > severity(verdicts[best])) best = i;
  });
  return best;
}
function encode(root) {
  const strings = [];
  const index = /* @__PURE__ */ new Map();
  const intern = (s) => {
    let i = index.get(s);
    if (i === void 0) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const nodes = [];
  const visit = (n, depth) => {
    nodes.push(
      intern(n.name),
      intern(n.file),
      depth,
      n.base,
      n.head,
      n.baseSelf,
      n.headSelf,
      colourLevel(n),
      n.verdict ? VERDICT_CODE[n.verdict] : 0,
      n.merged ?? -1
    );
    for (const c of n.children) visit(c, depth + 1);
  };
  visit(root, 0);
  return { strings, nodes };
}
var pValue = (p) => p < 1e-3 ? "< 0.001" : p.toFixed(3);
var verdictCell = (v) => `<td class="${v}">${v}</td>`;
function valueCell(c, shown, raw, rounds) {
  const title = `raw sum over ${rounds} round${rounds === 1 ? "" : "s"}: ${formatValue(raw, c.unit)}`;
  return `<td class="num" title="${escapeXml(title)}">${escapeXml(formatValue(shown, c.unit))}</td>`;
}
function frameRow(c, f) {
  const tested = f.tested ?? "self";
  const v = f[tested];
  const shown = shownPair(c, v);
  const change2 = frameChange(c, f);
  return `<tr><td>${escapeXml(f.function)}</td><td class="muted">${escapeXml(f.file)}</td>` + verdictCell(f.verdict) + `<td>${tested}</td>${valueCell(c, shown.base, v.base, c.base.rounds)}` + valueCell(c, shown.head, v.head, c.head.rounds) + `<td class="num">${escapeXml(change2.delta)}</td><td class="num">${escapeXml(change2.interval)}</td><td class="num">${pValue(f.p)}</td></tr>`;
}
function tables(c, maxRows) {
  const t = c.total;
  const totalPair = shownPair(c, t);
  const totalShown = totalChange(c);
  const per = perSuffix(c);
  const out = [
    `<p class="muted">${escapeXml(scopeWords(c))}</p>`,
    `<table><tr><th>total</th><th class="num">base ${per}</th><th class="num">head ${per}</th><th class="num">\u0394</th><th class="num">99 % interval</th><th class="num">p</th><th>verdict</th></tr>`,
    `<tr><td>${escapeXml(c.kind)} (${escapeXml(c.unit)})</td>${valueCell(c, totalPair.base, t.base, c.base.rounds)}${valueCell(c, totalPair.head, t.head, c.head.rounds)}<td class="num">${escapeXml(totalShown.delta)}</td><td class="num">${escapeXml(totalShown.interval)}</td><td class="num">${pValue(t.p)}</td>${verdictCell(t.verdict)}</tr></table>`
  ];
  if (t.note) out.push(`<p class="muted">${escapeXml(t.note)}</p>`);
  for (const n of c.notes ?? []) out.push(`<p class="muted">${escapeXml(n)}</p>`);
  if (c.frames.length > 0) {
    out.push(
      `<table><tr><th>function</th><th>file</th><th>verdict</th><th>tested</th><th class="num">base ${per}</th><th class="num">head ${per}</th><th class="num">\u0394</th><th class="num">99 % interval</th><th class="num">p</th></tr>`
    );
    for (const f of c.frames.slice(0, maxRows)) out.push(frameRow(c, f));
    out.push(`</table>`);
    if (c.frames.length > maxRows)
      out.push(`<p class="muted">${c.frames.length - maxRows} more frames in the JSON report.</p>`);
  }
  return out.join("\n");
}
var sha256 = (s) => createHash("sha256").update(s, "utf8").digest("base64");
function renderHtml(input, options = {}) {
  const { report, flames } = input;
  const maxRows = options.maxTableRows ?? 100;
  const title = options.title ?? "flamegate report";
  const key = (service, kind) => `${service}\0${kind}`;
  const comparisons = new Map(report.comparisons.map((c) => [key(c.service, c.kind), c]));
  const encoded = flames.map((f) => {
    const c = comparisons.get(key(f.service, f.kind));
    const tree = diffStacks(f.base, f.head, {
      ...options,
      ...c ? { verdicts: verdictsOf(c) } : {}
    });
    return {
      label: `${f.service} \xB7 ${f.kind}`,
      verdict: c ? c.verdict ?? c.total.verdict : "pass",
      flagged: flaggedFrames(c),
      unit: f.unit,
      minShare: tree.options.minShare,
      baseTotal: tree.baseTotal,
      headTotal: tree.headTotal,
      note: [
        `base ${formatValue(tree.baseTotal, f.unit)}`,
        `head ${formatValue(tree.headTotal, f.unit)}`,
        `${tree.nodes} frames`,
        ...tree.mergedFrames > 0 ? [mergedNote(tree)] : []
      ].join(" \xB7 "),
      ...encode(tree.root)
    };
  });
  const swatch = (level) => `<span class="sw ${level > 0 ? `r${level}` : level < 0 ? `b${-level}` : "n"}"></span>`;
  const legend = `<p class="legend">${swatch(4)}${swatch(2)} share of its side's total grew \xB7 ${swatch(-2)}${swatch(-4)} shrank \xB7 ${swatch(0)} within noise (\xB1${formatPp(options.noiseShare ?? DEFAULT_DIFF_OPTIONS.noiseShare).slice(1)} or \xB1${formatShare(options.noiseRel ?? DEFAULT_DIFF_OPTIONS.noiseRel)}), or one side empty \xB7 outlined in red: the report's verdict for that function is fail (drawn at least 4 px wide, its callers too, however narrow; listed beside the graph with the warnings) \xB7 width: diff = mean of base and head share, base/head = that side's share \xB7 frames under ${formatShare(options.minShare ?? DEFAULT_DIFF_OPTIONS.minShare)} of both totals are merged, per caller, into "(N narrow frames)" with their callees summed by function.</p>`;
  const cmpButtons = encoded.map(
    (e, i) => `<button type="button" data-cmp="${i}" data-verdict="${e.verdict}">${escapeXml(e.label)}</button>`
  ).join("");
  const viewButtons = ["diff", "head", "base"].map((v) => `<button type="button" data-view="${v}">${v}</button>`).join("");
  const flameIndex = new Map(flames.map((f, i) => [key(f.service, f.kind), i]));
  const sections = report.comparisons.map((c) => {
    const i = flameIndex.get(key(c.service, c.kind));
    const attr = i === void 0 ? "" : ` data-flame="${i}"`;
    const verdict = c.verdict ?? c.total.verdict;
    return `<section${attr}><h2>${escapeXml(`${c.service} \xB7 ${c.kind}`)} \u2014 <span class="${verdict}">${verdict}</span></h2>
${tables(c, maxRows)}
</section>`;
  }).join("\n");
  const csp = `default-src 'none'; style-src 'sha256-${sha256(PAGE_STYLE)}'; script-src 'sha256-${sha256(PAGE_SCRIPT)}'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(`${title} \xB7 ${report.verdict}`)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)} \u2014 <span class="${report.verdict}">${escapeXml(report.verdict)}</span></h1>
<div class="bar"><span>comparison:</span><span id="cmps">${cmpButtons}</span><span>view:</span>${viewButtons}<button type="button" id="flip">flip</button><button type="button" id="reset">reset zoom</button></div>
<div class="bar"><input id="search" type="search" placeholder="search functions" aria-label="search functions"><span id="found"></span></div>
${legend}
<p id="note"></p>
<nav id="crumbs" aria-label="zoom path"></nav>
<noscript><p>The flamegraph needs JavaScript; the tables below do not.</p></noscript>
<div id="main"><div id="flame"></div><aside id="flagged" aria-label="failing and warning frames"><h3>Failing and warning frames</h3><p class="muted" id="flagged-none">None in this comparison.</p><ol id="flagged-list"></ol></aside></div>
<pre id="details" data-empty="Hover a frame for base, head, \u0394 and verdict; click to zoom, Esc to reset."></pre>
${sections}
<script type="application/json" id="flame-data">${jsonForScript({ comparisons: encoded, initial: worstIndex(encoded.map((e) => e.verdict)) })}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

// node_modules/markdown-table/index.js
function defaultStringLength(value) {
  return value.length;
}
function markdownTable(table, options) {
  const settings = options || {};
  const align = (settings.align || []).concat();
  const stringLength = settings.stringLength || defaultStringLength;
  const alignments = [];
  const cellMatrix = [];
  const sizeMatrix = [];
  const longestCellByColumn = [];
  let mostCellsPerRow = 0;
  let rowIndex = -1;
  while (++rowIndex < table.length) {
    const row2 = [];
    const sizes2 = [];
    let columnIndex2 = -1;
    if (table[rowIndex].length > mostCellsPerRow) {
      mostCellsPerRow = table[rowIndex].length;
    }
    while (++columnIndex2 < table[rowIndex].length) {
      const cell = serialize(table[rowIndex][columnIndex2]);
      if (settings.alignDelimiters !== false) {
        const size = stringLength(cell);
        sizes2[columnIndex2] = size;
        if (longestCellByColumn[columnIndex2] === void 0 || size > longestCellByColumn[columnIndex2]) {
          longestCellByColumn[columnIndex2] = size;
        }
      }
      row2.push(cell);
    }
    cellMatrix[rowIndex] = row2;
    sizeMatrix[rowIndex] = sizes2;
  }
  let columnIndex = -1;
  if (typeof align === "object" && "length" in align) {
    while (++columnIndex < mostCellsPerRow) {
      alignments[columnIndex] = toAlignment(align[columnIndex]);
    }
  } else {
    const code = toAlignment(align);
    while (++columnIndex < mostCellsPerRow) {
      alignments[columnIndex] = code;
    }
  }
  columnIndex = -1;
  const row = [];
  const sizes = [];
  while (++columnIndex < mostCellsPerRow) {
    const code = alignments[columnIndex];
    let before = "";
    let after = "";
    if (code === 99) {
      before = ":";
      after = ":";
    } else if (code === 108) {
      before = ":";
    } else if (code === 114) {
      after = ":";
    }
    let size = settings.alignDelimiters === false ? 1 : Math.max(
      1,
      longestCellByColumn[columnIndex] - before.length - after.length
    );
    const cell = before + "-".repeat(size) + after;
    if (settings.alignDelimiters !== false) {
      size = before.length + size + after.length;
      if (size > longestCellByColumn[columnIndex]) {
        longestCellByColumn[columnIndex] = size;
      }
      sizes[columnIndex] = size;
    }
    row[columnIndex] = cell;
  }
  cellMatrix.splice(1, 0, row);
  sizeMatrix.splice(1, 0, sizes);
  rowIndex = -1;
  const lines2 = [];
  while (++rowIndex < cellMatrix.length) {
    const row2 = cellMatrix[rowIndex];
    const sizes2 = sizeMatrix[rowIndex];
    const cellsInRow = settings.fillRows === false ? Math.max(1, cellMatrix[rowIndex === 1 ? 0 : rowIndex].length) : mostCellsPerRow;
    columnIndex = -1;
    const line = [];
    while (++columnIndex < cellsInRow) {
      const cell = row2[columnIndex] || "";
      let before = "";
      let after = "";
      if (settings.alignDelimiters !== false) {
        const size = longestCellByColumn[columnIndex] - (sizes2[columnIndex] || 0);
        const code = alignments[columnIndex];
        if (code === 114) {
          before = " ".repeat(size);
        } else if (code === 99) {
          const half = size / 2;
          if (size % 2) {
            before = " ".repeat(half + 0.5);
            after = " ".repeat(half - 0.5);
          } else {
            before = " ".repeat(half);
            after = before;
          }
        } else {
          after = " ".repeat(size);
        }
      }
      if (settings.delimiterStart !== false && !columnIndex) {
        line.push("|");
      }
      if (settings.padding !== false && // Don’t add the opening space if we’re not aligning and the cell is
      // empty: there will be a closing space.
      !(settings.alignDelimiters === false && cell === "") && (settings.delimiterStart !== false || columnIndex)) {
        line.push(" ");
      }
      if (settings.alignDelimiters !== false) {
        line.push(before);
      }
      line.push(cell);
      if (settings.alignDelimiters !== false) {
        line.push(after);
      }
      if (settings.padding !== false) {
        line.push(" ");
      }
      if (settings.delimiterEnd !== false || columnIndex !== cellsInRow - 1) {
        line.push("|");
      }
    }
    lines2.push(
      settings.delimiterEnd === false ? line.join("").replace(/ +$/, "") : line.join("")
    );
  }
  return lines2.join("\n");
}
function serialize(value) {
  return value === null || value === void 0 ? "" : String(value);
}
function toAlignment(value) {
  const code = typeof value === "string" ? value.codePointAt(0) : 0;
  return code === 67 || code === 99 ? 99 : code === 76 || code === 108 ? 108 : code === 82 || code === 114 ? 114 : 0;
}

// src/compare/types.ts
var REPORT_SCHEMA = "flamegate.report/v1";

// src/report/notes.ts
var change = (pct) => formatSigned(pct, { minus: "-", zero: "+" });
function describeRounds(n) {
  return n > 100 ? "more than 100 rounds per side would be needed: lengthen the capture window or raise the sampling rate instead" : `about ${n} rounds per side would decide it`;
}
function noteText(note) {
  switch (note.code) {
    case "idle-excluded":
      return `${note.functions.join(", ")}: idle time, not CPU work: left out of the total and not gated`;
    case "period-estimated":
      return "sample period unknown: one sample's value was taken as the smallest value any frame holds in a round";
    case "work-missing":
      return "some rounds report no units of work; they count as 1";
    case "per-second":
      return "normalised per second of load window (a load command does not count requests): with a fixed-rate load a regression shows as more samples per second";
    case "no-work-unit":
      return "no units of work known: frames are compared on machine-normalised values; the total is a raw profile total";
    case "no-size-factors":
      return `fewer than ${note.minFrames} frames hold ${note.minCount} samples per round: frames are not normalised for machine speed`;
    case "same-seconds":
      return "base and head ran side by side: frames are compared as measured, without size factors (the pairing cancels the machine's speed)";
    case "one-round":
      return `indicative: one round per side, so no round-to-round variance could be estimated; frame tests assume ${(note.frameSigma * 100).toFixed(1)} % frame noise between runs (gate.prior-sigma) plus Poisson sampling noise, the total ${(note.totalSigma * 100).toFixed(0)} % (gate.total-sigma); run 3 or more rounds per side for a verdict you can rely on`;
    case "frame-noise":
      return `frames vary \xB1${(note.frameSigma * 100).toFixed(note.frameSigma < 0.1 ? 1 : 0)} % between rounds beyond sampling noise (\u03C30 = ${(note.frameSigma * 100).toFixed(1)} %, prior df ${note.priorDf >= note.maxPriorDf ? `\u2265 ${note.maxPriorDf}` : note.priorDf.toFixed(1)}${note.estimated ? ", estimated" : ""})`;
    case "total-other-runner":
      return `${note.kind} total not gated: the baseline ran on a different runner; frame tests still run on machine-normalised values`;
    case "total-unproven":
      return `total per ${note.unitOfWork} ${change(note.deltaPct)} is over the ${change(note.thresholdPct)} threshold but not proven at this budget (p = ${note.p.toPrecision(2)}); ${describeRounds(note.roundsToDecide)}`;
    case "tested-frames":
      return `tested ${note.tested} of ${note.frames} frames: ${note.tooCold} below ${note.minCount} samples per round${note.ignored > 0 ? `, ${note.ignored} not gated (gate.ignore, idle)` : ""}`;
    case "frames-unproven":
      return `${note.count} frame(s) over the threshold but not proven at this budget (e.g. ${note.example} ${change(note.deltaPct)}); ${describeRounds(note.roundsToDecide)}`;
    case "nothing-to-compare":
      return `nothing to compare: ${note.baseRounds} base and ${note.headRounds} head rounds`;
    case "functions-listed":
      return `${note.listed} of ${note.functions} functions listed: every one that did not pass, and the ${note.top} largest`;
    case "inlining-varies":
      return note.functions.map(
        (f) => `${f.function} comes and goes between processes (absent from ${f.absentRounds} of ${f.rounds} rounds: inlined into its caller in some)${f.caller === void 0 ? ": not tested on its own; its callers' cumulative values hold it" : `: tested through ${f.caller}'s cumulative value, which holds it either way`}`
      ).join("; ");
  }
}
function totalNoteText(note) {
  switch (note) {
    case "other-runner":
      return "baseline from a different runner: the total is reported for information, not gated (machine speed dominates it)";
  }
}
function totalInWords(total) {
  const { note, ...rest } = total;
  return note === void 0 ? rest : { ...rest, note: totalNoteText(note) };
}

// src/report/answer.ts
function shortFile(file) {
  return file.split("/").slice(-2).join("/");
}
function frameName(f, style) {
  return `${style.name(f.function)}${f.file ? ` (${style.name(shortFile(f.file))})` : ""}`;
}
function where(c, style) {
  return `${style.text(c.service)} \xB7 ${kindLabel(c)}`;
}
function frameAnswer(c, f, style) {
  const shown = frameChange(c, f);
  const name = frameName(f, style);
  const p = formatP(f.p);
  if (shown.direction === "new")
    return `${name} is new in ${where(c, style)}: ${shown.pair.replace(/^new · /, "")} (${p})`;
  const estimate = f.tested === "cum" ? f.cum.deltaPct : f.self.deltaPct;
  const reach = upTo(f.verdict, estimate, f.ci, c.thresholds?.framePct);
  return `${name} grew ${shown.delta}${reach} in ${where(c, style)}: ${shown.pair} ${perWords(c)} (${p})`;
}
function upTo(verdict, estimatePct, ci, thresholdPct) {
  if (verdict !== "fail" || thresholdPct === void 0 || typeof estimatePct !== "number")
    return "";
  const hi = ci[1];
  return estimatePct < thresholdPct && hi >= thresholdPct ? ` (up to ${formatSigned(hi)}, threshold ${formatSigned(thresholdPct, { decimals: 0 })})` : "";
}
function totalAnswer(c, style) {
  const t = totalChange(c);
  const reach = upTo(c.total.verdict, c.total.deltaPct, c.total.ci, c.thresholds?.totalPct);
  return `the total of ${where(c, style)} grew ${t.delta}${reach}: ${t.pair} ${perWords(c)} (${formatP(c.total.p)})`;
}
function undecided(report) {
  const out = [];
  for (const c of report.comparisons) {
    if (c.total.roundsToDecide !== void 0 && c.total.verdict !== "fail")
      out.push({ c, rounds: c.total.roundsToDecide });
    for (const f of c.frames)
      if (f.roundsToDecide !== void 0 && f.verdict !== "fail")
        out.push({ c, f, rounds: f.roundsToDecide });
  }
  return out;
}
function undecidedAnswer(u, style) {
  const { c, f } = u;
  const what = f ? frameName(f, style) : "the total";
  const delta = f ? frameChange(c, f).delta : totalChange(c).delta;
  const p = formatP(f ? f.p : c.total.p);
  const decide2 = u.rounds === null || !Number.isFinite(u.rounds) ? "more rounds would be needed to decide it" : describeRounds(u.rounds);
  return `${what} ${delta} in ${where(c, style)}: not provable at this budget (${p}); ${decide2}`;
}
function changedWords(report, failing) {
  if (report.changedFiles === void 0) return "";
  const inChanged = failing.filter((f) => f.changed === true).length;
  if (inChanged === 0) return "; not in a file this change touched";
  if (inChanged === failing.length)
    return failing.length === 1 ? "; in a file this change touched" : "; all in files this change touched";
  return `; ${inChanged} of ${failing.length} in files this change touched`;
}
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
function answer(report, style, folded = /* @__PURE__ */ new Set()) {
  if (report.verdict === "fail") {
    const failing = report.comparisons.filter(
      (c2) => (c2.verdict ?? c2.total.verdict) === "fail" || c2.frames.some((f) => f.verdict === "fail")
    );
    const all = failing.flatMap(
      (c2) => c2.frames.filter((f) => f.verdict === "fail").map((f) => ({ c: c2, f }))
    );
    const frames = all.filter((x) => !folded.has(x.f));
    const callers = all.length - frames.length;
    const first = frames[0];
    const more = frames.length - 1;
    if (first) {
      const also = more > 0 ? `; ${plural(more, "more frame")} failed` : "";
      const withIt = callers > 0 ? `${more > 0 ? "," : ";"} ${plural(callers, "caller")} grew with ${more > 0 ? "them" : "it"}` : "";
      return `${frameAnswer(first.c, first.f, style)}${also}${withIt}${changedWords(
        report,
        frames.map((x) => x.f)
      )}`;
    }
    const c = failing[0];
    if (c) return totalAnswer(c, style);
    return "a comparison failed";
  }
  const open = undecided(report);
  const worst2 = open[0];
  if (worst2) {
    const also = open.length > 1 ? `; ${plural(open.length - 1, "more change")} undecided` : "";
    return `${undecidedAnswer(worst2, style)}${also}`;
  }
  return "";
}
function isUndecided(f) {
  return f.roundsToDecide !== void 0 && f.verdict !== "fail";
}

// src/report/escape.ts
var MAX_NAME_CHARS = 120;
function truncate2(s, max = MAX_NAME_CHARS) {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}\u2026`;
}
function codeSpan(text, max = MAX_NAME_CHARS) {
  const flat = truncate2(text.replace(/[\u0000-\u001f\u007f]+/g, " "), max);
  if (flat.trim() === "") return "` `";
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longestRun + 1);
  const padded = flat.startsWith("`") || flat.endsWith("`") || longestRun > 0 ? ` ${flat} ` : flat;
  return `${fence}${padded.replace(/\|/g, "\\|")}${fence}`;
}
function escapeText(text) {
  return text.replace(/[\\`*_{}[\]()#+\-.!|~=:@"']/g, (c) => `\\${c}`).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
function codeFence(body) {
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  return "`".repeat(Math.max(3, longestRun + 1));
}

// src/compare/profile-view.ts
function cleanPath(p) {
  if (p === "") return ".";
  if (!/\/\/|(^|\/)\.\.?(\/|$)|.\/$/.test(p)) return p;
  const rooted = p.startsWith("/");
  const out = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined === "" ? "." : joined;
}
var FunctionInterner = class {
  functions = [];
  keys = [];
  index = /* @__PURE__ */ new Map();
  intern(name, file) {
    const key = functionKey({ name, file: file === "" ? "" : cleanPath(file) });
    let i = this.index.get(key);
    if (i === void 0) {
      i = this.functions.length;
      this.functions.push({ name, file });
      this.keys.push(key);
      this.index.set(key, i);
    }
    return i;
  }
};
function addressName(address) {
  return `0x${address.toString(16)}`;
}
function viewOfProfile(profile) {
  const interner = new FunctionInterner();
  const fnIndex = /* @__PURE__ */ new Map();
  for (const fn of profile.function) {
    fnIndex.set(toNumber(fn.id), interner.intern(str(profile, fn.name), str(profile, fn.filename)));
  }
  const locIndex = /* @__PURE__ */ new Map();
  const locStart = new Int32Array(profile.location.length + 1);
  const fns = [];
  profile.location.forEach((loc, i) => {
    locIndex.set(toNumber(loc.id), i);
    const before = fns.length;
    for (const line of loc.line) {
      const f = fnIndex.get(toNumber(line.functionId));
      if (f !== void 0) fns.push(f);
    }
    if (fns.length === before) fns.push(interner.intern(addressName(toNumber(loc.address)), ""));
    locStart[i + 1] = fns.length;
  });
  const width = profile.sampleType.length;
  return {
    sampleTypes: sampleTypes(profile),
    functions: interner.functions,
    keys: interner.keys,
    locStart,
    locFns: Int32Array.from(fns),
    sampleCount: profile.sample.length,
    period: profile.periodType ? {
      type: {
        type: str(profile, profile.periodType.type),
        unit: str(profile, profile.periodType.unit)
      },
      value: toNumber(profile.period)
    } : null,
    comments: profile.comment.map((c) => str(profile, c)),
    forEachSample(visit) {
      let locs = new Int32Array(64);
      const values = new Float64Array(width);
      for (const sample of profile.sample) {
        const ids = sample.locationId;
        if (ids.length > locs.length) locs = new Int32Array(ids.length * 2);
        let depth = 0;
        for (const id of ids) {
          const l = locIndex.get(toNumber(id));
          if (l !== void 0) locs[depth++] = l;
        }
        for (let i = 0; i < width; i++) values[i] = toNumber(sample.value[i]);
        visit(locs, depth, values);
      }
    }
  };
}

// src/report/callers.ts
var unnamed = (name) => name.startsWith("(");
var keyOf = (name, file) => `${name}\0${file === "" ? "" : cleanPath(file)}`;
function placements(root, wanted) {
  const out = /* @__PURE__ */ new Map();
  const path = [];
  const walk = (node) => {
    for (const child of node.children.values()) {
      const key = keyOf(child.name, child.file);
      if (wanted.has(key)) {
        let p = out.get(key);
        if (!p) {
          p = { total: 0, above: /* @__PURE__ */ new Map(), heaviest: -Infinity, path: [] };
          out.set(key, p);
        }
        p.total += child.value;
        const seen = /* @__PURE__ */ new Set();
        for (const a of path) {
          const k = keyOf(a.name, a.file);
          if (k === key || seen.has(k)) continue;
          seen.add(k);
          p.above.set(k, (p.above.get(k) ?? 0) + child.value);
        }
        if (child.value > p.heaviest) {
          p.heaviest = child.value;
          p.path = path.map((n) => keyOf(n.name, n.file));
          p.calledFrom = [...path].reverse().find((n) => !unnamed(n.name))?.name;
        }
      }
      path.push(child);
      walk(child);
      path.pop();
    }
  };
  walk(root);
  return out;
}
function added(f, which) {
  const v = f[which].perWork;
  return v ? v.head - v.base : 0;
}
function grownLeaf(f) {
  return (f.verdict !== "pass" || isUndecided(f)) && f.tested === "self" && added(f, "self") > 0;
}
function callersOf(c, head) {
  const context = /* @__PURE__ */ new Map();
  const folded = /* @__PURE__ */ new Set();
  if (!head) return { context, folded };
  const byKey = new Map(c.frames.map((f) => [keyOf(f.function, f.file), f]));
  const placed = placements(head, new Set(byKey.keys()));
  const placeOf = (f) => placed.get(keyOf(f.function, f.file));
  const leaves = c.frames.filter(grownLeaf);
  const underCaller = /* @__PURE__ */ new Map();
  for (const leaf of leaves) {
    const p = placeOf(leaf);
    if (!p) continue;
    for (const [k, beneath] of p.above) {
      const caller = byKey.get(k);
      if (!caller || leaves.includes(caller) || beneath < 0.5 * p.total) continue;
      underCaller.set(caller, [...underCaller.get(caller) ?? [], leaf]);
    }
  }
  for (const [caller, below] of underCaller) {
    const grew = added(caller, "cum");
    const explained = below.reduce((a, l) => a + added(l, "self"), 0);
    if (caller.tested !== "cum" || grew <= 0 || grew > 1.5 * explained) continue;
    folded.add(caller);
    for (const leaf of below) {
      const ctx = context.get(leaf) ?? { via: [] };
      ctx.via.push(caller);
      context.set(leaf, ctx);
    }
  }
  for (const [leaf, ctx] of context) {
    const path = placeOf(leaf)?.path ?? [];
    const at = (f) => path.indexOf(keyOf(f.function, f.file));
    ctx.via.sort((a, b) => at(a) - at(b));
  }
  for (const f of c.frames) {
    const from = unnamed(f.function) ? placeOf(f)?.calledFrom : void 0;
    if (from) context.set(f, { ...context.get(f) ?? { via: [] }, calledFrom: from });
  }
  return { context, folded };
}
function callersByComparison(report, stacks) {
  return new Map(
    report.comparisons.map((c) => {
      const head = stacks?.find((s) => s.service === c.service && s.kind === c.kind)?.head;
      return [c, callersOf(c, head)];
    })
  );
}
function foldedCallers(callers) {
  return new Set([...callers.values()].flatMap((c) => [...c.folded]));
}
function viaWords(ctx, name, max = 3) {
  const names = ctx.via.map((f) => name(f.function));
  return `via ${names.length > max ? "\u2026 \u203A " : ""}${names.slice(-max).join(" \u203A ")}`;
}

// src/report/fold.ts
var CAPTURE = /^(base|head) capture(?: \(rounds? ([\d, ]+) of (\d+)\))?: (.*)$/s;
var kindOf = (text) => text.replace(/\d+(?:\.\d+)?/g, "#");
function foldNotes(c) {
  const kinds = /* @__PURE__ */ new Map();
  const other = [];
  for (const note of c.notes ?? []) {
    const m = note.match(CAPTURE);
    if (!m) {
      if (!other.includes(note)) other.push(note);
      continue;
    }
    const side = m[1];
    const text = m[4];
    const rounds = m[2] ? m[2].split(",").length : c[side].rounds;
    const key = kindOf(text);
    const kind = kinds.get(key);
    if (!kind) {
      kinds.set(key, {
        example: text,
        rounds: { base: side === "base" ? rounds : 0, head: side === "head" ? rounds : 0 },
        varies: false
      });
      continue;
    }
    kind.rounds[side] += rounds;
    if (kind.example !== text) kind.varies = true;
  }
  const captured = [...kinds.values()].map((k) => {
    const figures = k.varies ? "; figures from one round, they vary" : "";
    return `capture, ${k.rounds.base} of ${c.base.rounds} base and ${k.rounds.head} of ${c.head.rounds} head rounds${figures}: ${k.example}`;
  });
  return [...other, ...captured];
}

// src/report/markdown.ts
var GITHUB_COMMENT_LIMIT = 65536;
var EMPTY = { schema: REPORT_SCHEMA, verdict: "pass", comparisons: [] };
var ICON = {
  pass: "\u2705",
  warn: "\u26A0\uFE0F",
  fail: "\u274C",
  "no-baseline": "\u2139\uFE0F"
};
function verdictOf(c) {
  if (c.verdict) return c.verdict;
  if (c.total.verdict === "fail" || c.frames.some((f) => f.verdict === "fail")) return "fail";
  if (c.total.verdict === "warn" || c.frames.some((f) => f.verdict === "warn")) return "warn";
  return "pass";
}
function label2(c) {
  return `${escapeText(c.service)} \xB7 ${kindLabel(c)}`;
}
var MARKDOWN_STYLE = { name: (s) => codeSpan(s, 60), text: escapeText };
function headline(report, folded) {
  const icon = ICON[report.verdict];
  if (report.verdict === "no-baseline") {
    return `${icon} **flamegate: no baseline to compare with.** Profiles were captured and uploaded; the next run on the base branch provides one.`;
  }
  const said = answer(report, MARKDOWN_STYLE, folded);
  if (report.verdict === "fail") return `${icon} **flamegate: regression:** ${said}.`;
  if (report.verdict === "warn")
    return `${icon} **flamegate: possible regression, not proven:** ${said}.`;
  const n = report.comparisons.length;
  const pass = `${icon} **flamegate: no regression** over the thresholds in ${n} comparison${n === 1 ? "" : "s"}.`;
  return said ? `${pass} Undecided: ${said}.` : pass;
}
function verdictCell2(f) {
  return f.verdict === "pass" && isUndecided(f) ? "\u2754 undecided" : `${ICON[f.verdict]} ${f.verdict}`;
}
function functionCell(f, ctx) {
  const name = (s) => codeSpan(s, 60);
  const from = ctx?.calledFrom ? ` <sub>called from ${name(ctx.calledFrom)}</sub>` : "";
  const via = ctx && ctx.via.length > 0 ? `<br><sub>${viaWords(ctx, name)}</sub>` : "";
  const changed = f.changed ? " <sub>\u270E changed file</sub>" : "";
  return `${codeSpan(f.function)}${changed}${from}${via}`;
}
function frameRow2(c, f, ctx) {
  const shown = frameChange(c, f);
  return [
    functionCell(f, ctx),
    f.file ? codeSpan(f.file.split("/").slice(-2).join("/"), 60) : "",
    shown.pair,
    shown.delta,
    shown.interval,
    verdictCell2(f)
  ];
}
function mdeLine(c) {
  const m = c.mde;
  const power = m.power === void 0 ? "" : ` (${Math.round(m.power * 100)} % power)`;
  const at = m.atSharePct ?? 5;
  const share2 = m.frameSharePct >= 100 ? "a growth at the threshold is not provable in any frame at this budget" : `a growth at the threshold is caught in frames holding \u2265 ${m.frameSharePct.toFixed(1)} % of the total`;
  const total = m.totalPct === void 0 ? "" : `; the total, from \xB1${m.totalPct.toFixed(0)} %`;
  return `_What this run could detect${power}: ${share2}; a frame holding ${at} % would have to grow ${formatPct(m.deltaPct)}${total} (${budgetWords(c)})._`;
}
function notesFold(c) {
  const notes = foldNotes(c);
  if (notes.length === 0) return [];
  const noise = notes.find((n) => n.startsWith("frames vary"))?.replace(/ \(σ0.*$/, "");
  const title = `${notes.length} note${notes.length === 1 ? "" : "s"}${noise ? `: ${noise}` : ""}`;
  return [
    "",
    `<details><summary>${escapeText(title)}</summary>`,
    "",
    ...notes.map((n) => `- ${escapeText(n)}`),
    "",
    "</details>"
  ];
}
function comparisonSection(c, options, callers) {
  const per = perSuffix(c);
  const out = [];
  out.push(`### ${ICON[verdictOf(c)]} ${label2(c)}`);
  out.push("");
  out.push(`_${scopeWords(c)}_`);
  out.push("");
  const t = c.total;
  const shownTotal = totalChange(c);
  out.push(
    `**Total** ${shownTotal.pair} ${perWords(c)}: ${shownTotal.delta} (99 % interval ${shownTotal.interval}, ${formatP(t.p)}) \u2014 ${t.verdict}${t.note ? ` (${escapeText(t.note)})` : ""}`
  );
  if (c.load) {
    const b = c.load.base;
    const h = c.load.head;
    const rps = (x) => x === null ? "?" : `${x.toFixed(0)} req/s`;
    const ms = (x) => x === null ? "?" : `${x.toFixed(1)} ms`;
    out.push("");
    out.push(
      `**Load** throughput ${rps(b.throughput)} \u2192 ${rps(h.throughput)}; latency p50 ${ms(b.p50)} \u2192 ${ms(h.p50)}, p99 ${ms(b.p99)} \u2192 ${ms(h.p99)}`
    );
  }
  const grew = (f) => ["grew", "new"].includes(frameChange(c, f).direction);
  const shown = c.frames.filter((f) => !callers.folded.has(f)).filter((f) => f.untested !== "ignored" && (f.verdict !== "pass" || grew(f))).slice(0, options.topFrames ?? 10);
  out.push("");
  if (shown.length > 0) {
    out.push(
      markdownTable(
        [
          ["Function", "File", `Base \u2192 head${per}`, "\u0394", "99 % interval", "Verdict"],
          ...shown.map((f) => frameRow2(c, f, callers.context.get(f)))
        ],
        { align: ["l", "l", "r", "r", "r", "l"], alignDelimiters: false }
      )
    );
  } else {
    out.push("No frame grew.");
  }
  out.push("");
  const open = undecided({ ...EMPTY, comparisons: [c] });
  for (const u of open.slice(0, 3)) out.push(`\u2754 ${undecidedAnswer(u, MARKDOWN_STYLE)}.`, "");
  out.push(mdeLine(c));
  out.push(...notesFold(c));
  const flame = options.textFlames?.[`${c.service}/${c.kind}`];
  if (flame) {
    const fence = codeFence(flame);
    out.push("");
    out.push("<details><summary>Flame diff of the most-changed stacks</summary>");
    out.push("");
    out.push(fence);
    out.push(flame.replace(/\r/g, ""));
    out.push(fence);
    out.push("");
    out.push("</details>");
  }
  out.push("");
  return out;
}
function renderMarkdown(report, options = {}) {
  const max = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const head = [];
  if (options.marker) head.push(`<!-- ${options.marker.replace(/-->/g, "")} -->`);
  const callers = callersByComparison(report, options.stacks);
  head.push(headline(report, foldedCallers(callers)), "");
  for (const line of options.preface ?? []) head.push(escapeText(line), "");
  for (const note of report.notes ?? []) head.push(`> ${escapeText(note)}`, "");
  if (options.imageUrl) head.push(`![flamegraph diff](${safeUrl(options.imageUrl)})`, "");
  const tail = [];
  if (options.links && options.links.length > 0) {
    tail.push(
      `**Artifacts:** ${options.links.map((l) => `[${escapeText(l.label)}](${safeUrl(l.url)})`).join(" \xB7 ")}`
    );
  }
  tail.push(
    "<sub>flamegate: a red line is a growth proven at the family-wise level and not shown smaller than the threshold; see the JSON report for every frame.</sub>"
  );
  const sections = report.comparisons.map(
    (c) => comparisonSection(c, options, callers.get(c)).join("\n")
  );
  const fixed = `${head.join("\n")}
${tail.join("\n\n")}
`;
  const truncatedNote = "\n> Comment truncated to GitHub's size limit: the full report is in the artifacts.\n";
  let body = "";
  let dropped = 0;
  for (const section of sections) {
    if (fixed.length + body.length + section.length + truncatedNote.length + 2 > max) {
      dropped++;
      continue;
    }
    body += `${section}
`;
  }
  return `${head.join("\n")}
${body}${dropped > 0 ? truncatedNote : ""}
${tail.join("\n\n")}
`;
}
function safeUrl(url) {
  if (!/^https?:\/\//i.test(url)) return "#";
  return encodeURI(url).replace(/\(/g, "%28").replace(/\)/g, "%29");
}

// src/report/files.ts
function treeOf(report, s) {
  const c = report.comparisons.find((x) => x.service === s.service && x.kind === s.kind);
  return diffStacks(s.base, s.head, c ? { verdicts: verdictsOf(c) } : {});
}
function textFlamesFor(report, stacks) {
  const out = {};
  for (const s of stacks) out[`${s.service}/${s.kind}`] = renderTextFlame(treeOf(report, s));
  return out;
}
function flameSvgsFor(report, stacks) {
  const headline2 = report.comparisons.find((c) => c.verdict === "fail") ?? report.comparisons[0];
  return stacks.map((s) => ({
    service: s.service,
    kind: s.kind,
    svg: renderSvg(treeOf(report, s), {
      unit: s.unit,
      title: `${s.service} \xB7 ${s.kind} (base \u2192 head)`
    }),
    headline: headline2 !== void 0 && headline2.service === s.service && headline2.kind === s.kind
  }));
}
function markdownFor(report, stacks, options = {}) {
  return renderMarkdown(report, { ...options, stacks, textFlames: textFlamesFor(report, stacks) });
}
function htmlFor(report, stacks, title) {
  return renderHtml({ report, flames: stacks }, { title });
}

// src/compare/aggregate.ts
function newStackRoot() {
  return { name: "all", file: "", value: 0, self: 0, children: /* @__PURE__ */ new Map() };
}
var FN_LIMIT = 2 ** 24;
var STACK_NODE_BUDGET = 1e6;
var STACK_MIN_SHARE = 1e-4;
var ChildTable = class {
  parent = new Int32Array(1 << 12).fill(-1);
  fn = new Int32Array(1 << 12);
  node = new Int32Array(1 << 12);
  used = 0;
  slot(parent, fn) {
    const mask = this.parent.length - 1;
    let i = (Math.imul(parent, 2654435761) ^ Math.imul(fn, 2246822519)) & mask;
    while (this.parent[i] !== -1 && (this.parent[i] !== parent || this.fn[i] !== fn))
      i = i + 1 & mask;
    return i;
  }
  get(parent, fn) {
    const i = this.slot(parent, fn);
    return this.parent[i] === -1 ? -1 : this.node[i];
  }
  set(parent, fn, node) {
    if ((this.used + 1) * 2 > this.parent.length) this.grow();
    const i = this.slot(parent, fn);
    this.parent[i] = parent;
    this.fn[i] = fn;
    this.node[i] = node;
    this.used++;
  }
  grow() {
    const { parent, fn, node } = this;
    this.parent = new Int32Array(parent.length * 2).fill(-1);
    this.fn = new Int32Array(parent.length * 2);
    this.node = new Int32Array(parent.length * 2);
    for (let i = 0; i < parent.length; i++) {
      if (parent[i] === -1) continue;
      const j = this.slot(parent[i], fn[i]);
      this.parent[j] = parent[i];
      this.fn[j] = fn[i];
      this.node[j] = node[i];
    }
  }
};
var StackTreeBuilder = class {
  constructor(budget = STACK_NODE_BUDGET) {
    this.budget = budget;
    this.fn[0] = -1;
    this.parent[0] = -1;
  }
  gid = /* @__PURE__ */ new Map();
  fns = [];
  child = new ChildTable();
  fn = new Int32Array(1024);
  value = new Float64Array(1024);
  self = new Float64Array(1024);
  parent = new Int32Array(1024);
  size = 1;
  /** Value whose path was cut short because the node budget was spent. */
  truncatedValue = 0;
  /** Global function ids for a view's functions. */
  globalIds(view) {
    const out = new Int32Array(view.keys.length);
    view.keys.forEach((key, i) => {
      let g = this.gid.get(key);
      if (g === void 0) {
        g = this.fns.length;
        if (g >= FN_LIMIT)
          throw new FlamegateError(`more than ${FN_LIMIT} distinct functions; too many to draw`);
        this.fns.push(view.functions[i]);
        this.gid.set(key, g);
      }
      out[i] = g;
    });
    return out;
  }
  /** Adds one sample; `gids` from globalIds of the sample's view. */
  add(view, gids, locs, depth, v) {
    const { locStart, locFns } = view;
    let node = 0;
    this.value[0] += v;
    walk: for (let l = depth - 1; l >= 0; l--) {
      const loc = locs[l];
      for (let k = locStart[loc + 1] - 1, start = locStart[loc]; k >= start; k--) {
        const g = gids[locFns[k]];
        let c = this.child.get(node, g);
        if (c < 0) {
          if (this.size >= this.budget) {
            this.truncatedValue += v;
            break walk;
          }
          c = this.newNode(node, g);
          this.child.set(node, g, c);
        }
        this.value[c] += v;
        node = c;
      }
    }
    this.self[node] += v;
  }
  newNode(parent, g) {
    if (this.size === this.fn.length) {
      const grow = (a) => {
        const b = new a.constructor(a.length * 2);
        b.set(a);
        return b;
      };
      this.fn = grow(this.fn);
      this.value = grow(this.value);
      this.self = grow(this.self);
      this.parent = grow(this.parent);
    }
    const n = this.size++;
    this.fn[n] = g;
    this.parent[n] = parent;
    return n;
  }
  /**
   * The tree as StackNode objects, children keyed by frameKey; paths under
   * `minShare` of the root's value are left out (0 keeps every path).
   */
  build(minShare = STACK_MIN_SHARE) {
    const keys = [];
    for (const [key, g] of this.gid) keys[g] = key;
    const nodes = [newStackRoot()];
    nodes[0].value = this.value[0];
    nodes[0].self = this.self[0];
    const cutoff = Math.abs(this.value[0]) * minShare;
    for (let n = 1; n < this.size; n++) {
      const parent = nodes[this.parent[n]];
      if (!parent || Math.abs(this.value[n]) < cutoff) continue;
      const f = this.fns[this.fn[n]];
      const node = {
        name: f.name,
        file: f.file,
        value: this.value[n],
        self: this.self[n],
        children: /* @__PURE__ */ new Map()
      };
      nodes[n] = node;
      parent.children.set(keys[this.fn[n]], node);
    }
    return nodes[0];
  }
};
function aggregateView(view, sampleIndex, stacks) {
  const n = view.functions.length;
  const self = new Float64Array(n);
  const cum = new Float64Array(n);
  const seen = new Int32Array(n);
  const { locStart, locFns } = view;
  const gids = stacks?.globalIds(view);
  let total = 0;
  let stamp = 0;
  view.forEachSample((locs, depth, values) => {
    const v = values[sampleIndex];
    if (v === 0) return;
    stamp++;
    total += v;
    if (depth > 0) self[locFns[locStart[locs[0]]]] += v;
    for (let l = 0; l < depth; l++) {
      const loc = locs[l];
      for (let k = locStart[loc], end = locStart[loc + 1]; k < end; k++) {
        const f = locFns[k];
        if (seen[f] !== stamp) {
          seen[f] = stamp;
          cum[f] += v;
        }
      }
    }
    if (stacks) stacks.add(view, gids, locs, depth, v);
  });
  const index = /* @__PURE__ */ new Map();
  view.keys.forEach((k, i) => index.set(k, i));
  return { functions: view.functions, self, cum, total, index };
}

// src/compare/stats/describe.ts
function sum(xs) {
  return xs.reduce((a, b) => a + b, 0);
}
function mean(xs) {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
function sumSquares(xs) {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s;
}
function variance(xs) {
  return xs.length < 2 ? 0 : sumSquares(xs) / (xs.length - 1);
}
function median(xs, empty = 0) {
  if (xs.length === 0) return empty;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

// src/compare/stats/size-factors.ts
function logSizeFactors(logValues, rounds) {
  const factors = new Array(rounds).fill(0);
  if (logValues.length === 0) return factors;
  const deviations = logValues.map((row) => {
    const m = mean(row);
    return row.map((v) => v - m);
  });
  for (let r = 0; r < rounds; r++) factors[r] = median(deviations.map((d) => d[r] ?? 0));
  const centre = mean(factors);
  return factors.map((f) => f - centre);
}

// src/compare/verdict/policy.ts
var TIME_KINDS = /* @__PURE__ */ new Set(["cpu", "wall"]);
var MAX_TESTED_FRAMES = 200;
var CI_LEVEL = 0.99;
var MDE_POWER = 0.8;
var MDE_REFERENCE_SHARE = 0.05;
var EXCESS_VARIANCE_FLOOR = 5e-3 ** 2;
var MIN_SIZE_FACTOR_FRAMES = 3;
var PSEUDOCOUNT = 0.5;
var MAX_LOG = 700;
var MAX_COUNT = 1e12;
var OUTLIER_LEVEL = 0.01;
var JOB_FRAME_SIGMA = 0.01;
var WARN_LEVEL = 0.05;
var alphaFrames = (gate) => gate.alpha / 2;
var alphaTotal = (gate) => gate.alpha / 2;
var IDLE_FRAMES = /* @__PURE__ */ new Set(["(idle)"]);
var SHARE_WEIGHTED_ALPHA = 0.5;
var DEFAULT_VARIANT = {
  oneSidedFloor: true,
  inliningViaCaller: true,
  intervalThreshold: true,
  alphaByShare: SHARE_WEIGHTED_ALPHA,
  speedFactorsSimultaneous: false
};
var MIN_ONE_SIDED_ROUNDS = 5;

// src/compare/verdict/design.ts
var usable = (v) => v !== void 0 && Number.isFinite(v) && v > 0 ? v : 0;
function roundValues(values, rounds) {
  const out = new Array(rounds);
  for (let r = 0; r < rounds; r++) out[r] = usable(values[r]);
  return out;
}
function sampleCounts(v, design) {
  return [...roundValues(v.base, design.baseRounds), ...roundValues(v.head, design.headRounds)].map(
    (x, r) => Math.min(MAX_COUNT, x / design.periods[r])
  );
}
function logPerWork(counts, design) {
  return counts.map((x, r) => Math.log(x + PSEUDOCOUNT) - Math.log(design.work[r]));
}
function samplePeriods(series, baseRounds, headRounds) {
  const perRound = series.samplePeriods;
  if (perRound) {
    const all = [
      ...roundValues(perRound.base, baseRounds),
      ...roundValues(perRound.head, headRounds)
    ];
    if (all.every((p) => p > 0)) return { periods: all, estimated: false };
  }
  const fill = (p) => new Array(baseRounds + headRounds).fill(p);
  if (series.samplePeriod !== void 0 && series.samplePeriod > 0)
    return { periods: fill(series.samplePeriod), estimated: false };
  if (series.unit === "count") return { periods: fill(1), estimated: false };
  let least = Infinity;
  for (const f of series.frames) {
    for (const v of [...f.self.base, ...f.self.head]) if (v > 0 && v < least) least = v;
  }
  return { periods: fill(Number.isFinite(least) ? least : 1), estimated: true };
}
function layOut(series, notes) {
  const baseRounds = series.totals.base.length;
  const headRounds = series.totals.head.length;
  const { periods, estimated } = samplePeriods(series, baseRounds, headRounds);
  if (estimated) notes.push({ code: "period-estimated" });
  const workRaw = [
    ...series.work.base.slice(0, baseRounds),
    ...series.work.head.slice(0, headRounds)
  ];
  const work = Array.from({ length: baseRounds + headRounds }, (_, r) => usable(workRaw[r]) || 1);
  if (work.some((w, r) => w === 1 && usable(workRaw[r]) !== 1) && series.unitOfWork !== "profile")
    notes.push({ code: "work-missing" });
  if (series.unitOfWork === "second") notes.push({ code: "per-second" });
  if (series.unitOfWork === "profile") notes.push({ code: "no-work-unit" });
  const design = {
    baseRounds,
    headRounds,
    paired: series.paired && baseRounds === headRounds && baseRounds >= 2,
    work,
    periods,
    logSize: new Array(baseRounds + headRounds).fill(0),
    totalCount: 0
  };
  design.totalCount = mean(sampleCounts(series.totals, design));
  return design;
}
function normaliseSpeed(selfCounts, idle, design, minCount, notes) {
  const speedometer = selfCounts.filter((c, i) => !idle[i] && mean(c) >= minCount);
  if (speedometer.length >= MIN_SIZE_FACTOR_FRAMES) {
    design.logSize = logSizeFactors(
      speedometer.map((c) => logPerWork(c, design)),
      design.baseRounds + design.headRounds
    );
  } else if (selfCounts.length > 0) {
    notes.push({ code: "no-size-factors", minFrames: MIN_SIZE_FACTOR_FRAMES, minCount });
  }
}
function logPeriod(design) {
  return mean(design.periods.map(Math.log));
}

// src/compare/verdict/select.ts
var TOP_FRAMES = 50;
function isIdle(series, f) {
  return TIME_KINDS.has(series.kind) && IDLE_FRAMES.has(f.function);
}
function withoutIdle(series, notes) {
  if (!TIME_KINDS.has(series.kind)) return series;
  const idle = series.frames.filter((f) => IDLE_FRAMES.has(f.function));
  if (idle.length === 0) return series;
  const minus = (totals, which) => totals.map(
    (t, r) => Math.max(0, usable(t) - idle.reduce((a, f) => a + usable(f.self[which][r]), 0))
  );
  notes.push({ code: "idle-excluded", functions: idle.map((f) => f.function) });
  return {
    ...series,
    totals: { base: minus(series.totals.base, "base"), head: minus(series.totals.head, "head") }
  };
}
function globToRegExp(glob) {
  const body = glob.split("").map((ch) => ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")).join("");
  return new RegExp(`^${body}$`);
}
function notGated(series, ignore) {
  const globs = ignore.map(globToRegExp);
  return series.frames.map((f) => isIdle(series, f) || globs.some((re) => re.test(f.function)));
}
function floorCount(counts, baseRounds, variant = DEFAULT_VARIANT) {
  const base = counts.slice(0, baseRounds);
  const head = counts.slice(baseRounds);
  if (variant.oneSidedFloor && Math.min(base.length, head.length) >= MIN_ONE_SIDED_ROUNDS && (base.every((c) => c === 0) || head.every((c) => c === 0))) {
    const present = base.every((c) => c === 0) ? head : base;
    if (present.every((c) => c > 0)) return mean(present);
  }
  return mean(counts);
}
function intermittent(counts, baseRounds, minCount) {
  const side = (c) => c.length > 1 && Math.min(...c) === 0 && Math.max(...c) >= minCount;
  return side(counts.slice(0, baseRounds)) || side(counts.slice(baseRounds));
}
function testCandidates(cumFloors, ignored, minCount) {
  return cumFloors.map((_, i) => i).filter((i) => !ignored[i] && cumFloors[i] >= minCount).sort((a, b) => cumFloors[b] - cumFloors[a]).slice(0, MAX_TESTED_FRAMES);
}
function largerShare(base, head, baseTotal, headTotal) {
  return Math.max(baseTotal === 0 ? 0 : base / baseTotal, headTotal === 0 ? 0 : head / headTotal);
}
function largest(candidates, share2, count2) {
  return candidates.map((i) => ({ i, share: share2(i) })).sort((x, y) => y.share - x.share).slice(0, Math.max(0, count2)).map((x) => x.i);
}

// src/compare/diff.ts
function buildSeries(meta, base, head) {
  const frames = [];
  const byKey = /* @__PURE__ */ new Map();
  const add = (tables2, side) => {
    tables2.forEach((table, round) => {
      for (const [key, i] of table.index) {
        const self = table.self[i];
        const cum = table.cum[i];
        if (self === 0 && cum === 0) continue;
        let frame = byKey.get(key);
        if (!frame) {
          const fn = table.functions[i];
          frame = {
            function: fn.name,
            file: fn.file,
            self: { base: zeros(base.length), head: zeros(head.length) },
            cum: { base: zeros(base.length), head: zeros(head.length) }
          };
          byKey.set(key, frame);
          frames.push(frame);
        }
        frame.self[side][round] = self;
        frame.cum[side][round] = cum;
      }
    });
  };
  add(base, "base");
  add(head, "head");
  return {
    ...meta,
    totals: { base: base.map((t) => t.total), head: head.map((t) => t.total) },
    frames
  };
}
function zeros(n) {
  return new Array(n).fill(0);
}
function assembleComparison(series, judgement, extra, topFrames = TOP_FRAMES) {
  const totalBase = sum(series.totals.base);
  const totalHead = sum(series.totals.head);
  const share2 = (f) => largerShare(f.cum.base, f.cum.head, totalBase, totalHead);
  const bySize = [...judgement.frames].sort((a, b) => share2(b) - share2(a));
  const kept = new Set(bySize.slice(0, topFrames));
  for (const f of judgement.frames) if (f.verdict !== "pass") kept.add(f);
  const frames = judgement.frames.filter((f) => kept.has(f));
  const notes = [...(judgement.notes ?? []).map(noteText), ...extra.notes];
  const functions = judgement.functionCount ?? judgement.frames.length;
  if (frames.length < functions)
    notes.push(
      noteText({ code: "functions-listed", listed: frames.length, functions, top: topFrames })
    );
  const verdict = judgement.verdict ?? worst([judgement.total.verdict, ...frames.map((f) => f.verdict)]);
  return {
    service: series.service,
    runtime: series.runtime,
    kind: series.kind,
    unit: series.unit,
    sampleType: series.sampleType,
    unitOfWork: series.unitOfWork,
    ...speedCorrection(judgement.notes ?? []),
    ...extra.pairing ? { pairing: extra.pairing } : {},
    base: extra.base,
    head: extra.head,
    total: totalInWords(judgement.total),
    frames,
    ...judgement.thresholds ? { thresholds: judgement.thresholds } : {},
    mde: judgement.mde,
    ...judgement.noise ? { noise: judgement.noise } : {},
    verdict,
    ...notes.length > 0 ? { notes } : {},
    ...extra.load ? { load: extra.load } : {}
  };
}
function speedCorrection(notes) {
  if (notes.some((n) => n.code === "same-seconds"))
    return { speedCorrected: false, uncorrectedBecause: "side-by-side" };
  if (notes.some((n) => n.code === "no-size-factors"))
    return { speedCorrected: false, uncorrectedBecause: "few-frames" };
  return { speedCorrected: true };
}

// src/compare/load.ts
import { readFileSync, statSync } from "node:fs";

// src/import/protobuf.ts
var WIRE_VARINT = 0;
var WIRE_I64 = 1;
var WIRE_LEN = 2;
var WIRE_I32 = 5;
var TWO_32 = 4294967296;
var Truncated = class extends Error {
};
var Reader = class {
  constructor(buf, start, end) {
    this.buf = buf;
    this.end = end;
    this.pos = start;
  }
  pos;
  /**
   * A varint read as int64 (two's complement), the way pprof-format plus
   * toNumber read it; exact below 2^53. Bounds are checked by the callers
   * of each message, which compare `pos` with `end`.
   */
  varint() {
    const buf = this.buf;
    let b = buf[this.pos++];
    if (b < 128) return b;
    let lo = b & 127;
    b = buf[this.pos++];
    lo |= (b & 127) << 7;
    if (b < 128) return lo;
    b = buf[this.pos++];
    lo |= (b & 127) << 14;
    if (b < 128) return lo;
    b = buf[this.pos++];
    lo |= (b & 127) << 21;
    if (b < 128) return lo;
    b = buf[this.pos++];
    lo = (lo | (b & 15) << 28) >>> 0;
    let hi = (b & 127) >> 4;
    if (b >= 128) {
      b = buf[this.pos++];
      hi |= (b & 127) << 3;
      if (b >= 128) {
        b = buf[this.pos++];
        hi |= (b & 127) << 10;
        if (b >= 128) {
          b = buf[this.pos++];
          hi |= (b & 127) << 17;
          if (b >= 128) {
            b = buf[this.pos++];
            hi |= (b & 127) << 24;
            if (b >= 128) {
              b = buf[this.pos++];
              hi |= (b & 1) << 31;
              if (b >= 128) throw new Truncated("a varint longer than 10 bytes");
            }
          }
        }
      }
    }
    return (hi | 0) * TWO_32 + lo;
  }
  /** End offset of a length-delimited field that starts at `pos`. */
  lengthEnd() {
    const len = this.varint();
    const end = this.pos + len;
    if (len < 0 || end > this.end) throw new Truncated("a field runs past the end of its message");
    return end;
  }
  skip(wire) {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        break;
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.pos = this.lengthEnd();
        break;
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        throw new Truncated(`wire type ${wire} is not used by profile.proto`);
    }
    if (this.pos > this.end) throw new Truncated("a field runs past the end of its message");
  }
};
function checkEnd(r, end) {
  if (r.pos !== end) throw new Truncated("a field runs past the end of its message");
}
function readRepeated(r, wire, push) {
  if (wire === WIRE_VARINT) {
    push(r.varint());
    return;
  }
  const stop = r.lengthEnd();
  while (r.pos < stop) push(r.varint());
  if (r.pos !== stop) throw new Truncated("a packed field ends inside a varint");
}
function decodeVarints(r, end, count2) {
  const out = new Array(count2 + 1).fill(0);
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    if (field >= 1 && field <= count2 && (tag & 7) === WIRE_VARINT) out[field] = r.varint();
    else r.skip(tag & 7);
  }
  checkEnd(r, end);
  return out;
}

// src/compare/pprof-scan-samples.ts
function named(where2, read) {
  try {
    return read();
  } catch (err) {
    if (err instanceof Truncated)
      throw new FlamegateError(
        `${where2}: pprof: protobuf does not decode (${err.message}); the file is truncated or not a profile`
      );
    if (err instanceof ProfileFormatError) throw new FlamegateError(`${where2}: ${err.message}`);
    throw err;
  }
}
function sampleWalker(source) {
  return (visit) => named(source.where, () => walkSamples(source, visit));
}
function checkLabel(r, end, sampleNo, strings) {
  const [, key, str2, , numUnit] = decodeVarints(r, end, 4);
  checkStringIndex(`sample ${sampleNo}'s label key`, key, strings);
  checkStringIndex(`sample ${sampleNo}'s label value`, str2, strings);
  checkStringIndex(`sample ${sampleNo}'s label unit`, numUnit, strings);
}
function walkSamples(source, visit) {
  const { width, locIndex, locStart, budget } = source;
  let locs = new Int32Array(256);
  let depth = 0;
  let nValues = 0;
  let sampleNo = 0;
  let frames = 0;
  const framesLeft = budget.left("frames");
  const values = new Float64Array(width);
  const pushLocation = (id) => {
    const l = locIndex(id);
    if (l < 0) throw missingLocation(sampleNo, id);
    if (depth === locs.length) {
      const grown = new Int32Array(locs.length * 2);
      grown.set(locs);
      locs = grown;
    }
    locs[depth++] = l;
    frames += locStart[l + 1] - locStart[l];
  };
  const pushValue = (v) => {
    if (nValues < width) values[nValues] = v;
    nValues++;
  };
  const r = new Reader(source.buf, 0, source.buf.length);
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag !== (2 << 3 | WIRE_LEN)) {
      r.skip(tag & 7);
      continue;
    }
    const end = r.lengthEnd();
    depth = 0;
    nValues = 0;
    while (r.pos < end) {
      const t = r.varint();
      const field = t >>> 3;
      const wire = t & 7;
      if (field === 1 && wire === WIRE_LEN) {
        const stop = r.lengthEnd();
        while (r.pos < stop) pushLocation(r.varint());
        if (r.pos !== stop) throw new Truncated("a packed field ends inside a varint");
      } else if (field === 1 && wire === WIRE_VARINT) pushLocation(r.varint());
      else if (field === 2 && wire === WIRE_LEN) {
        const stop = r.lengthEnd();
        while (r.pos < stop) pushValue(r.varint());
        if (r.pos !== stop) throw new Truncated("a packed field ends inside a varint");
      } else if (field === 2 && wire === WIRE_VARINT) pushValue(r.varint());
      else if (field === 3 && wire === WIRE_LEN)
        checkLabel(r, r.lengthEnd(), sampleNo, source.strings);
      else r.skip(wire);
    }
    checkEnd(r, end);
    if (nValues !== width)
      throw new ProfileFormatError(
        "pprof",
        `sample ${sampleNo} has ${nValues} values but the profile declares ${width} sample types`
      );
    if (frames > framesLeft) budget.charge(source.where, "frames", frames);
    visit(locs, depth, values);
    sampleNo++;
  }
  budget.charge(source.where, "frames", frames);
}

// src/compare/pprof-scan.ts
function decodeLocation(r, end) {
  const loc = { id: 0, address: 0, functionIds: [] };
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === WIRE_VARINT) loc.id = r.varint();
    else if (field === 3 && wire === WIRE_VARINT) loc.address = r.varint();
    else if (field === 4 && wire === WIRE_LEN) {
      const lineEnd = r.lengthEnd();
      loc.functionIds.push(decodeVarints(r, lineEnd, 1)[1]);
    } else r.skip(wire);
  }
  checkEnd(r, end);
  return loc;
}
function decodeFunction(r, end) {
  const [, id, name, systemName, filename] = decodeVarints(r, end, 4);
  return { id, name, systemName, filename };
}
function decodeString(r, end, raw, budget, where2) {
  const bytes = end - r.pos;
  checkStringLength(where2, "pprof", raw.strings.length, bytes);
  held(raw, 1, budget, where2);
  budget.charge(where2, "stringBytes", bytes);
  raw.strings.push(r.buf.toString("utf8", r.pos, end));
  raw.stringBytes.push(bytes);
  r.pos = end;
}
function readMessage(r, field, raw, budget, where2) {
  const end = r.lengthEnd();
  if (field === 1) {
    const [, type, unit] = decodeVarints(r, end, 2);
    raw.types.push({ type, unit });
    held(raw, 1, budget, where2);
  } else if (field === 2) {
    raw.sampleCount++;
    r.pos = end;
  } else if (field === 3) {
    const m = decodeVarints(r, end, 6);
    raw.mappingIds.push(m[1]);
    held(raw, 2, budget, where2);
    raw.stringRefs.push(
      [`mapping ${m[1]}'s file name`, m[5]],
      [`mapping ${m[1]}'s build id`, m[6]]
    );
  } else if (field === 4) {
    const loc = decodeLocation(r, end);
    raw.locations.push(loc);
    held(raw, loc.functionIds.length, budget, where2);
  } else if (field === 5) {
    raw.functions.push(decodeFunction(r, end));
    if (raw.functions.length > budget.left("functions"))
      budget.charge(where2, "functions", raw.functions.length);
  } else if (field === 6) {
    decodeString(r, end, raw, budget, where2);
  } else if (field === 11) {
    const [, type, unit] = decodeVarints(r, end, 2);
    raw.periodType = { type, unit };
  } else r.pos = end;
}
function held(raw, lines2, budget, where2) {
  raw.entries += Math.max(1, lines2);
  budget.checkFile(where2, "fileEntries", raw.entries);
}
function readTables(buf, where2, budget) {
  const r = new Reader(buf, 0, buf.length);
  const raw = {
    types: [],
    mappingIds: [],
    locations: [],
    functions: [],
    strings: [],
    stringBytes: [],
    sampleCount: 0,
    entries: 0,
    periodType: null,
    period: 0,
    commentIds: [],
    singular: {},
    stringRefs: []
  };
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 12 && wire === WIRE_VARINT) raw.period = r.varint();
    else if ((field === 7 || field === 8 || field === 14) && wire === WIRE_VARINT)
      raw.singular[field] = r.varint();
    else if (field === 13 && (wire === WIRE_VARINT || wire === WIRE_LEN))
      readRepeated(r, wire, (v) => {
        raw.commentIds.push(v);
        held(raw, 1, budget, where2);
      });
    else if (wire === WIRE_LEN && field >= 1 && field <= 11 && field !== 7 && field !== 8)
      readMessage(r, field, raw, budget, where2);
    else r.skip(wire);
  }
  if (r.pos !== r.end) throw new Truncated("the last field runs past the end of the file");
  return raw;
}
function checkRaw(raw) {
  const count2 = raw.strings.length;
  raw.types.forEach((t, i) => {
    checkStringIndex(`sample_type ${i}'s type`, t.type, count2);
    checkStringIndex(`sample_type ${i}'s unit`, t.unit, count2);
  });
  if (raw.periodType) {
    checkStringIndex("period_type's type", raw.periodType.type, count2);
    checkStringIndex("period_type's unit", raw.periodType.unit, count2);
  }
  raw.commentIds.forEach((c, i) => checkStringIndex(`comment ${i}`, c, count2));
  const names = {
    7: "drop_frames",
    8: "keep_frames",
    14: "default_sample_type"
  };
  for (const [field, index] of Object.entries(raw.singular))
    checkStringIndex(names[Number(field)], index, count2);
  checkTables({
    stringBytes: raw.stringBytes,
    firstString: raw.strings[0],
    mappingIds: raw.mappingIds,
    functions: raw.functions,
    locations: raw.locations,
    stringRefs: raw.stringRefs
  });
}
function scanPprof(bytes, where2, budget = new ReadBudget()) {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return named(where2, () => {
    const raw = readTables(buf, where2, budget);
    if (raw.types.length === 0)
      throw new FlamegateError(`${where2}: pprof: no sample_type: not a profile, or an empty one`);
    checkRaw(raw);
    budget.charge(where2, "samples", raw.sampleCount);
    budget.charge(where2, "functions", raw.functions.length);
    return buildView(raw, buf, where2, budget);
  });
}
function buildView(raw, buf, where2, budget) {
  const s = (i) => raw.strings[i] ?? "";
  const sampleTypes2 = raw.types.map((t) => ({
    type: s(t.type),
    unit: s(t.unit)
  }));
  const interner = new FunctionInterner();
  const fnIndex = /* @__PURE__ */ new Map();
  for (const fn of raw.functions) fnIndex.set(fn.id, interner.intern(s(fn.name), s(fn.filename)));
  const locStart = new Int32Array(raw.locations.length + 1);
  const fns = [];
  let maxId = 0;
  raw.locations.forEach((loc, i) => {
    for (const id of loc.functionIds) fns.push(fnIndex.get(id));
    if (loc.functionIds.length === 0) fns.push(interner.intern(addressName(loc.address), ""));
    locStart[i + 1] = fns.length;
    if (loc.id > maxId) maxId = loc.id;
  });
  const pt = raw.periodType;
  const source = {
    buf,
    where: where2,
    budget,
    strings: raw.strings.length,
    width: sampleTypes2.length,
    locIndex: locationLookup(raw.locations, maxId),
    locStart
  };
  return {
    sampleTypes: sampleTypes2,
    functions: interner.functions,
    keys: interner.keys,
    locStart,
    locFns: Int32Array.from(fns),
    sampleCount: raw.sampleCount,
    period: pt ? { type: { type: s(pt.type), unit: s(pt.unit) }, value: raw.period } : null,
    comments: raw.commentIds.map(s),
    // Made outside this scope: a closure here would keep `raw` (every decoded
    // location and function) alive as long as the view.
    forEachSample: sampleWalker(source)
  };
}
function locationLookup(locations, maxId) {
  if (maxId <= locations.length * 4 + 1024 && locations.every((loc) => loc.id > 0)) {
    const table = new Int32Array(maxId + 1).fill(-1);
    locations.forEach((loc, i) => table[loc.id] = i);
    return (id) => id >= 0 && id <= maxId ? table[id] : -1;
  }
  const map = /* @__PURE__ */ new Map();
  locations.forEach((loc, i) => map.set(loc.id, i));
  return (id) => map.get(id) ?? -1;
}

// src/compare/load.ts
function loadProfileFile(path, budget = new ReadBudget()) {
  let size;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new FlamegateError(`${path}: not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof FlamegateError) throw err;
    throw new FlamegateError(
      `${path}: cannot read (${err.code ?? String(err)})`
    );
  }
  budget.checkFile(path, "fileBytes", size);
  const raw = maybeGunzip(readFileSync(path), path, budget.limits.fileBytes);
  budget.charge(path, "bytes", raw.length);
  if (raw.length > 0 && looksLikePprof(raw))
    return { path, format: "pprof", view: scanPprof(raw, path, budget), warnings: [] };
  budget.checkFile(path, "textFileBytes", raw.length);
  const imported = importProfile(raw, path);
  chargeProfile(path, imported.profile, budget);
  return {
    path,
    format: imported.format,
    view: viewOfProfile(imported.profile),
    warnings: imported.warnings
  };
}
function chargeProfile(path, profile, budget) {
  const strings = profile.stringTable.strings;
  let stringBytes = 0;
  for (const s of strings) stringBytes += Buffer.byteLength(s);
  budget.charge(path, "stringBytes", stringBytes);
  budget.charge(path, "samples", profile.sample.length);
  budget.charge(path, "functions", profile.function.length);
  const lines2 = new Map(profile.location.map((l) => [toNumber(l.id), Math.max(1, l.line.length)]));
  let entries = strings.length + profile.sampleType.length;
  for (const n of lines2.values()) entries += n;
  budget.checkFile(path, "fileEntries", entries);
  let walked = 0;
  for (const sample of profile.sample)
    for (const id of sample.locationId) walked += lines2.get(toNumber(id)) ?? 0;
  budget.charge(path, "frames", walked);
}
function typesOnly(types) {
  const strings = new StringTable();
  return new Profile({
    sampleType: types.map(
      (t) => new ValueType({ type: strings.dedup(t.type), unit: strings.dedup(t.unit) })
    ),
    stringTable: strings
  });
}
function guessViewKind(view) {
  return guessKind(typesOnly(view.sampleTypes));
}
function viewSampleIndex(view, kind) {
  return sampleIndexFor(typesOnly(view.sampleTypes), kind);
}
function typeName(t) {
  return `${t.type}/${t.unit}`;
}

// src/compare/read-kind.ts
function periodOf(view, type) {
  if (type.unit === "count") return 1;
  const p = view.period;
  return p && p.type.unit === type.unit && p.value > 0 ? p.value : null;
}
function commonPeriod(...sides) {
  const all = sides.flatMap((d) => d.periods);
  const first = all[0];
  return first !== null && first !== void 0 && all.every((p) => p === first) ? first : void 0;
}
function roundPeriods(base, head) {
  const known = (d) => d.periods.every((p) => p !== null);
  return known(base) && known(head) ? { samplePeriods: { base: base.periods, head: head.periods } } : {};
}
function kindsOf(service) {
  const kinds = /* @__PURE__ */ new Set();
  for (const r of service.rounds) for (const k of Object.keys(r.files)) kinds.add(k);
  return kinds;
}
function readSideKind(side, service, kind, stacks, want) {
  const data = {
    tables: [],
    rounds: [],
    type: { type: "", unit: "" },
    where: "",
    stacks: stacks ? new StackTreeBuilder() : void 0,
    periods: [],
    available: [],
    osCounted: [],
    warnings: []
  };
  for (const round of service.rounds) {
    const path = round.files[kind];
    if (path === void 0) continue;
    const loaded = side.preloaded.get(path) ?? loadProfileFile(path, side.budget);
    side.preloaded.delete(path);
    data.warnings.push(...loaded.warnings.map((w) => `${path}: ${w}`));
    const index = want ? loaded.view.sampleTypes.findIndex((t) => sameSampleType(t, want)) : viewSampleIndex(loaded.view, kind);
    if (index < 0)
      throw new FlamegateError(
        `${path}: has no ${want ? typeName(want) : kind} sample type (it has ${loaded.view.sampleTypes.map(typeName).join(", ")})`
      );
    const type = loaded.view.sampleTypes[index];
    if (data.where === "") {
      data.type = type;
      data.where = path;
    } else if (!sameSampleType(type, data.type)) {
      data.mixed ??= { type, where: path };
    }
    data.available.push(loaded.view.sampleTypes);
    data.osCounted.push(
      sameSampleType(type, CPU_TIME) && loaded.view.comments.includes(OS_CPU_COMMENT)
    );
    data.periods.push(periodOf(loaded.view, type));
    data.tables.push(aggregateView(loaded.view, index, data.stacks));
    data.rounds.push({ ...round, ...round.windows?.[kind] });
  }
  return data;
}
function readBothSides(src) {
  const { kind } = src;
  const base = readSideKind(src.base, src.baseService, kind, src.stacks);
  const head = readSideKind(src.head, src.headService, kind, src.stacks);
  if (!base.mixed && !head.mixed && sameSampleType(base.type, head.type)) return { base, head };
  const common = commonSampleType(kind, [...base.available, ...head.available]);
  if (!common) {
    const [one, other] = base.mixed ? [base, base.mixed] : head.mixed ? [head, head.mixed] : [base, { type: head.type, where: head.where }];
    throw new FlamegateError(
      `cannot compare ${typeName(one.type)} (${one.where}) with ${typeName(other.type)} (${other.where}): no ${kind} sample type is in both`
    );
  }
  const dropped = [base.type, head.type, base.mixed?.type, head.mixed?.type].find(
    (t) => t !== void 0 && !sameSampleType(t, common)
  );
  return {
    base: {
      ...readSideKind(src.base, src.baseService, kind, src.stacks, common),
      warnings: base.warnings
    },
    head: {
      ...readSideKind(src.head, src.headService, kind, src.stacks, common),
      warnings: head.warnings
    },
    fellBack: `not every ${kind} profile has ${typeName(dropped)}; compared ${typeName(common)}, which all of them have`
  };
}

// src/compare/stats/holm.ts
function weightedHolmAdjust(p, w) {
  const m = p.length;
  const ratio = (i) => w[i] > 0 ? p[i] / w[i] : Infinity;
  const order = p.map((_, i) => i).sort((a, b) => ratio(a) - ratio(b));
  let remaining = order.reduce((s, i) => s + Math.max(0, w[i]), 0);
  const adjusted = new Array(m).fill(1);
  let running = 0;
  for (const i of order) {
    const step = w[i] > 0 ? p[i] * remaining / w[i] : 1;
    running = Math.max(running, Math.min(1, step));
    adjusted[i] = running;
    remaining -= Math.max(0, w[i]);
  }
  return adjusted;
}

// src/compare/stats/distributions.ts
var LANCZOS = [
  0.9999999999998099,
  676.5203681218851,
  -1259.1392167224028,
  771.3234287776531,
  -176.6150291621406,
  12.507343278686905,
  -0.13857109526572012,
  9984369578019572e-21,
  15056327351493116e-23
];
function logGamma(x) {
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
function betaContinuedFraction(x, a, b) {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - qab * x / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}
function betaIncomplete(x, a, b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return Math.exp(lnFront) * betaContinuedFraction(x, a, b) / a;
  return 1 - Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a) / b;
}
function studentTTwoSidedP(t, df) {
  if (Number.isNaN(t)) return 1;
  if (!Number.isFinite(t)) return 0;
  if (!Number.isFinite(df)) return 2 * normalCdf(-Math.abs(t));
  return Math.min(1, betaIncomplete(df / (df + t * t), df / 2, 0.5));
}
function studentTCdf(t, df) {
  if (!Number.isFinite(df)) return normalCdf(t);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * studentTTwoSidedP(t, df);
  return t >= 0 ? 1 - tail : tail;
}
function studentTPdf(t, df) {
  const lnC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(lnC - (df + 1) / 2 * Math.log1p(t * t / df));
}
var quantileCache = /* @__PURE__ */ new Map();
function studentTQuantile(p, df) {
  if (!(p > 0 && p < 1)) throw new RangeError(`t quantile: p must be in (0, 1), got ${p}`);
  if (!Number.isFinite(df)) return normalQuantile(p);
  const key = `${p}/${df}`;
  const hit = quantileCache.get(key);
  if (hit !== void 0) return hit;
  if (quantileCache.size > 4096) quantileCache.clear();
  const q = solveTQuantile(p, df);
  quantileCache.set(key, q);
  return q;
}
function solveTQuantile(p, df) {
  if (p === 0.5) return 0;
  const q = p < 0.5 ? p : 1 - p;
  let lo = -1;
  while (studentTCdf(lo, df) > q) lo *= 2;
  let hi = 0;
  let x = Math.max(lo, normalQuantile(q));
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(x, df) - q;
    if (f > 0) hi = x;
    else lo = x;
    let next = x - f / studentTPdf(x, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-13 * Math.max(1, Math.abs(x))) {
      x = next;
      break;
    }
    x = next;
  }
  return p < 0.5 ? x : -x;
}
function normalCdf(z) {
  const x = Math.abs(z);
  let c = 0;
  if (x <= 37) {
    const e = Math.exp(-x * x / 2);
    if (x < 7.07106781186547) {
      let n = 0.0352624965998911 * x + 0.700383064443688;
      n = n * x + 6.37396220353165;
      n = n * x + 33.912866078383;
      n = n * x + 112.079291497871;
      n = n * x + 221.213596169931;
      n = n * x + 220.206867912376;
      let d = 0.0883883476483184 * x + 1.75566716318264;
      d = d * x + 16.064177579207;
      d = d * x + 86.7807322029461;
      d = d * x + 296.564248779674;
      d = d * x + 637.333633378831;
      d = d * x + 793.826512519948;
      d = d * x + 440.413735824752;
      c = e * n / d;
    } else {
      let d = x + 0.65;
      d = x + 4 / d;
      d = x + 3 / d;
      d = x + 2 / d;
      d = x + 1 / d;
      c = e / d / 2.506628274631;
    }
  }
  return z > 0 ? 1 - c : c;
}
var A = [
  -39.69683028665376,
  220.9460984245205,
  -275.9285104469687,
  138.357751867269,
  -30.66479806614716,
  2.506628277459239
];
var B = [
  -54.47609879822406,
  161.5858368580409,
  -155.6989798598866,
  66.80131188771972,
  -13.28068155288572
];
var C = [
  -0.007784894002430293,
  -0.3223964580411365,
  -2.400758277161838,
  -2.549732539343734,
  4.374664141464968,
  2.938163982698783
];
var D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
function normalQuantile(p) {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile: p must be in (0, 1), got ${p}`);
  const [a0, a1, a2, a3, a4, a5] = A;
  const [b0, b1, b2, b3, b4] = B;
  const [c0, c1, c2, c3, c4, c5] = C;
  const [d0, d1, d2, d3] = D;
  const pLow = 0.02425;
  let x;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = (((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x = -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

// src/compare/stats/polygamma.ts
function trigamma(x) {
  let acc = 0;
  while (x < 6) {
    acc += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return acc + 1 / x + f / 2 + f / x * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f * (1 / 30 - f * (5 / 66)))));
}
function tetragamma(x) {
  let acc = 0;
  while (x < 6) {
    acc -= 2 / (x * x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return acc - f - f / x - f * f * (1 / 2 - f * (1 / 6 - f * (1 / 6 - f * (3 / 10 - f * (5 / 6)))));
}
function trigammaInverse(y) {
  if (y > 1e7) return 1 / Math.sqrt(y);
  if (y < 1e-6) return 1 / y;
  let x = 0.5 + 1 / y;
  for (let i = 0; i < 50; i++) {
    const tri = trigamma(x);
    const dif = tri * (1 - tri / y) / tetragamma(x);
    x += dif;
    if (-dif / x < 1e-8) break;
  }
  return x;
}

// src/compare/stats/moderated.ts
function moderatedVariance(s2, d, prior, d0) {
  if (d <= 0) return prior;
  return (d0 * prior + d * s2) / (d0 + d);
}
function priorExcessVariance(observed, floor) {
  if (observed.length === 0) return floor;
  let sigma2 = floor;
  for (let iteration = 0; iteration < 20; iteration++) {
    let num = 0;
    let den = 0;
    for (const o of observed) {
      const w = 1 / (o.poisson + sigma2) ** 2;
      num += w * (o.s2 - o.poisson);
      den += w;
    }
    const next = Math.max(floor, num / den);
    if (Math.abs(next - sigma2) <= 1e-6 * sigma2) return next;
    sigma2 = next;
  }
  return sigma2;
}
function estimatePriorDf(observed, d, minFrames = 10) {
  const logs = observed.filter((o) => o.s2 > 0 && o.prior > 0).map((o) => Math.log(o.s2 / o.prior));
  if (d <= 0 || logs.length < minFrames) return void 0;
  const m = sum(logs) / logs.length;
  const spread = logs.reduce((a, b) => a + (b - m) ** 2, 0) / (logs.length - 1);
  const excess = spread - trigamma(d / 2);
  return excess > 0 ? 2 * trigammaInverse(excess) : Infinity;
}
function varianceRatioTail(ratio, d, d0) {
  if (!(ratio > 0) || d <= 0) return 1;
  if (!Number.isFinite(d0)) return 1 - chiSquareRatioCdf(ratio, d);
  return 1 - betaIncomplete(d * ratio / (d * ratio + d0), d / 2, d0 / 2);
}
function chiSquareRatioCdf(ratio, d) {
  const big = 1e8;
  return betaIncomplete(d * ratio / (d * ratio + big), d / 2, big / 2);
}

// src/compare/stats/t-tests.ts
function tTest(d) {
  if (!(d.se > 0)) {
    const p = d.delta === 0 ? 1 : 0;
    return { ...d, t: d.delta === 0 ? 0 : Math.sign(d.delta) * Infinity, p };
  }
  const t = d.delta / d.se;
  return { ...d, t, p: studentTTwoSidedP(t, d.df) };
}
function pairedDifference(base, head) {
  const z = head.map((h, i) => h - base[i]);
  return { delta: mean(z), se: Math.sqrt(variance(z) / z.length), df: z.length - 1 };
}
function welchDifference(base, head) {
  const va = variance(base) / base.length;
  const vb = variance(head) / head.length;
  const se2 = va + vb;
  const df = se2 > 0 ? se2 * se2 / (va * va / Math.max(1, base.length - 1) + vb * vb / Math.max(1, head.length - 1)) : base.length + head.length - 2;
  return { delta: mean(head) - mean(base), se: Math.sqrt(se2), df };
}
function pooledDifference(base, head) {
  const df = base.length + head.length - 2;
  const s2 = df > 0 ? (sumSquares(base) + sumSquares(head)) / df : 0;
  return {
    delta: mean(head) - mean(base),
    se: Math.sqrt(s2 * (1 / base.length + 1 / head.length)),
    df
  };
}

// src/compare/verdict/outcome.ts
var pctOfLog = (x) => (Math.exp(Math.max(-MAX_LOG, Math.min(MAX_LOG, x))) - 1) * 100;
var growthOf = (delta) => Math.exp(Math.min(MAX_LOG, delta)) - 1;
function interval(t) {
  if (!(t.se > 0)) return [pctOfLog(t.delta), pctOfLog(t.delta)];
  const q = studentTQuantile(1 - (1 - CI_LEVEL) / 2, t.df);
  return [pctOfLog(t.delta - q * t.se), pctOfLog(t.delta + q * t.se)];
}
function reachableGrowth(t, onInterval) {
  return onInterval ? interval(t)[1] / 100 : growthOf(t.delta);
}
function decide(mayReach, over, pAdjusted, t, alpha) {
  if (!(t.delta > 0)) return "pass";
  if (mayReach && pAdjusted <= alpha) return "fail";
  return over && pAdjusted <= WARN_LEVEL ? "warn" : "pass";
}

// src/compare/verdict/frames.ts
function valueStats(counts, design, variant, minCount) {
  const { baseRounds, headRounds } = design;
  const y = logPerWork(counts, design).map((v, r) => v - design.logSize[r]);
  const yBase = y.slice(0, baseRounds);
  const yHead = y.slice(baseRounds);
  const meanBase = mean(counts.slice(0, baseRounds));
  const meanHead = mean(counts.slice(baseRounds));
  const poisson = 0.5 * (1 / (meanBase + PSEUDOCOUNT) + 1 / (meanHead + PSEUDOCOUNT));
  const pooled = mean(counts);
  const levelBase = mean(yBase);
  const levelHead = mean(yHead);
  const shared = {
    poisson,
    meanBase,
    meanHead,
    pooled,
    levelBase,
    levelHead,
    floor: floorCount(counts, baseRounds, variant),
    intermittent: intermittent(counts, baseRounds, minCount)
  };
  if (design.paired) {
    const z = yHead.map((v, r) => v - yBase[r]);
    return { delta: mean(z), s2: variance(z) / 2, df: z.length - 1, ...shared };
  }
  const df = baseRounds + headRounds - 2;
  const s2 = df > 0 ? (sumSquares(yBase) + sumSquares(yHead)) / df : 0;
  return { delta: levelHead - levelBase, s2, df, ...shared };
}
var FrameStatistics = class {
  constructor(series, design, minCount, variant = DEFAULT_VARIANT) {
    this.series = series;
    this.design = design;
    this.minCount = minCount;
    this.variant = variant;
    this.selfCounts = series.frames.map((f) => sampleCounts(f.self, design));
    this.cumCounts = series.frames.map((f) => sampleCounts(f.cum, design));
    this.sameAsSelf = this.cumCounts.map((c, i) => c.every((v, r) => v === this.selfCounts[i][r]));
    this.baseTotalCount = mean(sampleCounts(series.totals, design).slice(0, design.baseRounds)) || 1;
  }
  selfCounts;
  cumCounts;
  prior = { sigma0sq: 0, priorDf: 0 };
  /** Mean base total in samples per round (1 when empty), for the share a change adds. */
  baseTotalCount;
  sameAsSelf;
  stats = /* @__PURE__ */ new Map();
  tests = /* @__PURE__ */ new Map();
  /** The share of the base total a change of `delta` (log scale) in `v` adds. */
  addedShare(v, delta) {
    return growthOf(delta) * (v.meanBase + PSEUDOCOUNT) / this.baseTotalCount;
  }
  /** A frame's self samples as a share of all samples (a fraction), both sides pooled. */
  selfShare(i) {
    const total = this.design.totalCount;
    return total > 0 ? Math.min(1, this.statsOf(i).self.pooled / total) : 0;
  }
  /** A frame's self and cum statistics; the same object for both when they are equal. */
  statsOf(i) {
    let v = this.stats.get(i);
    if (!v) {
      const self = valueStats(this.selfCounts[i], this.design, this.variant, this.minCount);
      const cum = this.sameAsSelf[i] ? self : valueStats(this.cumCounts[i], this.design, this.variant, this.minCount);
      v = { self, cum };
      this.stats.set(i, v);
    }
    return v;
  }
  /** One test per tested quantity: the family, the display of both values and the MDE share it. */
  testOf(v) {
    let t = this.tests.get(v);
    if (!t) {
      t = moderatedTest(v, this.prior, this.design);
      this.tests.set(v, t);
    }
    return t;
  }
  /** The count per round each frame's cum value is checked on against min-count (floorCount). */
  cumFloors() {
    return this.cumCounts.map((c) => floorCount(c, this.design.baseRounds, this.variant));
  }
  /** The values tested for `candidates`: self when it holds minCount samples, cum when it differs. */
  family(candidates, minCount) {
    const family = [];
    for (const i of candidates) {
      const { self, cum } = this.statsOf(i);
      if (self.floor >= minCount) family.push({ frame: i, which: "self", value: self });
      if (cum !== self) family.push({ frame: i, which: "cum", value: cum });
    }
    return family;
  }
};
function moderatedTest(v, prior, design) {
  const expected = v.poisson + prior.sigma0sq;
  const outlier = v.df > 0 && varianceRatioTail(v.s2 / expected, v.df, prior.priorDf) < OUTLIER_LEVEL;
  const s2 = outlier ? v.s2 : moderatedVariance(v.s2, v.df, expected, prior.priorDf);
  const dfAll = outlier ? v.df : prior.priorDf + v.df;
  const df = dfAll > 0 ? dfAll : Infinity;
  const between = design.paired ? 0 : 2 * JOB_FRAME_SIGMA ** 2;
  return tTest({
    delta: v.delta,
    se: Math.sqrt(s2 * (1 / design.baseRounds + 1 / design.headRounds) + between),
    df
  });
}
function framePrior(family, stats, design, notes) {
  const replicated = family.filter((t) => t.value.df > 0);
  const sigma0sq = replicated.length > 0 ? priorExcessVariance(
    replicated.map((t) => ({ s2: t.value.s2, poisson: t.value.poisson })),
    EXCESS_VARIANCE_FLOOR
  ) : Math.max(EXCESS_VARIANCE_FLOOR, stats.priorSigma ** 2);
  if (replicated.length === 0 && family.length > 0)
    notes.push({
      code: "one-round",
      frameSigma: Math.sqrt(sigma0sq),
      totalSigma: stats.totalSigma
    });
  const designDf = design.paired ? design.baseRounds - 1 : design.baseRounds + design.headRounds - 2;
  const priorDf = stats.priorDf !== "auto" ? stats.priorDf : Math.min(
    MAX_PRIOR_DF,
    estimatePriorDf(
      replicated.map((t) => ({ s2: t.value.s2, prior: t.value.poisson + sigma0sq })),
      designDf
    ) ?? FALLBACK_PRIOR_DF
  );
  if (replicated.length > 0)
    notes.push({
      code: "frame-noise",
      frameSigma: Math.sqrt(sigma0sq),
      priorDf,
      maxPriorDf: MAX_PRIOR_DF,
      estimated: stats.priorDf === "auto"
    });
  return { sigma0sq, priorDf, replicated: replicated.length > 0 };
}
function valueWeight(share2, m, values, variant) {
  const byShare = variant.alphaByShare;
  return (1 - byShare) / m + byShare * share2 / values;
}
function firstStepLevel(gate, weight, weightSum) {
  return weightSum > 0 ? alphaFrames(gate) * weight / weightSum : alphaFrames(gate);
}
function levelForShare(weights, gate, variant) {
  const total = sum(weights);
  return (share2) => firstStepLevel(gate, valueWeight(share2, weights.length, 1, variant), total);
}
function familyWeights(frames, family) {
  const values = /* @__PURE__ */ new Map();
  for (const t of family) values.set(t.frame, (values.get(t.frame) ?? 0) + 1);
  return family.map(
    (t) => valueWeight(frames.selfShare(t.frame), family.length, values.get(t.frame), frames.variant)
  );
}
function testFamily(frames, family, weights, gate, thresholds) {
  const tests = family.map((t) => frames.testOf(t.value));
  const adjusted = weightedHolmAdjust(
    tests.map((t) => t.p),
    weights
  );
  const weightSum = sum(weights);
  const best = /* @__PURE__ */ new Map();
  family.forEach((t, j) => {
    const test = tests[j];
    const added2 = frames.addedShare(t.value, test.delta);
    const over = growthOf(test.delta) >= thresholds.frame && added2 >= gate.minShare;
    const reach = reachableGrowth(test, frames.variant.intervalThreshold);
    const mayReach = reach >= thresholds.frame && frames.addedShare(t.value, Math.log1p(reach)) >= gate.minShare;
    const verdict = decide(mayReach, over, adjusted[j], test, alphaFrames(gate));
    const call = {
      which: t.which,
      test,
      p: adjusted[j],
      verdict,
      added: added2,
      value: t.value,
      over,
      level: firstStepLevel(gate, weights[j], weightSum)
    };
    const prev = best.get(t.frame);
    if (!prev || severity(call.verdict) > severity(prev.verdict) || severity(call.verdict) === severity(prev.verdict) && call.p < prev.p)
      best.set(t.frame, call);
  });
  return best;
}

// src/compare/verdict/inlining.ts
function correlation(a, b) {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let r = 0; r < n; r++) {
    sab += (a[r] - ma) * (b[r] - mb);
    saa += (a[r] - ma) ** 2;
    sbb += (b[r] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}
var PARTNER_CORRELATION = -0.8;
function varyingInlining(frames, candidates) {
  const values = /* @__PURE__ */ new Set();
  const callers = /* @__PURE__ */ new Map();
  for (const f of candidates) {
    const stats = frames.statsOf(f);
    if (stats.self.intermittent) values.add(stats.self);
    if (stats.cum.intermittent) values.add(stats.cum);
    if (!stats.self.intermittent) continue;
    const own = frames.selfCounts[f];
    const ownCum = frames.cumCounts[f];
    let best;
    for (const g of candidates) {
      if (g === f) continue;
      const cum = frames.cumCounts[g];
      if (!cum.every((c, r2) => c >= ownCum[r2])) continue;
      const r = correlation(own, frames.selfCounts[g]);
      if (r <= PARTNER_CORRELATION && (!best || r < best.r)) best = { g, r };
    }
    if (best) {
      values.add(frames.statsOf(best.g).self);
      callers.set(f, best.g);
    }
  }
  return { values, callers };
}

// src/compare/verdict/results.ts
function frameResults(frames, shown, tested, ignored, inlined = /* @__PURE__ */ new Set()) {
  const { series, design } = frames;
  const results = shown.map((i) => {
    const f = series.frames[i];
    const { self: selfValue, cum: cumValue } = frames.statsOf(i);
    const call = tested.get(i) ?? untestedCall(frames, selfValue, cumValue);
    const selfTest = frames.testOf(selfValue);
    const cumTest = frames.testOf(cumValue);
    const which = call.which === "self" ? f.self : f.cum;
    const result = {
      function: f.function,
      file: f.file,
      self: baseHead(f.self, selfValue, selfTest, design),
      cum: baseHead(f.cum, cumValue, cumTest, design),
      ci: interval(call.test),
      p: call.p,
      verdict: call.verdict,
      shareBase: shareOf(which, series.totals, design, "base"),
      shareHead: shareOf(which, series.totals, design, "head"),
      tested: call.which,
      pRaw: call.test.p,
      ...tested.has(i) ? {} : { untested: ignored[i] ? "ignored" : inlined.has(i) ? "inlined" : "low-count" }
    };
    const selfAdded = frames.addedShare(selfValue, selfTest.delta);
    const undecided2 = tested.has(i) && call.over && call.verdict !== "fail";
    return {
      result,
      selfAdded,
      added: call.added,
      test: call.test,
      undecided: undecided2,
      level: call.level ?? 0
    };
  });
  return results.sort(
    (a, b) => worstFirst(a.result.verdict, b.result.verdict) || b.selfAdded - a.selfAdded || b.added - a.added
  );
}
function untestedCall(frames, self, cum) {
  const which = cum === self ? "self" : "cum";
  const value = which === "self" ? self : cum;
  const test = frames.testOf(value);
  return {
    which,
    test,
    p: test.p,
    verdict: "pass",
    added: frames.addedShare(value, test.delta),
    value,
    over: false
  };
}
function baseHead(v, stats, t, design) {
  const base = sum(roundValues(v.base, design.baseRounds));
  const head = sum(roundValues(v.head, design.headRounds));
  const perBase = Math.exp(stats.levelBase + logPeriod(design));
  return {
    base,
    head,
    deltaPct: base === 0 ? null : pctOfLog(t.delta),
    perWork: { base: perBase, head: perBase * (1 + pctOfLog(t.delta) / 100) }
  };
}
function shareOf(v, totals, design, which) {
  const rounds = which === "base" ? design.baseRounds : design.headRounds;
  const t = sum(roundValues(totals[which], rounds));
  return t > 0 ? Math.min(1, sum(roundValues(v[which], rounds)) / t) : 0;
}

// src/compare/stats/mde.ts
function minimalDetectableLog(se, level, power, df) {
  return se * (studentTQuantile(1 - level / 2, df) + studentTQuantile(power, df));
}
function smallestPassing(ok, lo, hi) {
  if (ok(lo)) return lo;
  if (!ok(hi)) return hi;
  let a = Math.log(lo);
  let b = Math.log(hi);
  for (let i = 0; i < 60; i++) {
    const m = (a + b) / 2;
    if (ok(Math.exp(m))) b = m;
    else a = m;
  }
  return Math.exp(b);
}

// src/compare/verdict/power.ts
function roundsToDecide(t, rounds, level) {
  if (t.t === 0) return Infinity;
  const need = studentTQuantile(1 - level / 2, t.df) + studentTQuantile(MDE_POWER, t.df);
  return Math.ceil(rounds * (need / Math.abs(t.t)) ** 2);
}
function minimalDetectable(design, prior, gate, threshold, levelAt, total) {
  const { baseRounds, headRounds } = design;
  const ownDf = design.paired ? baseRounds - 1 : Math.max(0, baseRounds + headRounds - 2);
  const df = prior.priorDf + ownDf > 0 ? prior.priorDf + ownDf : Infinity;
  const perRound = design.totalCount;
  const between = design.paired ? 0 : 2 * JOB_FRAME_SIGMA ** 2;
  const se = (share3) => Math.sqrt(
    (1 / (share3 * perRound + PSEUDOCOUNT) + prior.sigma0sq) * (1 / baseRounds + 1 / headRounds) + between
  );
  const mdeLog = (share3) => minimalDetectableLog(se(share3), levelAt(share3), MDE_POWER, df);
  const detects = (share3) => Math.exp(mdeLog(share3)) - 1 <= threshold && share3 * threshold >= gate.minShare;
  const share2 = smallestPassing(detects, 1e-6, 1);
  const totalLog = minimalDetectableLog(total.se, alphaTotal(gate), MDE_POWER, total.df);
  return {
    frameSharePct: (detects(share2) ? share2 : 1) * 100,
    deltaPct: pctOfLog(mdeLog(MDE_REFERENCE_SHARE)),
    atSharePct: MDE_REFERENCE_SHARE * 100,
    totalPct: pctOfLog(totalLog),
    power: MDE_POWER
  };
}

// src/compare/verdict/total.ts
function totalNoise(logBase, logHead, design) {
  if (design.paired) {
    const run2 = variance(logHead.map((v, r) => v - logBase[r])) / 2;
    const drift2 = design.baseRounds >= 3 ? variance(logBase.map((v, r) => (v + logHead[r]) / 2)) - run2 / 2 : null;
    return {
      runSigma: Math.sqrt(run2),
      driftSigma: drift2 === null ? null : Math.sqrt(Math.max(0, drift2))
    };
  }
  const df = design.baseRounds + design.headRounds - 2;
  return {
    runSigma: df > 0 ? Math.sqrt((sumSquares(logBase) + sumSquares(logHead)) / df) : null,
    driftSigma: null
  };
}
function totalDifference(series, logBase, logHead, design, stats) {
  const { baseRounds, headRounds } = design;
  if (design.paired) return pairedDifference(logBase, logHead);
  if (baseRounds + headRounds >= 3) {
    const diff = baseRounds >= 2 && headRounds >= 2 ? welchDifference(logBase, logHead) : pooledDifference(logBase, logHead);
    if (!TIME_KINDS.has(series.kind)) return diff;
    const within = diff.se ** 2;
    const se2 = within + 2 * stats.totalSigma ** 2;
    const df = within > 0 ? diff.df * (se2 / within) ** 2 : Infinity;
    return { delta: diff.delta, se: Math.sqrt(se2), df };
  }
  const se = stats.totalSigma * Math.SQRT2;
  const priorDf = stats.priorDf === "auto" ? FALLBACK_PRIOR_DF : stats.priorDf;
  return { delta: mean(logHead) - mean(logBase), se, df: priorDf > 0 ? priorDf : Infinity };
}
function totalTest(series, design, stats, threshold, alpha, variant = DEFAULT_VARIANT) {
  const { baseRounds, headRounds } = design;
  const counts = sampleCounts(series.totals, design);
  const logs = series.osCountedValues ? logPerWork(counts, design).map((x, r) => x + Math.log(design.periods[r])) : logPerWork(counts, design);
  const logBase = logs.slice(0, baseRounds);
  const logHead = logs.slice(baseRounds);
  const poissonSe = Math.sqrt(
    1 / (baseRounds * (mean(counts.slice(0, baseRounds)) + PSEUDOCOUNT)) + 1 / (headRounds * (mean(counts.slice(baseRounds)) + PSEUDOCOUNT))
  );
  const diff = totalDifference(series, logBase, logHead, design, stats);
  const test = tTest({ ...diff, se: Math.max(diff.se, poissonSe) });
  const baseRaw = sum(roundValues(series.totals.base, baseRounds));
  const headRaw = sum(roundValues(series.totals.head, headRounds));
  const notes = [];
  const over = growthOf(test.delta) >= threshold;
  let verdict = decide(
    reachableGrowth(test, variant.intervalThreshold) >= threshold,
    over,
    test.p,
    test,
    alpha
  );
  let note;
  if (TIME_KINDS.has(series.kind) && !series.sameRunner) {
    note = "other-runner";
    notes.push({ code: "total-other-runner", kind: series.kind });
    verdict = "pass";
  } else if (verdict === "warn") {
    notes.push({
      code: "total-unproven",
      unitOfWork: series.unitOfWork,
      deltaPct: pctOfLog(test.delta),
      thresholdPct: threshold * 100,
      p: test.p,
      roundsToDecide: roundsToDecide(test, Math.min(baseRounds, headRounds), alpha)
    });
  }
  const perBase = Math.exp(
    mean(logBase) + (series.osCountedValues ? 0 : mean(design.periods.map(Math.log)))
  );
  const result = {
    base: baseRaw,
    head: headRaw,
    deltaPct: baseRaw === 0 ? null : pctOfLog(test.delta),
    perWork: { base: perBase, head: perBase * (1 + pctOfLog(test.delta) / 100) },
    ci: interval(test),
    p: test.p,
    verdict,
    ...over && verdict !== "fail" && note === void 0 ? { roundsToDecide: roundsToDecide(test, Math.min(baseRounds, headRounds), alpha) } : {},
    ...note === void 0 ? {} : { note }
  };
  return { result, test, notes, ...totalNoise(logBase, logHead, design) };
}

// src/compare/verdict/judge.ts
function speedCorrection2(series, design, variant, notes) {
  if (!design.paired || series.simultaneous !== true || TIME_KINDS.has(series.kind) && series.osCountedValues === true || variant.speedFactorsSimultaneous)
    return true;
  notes.push({ code: "same-seconds" });
  return false;
}
function judge(input, gate, listed = TOP_FRAMES, variant = DEFAULT_VARIANT) {
  const stats = gate.stats;
  const thresholds = TIME_KINDS.has(input.kind) ? gate.cpu : gate.alloc;
  const baseRounds = input.totals.base.length;
  const headRounds = input.totals.head.length;
  if (baseRounds === 0 || headRounds === 0) return emptyJudgement(input, baseRounds, headRounds);
  const notes = [];
  const series = withoutIdle(input, notes);
  const design = layOut(series, notes);
  const frames = new FrameStatistics(series, design, stats.minCount, variant);
  const idle = series.frames.map((f) => isIdle(series, f));
  if (speedCorrection2(series, design, variant, notes))
    normaliseSpeed(frames.selfCounts, idle, design, stats.minCount, notes);
  const ignored = notGated(series, gate.ignore);
  const ignoredCount = ignored.filter(Boolean).length;
  const candidates = testCandidates(frames.cumFloors(), ignored, stats.minCount);
  const inlining = variant.inliningViaCaller ? varyingInlining(frames, candidates) : { values: /* @__PURE__ */ new Set(), callers: /* @__PURE__ */ new Map() };
  const family = frames.family(candidates, stats.minCount).filter((t) => !inlining.values.has(t.value));
  const prior = framePrior(family, stats, design, notes);
  frames.prior = prior;
  const weights = familyWeights(frames, family);
  const tested = testFamily(frames, family, weights, gate, thresholds);
  const shown = shownFrames(series, tested, listed);
  const inlined = new Set(candidates.filter((i) => !tested.has(i)));
  const results = frameResults(frames, shown, tested, ignored, inlined);
  if (inlined.size > 0) notes.push(inliningNote(frames, inlined, inlining.callers));
  const rounds = Math.min(baseRounds, headRounds);
  for (const r of results)
    if (r.undecided) r.result.roundsToDecide = roundsToDecide(r.test, rounds, r.level);
  const totalOutcome = totalTest(
    series,
    design,
    stats,
    thresholds.total,
    alphaTotal(gate),
    variant
  );
  notes.push(...totalOutcome.notes);
  const tooCold = series.frames.length - candidates.length - ignoredCount;
  if (family.length > 0 && (tooCold > 0 || ignoredCount > 0))
    notes.push({
      code: "tested-frames",
      tested: candidates.length,
      frames: series.frames.length,
      tooCold,
      minCount: stats.minCount,
      ignored: ignoredCount
    });
  const warned = results.filter((r) => r.result.verdict === "warn");
  if (warned.length > 0) {
    notes.push({
      code: "frames-unproven",
      count: warned.length,
      example: warned[0].result.function,
      deltaPct: pctOfLog(warned[0].test.delta),
      roundsToDecide: roundsToDecide(warned[0].test, rounds, warned[0].level)
    });
  }
  return {
    total: totalOutcome.result,
    frames: results.map((r) => r.result),
    functionCount: series.frames.length,
    mde: minimalDetectable(
      design,
      prior,
      gate,
      thresholds.frame,
      levelForShare(weights, gate, variant),
      totalOutcome.test
    ),
    thresholds: { framePct: thresholds.frame * 100, totalPct: thresholds.total * 100 },
    verdict: worst([totalOutcome.result.verdict, ...results.map((r) => r.result.verdict)]),
    notes,
    noise: {
      samplesPerRound: design.totalCount,
      frameSigma: prior.replicated ? Math.sqrt(prior.sigma0sq) : null,
      priorDf: prior.priorDf,
      totalSigma: totalOutcome.runSigma,
      totalDriftSigma: totalOutcome.driftSigma
    }
  };
}
function shownFrames(series, tested, listed) {
  const baseRounds = series.totals.base.length;
  const headRounds = series.totals.head.length;
  const totalBase = sum(roundValues(series.totals.base, baseRounds));
  const totalHead = sum(roundValues(series.totals.head, headRounds));
  const untested = series.frames.map((_, i) => i).filter((i) => !tested.has(i));
  const cumShare = (i) => {
    const f = series.frames[i];
    return largerShare(
      sum(roundValues(f.cum.base, baseRounds)),
      sum(roundValues(f.cum.head, headRounds)),
      totalBase,
      totalHead
    );
  };
  return [...tested.keys(), ...largest(untested, cumShare, listed)];
}
function inliningNote(frames, inlined, callers) {
  const { series, design } = frames;
  return {
    code: "inlining-varies",
    functions: [...inlined].map((f) => {
      const g = callers.get(f);
      return {
        function: series.frames[f].function,
        ...g === void 0 ? {} : { caller: series.frames[g].function },
        absentRounds: frames.cumCounts[f].filter((c) => c === 0).length,
        rounds: design.baseRounds + design.headRounds
      };
    })
  };
}
function emptyJudgement(series, baseRounds, headRounds) {
  const raw = (v) => sum(v.map(usable));
  return {
    total: {
      base: raw(series.totals.base),
      head: raw(series.totals.head),
      deltaPct: null,
      ci: [0, 0],
      p: 1,
      verdict: "pass"
    },
    frames: series.frames.map((f) => ({
      function: f.function,
      file: f.file,
      self: { base: raw(f.self.base), head: raw(f.self.head), deltaPct: null },
      cum: { base: raw(f.cum.base), head: raw(f.cum.head), deltaPct: null },
      ci: [0, 0],
      p: 1,
      verdict: "pass"
    })),
    mde: { frameSharePct: 100, deltaPct: 0 },
    verdict: "pass",
    notes: [{ code: "nothing-to-compare", baseRounds, headRounds }]
  };
}

// src/compare/compare.ts
function workOf(base, head, baseService, headService) {
  const counted = (d, s) => s.unitOfWork === "request" && d.rounds.every((r) => r.requests !== null && r.requests > 0);
  if (counted(base, baseService) && counted(head, headService))
    return {
      unitOfWork: "request",
      work: {
        base: base.rounds.map((r) => r.requests),
        head: head.rounds.map((r) => r.requests)
      }
    };
  const timed = (d) => d.rounds.every((r) => r.windowSeconds !== null && r.windowSeconds > 0);
  if (timed(base) && timed(head)) {
    const uncounted = baseService.unitOfWork === "request" || headService.unitOfWork === "request";
    return {
      unitOfWork: "second",
      work: {
        base: base.rounds.map((r) => r.windowSeconds),
        head: head.rounds.map((r) => r.windowSeconds)
      },
      ...uncounted ? {
        note: "requests were not counted on both sides in every round: values are compared per second of capture window"
      } : {}
    };
  }
  return {
    unitOfWork: "profile",
    work: { base: base.rounds.map(() => 1), head: head.rounds.map(() => 1) }
  };
}
function captureNotes(side, service) {
  const rounds = /* @__PURE__ */ new Map();
  service.rounds.forEach((r, i) => {
    for (const note of r.notes ?? []) rounds.set(note, [...rounds.get(note) ?? [], i + 1]);
  });
  const all = service.rounds.length;
  return [...rounds].map(
    ([note, rs]) => `${side} capture${rs.length === all ? "" : ` (round${rs.length > 1 ? "s" : ""} ${rs.join(", ")} of ${all})`}: ${note}`
  );
}
function loadFigures(d) {
  return {
    throughput: median(
      d.rounds.flatMap((r) => r.throughput === null ? [] : [r.throughput]),
      null
    ),
    p50: median(
      d.rounds.flatMap((r) => r.latency ? [r.latency.p50] : []),
      null
    ),
    p99: median(
      d.rounds.flatMap((r) => r.latency ? [r.latency.p99] : []),
      null
    )
  };
}
function readNotes(job, sides, totals) {
  const notes = sides.fellBack ? [sides.fellBack] : [];
  for (const side of ["base", "head"]) {
    const cut = sides[side].stacks?.truncatedValue ?? 0;
    if (cut !== 0)
      notes.push(
        `flamegraph: ${(100 * cut / totals[side]).toPrecision(2)} % of the ${side} is on call paths beyond the ${STACK_NODE_BUDGET} kept; those paths end at their last kept frame`
      );
  }
  notes.push(...captureNotes("base", job.baseService), ...captureNotes("head", job.headService));
  return notes;
}
function sideSummary(d, total, unitOfWork2) {
  return {
    rounds: d.tables.length,
    requests: unitOfWork2 === "request" ? sum(d.rounds.map((r) => r.requests ?? 0)) : null,
    windowSeconds: d.rounds.every((r) => r.windowSeconds !== null) ? sum(d.rounds.map((r) => r.windowSeconds ?? 0)) : null,
    total
  };
}
function compareKind(job) {
  const { baseService, headService, kind } = job;
  const sides = readBothSides({
    base: job.base,
    head: job.head,
    baseService,
    headService,
    kind,
    stacks: job.options.stacks ?? false
  });
  const { base, head } = sides;
  const warnings = [...base.warnings, ...head.warnings];
  const totals = {
    base: sum(base.tables.map((t) => t.total)),
    head: sum(head.tables.map((t) => t.total))
  };
  if (totals.base === 0 && totals.head === 0 && !job.base.lone)
    return {
      warnings,
      skipped: `${baseService.service}: no ${kind} samples on either side; not compared`
    };
  for (const side of ["base", "head"]) {
    const d = sides[side];
    if (totals[side] === 0)
      throw new FlamegateError(
        `${d.where}: no ${typeName(d.type)} samples${d.rounds.length > 1 ? ` in any of its ${d.rounds.length} rounds` : ""}; nothing to compare (was the service idle during capture?)`
      );
  }
  const notes = readNotes(job, sides, totals);
  const { unitOfWork: unitOfWork2, work, note } = workOf(base, head, baseService, headService);
  if (note !== void 0) notes.push(note);
  if (baseService.runtime !== headService.runtime)
    notes.push(`base runtime is ${baseService.runtime}, head runtime is ${headService.runtime}`);
  const paired = job.options.paired === true && base.tables.length === head.tables.length;
  const pairing = paired && baseService.pairing !== null && baseService.pairing === headService.pairing ? baseService.pairing : void 0;
  const series = buildSeries(
    {
      service: headService.service,
      runtime: headService.runtime,
      kind,
      unit: head.type.unit,
      sampleType: head.type.type,
      work,
      unitOfWork: unitOfWork2,
      samplePeriod: commonPeriod(base, head),
      ...roundPeriods(base, head),
      ...[...base.osCounted, ...head.osCounted].every(Boolean) ? { osCountedValues: true } : {},
      paired,
      ...pairing === "simultaneous" ? { simultaneous: true } : {},
      sameRunner: baseService.runnerId === null || headService.runnerId === null || baseService.runnerId === headService.runnerId
    },
    base.tables,
    head.tables
  );
  const known = (d) => d.rounds.some((r) => r.throughput !== null || r.latency !== null);
  const comparison = assembleComparison(
    series,
    judge(series, job.gate, void 0, job.options.variant),
    {
      base: sideSummary(base, totals.base, unitOfWork2),
      head: sideSummary(head, totals.head, unitOfWork2),
      ...pairing ? { pairing } : {},
      load: known(base) && known(head) ? { base: loadFigures(base), head: loadFigures(head) } : void 0,
      notes
    },
    job.options.topFrames
  );
  if (!base.stacks || !head.stacks) return { warnings, comparison };
  return {
    warnings,
    comparison,
    stacks: {
      service: headService.service,
      kind,
      unit: head.type.unit,
      base: base.stacks.build(),
      head: head.stacks.build()
    }
  };
}
function compareSets(base, head, gate, options = {}) {
  if (base.lone !== head.lone)
    throw new FlamegateError(
      `cannot compare ${base.lone ? "a profile file" : "a profile set"} (${base.path}) with ${head.lone ? "a profile file" : "a profile set"} (${head.path}); pass two sets or two files`
    );
  const notes = [];
  const warnings = [];
  const comparisons = [];
  const stacks = [];
  const heads = new Map(head.services.map((s) => [s.service, s]));
  const bases = new Map(base.services.map((s) => [s.service, s]));
  for (const s of base.services)
    if (!heads.has(s.service))
      notes.push(`service '${s.service}' is only in the base (${base.path}): not compared`);
  for (const s of head.services)
    if (!bases.has(s.service))
      notes.push(`service '${s.service}' is only in the head (${head.path}): not compared`);
  for (const baseService of base.services) {
    const headService = heads.get(baseService.service);
    if (!headService) continue;
    const baseKinds = kindsOf(baseService);
    const headKinds = kindsOf(headService);
    if (base.lone) {
      const [baseKind] = baseKinds;
      const [headKind] = headKinds;
      if (baseKind !== headKind) {
        const baseView = base.preloaded.get(base.path).view;
        const headView = head.preloaded.get(head.path).view;
        const baseType = baseView.sampleTypes[viewSampleIndex(baseView, baseKind)];
        const headType = headView.sampleTypes[viewSampleIndex(headView, headKind)];
        throw new FlamegateError(
          `cannot compare ${typeName(baseType)} (${base.path}) with ${typeName(headType)} (${head.path})`
        );
      }
    }
    for (const kind of KINDS) {
      if (baseKinds.has(kind) !== headKinds.has(kind))
        notes.push(
          `${baseService.service}: ${kind} profiles only in the ${baseKinds.has(kind) ? "base" : "head"}: not compared`
        );
      if (!baseKinds.has(kind) || !headKinds.has(kind)) continue;
      const out = compareKind({ base, head, baseService, headService, kind, gate, options });
      warnings.push(...out.warnings);
      if ("skipped" in out) {
        notes.push(out.skipped);
        continue;
      }
      comparisons.push(out.comparison);
      if (out.stacks) stacks.push(out.stacks);
    }
  }
  if (comparisons.length === 0)
    throw new FlamegateError(
      `nothing to compare between ${base.path} and ${head.path}: ${notes.join("; ") || "no common service and kind"}`
    );
  const report = {
    schema: REPORT_SCHEMA,
    verdict: worst(comparisons.map((c) => c.verdict ?? "pass")),
    comparisons,
    ...notes.length > 0 ? { notes } : {}
  };
  return { report, stacks, warnings };
}

// src/compare/inputs.ts
import { statSync as statSync3 } from "node:fs";
import { basename } from "node:path";

// src/model/profile-set-read.ts
import { existsSync, readdirSync, statSync as statSync2 } from "node:fs";
import { join } from "node:path";
var MAX_MANIFEST_BYTES = 1024 * 1024;
var fileName = external_exports.string().min(1).max(255).refine((s) => !/[/\\\0]/.test(s) && s !== "." && s !== "..", {
  message: "must be a file name inside the profile set's folder"
});
var finite = external_exports.number().finite();
var count = external_exports.number().int().min(0);
var WindowSchema = external_exports.object({
  windowSeconds: finite.min(0),
  requests: count.nullable(),
  throughput: finite.min(0).nullable().optional(),
  latency: external_exports.object({ p50: finite, p95: finite, p99: finite }).nullable().optional(),
  cpuSeconds: finite.min(0).optional(),
  loadStarted: external_exports.string().max(40).optional()
});
var RoundSchema = external_exports.object({
  round: count,
  ...WindowSchema.shape,
  errors: count.optional(),
  non2xx: count.optional(),
  /** Kinds this version does not know are ignored (a newer writer may add some). */
  files: external_exports.record(external_exports.string(), fileName),
  profilers: external_exports.record(external_exports.string(), external_exports.string()).optional(),
  /** Per kind, when kinds were captured in separate windows. */
  windows: external_exports.record(external_exports.string(), WindowSchema).optional(),
  notes: external_exports.array(external_exports.string()).optional()
});
var ManifestSchema = external_exports.object({
  schema: external_exports.literal(PROFILE_SET_SCHEMA),
  service: external_exports.string().min(1).max(200).refine((s) => !/[\0\n\r]/.test(s), { message: "must be one line" }),
  runtime: external_exports.string().max(100),
  runtimeVersion: external_exports.string().max(200).optional(),
  ref: external_exports.string().max(500).nullable().optional(),
  commit: external_exports.string().max(200).nullable().optional(),
  created: external_exports.string().max(100).optional(),
  runner: external_exports.object({ id: external_exports.string().max(200) }).loose().optional(),
  unitOfWork: external_exports.enum(["request", "second"]),
  /** Of the service's config only what compare reads; a value it does not know is left out. */
  config: external_exports.object({ pairing: external_exports.enum(PAIRINGS).optional().catch(void 0) }).loose().optional().catch(void 0),
  rounds: external_exports.array(RoundSchema).min(1).max(1e3),
  labels: external_exports.record(external_exports.string(), external_exports.string()).optional()
});
function describeIssue(issue) {
  const path = issue.path.map(String).join(".") || "(top level)";
  return `'${path}' ${issue.message.replace(/^Invalid input: /, "")}`;
}
function readProfileSetDir(dir) {
  const path = join(dir, "manifest.json");
  let size;
  try {
    size = statSync2(path).size;
  } catch (err) {
    throw new FlamegateError(
      `${path}: cannot read the manifest (${err.code ?? String(err)})`
    );
  }
  if (size > MAX_MANIFEST_BYTES)
    throw new FlamegateError(
      `${path}: ${size} bytes is larger than a manifest can be (${MAX_MANIFEST_BYTES} bytes); the profile set is damaged or not flamegate's`
    );
  const parsed = ManifestSchema.safeParse(readManifestFile(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FlamegateError(
      `${path}: not a valid ${PROFILE_SET_SCHEMA} manifest: ${issue ? describeIssue(issue) : "invalid"}; the profile set is damaged, re-run 'flamegate run'`
    );
  }
  const manifest = parsed.data;
  const files = manifest.rounds.map((round) => {
    const out = {};
    for (const [kind, file] of Object.entries(round.files)) {
      if (!isKind(kind)) continue;
      const abs = join(dir, file);
      if (!existsSync(abs))
        throw new FlamegateError(
          `${abs}: missing; ${path} lists it as round ${round.round}'s ${kind} profile (the profile set is incomplete)`
        );
      out[kind] = abs;
    }
    return out;
  });
  return { dir, manifest, files };
}
function readProfileSets(path) {
  const sets = /* @__PURE__ */ new Map();
  const add = (set) => {
    const other = sets.get(set.manifest.service);
    if (other)
      throw new FlamegateError(
        `${path}: two profile sets for service '${set.manifest.service}' (${other.dir} and ${set.dir}); keep one`
      );
    sets.set(set.manifest.service, set);
  };
  if (existsSync(join(path, "manifest.json"))) {
    add(readProfileSetDir(path));
    return sets;
  }
  let entries;
  try {
    entries = readdirSync(path).sort();
  } catch (err) {
    throw new FlamegateError(
      `${path}: cannot read (${err.code ?? String(err)})`
    );
  }
  for (const entry of entries) {
    const dir = join(path, entry);
    if (existsSync(join(dir, "manifest.json"))) add(readProfileSetDir(dir));
  }
  if (sets.size === 0)
    throw new FlamegateError(
      `${path}: no manifest.json in it or in any folder below it; pass a profile set written by 'flamegate run' or a profile file`
    );
  return sets;
}

// src/compare/inputs.ts
var LONE_SERVICE = "profile";
function readSide(path, budget = new ReadBudget()) {
  let isDir;
  try {
    isDir = statSync3(path).isDirectory();
  } catch (err) {
    const code = err.code;
    throw new FlamegateError(
      `${path}: ${code === "ENOENT" ? "no such file or directory" : `cannot read (${code ?? String(err)})`}; pass a profile set folder or a profile file`
    );
  }
  if (!isDir) return readLoneFile(path, budget);
  const services = [];
  for (const [service, set] of readProfileSets(path)) {
    const m = set.manifest;
    services.push({
      service,
      runtime: m.runtime,
      unitOfWork: m.unitOfWork,
      runnerId: m.runner?.id ?? null,
      pairing: m.config?.pairing ?? null,
      where: set.dir,
      rounds: m.rounds.map((r, i) => ({
        requests: r.requests,
        windowSeconds: r.windowSeconds,
        throughput: r.throughput ?? null,
        latency: r.latency ? { p50: r.latency.p50, p99: r.latency.p99 } : null,
        files: set.files[i] ?? {},
        ...r.windows ? {
          windows: Object.fromEntries(
            Object.entries(r.windows).map(([kind, w]) => [
              kind,
              {
                requests: w.requests,
                windowSeconds: w.windowSeconds,
                throughput: w.throughput ?? null,
                latency: w.latency ? { p50: w.latency.p50, p99: w.latency.p99 } : null
              }
            ])
          )
        } : {},
        ...r.notes ? { notes: r.notes } : {}
      }))
    });
  }
  return { path, lone: false, services, preloaded: /* @__PURE__ */ new Map(), budget };
}
function readLoneFile(path, budget) {
  const loaded = loadProfileFile(path, budget);
  const kind = guessViewKind(loaded.view);
  if (!kind)
    throw new FlamegateError(
      `${path}: cannot tell what this profile measures from its sample types (${loaded.view.sampleTypes.map(typeName).join(", ")})`
    );
  return {
    path,
    lone: true,
    services: [
      {
        service: LONE_SERVICE,
        runtime: "unknown",
        unitOfWork: "profile",
        runnerId: null,
        pairing: null,
        where: basename(path),
        rounds: [
          {
            requests: null,
            windowSeconds: null,
            throughput: null,
            latency: null,
            files: { [kind]: path }
          }
        ]
      }
    ],
    preloaded: /* @__PURE__ */ new Map([[path, loaded]]),
    budget
  };
}

// src/report/summary.ts
function clean(s) {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
}
var listable = (f) => f.untested !== "ignored";
var SUMMARY_STYLE = { name: clean, text: clean };
function frameLine(c, f) {
  const shown = frameChange(c, f);
  const where2 = f.file ? ` (${clean(f.file)})` : "";
  const label3 = shown.direction === "same" ? "unchanged" : shown.direction;
  const verdict = f.verdict === "pass" && isUndecided(f) ? "UNDECIDED" : f.verdict.toUpperCase();
  return `  ${label3.padEnd(9)} ${shown.delta.padStart(9)}  ${clean(f.function)}${where2}  ${f.tested ?? "cum"} ${shown.pair}  ${shown.interval}  ${formatP(f.p)}  ${verdict}${f.changed ? "  [changed file]" : ""}`;
}
function comparisonLines(c, n) {
  const t = totalChange(c);
  const lines2 = [
    `${clean(c.service)} \xB7 ${c.kind} (${c.sampleType ?? c.kind}/${c.unit}, ${budgetWords(c)}): ${(c.verdict ?? c.total.verdict).toUpperCase()}`,
    `  ${scopeWords(c)}`,
    `  total     ${t.delta.padStart(9)}  ${t.pair}  ${t.interval}  ${formatP(c.total.p)}  ${c.total.verdict.toUpperCase()}`
  ];
  const shown = c.frames.filter(listable).map((f) => ({ f, d: frameChange(c, f).direction }));
  const regressed = shown.filter((x) => x.d === "grew" || x.d === "new").slice(0, n);
  const improved = shown.filter((x) => x.d === "shrank" || x.d === "gone").slice(-n).reverse();
  for (const { f } of [...regressed, ...improved]) lines2.push(frameLine(c, f));
  for (const note of foldNotes(c)) lines2.push(`  note: ${clean(note)}`);
  return lines2;
}
function renderSummary(report, options = {}) {
  const listed = options.frames ?? 3;
  const folded = foldedCallers(callersByComparison(report, options.stacks));
  const said = answer(report, SUMMARY_STYLE, folded);
  const n = report.comparisons.length;
  const head = report.verdict === "fail" || report.verdict === "warn" && said ? `flamegate: ${report.verdict.toUpperCase()}: ${said}` : `flamegate: ${report.verdict.toUpperCase()} (${n} comparison${n === 1 ? "" : "s"}, no regression over the threshold${report.verdict === "warn" ? " proven" : ""})${said ? `; undecided: ${said}` : ""}`;
  const lines2 = [head];
  for (const c of report.comparisons) lines2.push(...comparisonLines(c, listed));
  for (const note of report.notes ?? []) lines2.push(`note: ${clean(note)}`);
  return `${lines2.join("\n")}
`;
}

// src/cli/report-files.ts
import { writeFile } from "node:fs/promises";
function needsStacks(paths) {
  return paths.markdown !== void 0 || paths.html !== void 0 || paths.svg !== void 0;
}
function safeName(s) {
  return s.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
}
async function writeReportFiles(report, stacks, paths, title) {
  const files = [];
  if (paths.json !== void 0) files.push([paths.json, () => renderJson(report)]);
  if (paths.markdown !== void 0) files.push([paths.markdown, () => markdownFor(report, stacks)]);
  if (paths.html !== void 0) files.push([paths.html, () => htmlFor(report, stacks, title)]);
  if (paths.svg !== void 0) {
    const stem = paths.svg.replace(/\.svg$/i, "");
    for (const f of flameSvgsFor(report, stacks)) {
      const path = f.headline ? paths.svg : `${stem}.${safeName(f.service)}.${f.kind}.svg`;
      files.push([path, () => f.svg]);
    }
  }
  for (const [path, render] of files) {
    try {
      await writeFile(path, render());
    } catch (err) {
      throw new FlamegateError(
        `${path}: cannot write the report (${err.code ?? String(err)}); check that the folder exists and is writable`
      );
    }
  }
  return files.map(([path]) => path);
}

export {
  readProfileSetDir,
  worstFirst,
  worst,
  verdictsOf,
  diffStacks,
  renderSvg,
  renderHtml,
  renderJson,
  REPORT_SCHEMA,
  GITHUB_COMMENT_LIMIT,
  renderMarkdown,
  textFlamesFor,
  flameSvgsFor,
  markdownFor,
  htmlFor,
  compareSets,
  readSide,
  renderSummary,
  needsStacks,
  writeReportFiles
};
