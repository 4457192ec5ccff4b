/**
 * alias= (DNS doctoring) through parseConfigText: the three forms dnsmasq 2.90 takes (old address,
 * masked subnet, range with a mask), and every value it refuses (checked with `dnsmasq --test`)
 * as a ConfigError naming file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import type { AddressAlias } from '../../../src/config/types.js';
import { assertConfigError } from '../../helpers/config.js';

const parse = (text: string) => parseConfigText(text, 'alias.conf');

/** An address number as dotted text. */
const dotted = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');

/** An alias as `from[-to]>replacement/mask`. */
const describeAlias = (a: AddressAlias) =>
  `${dotted(a.from)}${a.to === null ? '' : `-${dotted(a.to)}`}>${dotted(a.replacement)}/${dotted(a.mask)}`;

describe('alias=', () => {
  const rows: [string, string][] = [
    ['alias=1.2.3.4,5.6.7.8', '1.2.3.4>5.6.7.8/255.255.255.255'],
    ['alias=1.2.3.0,6.7.8.0,255.255.255.0', '1.2.3.0>6.7.8.0/255.255.255.0'],
    ['alias=192.168.0.10-192.168.0.40,10.0.0.0,255.255.255.0', '192.168.0.10-192.168.0.40>10.0.0.0/255.255.255.0'],
    ['alias=192.168.0.10-192.168.1.40,10.0.0.0,255.255.0.0', '192.168.0.10-192.168.1.40>10.0.0.0/255.255.0.0'],
    ['alias=1.2.3.4-1.2.3.4,5.6.7.8', '1.2.3.4-1.2.3.4>5.6.7.8/255.255.255.255'],
    ['alias=1.2.3.4,5.6.7.8,255.0.255.0', '1.2.3.4>5.6.7.8/255.0.255.0'],
    ['alias= 1.2.3.4 , 5.6.7.8', '1.2.3.4>5.6.7.8/255.255.255.255'],
    ['alias=255.255.255.255,0.0.0.0', '255.255.255.255>0.0.0.0/255.255.255.255'],
  ];
  for (const [line, want] of rows) {
    it(`${line} -> ${want}`, () => {
      assert.deepEqual(parse(`no-resolv\n${line}`).filters.aliases.map(describeAlias), [want]);
    });
  }

  it('keeps the lines in config order, with their origins', () => {
    const c = parse('no-resolv\nalias=1.1.1.1,2.2.2.2\nalias=3.3.3.3,4.4.4.4');
    assert.deepEqual(c.filters.aliases.map((a) => [describeAlias(a), a.origin.line]), [
      ['1.1.1.1>2.2.2.2/255.255.255.255', 2], ['3.3.3.3>4.4.4.4/255.255.255.255', 3],
    ]);
    assert.deepEqual(parse('no-resolv').filters.aliases, []);
  });

  // Each of these dnsmasq 2.90 refuses too ("missing address in alias" / "invalid alias range").
  const bad: [string, RegExp][] = [
    ['alias=1.2.3.4', /alias needs <old-ip>/],
    ['alias=1.2.3.4,', /the new address must be an IPv4 address, got ""/],
    ['alias=1.2.3.4,5.6.7.8,', /the mask must be an IPv4 address/],
    ['alias=1.2.3.4,5.6.7.8,255.255.255.0,1', /alias needs/],
    ['alias=2001:db8::1,2001:db8::2', /the old address must be an IPv4 address, got "2001:db8::1"/],
    ['alias=1.2.3.4,2001:db8::2', /the new address must be an IPv4 address/],
    ['alias=1.2.3.0/24,5.6.7.0', /the old address must be an IPv4 address, got "1.2.3.0\/24"/],
    ['alias=1.2.3.4,5.6.7.8,24', /the mask must be an IPv4 address, got "24"/],
    ['alias=1.2.3.4,5.6.7.8,255.255.255.0.0', /the mask must be/],
    ['alias=01.2.3.4,5.6.7.8', /the old address must be/],
    ['alias=1.2.3,5.6.7.8', /the old address must be/],
    ['alias=-1.2.3.4,5.6.7.8', /the old address must be/],
    ['alias=1.2.3.4-,5.6.7.8', /the end of the range must be an IPv4 address, got ""/],
    ['alias=192.168.0.40-192.168.0.10,10.0.0.0,255.255.255.0', /invalid range 192.168.0.40-192.168.0.10/],
    ['alias=192.168.0.10-192.168.0.40,10.0.0.0', /invalid range .*one network under the mask/],
    ['alias=192.168.0.10-192.168.1.40,10.0.0.0,255.255.255.0', /invalid range/],
  ];
  for (const [line, message] of bad) {
    it(`rejects ${line}`, () => {
      assertConfigError(() => parse(`no-resolv\n${line}`), 'FANDNS_CONFIG_VALUE', 'alias.conf:2', message);
    });
  }

  it('needs a value', () => {
    assertConfigError(() => parse('no-resolv\nalias'), 'FANDNS_CONFIG_SYNTAX', 'alias.conf:2', /alias needs a value/);
  });
});
