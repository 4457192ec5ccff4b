/**
 * Replaces a file whole or not at all: the bytes go to `PATH.tmp-<pid>` (mode 0600), are
 * fsynced, and the temporary file is renamed over PATH, so a crash or a failed write never
 * leaves half a file under the name. On failure the temporary file is removed and the error
 * goes on to the caller, which says what was not kept.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** Writes `chunks` to `path` as described above; returns the bytes written. */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): number {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    let bytes = 0;
    try {
      for (const c of chunks) {
        for (let at = 0; at < c.length; ) at += writeSync(fd, c, at, c.length - at);
        bytes += c.length;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    return bytes;
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
