/**
 * The off-heap slab: entries come back byte for byte, slots are reused within a size class after
 * release, handles stay small integers, oversize entries are refused, clear() frees every slot and
 * keeps the chunks, and any mix of stores, releases, clears and chunks given up at the memory limit
 * keeps every live entry intact under a handle of its own.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { MAX_ENTRY, Slab } from '../../../src/cache/slab.js';
import { Prng } from '../../helpers/prng.js';

/** Stores `bytes` with an empty key. */
const put = (slab: Slab, bytes: Buffer) => slab.store('', bytes);

describe('Slab', () => {
  it('keeps the key in front of the entry and compares it', () => {
    const slab = new Slab();
    const key = '\x03www\x07example\x03com\x00\x00\x01\x00\x01\xff';
    const h = slab.store(key, Buffer.from('the entry'));
    assert.equal(slab.view(h).toString(), 'the entry');
    assert.equal(slab.view(h).length, 9);
    assert.ok(slab.keyEquals(h, key));
    assert.ok(!slab.keyEquals(h, key.slice(0, -1)), 'a prefix is not equal');
    assert.ok(!slab.keyEquals(h, `${key}x`), 'a longer key is not equal');
    assert.ok(!slab.keyEquals(h, key.replace('com', 'org')));
  });

  it('returns every stored entry byte for byte, across sizes and chunks', () => {
    const slab = new Slab();
    const entries = Array.from({ length: 3000 }, (_, i) => randomBytes((i * 37) % 2000));
    const handles = entries.map((e) => put(slab, e));
    entries.forEach((e, i) => {
      assert.deepEqual(slab.view(handles[i]!), e);
      assert.equal(slab.view(handles[i]!).length, e.length);
    });
    assert.equal(new Set(handles).size, handles.length, 'handles are distinct');
    for (const h of handles) assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 31, `handle ${h} is a small integer`);
  });

  it('reuses a released slot of the same class instead of growing', () => {
    const slab = new Slab();
    const hs = Array.from({ length: 5000 }, () => put(slab, Buffer.alloc(100, 1)));
    const grown = slab.allocatedBytes;
    for (const h of hs) slab.release(h);
    const again = Array.from({ length: 5000 }, (_, i) => put(slab, Buffer.alloc(98, i & 0xff)));
    assert.equal(slab.allocatedBytes, grown, 'no new chunk for the same number of same-class entries');
    again.forEach((h, i) => assert.deepEqual(slab.view(h), Buffer.alloc(98, i & 0xff)));
  });

  it('keeps other entries intact when one is released and its slot reused', () => {
    const slab = new Slab();
    const a = put(slab, Buffer.from('first entry'));
    const b = put(slab, Buffer.from('second entry'));
    slab.release(a);
    const c = put(slab, Buffer.from('third entry!'));
    assert.equal(slab.view(b).toString(), 'second entry');
    assert.equal(slab.view(c).toString(), 'third entry!');
  });

  it('stores the largest entry and refuses a bigger one', () => {
    const slab = new Slab();
    const big = randomBytes(MAX_ENTRY);
    assert.deepEqual(slab.view(put(slab, big)), big);
    assert.throws(() => put(slab, Buffer.alloc(MAX_ENTRY + 1)), RangeError);
    assert.throws(() => slab.store('k'.repeat(10), Buffer.alloc(MAX_ENTRY - 9)), RangeError, 'key and entry together');
    assert.ok(MAX_ENTRY >= 65535, 'any DNS message fits');
  });

  it('counts slot sizes at least as large as the entry plus its length fields', () => {
    for (const n of [0, 1, 25, 26, 27, 100, 255, 1000, 4096, 65535]) assert.ok(Slab.slotSize(n) >= n + 6, `slot for ${n}`);
  });

  it('stays under its memory limit: gives up idle chunks first, then answers -1', () => {
    const slab = new Slab(4 * 65536);
    const small = Array.from({ length: 2000 }, () => put(slab, Buffer.alloc(40))); // class 48: ~1365 a chunk
    assert.ok(small.every((h) => h >= 0));
    const before = slab.allocatedBytes;
    for (const h of small) slab.release(h); // both chunks idle now
    const big: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const h = put(slab, Buffer.alloc(1000, i & 0xff));
      if (h < 0) break;
      big.push(h);
    }
    assert.ok(slab.allocatedBytes <= 4 * 65536, `${slab.allocatedBytes} bytes held`);
    assert.ok(big.length > (2 * 65536) / 1024, `the idle small-entry chunks were given up for big entries (${big.length} stored, ${before} held before)`);
    big.forEach((h, i) => assert.deepEqual(slab.view(h), Buffer.alloc(1000, i & 0xff)));
    assert.equal(put(slab, Buffer.alloc(1000)), -1, 'full: no idle chunk left');
    slab.release(big[0]!);
    assert.ok(put(slab, Buffer.alloc(1000)) >= 0, 'a released slot of the class is used again');
  });

  it('frees every slot on clear() and keeps its chunks for what follows', () => {
    const slab = new Slab();
    const fill = (n: number) => Array.from({ length: n }, (_, i) => put(slab, Buffer.alloc(i % 2 ? 50 : 900, i & 0xff)));
    fill(300);
    const allocated = slab.allocatedBytes;
    assert.ok(allocated > 0);
    slab.clear();
    assert.equal(slab.allocatedBytes, allocated, 'no chunk given up');
    const again = fill(300);
    assert.equal(slab.allocatedBytes, allocated, 'the same entries fit in the same chunks');
    again.forEach((h, i) => assert.deepEqual(slab.view(h), Buffer.alloc(i % 2 ? 50 : 900, i & 0xff)));
    assert.equal(new Set(again).size, again.length, 'every handle distinct');
  });

  it('keeps live entries intact through random stores, releases, clears and chunks given up', () => {
    const rng = new Prng(0x51ab);
    // Seven size classes, memory for five chunks: classes take turns, idle chunks are given up.
    const slab = new Slab(5 * 64 * 1024);
    let refused = 0;
    const live = new Map<number, Buffer>();
    for (let step = 0; step < 40_000; step++) {
      const r = rng.int(1000);
      if (r < 2) {
        slab.clear();
        live.clear();
      } else if (r < 400 && live.size > 0) {
        const h = [...live.keys()][rng.int(live.size)]!;
        slab.release(h);
        live.delete(h);
      } else {
        const bytes = Buffer.alloc(rng.pick([20, 60, 200, 900, 3000, 9000, 20000]), step & 0xff);
        const h = put(slab, bytes);
        if (h < 0) {
          refused++; // at the memory limit with no idle chunk to give up
          continue;
        }
        assert.ok(!live.has(h), `handle ${h} handed out twice (step ${step})`);
        live.set(h, bytes);
      }
      if (step % 2000 === 0) for (const [h, b] of live) assert.deepEqual(slab.view(h), b, `handle ${h} at step ${step}`);
    }
    for (const [h, b] of live) assert.deepEqual(slab.view(h), b);
    assert.ok(slab.allocatedBytes <= 5 * 64 * 1024);
    assert.ok(refused > 100, `the memory limit was reached (${refused} refused)`);
  });
});
