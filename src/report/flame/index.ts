/** The differential flamegraph renderers: static SVG, interactive HTML page, text for the PR comment. */
export {
  diffStacks,
  verdictsOf,
  DEFAULT_DIFF_OPTIONS,
  type DiffNode,
  type DiffOptions,
  type DiffTree,
  type Change,
} from "../../compare/stack-diff.js";
export { renderSvg, type SvgOptions, type WidthSource } from "./svg.js";
export { renderTextFlame, type TextFlameOptions } from "./text.js";
export { renderHtml, type FlameStacks, type HtmlInput, type HtmlOptions } from "./html.js";
