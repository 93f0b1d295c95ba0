import { type Frame, ProfileBuilder } from "../model/builder.js";
import { looksLikeJson, quote } from "./json.js";
import { IMPORT_LIMITS } from "./limits.js";
import type { Importer } from "./types.js";

/**
 * Folded stacks, one stack per line, root first: `a;b;c 12` (Brendan
 * Gregg's stackcollapse scripts, `py-spy record -f raw`, async-profiler's
 * collapsed output). py-spy writes each frame as `name (file:line)`; that
 * suffix is split into file and line so Python functions group by name +
 * file like every other runtime's. Sample type: samples/count.
 *
 * A valid line is a stack (possibly empty), a space or tab, and a whole
 * non-negative count. Blank lines are ignored. Any other line (comments,
 * garbage, a fractional or negative weight) is skipped and counted, and the
 * import warns "N invalid lines skipped, first at line K". The file is not
 * claimed (null) when no line is valid or when invalid lines outnumber
 * valid ones: such text is something else, and the user then hears that
 * the file is not a profile flamegate can read. JSON text and text with NUL
 * characters (binary data) are never claimed.
 */

const FORMAT = "folded";

const DIGITS = /^\d+$/;

/**
 * `stack count`: the count is the last space- or tab-separated field.
 * Split by hand, not with one regex: a backtracking regex is quadratic on a
 * hostile megabyte-long line of "1 1 1 ...".
 */
function splitLine(line: string): { stack: string; count: number } | undefined {
  const trimmed = line.trimEnd();
  const cut = Math.max(trimmed.lastIndexOf(" "), trimmed.lastIndexOf("\t"));
  if (cut < 0) return undefined;
  const digits = trimmed.slice(cut + 1);
  const stack = trimmed.slice(0, cut).trimEnd();
  if (!DIGITS.test(digits)) return undefined;
  const count = Number(digits);
  return Number.isSafeInteger(count) ? { stack, count } : undefined;
}

/** py-spy's frame: `name (file:line)`, line 1-based; anything else is a bare name. */
function parseFrame(text: string): Frame {
  if (text.endsWith(")")) {
    const open = text.lastIndexOf(" (");
    const inner = open > 0 ? text.slice(open + 2, -1) : "";
    const colon = inner.lastIndexOf(":");
    const digits = inner.slice(colon + 1);
    const line = Number(digits);
    if (colon > 0 && DIGITS.test(digits) && Number.isSafeInteger(line))
      return { name: text.slice(0, open), file: inner.slice(0, colon), line };
  }
  return { name: text === "" ? "(unknown)" : text, file: "" };
}

export const foldedImporter: Importer = {
  format: FORMAT,
  import(_bytes, text) {
    const t = text();
    if (looksLikeJson(t) || t.includes("\u0000")) return null;
    const builder = new ProfileBuilder({
      sampleTypes: [{ type: "samples", unit: "count" }],
      limits: IMPORT_LIMITS,
    });
    // Frame text -> parsed frame: real files repeat the same frames on every line.
    const frames = new Map<string, Frame>();
    let valid = 0;
    let invalid = 0;
    let firstInvalid = 0;
    let firstInvalidText = "";
    const lines = t.split(/\r?\n|\r/);
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      const parsed = splitLine(line);
      if (!parsed) {
        if (invalid++ === 0) {
          firstInvalid = i + 1;
          firstInvalidText = line;
        }
        return;
      }
      valid++;
      // py-spy writes " 32" for samples taken while no Python frame was on the
      // stack; like its speedscope output, they count in the total with no frame.
      const names = parsed.stack === "" ? [] : parsed.stack.split(";");
      const stack: Frame[] = [];
      for (let j = names.length - 1; j >= 0; j--) {
        const name = names[j]!;
        let frame = frames.get(name);
        if (!frame) frames.set(name, (frame = parseFrame(name)));
        stack.push(frame);
      }
      builder.addSample(stack, [parsed.count]);
    });
    if (valid === 0 || invalid > valid) return null;
    const warnings =
      invalid === 0
        ? []
        : [
            `${FORMAT}: ${invalid} invalid line${invalid === 1 ? "" : "s"} skipped, first at line ${firstInvalid}: ${quote(firstInvalidText)}`,
          ];
    return { profile: builder.build(), warnings };
  },
};
