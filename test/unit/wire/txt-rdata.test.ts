/** TXT RDATA (RFC 1035 §3.3.14): length-prefixed strings of at most 255 bytes. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { txtRdata } from '../../../src/wire/txt-rdata.js';

describe('txtRdata', () => {
  it('writes each text as one length-prefixed string', () => {
    assert.deepEqual([...txtRdata(['ab', 'c'])], [2, 0x61, 0x62, 1, 0x63]);
  });
  it('writes an empty text as one empty string', () => {
    assert.deepEqual([...txtRdata([''])], [0]);
  });
  it('splits a text longer than 255 bytes, counting UTF-8 bytes', () => {
    const out = txtRdata(['x'.repeat(300)]);
    assert.equal(out.length, 1 + 255 + 1 + 45);
    assert.equal(out[0], 255);
    assert.equal(out[256], 45);
    assert.equal(txtRdata(['é'])[0], 2);
  });
});
