/**
 * What a file or a hostsdir looked like when it was read, as a short string, so a watcher can
 * tell later whether it changed since (inode, size and modification time; a missing file is null).
 * Taken by whoever reads the file, before reading it: a write after the signature then always
 * shows as a change, even one that lands before the watcher's first look.
 */
import { stat, statSync, type Stats } from 'node:fs';

const of = (st: Stats): string => `${st.ino}:${st.size}:${st.mtimeMs}`;

/** The signature of `path` now, or null when it cannot be stat'ed. */
export function fileSignature(path: string): string | null {
  const st = statSync(path, { throwIfNoEntry: false });
  return st === undefined ? null : of(st);
}

/** fileSignature, asynchronously (a poll in the thread pool). */
export function fileSignatureAsync(path: string): Promise<string | null> {
  return new Promise((resolve) => stat(path, (err, st) => resolve(err ? null : of(st))));
}

/** The signature of a listing: `name signature` of each file, in the given order. */
export function listingSignature(files: readonly { name: string; stats: Stats }[]): string {
  return files.map((f) => `${f.name} ${of(f.stats)}`).join('\n');
}
