/**
 * The cache stage with another worker's cache behind it (workers=N and serve-stale): two stages,
 * "a" and "b", each with its own store and clock, b asking a's store as the primary would
 * (process/entry-sharing.ts sharedEntry, in portable form). b asks only on a miss for a name that
 * may be served stale, and only when its own fetch fails or is late; what it gets it serves (fresh
 * with its TTLs left, or stale with TTL 30) and keeps.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { Buffer } from 'node:buffer';
import { FakeClock } from '../../../src/clock.js';
import { CacheStore } from '../../../src/cache/store.js';
import { createCache, type CacheOptions } from '../../../src/handlers/cache.js';
import type { StaleOptions } from '../../../src/handlers/cache-settings.js';
import type { SiblingEntries } from '../../../src/handlers/refresh-or-fallback.js';
import { finalize } from '../../../src/pipeline/finalize.js';
import { Reply, type Next, type Outcome } from '../../../src/pipeline/types.js';
import { sharedEntry } from '../../../src/process/entry-sharing.js';
import type { Runtime } from '../../../src/runtime.js';
import { isPromise } from '../../../src/util/thenable.js';
import { CACHE_BASE } from '../../helpers/cache-stage.js';
import { rr } from '../../helpers/fake-upstream.js';
import { decode, makeQuery, upstreamReply } from '../../helpers/wire.js';

const STALE: StaleOptions = { maxSec: 3600, clientTimeoutMs: 50, ttl: 30 };
const BASE: CacheOptions = { ...CACHE_BASE, stale: STALE };

/** One worker's cache stage over an upstream that answers 10.0.0.1 with TTL 60, fails, or answers after `delayMs`. */
function worker(siblings: SiblingEntries | null, opts: Partial<CacheOptions> = {}) {
  const clock = new FakeClock();
  const store = new CacheStore(100, 1 << 20);
  const cache = createCache({ ...BASE, ...opts, siblings }, store, clock);
  let mode: 'answer' | 'fail' = 'answer';
  let delayMs = 0;
  const next: Next = (q) => {
    const r = mode === 'fail' ? new Reply(Buffer.from(q.msg), 'error', true, -1, -1, null) : upstreamReply(q, { answers: [rr.a(q.name, '10.0.0.1', 60)] });
    return delayMs > 0 ? new Promise((resolve) => setTimeout(() => resolve(r), delayMs)) : Promise.resolve(r);
  };
  const ask = async (name: string) => {
    const q = makeQuery(name);
    const r = cache.handle(q, next);
    const o: Outcome = isPromise(r) ? await r : r;
    assert.ok(o instanceof Reply);
    const p = decode(finalize(o, q, 1232));
    return { source: o.source, ttls: (p.answers ?? []).map((a) => (a as { ttl: number }).ttl), rcode: o.rcode === 0 ? 'NOERROR' : String(o.rcode) };
  };
  return {
    clock, store, cache, ask,
    fail: () => void (mode = 'fail'),
    slow: (ms: number) => void (delayMs = ms),
    /** What the primary would get from this worker for `key`. */
    share: (key: string) => sharedEntry({ store, cache } as unknown as Runtime, key, clock.now()),
  };
}

/** Worker "b" asking worker "a"'s cache, counting the asks. */
function pair(opts: Partial<CacheOptions> = {}) {
  let asks = 0;
  const a = worker(null, opts);
  const b = worker({
    ask: (key) => {
      asks++;
      const e = a.share(key);
      return Promise.resolve(e === null ? null : Buffer.from(e, 'base64'));
    },
  }, opts);
  return { a, b, asks: () => asks };
}

describe('cache stage with the other workers\' entries', () => {
  it('serves another worker\'s expired entry stale when its own fetch fails, and keeps it', async () => {
    const { a, b, asks } = pair();
    await a.ask('shared.test');
    a.clock.advance(120);
    b.clock.advance(5000); // the workers' clocks have nothing in common
    b.fail();
    assert.deepEqual(await b.ask('shared.test'), { source: 'stale', ttls: [30], rcode: 'NOERROR' });
    assert.equal(asks(), 1);
    assert.deepEqual(await b.ask('shared.test'), { source: 'stale', ttls: [30], rcode: 'NOERROR' }, 'now from its own cache');
    assert.equal(asks(), 1);
    assert.equal(b.cache.counters.staleServed, 2);
  });

  it('serves another worker\'s fresh entry with the TTL it has left', async () => {
    const { a, b } = pair();
    await a.ask('fresh.test');
    a.clock.advance(20);
    b.fail();
    assert.deepEqual(await b.ask('fresh.test'), { source: 'cache', ttls: [40], rcode: 'NOERROR' });
    b.clock.advance(10);
    assert.deepEqual(await b.ask('fresh.test'), { source: 'cache', ttls: [30], rcode: 'NOERROR' }, 'a hit of its own, counting down');
  });

  it('answers with another worker\'s entry once its fetch is late (stale-client-timeout); the fetch still stores its answer', async () => {
    const { a, b } = pair();
    await a.ask('late.test');
    a.clock.advance(120);
    b.slow(200);
    assert.deepEqual(await b.ask('late.test'), { source: 'stale', ttls: [30], rcode: 'NOERROR' });
    await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(await b.ask('late.test'), { source: 'cache', ttls: [60], rcode: 'NOERROR' }, 'the late answer was stored');
  });

  it('asks no one when its fetch answers, or the name may not be served stale', async () => {
    const { a, b, asks } = pair();
    await a.ask('own.test');
    assert.equal((await b.ask('own.test')).source, 'upstream');
    const off = pair({ stale: null });
    await off.a.ask('off.test');
    off.b.fail();
    assert.equal((await off.b.ask('off.test')).source, 'error');
    assert.equal(asks() + off.asks(), 0);
  });

  it('passes the failure on when no worker has an entry that may still serve', async () => {
    const { a, b, asks } = pair({ stale: { ...STALE, maxSec: 60 } });
    b.fail();
    assert.equal((await b.ask('nowhere.test')).source, 'error', 'no worker has it');
    await a.ask('old.test');
    a.clock.advance(60 + 61);
    assert.equal((await b.ask('old.test')).source, 'error', 'past the serve-stale window');
    assert.equal(asks(), 2);
  });
});
