/** Queries fandns builds itself: parsed back by fandns's own query parser. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { buildQuery } from '../../../src/wire/query-build.js';
import { parseQuery } from '../../../src/wire/query-parse.js';

describe('buildQuery', () => {
  it('is a header and one question, RD as asked', () => {
    for (const rd of [true, false]) {
      const { msg, qEnd } = buildQuery('abc.Test', 16, 1, rd);
      assert.equal(qEnd, msg.length);
      assert.deepEqual([...msg.subarray(0, 12)], [0, 0, rd ? 1 : 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
      const p = parseQuery(msg);
      assert.ok(typeof p !== 'number');
      assert.equal(p.qtype, 16);
      assert.equal(p.qclass, 1);
      assert.equal(p.rd, rd);
      assert.equal(p.qEnd, qEnd);
      assert.equal(msg.subarray(12, qEnd - 4).toString('latin1'), '\x03abc\x04Test\x00');
    }
  });

  it('refuses a name that cannot be encoded', () => {
    assert.throws(() => buildQuery('a..b', 1, 1, true), RangeError);
  });
});
