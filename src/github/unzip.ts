import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Entry, type ZipFile, openPromise } from "yauzl";
import { FlamegateError, errorMessage } from "../errors.js";

/**
 * Unpacking a zip that someone else made (another run's artifact) without
 * trusting it. Everything is checked on the central directory before the
 * first byte is written: the entry count, the names (relative, inside the
 * target, no symbolic links or device files, no duplicates) and the declared
 * unpacked total. yauzl then holds every entry to its declared size while
 * inflating (validateEntrySizes), and the bytes actually written are counted
 * as they stream, so a lying directory cannot push the target past the cap.
 */

export interface UnzipLimits {
  /** Bytes of the zip file itself: held while it downloads (artifacts.ts), before it is opened here. */
  zipBytes: number;
  /** Bytes of all entries together once unpacked. */
  unpackedBytes: number;
  /** Entries (files and folders) in the central directory. */
  entries: number;
}

/**
 * Passes bytes on while the bytes counted in `tally` (shared by every stream
 * given the same tally) stay within `limit`; past it, fails with `over()`.
 */
export function byteCap(tally: { bytes: number }, limit: number, over: () => Error): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      tally.bytes += chunk.length;
      if (tally.bytes > limit) done(over());
      else done(null, chunk);
    },
  });
}

/** The one-line error for input refused as untrusted: `where` names it, `problem` says what is wrong. */
export function refusal(where: string, problem: string): FlamegateError {
  return new FlamegateError(`${where}: ${oneLine(problem)}; refusing it as untrusted input`);
}

/** Names and yauzl's messages come from the zip: escape control characters so the error stays one line. */
function oneLine(s: string): string {
  return s.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** An entry name for a message: quoted, and cut at 200 characters (a name may be 64 KiB). */
function quoted(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);
}

/**
 * File-type bits of a Unix st_mode. Zips made on Unix keep the mode in the
 * top 16 bits of an entry's external attributes; other makers leave them 0.
 */
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

interface Planned {
  entry: Entry;
  /** Absolute path under the target directory. */
  target: string;
  isDir: boolean;
}

/**
 * Unpacks `zipPath` into `dir` (created if missing) within `limits`; every
 * refusal is a FlamegateError naming `where` (e.g. `artifact x (id 7)`). On a
 * refusal part of the zip may already be in `dir`, never more than
 * `limits.unpackedBytes`, and nothing outside it.
 */
export async function unzipCapped(
  zipPath: string,
  dir: string,
  limits: UnzipLimits,
  where: string,
): Promise<void> {
  let zip: ZipFile;
  try {
    // strictFileNames: a backslash in a name is refused, not read as a separator.
    zip = await openPromise(zipPath, {
      autoClose: false,
      strictFileNames: true,
      validateEntrySizes: true,
    });
  } catch (err) {
    throw refusal(where, `not a readable zip (${errorMessage(err)})`);
  }
  try {
    if (zip.entryCount > limits.entries)
      throw refusal(
        where,
        `its zip holds ${zip.entryCount} entries, over the limit of ${limits.entries}`,
      );
    const root = resolve(dir);
    const planned: Planned[] = [];
    const seen = new Set<string>();
    let declared = 0;
    try {
      // yauzl refuses absolute names and ".." before an entry gets here.
      for await (const entry of zip.eachEntry()) {
        const name = quoted(entry.fileName);
        const isDir = entry.fileName.endsWith("/");
        const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
        if (type === S_IFLNK) throw refusal(where, `entry ${name} is a symbolic link`);
        if (type !== 0 && type !== S_IFREG && type !== S_IFDIR)
          throw refusal(where, `entry ${name} is a device, socket or pipe, not a file`);
        // Our own containment check, whatever yauzl's name rules let through.
        const target = resolve(root, entry.fileName);
        if (!target.startsWith(root + sep) && !(isDir && target === root))
          throw refusal(where, `entry ${name} would be written outside ${root}`);
        if (seen.has(target)) throw refusal(where, `entry ${name} appears twice`);
        seen.add(target);
        if (!isDir && !entry.canDecodeFileData())
          throw refusal(
            where,
            `entry ${name} is encrypted or uses compression method ${entry.compressionMethod}`,
          );
        declared += entry.uncompressedSize;
        if (declared > limits.unpackedBytes)
          throw refusal(
            where,
            `its zip directory declares more than ${limits.unpackedBytes} unpacked bytes (the limit)`,
          );
        planned.push({ entry, target, isDir });
      }
    } catch (err) {
      if (err instanceof FlamegateError) throw err;
      throw refusal(where, `its zip directory is invalid (${errorMessage(err)})`);
    }

    mkdirSync(root, { recursive: true });
    /** Bytes written across all entries. */
    const tally = { bytes: 0 };
    for (const { entry, target, isDir } of planned) {
      const name = quoted(entry.fileName);
      try {
        if (isDir) {
          mkdirSync(target, { recursive: true });
          continue;
        }
        mkdirSync(dirname(target), { recursive: true });
        // Counts what reaches the disk across all entries: the cap holds even if
        // a declared size slipped past the checks above.
        const cap = byteCap(tally, limits.unpackedBytes, () =>
          refusal(where, `unpacks to more than ${limits.unpackedBytes} bytes (the limit)`),
        );
        // "wx": never write through anything already at the target.
        await pipeline(
          await zip.openReadStreamPromise(entry),
          cap,
          createWriteStream(target, { flags: "wx" }),
        );
      } catch (err) {
        if (err instanceof FlamegateError) throw err;
        // A failing system call is this machine's problem (disk full, permissions);
        // anything else came from reading or inflating the zip.
        if (err instanceof Error && "syscall" in err) {
          const problem = `cannot unpack entry ${name} into ${root}: ${err.message}`;
          throw new FlamegateError(`${where}: ${problem}`, { cause: err });
        }
        throw refusal(where, `entry ${name} is corrupt (${errorMessage(err)})`);
      }
    }
  } finally {
    zip.close();
  }
}
