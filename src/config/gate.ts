import { z } from "zod";
import { DEFAULT_GATE, DEFAULT_GATE_STATISTICS } from "./defaults.js";
import { fraction, fractionIn, mapping, orEmpty, parsed, whole } from "./fields.js";
import type { GateConfig, KindThresholds } from "./types.js";
import { type Parsed, parseWhole } from "./units.js";

/** The `gate:` section: thresholds and the statistical settings (docs/statistics.md). */

const thresholds = (d: KindThresholds) =>
  orEmpty(mapping({ frame: fraction().default(d.frame), total: fraction().default(d.total) }));

/** A number, or a string of one: the action's inputs are strings. */
const alpha = parsed((v) => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return n > 0 && n < 0.5
    ? { ok: true, value: n }
    : { ok: false, want: "a number between 0 and 0.5, such as 0.005" };
});

const priorDf = parsed((v): Parsed<number | "auto"> =>
  v === "auto" ? { ok: true, value: "auto" } : parseWhole(v, 0, 10_000),
);

const sigma = () => fractionIn(0, 1, "a noise level above 0% and at most 100%, such as 5%", true);

const d = DEFAULT_GATE_STATISTICS;

export const GateSchema = orEmpty(
  mapping({
    cpu: thresholds(DEFAULT_GATE.cpu),
    alloc: thresholds(DEFAULT_GATE.alloc),
    "min-share": fraction().default(DEFAULT_GATE.minShare),
    ignore: z
      .array(z.string({ error: "a glob pattern" }), { error: "a list of glob patterns" })
      .default(() => []),
    alpha: alpha.default(DEFAULT_GATE.alpha),
    "min-count": whole(1, 1_000_000).default(d.minCount),
    "prior-df": priorDf.default(d.priorDf),
    "prior-sigma": sigma().default(d.priorSigma),
    "total-sigma": sigma().default(d.totalSigma),
  }),
).transform((g): GateConfig => ({
  cpu: g.cpu,
  alloc: g.alloc,
  minShare: g["min-share"],
  ignore: g.ignore,
  alpha: g.alpha,
  stats: {
    minCount: g["min-count"],
    priorDf: g["prior-df"],
    priorSigma: g["prior-sigma"],
    totalSigma: g["total-sigma"],
  },
}));
