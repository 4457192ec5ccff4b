/** The cache stage's options in unit tests. */
import type { CacheOptions } from '../../src/handlers/cache.js';

/** A cache stage that stores everything it may, with no TTL rules, rotation on and serve-stale off. */
export const CACHE_BASE: CacheOptions = {
  enabled: true,
  ttl: { minCacheTtl: 0, maxCacheTtl: 2_147_483_647, negTtl: null, noNegcache: false },
  clientMaxTtl: 0,
  rotate: true,
  ednsPacketMax: 1232,
  stale: null,
  domains: null,
};
