/**
 * IdTable against a reference Map over random adds and deletes, and iteration by dense position
 * while deleting (how the transport sweeps timeouts).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { IdTable } from '../../../src/upstream/id-table.js';

describe('IdTable', () => {
  it('agrees with a Map over 100,000 random adds and deletes', () => {
    const t = new IdTable<string>();
    const ref = new Map<number, string>();
    let seed = 11;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let step = 0; step < 100_000; step++) {
      const id = rnd(300) * 211; // spread over the 16-bit space
      if (rnd(2) === 0 && !ref.has(id)) {
        t.add(id, `v${step}`);
        ref.set(id, `v${step}`);
      } else {
        t.delete(id);
        ref.delete(id);
      }
      assert.equal(t.size, ref.size);
      assert.equal(t.get(id), ref.get(id));
      assert.equal(t.has(id), ref.has(id));
    }
    const seen = new Map<number, string>();
    for (let i = 0; i < t.size; i++) seen.set(t.idAt(i), t.valueAt(i));
    assert.deepEqual(new Map([...seen].sort()), new Map([...ref].sort()));
  });

  it('visits every entry once when deleting while iterating from the end', () => {
    const t = new IdTable<number>();
    for (let id = 0; id < 1000; id++) t.add(id * 7, id);
    const visited: number[] = [];
    for (let i = t.size - 1; i >= 0; i = Math.min(i - 1, t.size - 1)) {
      const v = t.valueAt(i);
      visited.push(v);
      if (v % 3 === 0) t.delete(t.idAt(i));
    }
    assert.equal(visited.length, 1000);
    assert.equal(new Set(visited).size, 1000);
    assert.equal(t.size, 1000 - 334);
    assert.equal(t.get(0), undefined);
    assert.equal(t.get(7), 1);
  });

  it('handles the ends of the ID range', () => {
    const t = new IdTable<string>();
    t.add(0, 'zero');
    t.add(65535, 'max');
    assert.equal(t.get(0), 'zero');
    assert.equal(t.get(65535), 'max');
    t.delete(0);
    assert.equal(t.get(65535), 'max');
    assert.equal(t.size, 1);
  });
});
