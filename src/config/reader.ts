import { FlamegateError } from "../errors.js";
import { configLine } from "./issues.js";
import { type Parsed, parseFraction, parseSeconds, parseUrl, parseWhole } from "./units.js";

/**
 * One value at a time, with the config's units and wording: for the action's
 * inputs, which are read one by one and may override `fail` to name an input
 * instead of a key.
 */
export class ConfigReader {
  constructor(readonly source: string) {}

  fail(key: string, value: unknown, want: string): never {
    throw new FlamegateError(configLine(this.source, key, want, value));
  }

  private take<T>(key: string, v: unknown, r: Parsed<T>): T {
    return r.ok ? r.value : this.fail(key, v, r.want);
  }

  int(key: string, v: unknown, min: number, max: number): number {
    return this.take(key, v, parseWhole(v, min, max));
  }

  /** "20s", "500ms", "2m", or a bare number of seconds. */
  seconds(key: string, v: unknown, max = 3600): number {
    return this.take(key, v, parseSeconds(v, max));
  }

  /** "10%" or a fraction such as 0.1; returned as a fraction. */
  fraction(key: string, v: unknown): number {
    return this.take(key, v, parseFraction(v));
  }

  url(key: string, v: unknown, schemes: string[]): string {
    return this.take(key, v, parseUrl(v, schemes));
  }
}
