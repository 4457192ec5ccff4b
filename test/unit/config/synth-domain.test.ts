/**
 * synth-domain= through parseConfigText: the range forms dnsmasq 2.90 takes (`addr/len` masked to
 * its network, `start[,end]`, IPv4 and IPv6), the prefix (lower-cased; a trailing `*` for
 * sequential names), and ConfigErrors naming file:line for what dnsmasq refuses too (no range, a
 * bad address or prefix length, a prefix too long for a label, sequential IPv6 names wider than
 * a /64) and for what it accepts but cannot serve (a range that ends before it starts, fields
 * after the prefix, a `*` inside the prefix).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import type { SynthDomain } from '../../../src/config/types.js';
import { assertConfigError } from '../../helpers/config.js';

const parse = (text: string) => parseConfigText(text, 'synth.conf');

/** A range as `domain family start-end prefix[*]`. */
const describeSynth = (d: SynthDomain) => `${d.domain} v${d.family} ${d.start}-${d.end} ${d.prefix}${d.sequential ? '*' : ''}`.trimEnd();

describe('synth-domain= (dnsmasq 2.90 option.c)', () => {
  const rows: [string, string][] = [
    ['synth-domain=test.lan,192.168.0.0/24,internal-', 'test.lan v4 192.168.0.0-192.168.0.255 internal-'],
    ['synth-domain=test.lan,192.168.0.77/24', 'test.lan v4 192.168.0.0-192.168.0.255'],
    ['synth-domain=Test.LAN.,10.0.0.0/30,Host-', 'test.lan v4 10.0.0.0-10.0.0.3 host-'],
    ['synth-domain=test.lan,10.1.2.3/32', 'test.lan v4 10.1.2.3-10.1.2.3'],
    ['synth-domain=all.lan,10.0.0.0/0', 'all.lan v4 0.0.0.0-255.255.255.255'],
    ['synth-domain=test.lan,192.168.0.50,192.168.0.70,internal-*', 'test.lan v4 192.168.0.50-192.168.0.70 internal-*'],
    ['synth-domain=test.lan,192.168.0.50', 'test.lan v4 192.168.0.50-192.168.0.50'],
    ['synth-domain=test.lan, 192.168.0.50 , 192.168.0.51 ,', 'test.lan v4 192.168.0.50-192.168.0.51'],
    ['synth-domain=test.lan,192.168.0.0/24,', 'test.lan v4 192.168.0.0-192.168.0.255'],
    ['synth-domain=test.lan,192.168.0.0/24,"quoted-"', 'test.lan v4 192.168.0.0-192.168.0.255 quoted-'],
    ['synth-domain=test.lan,192.168.0.0/24,*', 'test.lan v4 192.168.0.0-192.168.0.255 *'],
    ['synth-domain=test.lan,192.168.0.0/24,a.b_c-', 'test.lan v4 192.168.0.0-192.168.0.255 a.b_c-'],
    ['synth-domain=v6.lan,2001:db8:1::77/64,host-', 'v6.lan v6 2001:db8:1::-2001:db8:1:0:ffff:ffff:ffff:ffff host-'],
    ['synth-domain=v6.lan,2001:db8::/32', 'v6.lan v6 2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['synth-domain=v6.lan,2001:db8::/120,h*', 'v6.lan v6 2001:db8::-2001:db8::ff h*'],
    ['synth-domain=v6.lan,2001:db8::10,2001:db8::20', 'v6.lan v6 2001:db8::10-2001:db8::20'],
    ['synth-domain=v6.lan,2001:db8::10,2001:db8::20,h*', 'v6.lan v6 2001:db8::10-2001:db8::20 h*'],
    ['synth-domain=m.lan,::ffff:0.0.0.0/96', 'm.lan v6 ::ffff:0.0.0.0-::ffff:255.255.255.255'],
  ];
  for (const [line, want] of rows) it(line, () => assert.deepEqual(parse(line).synthDomains.map(describeSynth), [want]));

  it('keeps every line, in config order, with its origin', () => {
    const c = parse('synth-domain=a.lan,10.0.0.0/8\nsynth-domain=b.lan,10.0.0.0/8');
    assert.deepEqual(c.synthDomains.map((d) => `${d.domain}@${d.origin.line}`), ['a.lan@1', 'b.lan@2']);
  });

  it('is nothing without the option', () => assert.deepEqual(parse('no-resolv').synthDomains, []));

  const errors: [string, RegExp][] = [
    ['synth-domain=test.lan', /needs <domain>,<address range>/],
    ['synth-domain=test.lan,', /needs <domain>,<address range>/],
    ['synth-domain=,192.168.0.0/24', /missing synth-domain domain/],
    ['synth-domain=a..b,192.168.0.0/24', /bad synth-domain domain/],
    ['synth-domain=test.lan,eth0', /bad start address "eth0"/],
    ['synth-domain=test.lan,192.168.0.0/33', /bad prefix length "33" \(0-32\)/],
    ['synth-domain=test.lan,2001:db8::/129', /bad prefix length "129" \(0-128\)/],
    ['synth-domain=test.lan,192.168.0.0/', /bad prefix length ""/],
    ['synth-domain=test.lan,192.168.0.0/x', /bad prefix length "x"/],
    ['synth-domain=test.lan,bad/24', /bad address "bad"/],
    ['synth-domain=test.lan,192.168.0.1,internal-', /bad end address "internal-"/],
    ['synth-domain=test.lan,192.168.0.1,,internal-', /bad end address ""/],
    ['synth-domain=test.lan,192.168.0.1,2001:db8::1', /not of one address family/],
    ['synth-domain=test.lan,192.168.0.5,192.168.0.1', /ends \(192\.168\.0\.1\) before it starts \(192\.168\.0\.5\)/],
    ['synth-domain=test.lan,192.168.0.0/24,p-,extra', /unexpected "extra" after the prefix/],
    ['synth-domain=test.lan,192.168.0.1,192.168.0.5,p-,extra', /unexpected "extra" after the prefix/],
    ['synth-domain=test.lan,192.168.0.0/24,in*ternal-', /bad prefix "in\*ternal-"/],
    ['synth-domain=test.lan,192.168.0.0/24,**', /bad prefix "\*\*"/],
    ['synth-domain=test.lan,192.168.0.0/24,in ternal-', /bad prefix/],
    ['synth-domain=test.lan,192.168.0.0/24,.x', /bad prefix/],
    [`synth-domain=test.lan,192.168.0.0/24,${'a'.repeat(48)}`, /longer than 47 characters/],
    [`synth-domain=test.lan,2001:db8::/64,${'a'.repeat(18)}`, /longer than 17 characters/],
    [`synth-domain=test.lan,2001:db8::1,2001:db8::5,${'a'.repeat(18)}`, /longer than 17 characters/],
    ['synth-domain=test.lan,2001:db8::/48,h*', /need a prefix length of 64 or more/],
    ['synth-domain=test.lan,2001:db8::1,2001:db8:0:1::1,h*', /need start and end in one \/64/],
    [`synth-domain=${'d'.repeat(60)}.${'d'.repeat(60)}.${'d'.repeat(60)}.${'d'.repeat(40)},10.0.0.0/8,${'p'.repeat(20)}`, /could be longer than 253 characters/],
  ];
  for (const [line, message] of errors) {
    it(`rejects ${line.length > 90 ? `${line.slice(0, 90)}…` : line}`, () => {
      assertConfigError(() => parse(`no-resolv\n${line}`), 'FANDNS_CONFIG_VALUE', 'synth.conf:2', message);
    });
  }
  it('accepts the longest prefixes dnsmasq does', () => {
    assert.equal(parse(`synth-domain=t.lan,192.168.0.0/24,${'a'.repeat(47)}`).synthDomains.length, 1);
    assert.equal(parse(`synth-domain=t.lan,2001:db8::/64,${'a'.repeat(17)}`).synthDomains.length, 1);
  });
});
