/**
 * The LRU store over the slab: entry-count and byte bounds, eviction order, replacing and
 * deleting entries returns their slots (memory stays flat under churn), refused entries.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { EntryRef, type KeyMatch } from '../../../src/cache/slab.js';
import { CacheStore } from '../../../src/cache/store.js';
import { hashKey } from '../../../src/util/key-hash.js';

const entry = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('CacheStore', () => {
  it('gets back what was set, and undefined for unknown keys', () => {
    const s = new CacheStore(10, 1 << 20);
    s.set('a', entry(40, 1));
    assert.deepEqual(s.get('a'), entry(40, 1));
    assert.equal(s.get('b'), undefined);
  });

  it('finds an entry through a KeyMatch and the key\'s hash, as a cache hit does, and marks it recently used', () => {
    const s = new CacheStore(2, 1 << 20);
    s.set('a', entry(40, 1));
    s.set('b', entry(40, 2), hashKey('b'));
    const matchOf = (key: string): KeyMatch => ({
      keyMatches: (buf, at, len) => len === key.length && Buffer.from(buf.buffer, buf.byteOffset + at, len).toString('latin1') === key,
    });
    const ref = new EntryRef();
    assert.ok(s.lookupMatch(hashKey('a'), matchOf('a'), ref));
    assert.deepEqual(ref.buf.subarray(ref.start, ref.end), entry(40, 1));
    assert.equal(s.lookupMatch(hashKey('a'), matchOf('b'), ref), false, 'the hash alone does not match');
    assert.equal(s.lookupMatch(hashKey('c'), matchOf('c'), ref), false);
    s.set('c', entry(40, 3));
    assert.equal(s.get('b'), undefined, 'b, not a, was least recently used');
    assert.ok(s.get('a'));
  });

  it('evicts the least recently used entry past cache-size, and counts it', () => {
    const s = new CacheStore(3, 1 << 20);
    for (const k of ['a', 'b', 'c']) s.set(k, entry(40, k.charCodeAt(0)));
    s.get('a');
    s.set('d', entry(40, 4));
    assert.equal(s.get('b'), undefined, 'b was least recently used');
    assert.deepEqual(s.get('a'), entry(40, 97));
    assert.deepEqual(s.get('d'), entry(40, 4));
    assert.equal(s.size, 3);
    assert.equal(s.counters.evictions, 1);
  });

  it('bounds the bytes accounted by cache-max-bytes', () => {
    const s = new CacheStore(1000, 4096);
    for (let i = 0; i < 100; i++) s.set(`key${i}`, entry(200, i));
    assert.ok(s.bytes <= 4096, `${s.bytes} bytes accounted`);
    assert.ok(s.size > 0 && s.size < 100);
    assert.deepEqual(s.get('key99'), entry(200, 99), 'the newest entry is kept');
  });

  it('refuses an entry bigger than cache-max-bytes and drops the old entry of that key', () => {
    const s = new CacheStore(10, 1024);
    s.set('k', entry(100, 1));
    s.set('k', entry(2000, 2));
    assert.equal(s.get('k'), undefined);
    assert.equal(s.counters.refused, 1);
  });

  it('reuses slots under churn: replacing, deleting and evicting do not grow the slab', () => {
    const s = new CacheStore(1000, 1 << 24);
    const key = (prefix: string, i: number) => `${prefix}${String(i).padStart(6, '0')}`; // one slot size for all
    for (let i = 0; i < 1000; i++) s.set(key('k', i), entry(100, i));
    const held = s.slabBytes;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 1000; i++) s.set(key('k', i), entry(100, round)); // replace
      for (let i = 0; i < 500; i++) s.delete(key('k', i));
      for (let i = 0; i < 1000; i++) s.set(key(`${round}`, i), entry(100, i)); // evicts
    }
    assert.equal(s.slabBytes, held, 'the slab did not grow');
    assert.equal(s.size, 1000);
    assert.deepEqual(s.get(key('4', 999)), entry(100, 999 & 0xff));
    assert.equal(s.get(key('3', 0)), undefined, 'older entries were evicted');
  });

  for (const [max, names] of [[200, 600], [3000, 9000]] as const) {
  it(`agrees with a reference LRU over a random mix of set, get and delete (${max} entries, ${names} names)`, () => {
    const s = new CacheStore(max, 1 << 24);
    const ref = new Map<string, number>(); // insertion order = recency order
    let seed = 7;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let step = 0; step < 50_000; step++) {
      const k = `name${rnd(names)}.example\x00\x01`;
      const op = rnd(10);
      if (op < 5) {
        const v = rnd(250);
        s.set(k, entry(20 + (v % 50), v));
        ref.delete(k);
        ref.set(k, v);
        if (ref.size > max) ref.delete(ref.keys().next().value!);
      } else if (op < 9) {
        const got = s.get(k);
        const want = ref.get(k);
        if (want === undefined) assert.equal(got, undefined, `step ${step}: ${k} should be absent`);
        else {
          assert.deepEqual(got, entry(20 + (want % 50), want), `step ${step}: ${k}`);
          ref.delete(k);
          ref.set(k, want);
        }
      } else {
        s.delete(k);
        ref.delete(k);
      }
      assert.equal(s.size, ref.size);
    }
  });
  }

  it('keeps memory bounded and keeps caching when answers move to another slot size', () => {
    const maxBytes = 8 << 20;
    const limit = 2 * maxBytes + (8 << 20); // the slab's cap (store.ts SLAB_SLACK)
    const s = new CacheStore(1_000_000, maxBytes);
    // Fill with one size of answer after another: each size fills cache-max-bytes on its own, so
    // without giving up the idle chunks of earlier sizes the slab would hold ~8 × 8 MiB.
    for (const size of [40, 200, 700, 1500, 3000, 6000, 12000, 20000]) {
      const n = Math.ceil((1.5 * maxBytes) / size);
      for (let i = 0; i < n; i++) s.set(`s${size}-${i}`, entry(size, i));
      assert.deepEqual(s.get(`s${size}-${n - 1}`), entry(size, (n - 1) & 0xff), `the newest ${size}-byte answer is cached`);
      assert.ok(s.slabBytes <= limit, `slab ${s.slabBytes} bytes after ${size}-byte answers`);
      assert.ok(s.bytes <= maxBytes);
    }
    assert.equal(s.get('s40-0'), undefined);
    assert.ok(s.counters.refused < 100, `${s.counters.refused} answers refused`);
  });

  it('clear() empties the index and keeps its memory and counters for the entries that follow', () => {
    const s = new CacheStore(100, 1 << 20);
    for (let i = 0; i < 150; i++) s.set(`k${i}`, entry(64, i));
    s.set('huge', entry(2 << 20, 1));
    assert.deepEqual(s.counters, { insertions: 150, evictions: 50, refused: 1 });
    const slabBytes = s.slabBytes;
    s.clear();
    assert.deepEqual(s.counters, { insertions: 150, evictions: 50, refused: 1 }, 'the counters go on');
    assert.equal(s.size, 0);
    assert.equal(s.bytes, 0);
    assert.equal(s.slabBytes, slabBytes);
    assert.equal(s.get('k1'), undefined);
    for (let i = 0; i < 150; i++) s.set(`n${i}`, entry(64, i));
    assert.equal(s.slabBytes, slabBytes, 'the emptied slots were used again');
    assert.equal(s.size, 100, 'cache-size still holds after clear');
    assert.equal(s.get('n49'), undefined, 'least recently used evicted first');
    assert.deepEqual(s.get('n50'), entry(64, 50));
    assert.deepEqual(s.get('n149'), entry(64, 149));
  });

  it('counts in the counters it is given (a replaced store\'s)', () => {
    const counters = { insertions: 7, evictions: 2, refused: 1 };
    const s = new CacheStore(1, 1 << 20, counters);
    s.set('a', entry(8, 1));
    s.set('b', entry(8, 2));
    assert.equal(s.counters, counters);
    assert.deepEqual(counters, { insertions: 9, evictions: 3, refused: 1 });
  });

  it('fits() the sizes it was made for', () => {
    const s = new CacheStore(100, 1 << 20);
    assert.ok(s.fits(100, 1 << 20));
    assert.ok(!s.fits(101, 1 << 20));
    assert.ok(!s.fits(100, 1 << 21));
  });
});

describe('CacheStore walks (reload-keeps-cache, cache-file)', () => {
  it('lists entry numbers least recently used first, reads keys and bytes by number, and deletes by number', () => {
    const s = new CacheStore(10, 1 << 20);
    for (const k of ['a', 'b', 'c']) s.set(k, entry(30, k.charCodeAt(0)));
    s.get('a');
    const order = [...s.order()];
    assert.deepEqual(order.map((e) => s.keyAt(e)), ['b', 'c', 'a']);
    const ref = new EntryRef();
    s.entryAt(order[0]!, ref);
    assert.deepEqual(ref.buf.subarray(ref.start, ref.end), entry(30, 'b'.charCodeAt(0)));
    s.deleteAt(order[0]!);
    assert.equal(s.keyAt(order[0]!), null, 'a deleted number holds no entry');
    assert.equal(s.has('b'), false);
    assert.equal(s.has('c'), true);
    assert.equal(s.size, 2);
    s.clear();
    assert.equal(s.keyAt(order[1]!), null, 'nor does any after clear()');
    assert.equal(s.keyAt(-1), null);
    assert.equal(s.keyAt(1000), null);
  });
});
