/**
 * The cache key hash: the byte form (computed while a query is parsed) and the string form (used
 * when an entry is stored under its key string) must agree for every length, or a cache hit would
 * look in the wrong bucket.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { hashBytes, hashKey } from '../../../src/util/key-hash.js';

describe('hashKey and hashBytes', () => {
  it('agree on every length from 0 to 300 bytes, all byte values included', () => {
    for (let len = 0; len <= 300; len++) {
      const bytes = randomBytes(len);
      if (len > 2) bytes[0] = 0xff;
      assert.equal(hashBytes(bytes, len), hashKey(bytes.toString('latin1')), `length ${len}`);
    }
  });

  it('read only the first len bytes', () => {
    const bytes = Buffer.from('\x03www\x07example\x03com\x00\x00\x01\x00\x01\x00trailing', 'latin1');
    assert.equal(hashBytes(bytes, 22), hashKey(bytes.toString('latin1', 0, 22)));
  });

  it('are unsigned 32-bit numbers that differ for keys that differ', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const h = hashKey(`\x04host\x04${String(i).padStart(4, '0')}\x00\x00\x01\x00\x01\x00`);
      assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
      seen.add(h);
    }
    assert.ok(seen.size >= 999, `${seen.size} distinct hashes of 1000 keys`);
  });
});
