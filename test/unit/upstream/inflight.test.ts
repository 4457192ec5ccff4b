/**
 * The coalescing table: work with the same hash chained (other keys with that hash too: the caller
 * compares), removal anywhere in a chain, renewal, hashes above 30 bits.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { Inflight, type Chained } from '../../../src/upstream/inflight.js';

/** A test hash: the key's characters summed, so 'ab' and 'ba' collide. */
const hashOf = (key: string): number => [...key].reduce((h, c) => h + c.charCodeAt(0), 0xc0000000) >>> 0;

class W implements Chained<W> {
  next: W | null = null;
  readonly hash: number;
  constructor(readonly key: string, readonly tag: string) {
    this.hash = hashOf(key);
  }
}

const chain = (t: Inflight<W>, key: string): string[] => {
  const out: string[] = [];
  for (let w = t.first(hashOf(key)); w !== null; w = w.next) out.push(w.tag);
  return out;
};

test('work with one key is chained; other keys are separate', () => {
  const t = new Inflight<W>();
  t.add(new W('k', 'a'));
  t.add(new W('k', 'b'));
  t.add(new W('j', 'c'));
  assert.deepEqual(chain(t, 'k').sort(), ['a', 'b']);
  assert.deepEqual(chain(t, 'j'), ['c']);
  assert.equal(t.first(hashOf('x')), null);
  assert.equal(t.size, 2);
});

test('removing the head, the middle or the tail of a chain keeps the rest', () => {
  for (const gone of ['a', 'b', 'c']) {
    const t = new Inflight<W>();
    const ws = ['a', 'b', 'c'].map((tag) => new W('k', tag));
    for (const w of ws) t.add(w);
    const victim = ws.find((w) => w.tag === gone)!;
    t.remove(victim);
    assert.equal(victim.next, null);
    assert.deepEqual(chain(t, 'k').sort(), ['a', 'b', 'c'].filter((x) => x !== gone), `removing ${gone}`);
  }
});

test('the key disappears with its last work, and can be filed again', () => {
  const t = new Inflight<W>();
  const a = new W('k', 'a');
  t.add(a);
  t.remove(a);
  assert.equal(t.first(hashOf('k')), null);
  assert.equal(t.size, 0);
  t.add(a);
  assert.deepEqual(chain(t, 'k'), ['a']);
});

test('chains survive the periodic renewal of the table', () => {
  const t = new Inflight<W>();
  const keep = [new W('k', 'a'), new W('k', 'b')];
  for (const w of keep) t.add(w);
  for (let i = 0; i < 5000; i++) {
    const w = new W(`x${i}`, 'x');
    t.add(w);
    t.remove(w);
  }
  assert.deepEqual(chain(t, 'k').sort(), ['a', 'b']);
  assert.equal(t.size, 1);
});

test('keys that share a hash share a chain, each removable on its own', () => {
  const t = new Inflight<W>();
  const ab = new W('ab', 'ab');
  const ba = new W('ba', 'ba');
  t.add(ab);
  t.add(ba);
  assert.deepEqual(chain(t, 'ab').sort(), ['ab', 'ba']);
  assert.equal(t.size, 1);
  t.remove(ab);
  assert.deepEqual(chain(t, 'ba'), ['ba']);
});
