import { z } from "zod";
import { GateSchema } from "./gate.js";
import { configError, fallbackWant } from "./issues.js";
import { mapping } from "./fields.js";
import { ServiceSchema, toService } from "./service.js";
import type { Config } from "./types.js";

/** The whole document: `version`, `services` and `gate`. */

/**
 * Service names become folder names under --out, progress lines and the
 * sticky comment's key, so they are plain: no path separators, no "..", no
 * spaces, newlines or markup.
 */
export const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SERVICE_NAME_WANT =
  "named [A-Za-z0-9][A-Za-z0-9._-]{0,63} (a letter or digit, then at most 63 letters, digits, '.', '_' or '-')";

/**
 * Services per config: each takes minutes per side at the default budget, so a
 * hundred is already more than one CI job can measure; more is a mistake, refused
 * before any of them is read.
 */
export const MAX_SERVICES = 100;

const ServicesSchema = z
  .unknown()
  .superRefine((v, ctx) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return;
    const n = Object.keys(v).length;
    if (n === 0) ctx.addIssue({ code: "custom", message: "at least one service", input: v });
    if (n > MAX_SERVICES)
      ctx.addIssue({
        code: "custom",
        message: `at most ${MAX_SERVICES} services (each is measured for minutes per side)`,
        input: v,
        params: { shown: `${n} services` },
      });
  })
  .pipe(
    z.record(z.string().regex(SERVICE_NAME), ServiceSchema, {
      error: (issue) => (issue.code === "invalid_key" ? SERVICE_NAME_WANT : "a mapping"),
    }),
  );

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
