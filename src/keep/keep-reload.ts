/**
 * reload-keeps-cache: after a reload (SIGHUP, a resolv-file or hostsdir change) has swapped the
 * new runtime in, keeps each cached entry whose signature (shape.ts) is the same under the old
 * and the new configuration, and drops the rest; everything goes when a global setting that
 * shapes stored replies changed, or the new configuration caches nothing. Remaining TTLs are not
 * touched. Logs at info how many entries were kept and dropped, once the walk has ended.
 */
import type { Logger } from '../log/logger.js';
import type { Runtime } from '../runtime.js';
import { KeepPass, type KeepCounts } from './keep-pass.js';
import { CacheShape } from './shape.js';

/**
 * Starts sorting `old`'s cache entries into `next`'s store (the same store, or a new one when the
 * cache size changed) and returns the walk, or null when there was nothing to walk. `onDone`
 * is called when the walk ends (at once when there is none).
 */
export function keepAcrossReload(old: Runtime, next: Runtime, log: Logger, onDone: () => void = () => {}): KeepPass | null {
  const from = old.store;
  const to = next.store;
  const total = from.size;
  const report = (c: KeepCounts, why: string | null) => {
    log.info({ kept: c.kept, dropped: c.dropped, ms: Math.round(c.ms), slices: c.slices, ...(why ? { why } : {}), resized: from !== to },
      'reload: cache entries kept and dropped');
    onDone();
  };
  const dropAll = (why: string): null => {
    if (from === to) from.clear();
    report({ kept: 0, dropped: total, ms: 0, slices: 0 }, why);
    return null;
  };
  if (next.config.cache.size === 0) return dropAll('caching is off');
  const before = new CacheShape(old);
  const after = new CacheShape(next);
  if (before.global !== after.global) return dropAll('a setting that shapes every stored reply changed');
  if (total === 0) return dropAll('the cache was empty');
  return new KeepPass(from, to, (key) => before.signature(key) === after.signature(key), (c) => report(c, null)).start();
}
