import {
  Function as PprofFunction,
  Line,
  Location,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from "pprof-format";
import { functionKey } from "./functions.js";
import type { SampleTypeName } from "./kinds.js";

/** One frame of a stack as importers see it; line is 1-based, 0 when unknown. */
export interface Frame {
  name: string;
  file: string;
  line?: number;
}

export interface BuilderOptions {
  sampleTypes: SampleTypeName[];
  /** e.g. { type: "cpu", unit: "nanoseconds" } with period 10_000_000 for 100 Hz. */
  periodType?: SampleTypeName;
  period?: number;
  /** Wall-clock start of the profile, nanoseconds since the Unix epoch. */
  timeNanos?: number;
  durationNanos?: number;
  comments?: string[];
  /** Refuse a profile past this many samples or locations (import/limits.ts IMPORT_LIMITS). */
  limits?: { samples: number; locations: number };
}

/**
 * A copy of `s` that refers to no other string. V8 keeps a substring (a regex
 * capture, a line of a split text) as a slice of its parent, so one function
 * name parsed from a profiler's text output would keep the whole text alive
 * as long as the profile: about 15 MB of `perf script` output per 4 s
 * Python window, held for every round of a run (bench/retained.ts).
 */
function ownCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/**
 * Builds a pprof Profile one sample at a time, interning strings, functions
 * and locations. Every importer goes through it (speedscope's
 * appendSampleWithWeight pattern), so every imported profile has the same
 * shape: one location per (function, line), no mappings.
 */
export class ProfileBuilder {
  private readonly strings = new StringTable();
  private readonly functions = new Map<string, PprofFunction>();
  private readonly locations = new Map<string, Location>();
  private readonly samples: Sample[] = [];
  private readonly width: number;

  constructor(private readonly options: BuilderOptions) {
    this.width = options.sampleTypes.length;
  }

  /** `stack` is leaf first, like pprof's locationId; `values` one per sample type. */
  addSample(stack: readonly Frame[], values: readonly number[]): void {
    if (values.length !== this.width) {
      throw new Error(`sample has ${values.length} values, profile has ${this.width} sample types`);
    }
    if (values.every((v) => v === 0)) return;
    const limits = this.options.limits;
    if (limits && this.samples.length >= limits.samples)
      throw new Error(
        `more than ${limits.samples} samples, the limit for one imported profile; capture a shorter window`,
      );
    const locationId = stack.map((frame) => this.location(frame).id);
    this.samples.push(new Sample({ locationId, value: [...values] }));
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  build(): Profile {
    const o = this.options;
    const vt = (t: SampleTypeName) =>
      new ValueType({ type: this.strings.dedup(t.type), unit: this.strings.dedup(t.unit) });
    return new Profile({
      sampleType: o.sampleTypes.map(vt),
      sample: this.samples,
      location: [...this.locations.values()],
      function: [...this.functions.values()],
      stringTable: this.strings,
      ...(o.periodType ? { periodType: vt(o.periodType), period: o.period ?? 0 } : {}),
      timeNanos: o.timeNanos ?? 0,
      durationNanos: o.durationNanos ?? 0,
      comment: (o.comments ?? []).map((c) => this.strings.dedup(c)),
    });
  }

  private location(frame: Frame): Location {
    const line = frame.line ?? 0;
    const key = `${functionKey(frame)}\u0000${line}`;
    let loc = this.locations.get(key);
    if (!loc) {
      const limits = this.options.limits;
      if (limits && this.locations.size >= limits.locations)
        throw new Error(
          `more than ${limits.locations} distinct frames, the limit for one imported profile; no real program has that many`,
        );
      const fn = this.function(frame);
      loc = new Location({
        id: this.locations.size + 1,
        line: [new Line({ functionId: fn.id, line })],
      });
      this.locations.set(key, loc);
    }
    return loc;
  }

  private function(frame: Frame): PprofFunction {
    const key = functionKey(frame);
    let fn = this.functions.get(key);
    if (!fn) {
      const name = ownCopy(frame.name);
      fn = new PprofFunction({
        id: this.functions.size + 1,
        name: this.strings.dedup(name),
        systemName: this.strings.dedup(name),
        filename: this.strings.dedup(ownCopy(frame.file)),
      });
      this.functions.set(key, fn);
    }
    return fn;
  }
}
