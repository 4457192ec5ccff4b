/**
 * Query: the names made from the message on first use (the dotted name for logs, the name key
 * for local data, aliases and filters).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { wireKey } from '../../../src/local/zone.js';
import { makeQuery } from '../../helpers/wire.js';

describe('Query', () => {
  it('gives the lower-cased dotted name, whatever the letter case asked', () => {
    assert.equal(makeQuery('WwW.Example.COM').name, 'www.example.com');
    assert.equal(makeQuery('.').name, '');
  });

  it('gives the name key that local data and aliases are filed under, for any type, class or flags', () => {
    const key = wireKey('www.example.com');
    for (const q of [makeQuery('WWW.example.com'), makeQuery('www.example.com', { type: 'AAAA', edns: 1232, dnssecOk: true, cd: true })]) {
      assert.equal(q.nameKey, key);
      assert.equal(q.nameKey.length, q.nameLen);
      assert.ok(q.p.key.startsWith(q.nameKey));
    }
    assert.equal(makeQuery('.').nameKey, '\0');
  });
});
