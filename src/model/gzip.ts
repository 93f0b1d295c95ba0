import { gunzipSync, gzipSync } from "node:zlib";
import { Profile } from "pprof-format";
import { FlamegateError } from "../errors.js";

/**
 * The largest decompressed profile flamegate accepts, in bytes. A real 240 s Go
 * CPU profile is 2.4 MB raw and a 250k-sample one ~25 MB; 512 MiB leaves room
 * for very large heaps while stopping a gzip bomb (1 GiB of zeros is ~1 MB
 * compressed) before it exhausts memory.
 */
export const MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzip with a hard cap on the output size; plain bytes pass through. */
export function maybeGunzip(
  bytes: Uint8Array,
  where: string,
  limit = MAX_DECOMPRESSED_BYTES,
): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
      throw new FlamegateError(
        `${where}: decompresses to more than ${limit / 1024 / 1024} MiB (gzip bomb or a profile too large to compare); refusing to read it`,
      );
    }
    throw new FlamegateError(
      `${where}: gzip data is corrupt or truncated (${(err as Error).message}); re-capture or re-download the file`,
    );
  }
}

/** Every profile flamegate writes is gzipped pprof, as `go tool pprof` expects. */
export function encodeProfileGz(profile: Profile): Buffer {
  return gzipSync(profile.encode());
}
