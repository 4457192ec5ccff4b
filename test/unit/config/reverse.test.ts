/**
 * rev-server= (reference §1.4): reverse domains for IPv4 octet and IPv6 nibble prefixes, the
 * expansion of prefixes that are not on a label boundary, and prefix errors.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { reverseDomains } from '../../../src/config/reverse.js';
import { assertConfigError, describeRule } from '../../helpers/config.js';

const rulesOf = (line: string): string[] => parseConfigText(line, 'rev.conf').rules.map(describeRule);

describe('reverseDomains', () => {
  const rows: [string, number, string[]][] = [
    ['10.0.0.0', 8, ['10.in-addr.arpa']],
    ['10.1.2.3', 8, ['10.in-addr.arpa']],
    ['192.168.1.0', 24, ['1.168.192.in-addr.arpa']],
    ['192.168.1.77', 32, ['77.1.168.192.in-addr.arpa']],
    ['192.168.0.0', 23, ['0.168.192.in-addr.arpa', '1.168.192.in-addr.arpa']],
    ['192.168.5.0', 23, ['4.168.192.in-addr.arpa', '5.168.192.in-addr.arpa']],
    ['10.0.0.0', 7, ['10.in-addr.arpa', '11.in-addr.arpa']],
    ['2001:db8::', 32, ['8.b.d.0.1.0.0.2.ip6.arpa']],
    ['2001:db8::1', 128, [`1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`]],
    ['fd00::', 7, ['c.f.ip6.arpa', 'd.f.ip6.arpa']],
    ['fd00::', 6, ['c.f.ip6.arpa', 'd.f.ip6.arpa', 'e.f.ip6.arpa', 'f.f.ip6.arpa']],
    ['fe80::', 10, ['8.e.f.ip6.arpa', '9.e.f.ip6.arpa', 'a.e.f.ip6.arpa', 'b.e.f.ip6.arpa']],
  ];
  for (const [addr, prefix, domains] of rows) {
    it(`${addr}/${prefix}`, () => assert.deepEqual(reverseDomains(addr, prefix), domains));
  }

  it('expands a /25 into 128 domains at the next octet boundary', () => {
    const low = reverseDomains('172.16.5.0', 25);
    assert.equal(low.length, 128);
    assert.deepEqual(low, Array.from({ length: 128 }, (_, i) => `${i}.5.16.172.in-addr.arpa`));
    const high = reverseDomains('172.16.5.200', 25);
    assert.deepEqual(high, Array.from({ length: 128 }, (_, i) => `${128 + i}.5.16.172.in-addr.arpa`));
  });
});

describe('rev-server= lines', () => {
  it('forwards a /8 to the server', () => {
    assert.deepEqual(rulesOf('rev-server=10.0.0.0/8,127.0.0.1'), ['suffix:10.in-addr.arpa fwd 127.0.0.1#53']);
  });
  it('forwards a /24 with a port and a source', () => {
    assert.deepEqual(rulesOf('rev-server=192.168.1.0/24,127.0.0.1#5353@127.0.0.2'), [
      'suffix:1.168.192.in-addr.arpa fwd 127.0.0.1#5353 src=127.0.0.2',
    ]);
  });
  it('creates one rule per domain of a /25 (128 domains)', () => {
    const rules = rulesOf('rev-server=172.16.5.0/25,127.0.0.1');
    assert.equal(rules.length, 128);
    assert.equal(rules[0], 'suffix:0.5.16.172.in-addr.arpa fwd 127.0.0.1#53');
    assert.equal(rules[127], 'suffix:127.5.16.172.in-addr.arpa fwd 127.0.0.1#53');
  });
  it('defaults the prefix to 32 / 128', () => {
    assert.deepEqual(rulesOf('rev-server=1.2.3.4,127.0.0.1'), ['suffix:4.3.2.1.in-addr.arpa fwd 127.0.0.1#53']);
    assert.equal(rulesOf('rev-server=::1,127.0.0.1')[0], `suffix:1.${'0.'.repeat(31)}ip6.arpa fwd 127.0.0.1#53`);
  });
  it('uses nibble labels for IPv6', () => {
    assert.deepEqual(rulesOf('rev-server=2001:db8::/32,::1#5353'), ['suffix:8.b.d.0.1.0.0.2.ip6.arpa fwd ::1#5353']);
  });
  it('makes the domains local-only without a server spec', () => {
    assert.deepEqual(rulesOf('rev-server=10.0.0.0/8'), ['suffix:10.in-addr.arpa local']);
    assert.deepEqual(rulesOf('rev-server=192.168.0.0/16,'), ['suffix:168.192.in-addr.arpa local']);
  });

  const errors: [string, RegExp][] = [
    ['rev-server=1.2.3.0/33,127.0.0.1', /bad IPv4 prefix length/],
    ['rev-server=1.2.3.0/0,127.0.0.1', /bad IPv4 prefix length/],
    ['rev-server=1.2.3.0/,127.0.0.1', /bad IPv4 prefix length/],
    ['rev-server=1.2.3.0/x,127.0.0.1', /bad IPv4 prefix length/],
    ['rev-server=2001:db8::/129,::1', /bad IPv6 prefix length/],
    ['rev-server=host.test/8,127.0.0.1', /bad address "host\.test"/],
    ['rev-server=10.0.0.0/8,127.0.0.1#0x35', /bad port/],
  ];
  for (const [line, message] of errors) {
    it(`rejects ${line}`, () => {
      assertConfigError(() => parseConfigText(`\n${line}`, 'rev.conf'), 'FANDNS_CONFIG_VALUE', 'rev.conf:2', message);
    });
  }
});
