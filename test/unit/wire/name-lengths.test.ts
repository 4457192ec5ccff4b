import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { WireLengths } from '../../../src/wire/name-lengths.js';
import { wireKey } from '../../../src/local/zone.js';

describe('WireLengths', () => {
  it('knows the wire lengths of the names given, and no others', () => {
    const l = WireLengths.of([wireKey('a.lan'), wireKey('web')]);
    assert.equal(l.has(wireKey('b.lan').length), true);
    assert.equal(l.has(wireKey('www').length), true);
    assert.equal(l.has(wireKey('ab.lan').length), false);
    assert.equal(l.has(1), false);
    l.add(wireKey(''));
    assert.equal(l.has(1), true);
  });
});
