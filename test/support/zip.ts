import { crc32, createDeflateRaw, deflateRawSync } from "node:zlib";

/**
 * Writes zip files byte by byte (PKWARE APPNOTE 6.3, no zip64), so tests can
 * make the hostile ones that zip tools refuse to: names with "..", symbolic
 * links, headers that lie about sizes. The data is really deflated, so a
 * bomb here inflates like one made with `zip -9`.
 */

/** Deflated bytes with what an honest header says about them. */
export interface Deflated {
  compressed: Buffer;
  crc: number;
  /** Uncompressed bytes. */
  size: number;
}

export interface ZipEntry {
  name: string;
  /** Contents, deflated here; or already deflated (see deflatedZeros). Default: empty. */
  data?: Buffer | Deflated;
  /** Unix st_mode kept in the top 16 bits of the external attributes; default 0o100644, or 0o40755 for a name ending in "/". */
  mode?: number;
  /** The uncompressed size both headers claim, when it should lie. */
  declaredSize?: number;
}

export function deflated(data: Buffer): Deflated {
  return { compressed: deflateRawSync(data, { level: 9 }), crc: crc32(data), size: data.length };
}

/** `bytes` zeros deflated in 1 MiB pieces (no buffer of `bytes` is ever held): ~1 KB per MiB. */
export async function deflatedZeros(bytes: number): Promise<Deflated> {
  const piece = Buffer.alloc(1024 * 1024);
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (b: Buffer) => out.push(b));
  const ended = new Promise((done, fail) => deflate.on("end", done).on("error", fail));
  let crc = 0;
  for (let left = bytes; left > 0; left -= piece.length) {
    const chunk = piece.subarray(0, Math.min(left, piece.length));
    crc = crc32(chunk, crc);
    if (!deflate.write(chunk)) await new Promise((done) => deflate.once("drain", done));
  }
  deflate.end();
  await ended;
  return { compressed: Buffer.concat(out), crc, size: bytes };
}

/** 1980-01-01 00:00 in MS-DOS date and time fields. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
/** General purpose flag bit 11: the name is UTF-8. */
const UTF8 = 0x0800;
const DEFLATE = 8;
/** "Made by" Unix (3), spec version 2.0: readers then take the mode from the external attributes. */
const MADE_BY_UNIX = (3 << 8) | 20;

export function makeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const d = Buffer.isBuffer(e.data) ? deflated(e.data) : (e.data ?? deflated(Buffer.alloc(0)));
    const size = e.declaredSize ?? d.size;
    const mode = e.mode ?? (e.name.endsWith("/") ? 0o40755 : 0o100644);

    // The fields from "version needed" to the name's length, which the central
    // header repeats two bytes later than the local one.
    const shared = (header: Buffer, at: number) => {
      header.writeUInt16LE(20, at);
      header.writeUInt16LE(UTF8, at + 2);
      header.writeUInt16LE(DEFLATE, at + 4);
      header.writeUInt16LE(DOS_TIME, at + 6);
      header.writeUInt16LE(DOS_DATE, at + 8);
      header.writeUInt32LE(d.crc, at + 10);
      header.writeUInt32LE(d.compressed.length, at + 14);
      header.writeUInt32LE(size, at + 18);
      header.writeUInt16LE(name.length, at + 22);
    };

    // Extra field length (the last 2 bytes): 0.
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    shared(local, 4);
    locals.push(local, name, d.compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    shared(central, 6);
    // Extra field, comment, disk number, internal attributes: all 0.
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + d.compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
