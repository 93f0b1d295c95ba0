/**
 * Escaping for the three places a frame name lands: XML (the SVG, the HTML
 * page's markup), a JSON block inside <script>, and plain text for the PR
 * comment. Frame names come from profiles, and profiles come from pull
 * requests: treat every name as hostile.
 */

/**
 * Characters XML 1.0 forbids even when escaped (§2.2 Char): C0 controls
 * other than tab, LF, CR; lone surrogates; U+FFFE and U+FFFF. One of them
 * would make the whole SVG unreadable, so they become U+FFFD.
 */
const XML_INVALID =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const XML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Safe in XML/HTML text and in single- or double-quoted attribute values. */
export function escapeXml(s: string): string {
  return s.replace(XML_INVALID, "\uFFFD").replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

/**
 * JSON for a <script type="application/json"> block: `<`, `>` and `&` as
 * \u escapes so `</script>` or `<!--` in a name cannot end the block, and
 * U+2028/U+2029 escaped for old JavaScript parsers. JSON.parse reads it back
 * unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * One line of plain text for a fenced block in a PR comment: control
 * characters (a newline in a name would forge a line) become U+FFFD, and
 * every run of backticks becomes one U+02CB so no line can close the fence.
 */
export function plainText(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, "\uFFFD").replace(/`+/g, "\u02CB");
}

/** Cuts to at most `max` code points, ending in "…" when cut; never splits a surrogate pair. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  if (max <= 0) return "";
  return chars.slice(0, max - 1).join("") + "…";
}
