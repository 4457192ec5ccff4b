/**
 * What a file or a hostsdir looked like when it was read, as a short string, so a watcher can
 * tell later whether it changed since (inode, size and modification time; a missing file is null).
 * Taken by whoever reads the file, before reading it: a write after the signature then always
 * shows as a change, even one that lands before the watcher's first look.
 *
 * A small file's signature also carries a digest of its bytes: the kernel stamps modification
 * times from a coarse clock (a few ms), so a file rewritten in place, to the same size, within one
 * tick (a script writing resolv.conf twice) would otherwise look unchanged.
 */
import { createHash } from 'node:crypto';
import { readFile, readFileSync, stat, statSync, type Stats } from 'node:fs';

/** Files up to this size are digested too. */
const DIGESTED_MAX = 64 * 1024;

const of = (st: Stats, digest = ''): string => `${st.ino}:${st.size}:${st.mtimeMs}${digest}`;
const digestOf = (bytes: Buffer): string => `:${createHash('sha1').update(bytes).digest('base64')}`;
const digested = (st: Stats): boolean => st.isFile() && st.size <= DIGESTED_MAX;

/** A file's bytes and its signature, read once; `bytes` null (and `error` set) when it could not be read. */
export interface SignedRead {
  readonly signature: string | null;
  readonly bytes: Buffer | null;
  readonly error: Error | null;
}

/**
 * Reads `path` and takes its signature in one go, as the runtime does: the stat before the read
 * (null when it cannot be stat'ed), and for a small file the digest of exactly the bytes returned.
 */
export function readSigned(path: string): SignedRead {
  const st = statSync(path, { throwIfNoEntry: false });
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return { signature: st === undefined ? null : of(st), bytes: null, error: err as Error };
  }
  if (st === undefined) return { signature: null, bytes, error: null };
  return { signature: digested(st) ? of(st, digestOf(bytes)) : of(st), bytes, error: null };
}

/** The signature of `path` now, as readSigned takes it, without keeping the bytes: a watcher's poll in the thread pool. */
export function fileSignatureAsync(path: string): Promise<string | null> {
  return new Promise((resolve) => stat(path, (err, st) => {
    if (err) return resolve(null);
    if (!digested(st)) return resolve(of(st));
    readFile(path, (e, bytes) => resolve(e ? of(st) : of(st, digestOf(bytes))));
  }));
}

/** The signature of a listing: `name signature` of each file, in the given order. */
export function listingSignature(files: readonly { name: string; stats: Stats }[]): string {
  return files.map((f) => `${f.name} ${of(f.stats)}`).join('\n');
}
