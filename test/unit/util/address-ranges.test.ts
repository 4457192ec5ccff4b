/** Address ranges for bogus-nxdomain and ignore-address: prefixes of both families, matched by family. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { AddressRanges } from '../../../src/util/address-ranges.js';
import { ipBytes } from '../../../src/util/ip.js';

describe('AddressRanges', () => {
  const ranges = new AddressRanges([
    { address: '10.9.9.0', prefix: 24 },
    { address: '192.0.2.7', prefix: 32 },
    { address: '2001:db8::', prefix: 33 },
  ]);
  const cases: [string, boolean][] = [
    ['10.9.9.0', true], ['10.9.9.255', true], ['10.9.10.1', false],
    ['192.0.2.7', true], ['192.0.2.8', false],
    ['2001:db8::1', true], ['2001:db8:7fff::1', true], ['2001:db8:8000::1', false],
    ['::ffff:10.9.9.1', false],
  ];
  for (const [addr, hit] of cases) it(`${addr} ${hit ? 'is' : 'is not'} in one`, () => assert.equal(ranges.has(ipBytes(addr)), hit));

  it('is empty without ranges; prefix 0 takes its whole family', () => {
    assert.equal(new AddressRanges([]).empty, true);
    assert.equal(ranges.empty, false);
    const all4 = new AddressRanges([{ address: '0.0.0.0', prefix: 0 }]);
    assert.equal(all4.has(ipBytes('203.0.113.9')), true);
    assert.equal(all4.has(ipBytes('::1')), false);
  });
});
