import { z } from "zod";
import { GateSchema } from "./gate.js";
import { configError, fallbackWant } from "./issues.js";
import { mapping } from "./fields.js";
import { ServiceSchema, toService } from "./service.js";
import type { Config } from "./types.js";

/** The whole document: `version`, `services` and `gate`. */

const ServicesSchema = z
  .unknown()
  .superRefine((v, ctx) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return;
    const n = Object.keys(v).length;
    if (n === 0) ctx.addIssue({ code: "custom", message: "at least one service", input: v });
  })
  .pipe(z.record(z.string(), ServiceSchema, { error: "a mapping" }));

const DocumentSchema = mapping({
  version: z.literal(1, { error: "1" }).optional(),
  services: ServicesSchema.optional(),
  gate: GateSchema,
});

/**
 * Parse an already-loaded YAML/JSON document into a complete Config. `source`
 * starts every error line; `baseDir` anchors relative `cwd`s.
 */
export function parseConfig(doc: unknown, source: string, baseDir: string): Config {
  const r = DocumentSchema.safeParse(doc, { reportInput: true, error: fallbackWant });
  if (!r.success) throw configError(source, r.error);
  return {
    source,
    services: Object.entries(r.data.services ?? {}).map(([name, s]) => toService(name, s, baseDir)),
    gate: r.data.gate,
  };
}
