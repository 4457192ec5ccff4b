/**
 * The coalescing table: work with the same key chained, removal anywhere in a chain, renewal.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { Inflight, type Chained } from '../../../src/upstream/inflight.js';

class W implements Chained<W> {
  next: W | null = null;
  constructor(readonly key: string, readonly tag: string) {}
}

const chain = (t: Inflight<W>, key: string): string[] => {
  const out: string[] = [];
  for (let w = t.first(key); w !== null; w = w.next) out.push(w.tag);
  return out;
};

test('work with one key is chained; other keys are separate', () => {
  const t = new Inflight<W>();
  t.add(new W('k', 'a'));
  t.add(new W('k', 'b'));
  t.add(new W('j', 'c'));
  assert.deepEqual(chain(t, 'k').sort(), ['a', 'b']);
  assert.deepEqual(chain(t, 'j'), ['c']);
  assert.equal(t.first('x'), null);
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
  assert.equal(t.first('k'), null);
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
