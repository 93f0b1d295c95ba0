/**
 * Regenerates the pprof goldens in fixtures/golden/pprof/: what
 * `go tool pprof -top` prints for the inputs in fixtures/golden/pprof/inputs/,
 * the reference the compare stage must match exactly (test/compare/golden.test.ts).
 *
 *   npx tsx scripts/golden-pprof.ts            # perturbed copy + every golden
 *   npx tsx scripts/golden-pprof.ts --capture  # also re-capture the Go alloc profiles
 *
 * Flags given to pprof, and why:
 *   -top -filefunctions      function granularity keyed by name + file, flamegate's
 *                            identity (plain -top keys by name only; the name-only
 *                            golden shows they agree on the large profile)
 *   -nodecount=1000000 -nodefraction=0 -edgefraction=0   drop no node
 *   -unit=ns / -unit=B       print whole nanoseconds / bytes instead of 1.23s
 *   -symbolize=none          the profiles are symbolised; do not look for binaries
 * Goldens over 64 KiB are stored gzipped (*.top.gz).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { Profile } from "pprof-format";
import { packageRoot } from "../src/paths.js";

const dir = join(packageRoot(), "fixtures", "golden", "pprof");
const inputs = join(dir, "inputs");
const input = (name: string) => join(inputs, name);

/**
 * A deterministic perturbation of the large profile, written with
 * pprof-format: every 7th sample dropped, every 5th (offset 1) scaled by 3,
 * every 11th (offset 2) halved, so functions vanish, grow and shrink.
 */
function writePerturbed(): void {
  const profile = Profile.decode(gunzipSync(readFileSync(input("large.cpu.pb.gz"))));
  profile.sample = profile.sample.filter((s, i) => {
    if (i % 7 === 0) return false;
    const factor = i % 5 === 1 ? 3 : i % 11 === 2 ? 0.5 : 1;
    s.value = s.value.map((v) => Math.round(Number(v) * factor));
    return true;
  });
  writeFileSync(input("large-perturbed.cpu.pb.gz"), gzipSync(profile.encode(), { level: 9 }));
}

function capture(): void {
  const program = join(dir, "captured-go");
  for (const [name, extra] of [
    ["alloc-base.alloc.pb.gz", "0"],
    ["alloc-head.alloc.pb.gz", "2"],
  ] as const) {
    execFileSync("go", ["run", ".", "-extra", extra, "-o", input(name)], {
      cwd: program,
      stdio: "inherit",
    });
  }
}

interface Golden {
  /** File name under fixtures/golden/pprof/, named after what it covers. */
  name: string;
  sampleIndex: string;
  unit: string;
  head: string;
  base?: string;
  nameOnly?: boolean;
}

const GOLDENS: Golden[] = [
  { name: "large.cpu.top.gz", sampleIndex: "cpu", unit: "ns", head: "large.cpu.pb.gz" },
  {
    name: "large.cpu.name-only.top.gz",
    sampleIndex: "cpu",
    unit: "ns",
    head: "large.cpu.pb.gz",
    nameOnly: true,
  },
  { name: "large.samples.top.gz", sampleIndex: "samples", unit: "", head: "large.cpu.pb.gz" },
  {
    name: "large-perturbed.cpu.top.gz",
    sampleIndex: "cpu",
    unit: "ns",
    head: "large-perturbed.cpu.pb.gz",
  },
  {
    name: "large-vs-itself.cpu.diff.top.gz",
    sampleIndex: "cpu",
    unit: "ns",
    base: "large.cpu.pb.gz",
    head: "large.cpu.pb.gz",
  },
  {
    name: "large-vs-perturbed.cpu.diff.top.gz",
    sampleIndex: "cpu",
    unit: "ns",
    base: "large.cpu.pb.gz",
    head: "large-perturbed.cpu.pb.gz",
  },
  { name: "sample.cpu.top", sampleIndex: "cpu", unit: "ns", head: "sample.cpu.pb.gz" },
  {
    name: "alloc-base.alloc_space.top",
    sampleIndex: "alloc_space",
    unit: "B",
    head: "alloc-base.alloc.pb.gz",
  },
  {
    name: "alloc-base.alloc_objects.top",
    sampleIndex: "alloc_objects",
    unit: "",
    head: "alloc-base.alloc.pb.gz",
  },
  {
    name: "alloc-head.alloc_space.top",
    sampleIndex: "alloc_space",
    unit: "B",
    head: "alloc-head.alloc.pb.gz",
  },
  {
    name: "alloc-base-vs-head.alloc_space.diff.top",
    sampleIndex: "alloc_space",
    unit: "B",
    base: "alloc-base.alloc.pb.gz",
    head: "alloc-head.alloc.pb.gz",
  },
];

function pprofTop(g: Golden): string {
  const args = [
    "tool",
    "pprof",
    "-symbolize=none",
    "-top",
    ...(g.nameOnly ? [] : ["-filefunctions"]),
    "-nodecount=1000000",
    "-nodefraction=0",
    "-edgefraction=0",
    `-sample_index=${g.sampleIndex}`,
    ...(g.unit ? [`-unit=${g.unit}`] : []),
    ...(g.base ? ["-diff_base", input(g.base)] : []),
    input(g.head),
  ];
  return execFileSync("go", args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

if (process.argv.includes("--capture")) capture();
writePerturbed();
for (const g of GOLDENS) {
  const text = pprofTop(g);
  writeFileSync(join(dir, g.name), g.name.endsWith(".gz") ? gzipSync(text, { level: 9 }) : text);
  process.stdout.write(`${g.name}: ${text.split("\n").length} lines\n`);
}
