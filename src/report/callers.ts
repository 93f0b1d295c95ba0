import type { StackNode } from "../compare/aggregate.js";
import { cleanPath } from "../compare/profile-view.js";
import type { Comparison, FrameResult, Report } from "../compare/types.js";
import { isUndecided } from "./answer.js";

/**
 * The leaf first: a listed caller whose growth its grown callee explains is
 * folded under that callee ("via `handle` › `next`"), and an anonymous frame
 * names its nearest named caller. Call paths come from the head's stack
 * tree; without one, nothing is folded.
 */

export interface CallContext {
  /** Listed callers folded under this frame, root first. */
  via: FrameResult[];
  /** For an anonymous frame: the nearest caller with a name. */
  calledFrom?: string;
}

export interface Callers {
  context: Map<FrameResult, CallContext>;
  /** Listed frames folded under a callee: not rows of their own. */
  folded: Set<FrameResult>;
}

/** Frames the profile names by where they are defined or by what the runtime does: not a name to read. */
const unnamed = (name: string) => name.startsWith("(");

const keyOf = (name: string, file: string) => `${name}\u0000${file === "" ? "" : cleanPath(file)}`;

/**
 * Per function of interest: its callers (every frame above any of its nodes)
 * with how much of the function's value lies beneath each, and the nearest
 * named caller of its heaviest node.
 */
interface Placement {
  total: number;
  above: Map<string, number>;
  heaviest: number;
  /** The callers of the heaviest node, root first. */
  path: string[];
  calledFrom?: string;
}

function placements(root: StackNode, wanted: ReadonlySet<string>): Map<string, Placement> {
  const out = new Map<string, Placement>();
  const path: StackNode[] = [];
  const walk = (node: StackNode) => {
    for (const child of node.children.values()) {
      const key = keyOf(child.name, child.file);
      if (wanted.has(key)) {
        let p = out.get(key);
        if (!p) {
          p = { total: 0, above: new Map(), heaviest: -Infinity, path: [] };
          out.set(key, p);
        }
        p.total += child.value;
        const seen = new Set<string>();
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

/** What the frame's own code added per unit of work (its tested value's pair), 0 when unknown. */
function added(f: FrameResult, which: "self" | "cum"): number {
  const v = f[which].perWork;
  return v ? v.head - v.base : 0;
}

/** A leaf whose growth can explain its callers': its own code (self) is what failed or is undecided. */
function grownLeaf(f: FrameResult): boolean {
  return (f.verdict !== "pass" || isUndecided(f)) && f.tested === "self" && added(f, "self") > 0;
}

/**
 * Folds each listed caller under the grown leaf its growth comes from: the
 * caller is on the leaf's heaviest call path, is tested on its cumulative
 * value, and grew by no more than 1.5 × what the grown leaves beneath it
 * added (the rest of its growth would be its own).
 */
export function callersOf(c: Comparison, head: StackNode | undefined): Callers {
  const context = new Map<FrameResult, CallContext>();
  const folded = new Set<FrameResult>();
  if (!head) return { context, folded };
  const byKey = new Map(c.frames.map((f) => [keyOf(f.function, f.file), f]));
  const placed = placements(head, new Set(byKey.keys()));
  const placeOf = (f: FrameResult) => placed.get(keyOf(f.function, f.file));
  const leaves = c.frames.filter(grownLeaf);
  const underCaller = new Map<FrameResult, FrameResult[]>();
  for (const leaf of leaves) {
    const p = placeOf(leaf);
    if (!p) continue;
    for (const [k, beneath] of p.above) {
      const caller = byKey.get(k);
      // A caller of most of the leaf's value, not of a side path.
      if (!caller || leaves.includes(caller) || beneath < 0.5 * p.total) continue;
      underCaller.set(caller, [...(underCaller.get(caller) ?? []), leaf]);
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
  // Root first, in the order of the leaf's heaviest call path.
  for (const [leaf, ctx] of context) {
    const path = placeOf(leaf)?.path ?? [];
    const at = (f: FrameResult) => path.indexOf(keyOf(f.function, f.file));
    ctx.via.sort((a, b) => at(a) - at(b));
  }
  for (const f of c.frames) {
    const from = unnamed(f.function) ? placeOf(f)?.calledFrom : undefined;
    if (from) context.set(f, { ...(context.get(f) ?? { via: [] }), calledFrom: from });
  }
  return { context, folded };
}

/** The head's call tree of each comparison, as compare's stacks option returns them. */
export type HeadStacks = ReadonlyArray<{ service: string; kind: string; head: StackNode }>;

/** Each comparison's callers (callersOf) from its head's call tree; nothing folded without one. */
export function callersByComparison(
  report: Report,
  stacks: HeadStacks | undefined,
): Map<Comparison, Callers> {
  return new Map(
    report.comparisons.map((c) => {
      const head = stacks?.find((s) => s.service === c.service && s.kind === c.kind)?.head;
      return [c, callersOf(c, head)];
    }),
  );
}

/** The folded callers of every comparison, for the first line's count. */
export function foldedCallers(callers: ReadonlyMap<Comparison, Callers>): Set<FrameResult> {
  return new Set([...callers.values()].flatMap((c) => [...c.folded]));
}

/** "via … › `handle` › `next`": the `max` folded callers nearest the leaf, root first. */
export function viaWords(ctx: CallContext, name: (s: string) => string, max = 3): string {
  const names = ctx.via.map((f) => name(f.function));
  return `via ${names.length > max ? "… › " : ""}${names.slice(-max).join(" › ")}`;
}
