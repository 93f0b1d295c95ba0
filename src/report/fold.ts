import type { Comparison } from "../compare/types.js";

/**
 * A comparison's notes folded for reading: the capture's notes (compare.ts
 * writes them per side, with the rounds they came from) become one line per
 * kind of note, whatever figures each round had, with how many rounds of
 * each side said it. Other notes stay as they are, once each.
 */

const CAPTURE = /^(base|head) capture(?: \(rounds? ([\d, ]+) of (\d+)\))?: (.*)$/s;

/** The kind of a note: its text with every figure taken out. */
const kindOf = (text: string) => text.replace(/\d+(?:\.\d+)?/g, "#");

interface Kind {
  /** The first round's text, figures and all. */
  example: string;
  rounds: { base: number; head: number };
  /** The figures differ between the notes of this kind. */
  varies: boolean;
}

export function foldNotes(c: Comparison): string[] {
  const kinds = new Map<string, Kind>();
  const other: string[] = [];
  for (const note of c.notes ?? []) {
    const m = note.match(CAPTURE);
    if (!m) {
      if (!other.includes(note)) other.push(note);
      continue;
    }
    const side = m[1] as "base" | "head";
    const text = m[4]!;
    const rounds = m[2] ? m[2].split(",").length : c[side].rounds;
    const key = kindOf(text);
    const kind = kinds.get(key);
    if (!kind) {
      kinds.set(key, {
        example: text,
        rounds: { base: side === "base" ? rounds : 0, head: side === "head" ? rounds : 0 },
        varies: false,
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
