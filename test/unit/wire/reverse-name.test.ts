/** reverseNameFamily: full reverse names recognised on the wire by length and tail, in any case. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { encodeName } from '../../../src/wire/name.js';
import { reverseNameFamily } from '../../../src/wire/reverse-name.js';

const family = (name: string) => {
  const wire = encodeName(name);
  return reverseNameFamily(wire, 0, wire.length);
};

describe('reverseNameFamily', () => {
  it('4 for a four-label in-addr.arpa name, 6 for a 32-nibble ip6.arpa name, in any case', () => {
    assert.equal(family('1.0.0.127.in-addr.arpa'), 4);
    assert.equal(family('255.255.255.255.IN-ADDR.Arpa'), 4);
    assert.equal(family(`${'0.'.repeat(31)}1.ip6.ARPA`), 6);
  });

  it('0 for partial reverse names and other names', () => {
    assert.equal(family('0.127.in-addr.arpa'), 0);
    assert.equal(family('in-addr.arpa'), 0);
    assert.equal(family(`${'0.'.repeat(15)}1.ip6.arpa`), 0);
    assert.equal(family('www.example.com'), 0);
    assert.equal(family('1.0.0.127.in-addr.arpa.example'), 0);
  });
});
