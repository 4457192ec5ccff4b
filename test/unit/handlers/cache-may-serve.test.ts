/**
 * CacheStage.mayServe, what the cache file keeps: an entry is fresh before its expiry, and after it
 * only within the serve-stale window of its name's settings (the domain's when configured).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeClock } from '../../../src/clock.js';
import { CacheStore } from '../../../src/cache/store.js';
import { createCache, type CacheOptions } from '../../../src/handlers/cache.js';
import type { StaleOptions } from '../../../src/handlers/cache-settings.js';
import { wireKey } from '../../../src/local/zone.js';
import { SuffixMap } from '../../../src/routing/suffix-map.js';

const TTL = { minCacheTtl: 0, maxCacheTtl: 2_147_483_647, negTtl: null, noNegcache: false };
const stale = (maxSec: number): StaleOptions => ({ maxSec, clientTimeoutMs: 1800, ttl: 30 });

function stage(global: StaleOptions | null, domains: [string, StaleOptions | null][] = []) {
  const opts: CacheOptions = {
    enabled: true, ttl: TTL, clientMaxTtl: 0, rotate: true, ednsPacketMax: 1232, stale: global,
    domains: domains.length ? new SuffixMap(domains.map(([d, s]) => [d, { domain: d, ttl: TTL, stale: s }] as const)) : null,
  };
  return createCache(opts, new CacheStore(10, 1 << 20), new FakeClock());
}

/** mayServe for an A entry of `name` that expired at 1000, asked at `now`. */
const at = (c: ReturnType<typeof stage>, name: string, now: number): boolean => {
  const nameKey = wireKey(name);
  return c.mayServe(`${nameKey}\x00\x01\x00\x01\x00`, nameKey.length, 1000, now);
};

describe('CacheStage.mayServe', () => {
  it('is true while fresh, and after expiry only with serve-stale, within its window', () => {
    assert.equal(at(stage(null), 'a.test', 999), true);
    assert.equal(at(stage(null), 'a.test', 1000), false);
    assert.equal(at(stage(stale(60)), 'a.test', 1059), true);
    assert.equal(at(stage(stale(60)), 'a.test', 1060), false);
    assert.equal(at(stage(stale(0)), 'a.test', 10_000_000), true, '0: no limit');
  });

  it("follows the settings of the name's domain", () => {
    const c = stage(stale(60), [['pay.test', null], ['slow.test', stale(3600)]]);
    assert.equal(at(c, 'x.pay.test', 1001), false, 'no-stale-cache=/pay.test/');
    assert.equal(at(c, 'x.slow.test', 2000), true);
    assert.equal(at(c, 'x.other.test', 2000), false);
  });
});
