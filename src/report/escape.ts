/**
 * Frame names and file paths come from the PR's code: attacker-controlled.
 * In markdown they are shown as code spans, which GitHub renders literally
 * (no HTML, no links, no @mentions, no emphasis). The span's backtick fence is
 * longer than any backtick run inside, and `|` is escaped because GFM splits
 * table cells before it parses code spans (GFM spec, "Tables").
 */

/** Longest name shown in markdown, in characters; the JSON report keeps the full name. */
export const MAX_NAME_CHARS = 120;

export function truncate(s: string, max = MAX_NAME_CHARS): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

/** A markdown code span holding `text` literally; safe inside a table cell. */
export function codeSpan(text: string, max = MAX_NAME_CHARS): string {
  // Line breaks would end a table row; control characters have no business in a name.
  // eslint-disable-next-line no-control-regex
  const flat = truncate(text.replace(/[\u0000-\u001f\u007f]+/g, " "), max);
  if (flat.trim() === "") return "` `";
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longestRun + 1);
  // A space on each side lets a name start or end with a backtick (CommonMark strips one).
  const padded = flat.startsWith("`") || flat.endsWith("`") || longestRun > 0 ? ` ${flat} ` : flat;
  return `${fence}${padded.replace(/\|/g, "\\|")}${fence}`;
}

/** Plain text outside code: every ASCII punctuation character backslash-escaped, `<`/`>`/`&` as entities. */
export function escapeText(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|~=:@"']/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** A fence for a code block that no line of `body` can close. */
export function codeFence(body: string): string {
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  return "`".repeat(Math.max(3, longestRun + 1));
}
