/** SuffixMap: the longest configured domain a wire-key name is at or below, on whole labels. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { SuffixMap } from '../../../src/routing/suffix-map.js';
import { encodeName } from '../../../src/wire/name.js';

const key = (name: string) => encodeName(name.toLowerCase()).toString('latin1');
const find = <V>(m: SuffixMap<V>, name: string, tail = '') => {
  const k = key(name);
  return m.longest(k + tail, k.length);
};

describe('SuffixMap', () => {
  const m = new SuffixMap([['consul', 1], ['service.consul', 2], ['a.b.c', 3]] as const);

  it('finds the longest domain a name is at or below', () => {
    assert.equal(find(m, 'service.consul'), 2);
    assert.equal(find(m, 'web.service.consul'), 2);
    assert.equal(find(m, 'node.consul'), 1);
    assert.equal(find(m, 'consul'), 1);
    assert.equal(find(m, 'x.a.b.c'), 3);
  });

  it('matches whole labels only, and nothing for other names or the root', () => {
    assert.equal(find(m, 'xconsul'), undefined);
    assert.equal(find(m, 'b.c'), undefined);
    assert.equal(find(m, 'example.com'), undefined);
    assert.equal(m.longest('\0', 1), undefined);
  });

  it('reads only the name part of a longer key (type and class after it)', () => {
    assert.equal(find(m, 'web.service.consul', '\x00\x01\x00\x01'), 2);
  });

  it('is empty without domains', () => {
    assert.equal(new SuffixMap([]).empty, true);
    assert.equal(m.empty, false);
  });
});
