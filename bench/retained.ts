/**
 * npm run bench:retained: the memory a converted CPU profile keeps alive.
 * A session holds every round's profiles until it writes the profile set, so
 * what one profile retains, times the rounds of a run, is what a run needs.
 * Each of ROUNDS profiles is converted from its own `perf script` text, as a
 * window's is: the recorded Python fixture's text (27 samples, 3.12+ perf
 * trampolines) repeated to a real window's ~3,600 samples (the fixture under
 * perf at 1 kHz, 4 s). Prints the heap retained per profile and the text's size.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePerfScript, perfProfile } from "../src/capture/perf-script.js";

const ROUNDS = 10;
const SAMPLES_PER_WINDOW = 3_600;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write("bench:retained needs node --expose-gc (npm run bench:retained)\n");
  process.exit(2);
}
const recorded = readFileSync(
  join(import.meta.dirname, "../fixtures/captured/perf/python.perf-script.txt"),
  "utf8",
);
const copies = Math.ceil(SAMPLES_PER_WINDOW / parsePerfScript(recorded).length);
const kept: unknown[] = [];
let textBytes = 0;
let samples = 0;
gc();
const before = process.memoryUsage().heapUsed;
for (let round = 1; round <= ROUNDS; round++) {
  // A text of its own per round, as each window's perf script prints one.
  const text = `${Array.from({ length: copies }, () => recorded).join("\n")}\n# round ${round}\n`;
  textBytes = text.length;
  const parsed = parsePerfScript(text);
  samples = parsed.length;
  kept.push(perfProfile(parsed, { hz: 1000, durationNanos: 4e9, timeNanos: 0 }));
}
gc();
const retained = (process.memoryUsage().heapUsed - before) / ROUNDS;
console.log(
  `${ROUNDS} profiles of ${samples} samples each, from ${(textBytes / 1e6).toFixed(1)} MB of perf script text each: ` +
    `${(retained / 1e6).toFixed(2)} MB retained per profile (${kept.length} kept)`,
);
