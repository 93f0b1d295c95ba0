/**
 * A bounds-checked protobuf wire reader for untrusted bytes (the lean pprof
 * reader, compare/pprof-scan.ts). A field that runs past its message throws
 * Truncated, which the caller turns into one line naming the file.
 */

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;
const TWO_32 = 4294967296;

export class Truncated extends Error {}

export class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /**
   * A varint read as int64 (two's complement), the way pprof-format plus
   * toNumber read it; exact below 2^53. Bounds are checked by the callers
   * of each message, which compare `pos` with `end`.
   */
  varint(): number {
    const buf = this.buf;
    let b = buf[this.pos++]!;
    if (b < 0x80) return b;
    let lo = b & 0x7f;
    b = buf[this.pos++]!;
    lo |= (b & 0x7f) << 7;
    if (b < 0x80) return lo;
    b = buf[this.pos++]!;
    lo |= (b & 0x7f) << 14;
    if (b < 0x80) return lo;
    b = buf[this.pos++]!;
    lo |= (b & 0x7f) << 21;
    if (b < 0x80) return lo;
    b = buf[this.pos++]!;
    lo = (lo | ((b & 0x0f) << 28)) >>> 0;
    let hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      b = buf[this.pos++]!;
      hi |= (b & 0x7f) << 3;
      if (b >= 0x80) {
        b = buf[this.pos++]!;
        hi |= (b & 0x7f) << 10;
        if (b >= 0x80) {
          b = buf[this.pos++]!;
          hi |= (b & 0x7f) << 17;
          if (b >= 0x80) {
            b = buf[this.pos++]!;
            hi |= (b & 0x7f) << 24;
            if (b >= 0x80) {
              b = buf[this.pos++]!;
              hi |= (b & 0x01) << 31;
              if (b >= 0x80) throw new Truncated("a varint longer than 10 bytes");
            }
          }
        }
      }
    }
    return (hi | 0) * TWO_32 + lo;
  }

  /** End offset of a length-delimited field that starts at `pos`. */
  lengthEnd(): number {
    const len = this.varint();
    const end = this.pos + len;
    if (len < 0 || end > this.end) throw new Truncated("a field runs past the end of its message");
    return end;
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        break;
      case WIRE_I64:
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.pos = this.lengthEnd();
        break;
      case WIRE_I32:
        this.pos += 4;
        break;
      default:
        throw new Truncated(`wire type ${wire} is not used by profile.proto`);
    }
    if (this.pos > this.end) throw new Truncated("a field runs past the end of its message");
  }
}

/** Throws Truncated unless a message decoded up to `end` ended exactly there. */
export function checkEnd(r: Reader, end: number): void {
  if (r.pos !== end) throw new Truncated("a field runs past the end of its message");
}

/**
 * A repeated varint field, packed (one length-delimited field, as proto3
 * writers such as Go write it) or one varint per field (proto2 writers).
 */
export function readRepeated(r: Reader, wire: number, push: (v: number) => void): void {
  if (wire === WIRE_VARINT) {
    push(r.varint());
    return;
  }
  const stop = r.lengthEnd();
  while (r.pos < stop) push(r.varint());
  if (r.pos !== stop) throw new Truncated("a packed field ends inside a varint");
}

/** The varint fields 1..`count` of a small message, indexed by field number (0 when absent); others skipped. */
export function decodeVarints(r: Reader, end: number, count: number): number[] {
  const out = new Array<number>(count + 1).fill(0);
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    if (field >= 1 && field <= count && (tag & 7) === WIRE_VARINT) out[field] = r.varint();
    else r.skip(tag & 7);
  }
  checkEnd(r, end);
  return out;
}
