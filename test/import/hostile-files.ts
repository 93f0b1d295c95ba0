import { gzipSync } from "node:zlib";
import {
  Function as PprofFunction,
  Line,
  Location,
  Profile,
  Sample,
  StringTable,
  ValueType,
} from "pprof-format";

// Hostile pprof files that are small on disk, for the limits test and the fuzz.

const MiB = 1024 * 1024;

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/** main, sampled 5 times, whose name is string `name` (which the caller may append). */
export function smallProfile(name?: number): Profile {
  const st = new StringTable();
  const p = new Profile({
    sampleType: [new ValueType({ type: st.dedup("samples"), unit: st.dedup("count") })],
    function: [new PprofFunction({ id: 1, name: st.dedup("main"), filename: st.dedup("main.go") })],
    location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 3 })] })],
    sample: [new Sample({ locationId: [1], value: [5] })],
    stringTable: st,
  });
  if (name !== undefined) p.function[0]!.name = name;
  return p;
}

/**
 * A .pb.gz whose string table ends with `count` names of `bytes` bytes each
 * (the first is main's name), written as gzip members so a huge name costs
 * a few KB per MiB to build: gunzip reads concatenated members as one stream.
 */
export function longNames(count: number, bytes: number): Buffer {
  const head = smallProfile(5);
  const member = gzipSync(Buffer.alloc(Math.min(bytes, MiB), 0x61));
  const parts: Buffer[] = [gzipSync(head.encode())];
  for (let n = 0; n < count; n++) {
    parts.push(gzipSync(Buffer.from([(6 << 3) | 2, ...varint(bytes)])));
    for (let left = bytes; left > 0; left -= MiB)
      parts.push(left >= MiB ? member : gzipSync(Buffer.alloc(left, 0x61)));
  }
  return Buffer.concat(parts);
}
