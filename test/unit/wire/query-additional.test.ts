/** findAdditional: records of the additional section of a query, found by type. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { findAdditional } from '../../../src/wire/query-additional.js';
import { bytes, header, labels, opt, question, record } from '../../helpers/wire-bytes.js';

const Q = [...header({ ar: 2 }), ...question(labels('s', 'test'))];
const qEnd = Q.length;

describe('findAdditional', () => {
  const tsig = record(labels('key'), 250, 0, [0, 0]);
  it('finds each record by type', () => {
    const msg = bytes(Q, opt(), tsig);
    assert.equal(findAdditional(msg, qEnd, 41), qEnd);
    assert.equal(findAdditional(msg, qEnd, 250), qEnd + 11);
    assert.equal(findAdditional(msg, qEnd, 1), -1);
  });
  it('is -1 without additional records', () => assert.equal(findAdditional(bytes(header(), question(labels('s', 'test'))), qEnd, 41), -1));
  it('stops at a record cut short', () => assert.equal(findAdditional(bytes(Q, opt(), tsig).subarray(0, qEnd + 13), qEnd, 250), -1));
});
