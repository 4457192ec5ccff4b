/**
 * cache-file=PATH: the cache written on a clean stop and read at start, so a restart starts warm.
 * Writing goes to `PATH.tmp-<pid>`, then renames it over PATH, so a crash or a cut-short stop
 * never leaves half a file under the name. Both ends keep only the entries that may still answer
 * (CacheStage.mayServe): fresh ones, with their lifetimes less the wall-clock time since the file
 * was written, and expired ones whose serve-stale window (use-stale-cache) has not passed, with
 * the time since they expired; and loading only those whose signature (shape.ts) the
 * configuration in force gives them too; a file written under another global shape is not loaded
 * at all. A missing file is an info line; any other problem a warning naming the
 * file and a cold start (format in cache-file-format.ts).
 */
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import { fromPortable, toPortable } from '../cache/entry-age.js';
import { entryExpiry } from '../cache/entry-format.js';
import { EntryRef, MAX_ENTRY } from '../cache/slab.js';
import { FandnsError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Runtime } from '../runtime.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { CacheFileWriter, openCacheFile } from './cache-file-format.js';
import { CacheShape, keyNameLength } from './shape.js';

/** Where an entry is aged before it is written. */
const scratch = Buffer.allocUnsafe(MAX_ENTRY);

/** Writes the runtime's cache to `path` (see the file comment); logs the outcome, never throws. */
export function saveCacheFile(path: string, rt: Runtime, clock: Clock, log: Logger): void {
  const started = performance.now();
  try {
    const shape = new CacheShape(rt);
    const store = rt.store;
    const now = clock.now();
    const w = new CacheFileWriter({ writtenMs: Date.now(), global: shape.global });
    const ref = new EntryRef();
    let expired = 0;
    for (const e of store.order()) {
      const key = store.keyAt(e);
      if (key === null) continue;
      store.entryAt(e, ref);
      if (!rt.cache.mayServe(key, keyNameLength(key), entryExpiry(ref.buf, ref.end), now)) {
        expired++;
        continue;
      }
      ref.buf.copy(scratch, 0, ref.start, ref.end);
      const entry = scratch.subarray(0, ref.end - ref.start);
      toPortable(entry, now);
      w.add(shape.signature(key), key, entry);
    }
    const bytes = writeFileAtomic(path, w.finish());
    log.info({ file: path, entries: w.entries, expired, bytes, ms: Math.round(performance.now() - started) }, 'cache written to cache-file');
  } catch (err) {
    log.warn({ file: path, err: (err as Error).message }, 'cannot write cache-file; the next start will be cold');
  }
}

const notAnEntry = (entry: Uint8Array, key: string): FandnsError =>
  new FandnsError('FANDNS_CACHE_FILE', `an entry of ${entry.length} bytes under key ${JSON.stringify(key)} is no cache entry`);

/** What a load found. */
export interface LoadCounts {
  readonly loaded: number;
  readonly expired: number;
  /** Entries the configuration in force would not produce the same way. */
  readonly changed: number;
}

/** Loads `path` into the runtime's cache (see the file comment); logs the outcome, never throws. */
export function loadCacheFile(path: string, rt: Runtime, clock: Clock, log: Logger): LoadCounts | null {
  const started = performance.now();
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') log.info({ file: path }, 'no cache-file yet: the cache starts empty');
    else log.warn({ file: path, err: e.message }, 'cannot read cache-file: the cache starts empty');
    return null;
  }
  try {
    const file = openCacheFile(buf);
    const shape = new CacheShape(rt);
    if (file.global !== shape.global) {
      log.warn({ file: path }, 'cache-file was written under settings that shape every stored reply differently: the cache starts empty');
      return null;
    }
    const now = clock.now();
    const downSec = Math.max(0, Math.ceil((Date.now() - file.writtenMs) / 1000));
    let loaded = 0;
    let expired = 0;
    let changed = 0;
    const store = rt.store;
    file.forEach((sig, key, entry) => {
      if (shape.signature(key) !== file.signatures[sig]) return void changed++;
      if (fromPortable(entry, downSec, now) < 0) throw notAnEntry(entry, key);
      if (!rt.cache.mayServe(key, keyNameLength(key), entryExpiry(entry), now)) return void expired++;
      store.set(key, entry);
      loaded++;
    });
    log.info({ file: path, loaded, expired, changed, downSec, ms: Math.round(performance.now() - started) }, 'cache loaded from cache-file');
    return { loaded, expired, changed };
  } catch (err) {
    // A damaged entry refuses the whole file, entries already stored included.
    rt.store.clear();
    log.warn({ file: path, err: (err as Error).message }, 'cache-file is damaged or of another version: the cache starts empty');
    return null;
  }
}
