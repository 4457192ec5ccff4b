/**
 * synth-domain with dig as the client and dnsmasq 2.90 as the reference: the real `fandns`
 * process and a real dnsmasq get the same lines and upstream, and must give the same status, AA,
 * answers and TTLs: forward and reverse names, IPv4 and IPv6, sequential names, names out of range
 * or not of the synthesised form (forwarded), precedence of local data, and synth-domain before
 * server=, local=, address= and bogus-priv. Where fandns differs on purpose (README "Differences
 * from dnsmasq"), the case gives dnsmasq's answer too, and both are asserted.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { DigResult } from '../helpers/dig.js';
import { rr } from '../helpers/fake-upstream.js';
import { digBoth, pairsOverFakeUpstream } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';

/** Status, AA, and the answers as `TYPE data TTL`, sorted (the order of an ANY answer's sets is free). */
function shape(r: DigResult): string {
  const answers = r.answer.map((a) => `${a.type} ${a.data} ${a.ttl}`).sort();
  return `${r.status}${r.flags.includes('aa') ? ' aa' : ''} [${answers.join(', ')}]`;
}

/** The ip6.arpa name of an IPv6 address written out in full (32 hex digits, colons allowed). */
const ip6arpa = (hex: string) => `${[...hex.replaceAll(':', '')].reverse().join('.')}.ip6.arpa`;

describe('synth-domain: fandns (CLI) and dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  const pairs = pairsOverFakeUpstream((q) => {
    if (q.name.includes('nx')) return { rcode: 'NXDOMAIN' };
    if (q.type === 'A') return { answers: [rr.a(q.name, '198.18.0.1')] };
    if (q.type === 'AAAA') return { answers: [rr.aaaa(q.name, '2001:db8:ffff::1')] };
    if (q.type === 'TXT') return { answers: [rr.txt(q.name, 'up')] };
    if (q.type === 'PTR') return { answers: [{ type: 'PTR', name: q.name, ttl: 300, class: 'IN', data: 'upstream.ptr.example' }] };
    return { rcode: 'NXDOMAIN' };
  }, [
    ['v4', (server) => [
      `server=${server}`, 'local-ttl=7',
      'synth-domain=test.lan,192.168.0.0/24,internal-',
      'host-record=realhost.test.lan,192.168.0.56',
      'host-record=internal-192-168-0-58.test.lan,192.168.0.57',
      'host-record=internal-192-168-0-60.test.lan,2001:db8::60',
      'ptr-record=62.0.168.192.in-addr.arpa,ptr.example',
      'txt-record=63.0.168.192.in-addr.arpa,hello',
    ].join('\n')],
    ['rules', (server) => [
      `server=${server}`,
      'synth-domain=srv.lan,10.0.0.0/24',
      `server=/srv.lan/${server}`,
      'synth-domain=loc.lan,10.1.0.0/24',
      'local=/loc.lan/',
      'synth-domain=addr.lan,10.2.0.0/24',
      'address=/addr.lan/192.0.2.4',
      'bogus-priv',
      `server=/3.10.in-addr.arpa/${server}`,
      'synth-domain=rev.lan,10.3.0.0/24',
    ].join('\n')],
    ['v6', (server) => [
      `server=${server}`, 'local-ttl=9',
      // First: dnsmasq 2.90 lets an IPv6 start,end range hold every IPv6 address, and the last
      // line is asked first, so any later line would see its reverse names taken by this one.
      'synth-domain=se.lan,2001:db8:3::10,2001:db8:3::20',
      'synth-domain=v6.lan,2001:db8:1::/64,host-',
      'synth-domain=bare.lan,::/120',
      'synth-domain=mapped.lan,::ffff:10.0.0.0/104,m-',
      'synth-domain=seq.lan,192.168.5.50,192.168.5.70,dyn-*',
      'synth-domain=seq6.lan,2001:db8:5::/64,h*',
      'synth-domain=mapped0.lan,::ffff:1.2.3.0/120',
    ].join('\n')],
  ]);

  const cases: (readonly [what: string, pair: number, type: string, name: string, fandns: string, dnsmasq?: string])[] = [
    ['forward', 0, 'A', 'internal-192-168-0-5.test.lan', 'NOERROR aa [A 192.168.0.5 7]'],
    ['forward, upper case', 0, 'A', 'INTERNAL-192-168-0-6.Test.LAN', 'NOERROR aa [A 192.168.0.6 7]'],
    ['reverse', 0, 'PTR', '5.0.168.192.in-addr.arpa', 'NOERROR aa [PTR internal-192-168-0-5.test.lan. 7]'],
    ['ANY for a synthesised name', 0, 'ANY', 'internal-192-168-0-8.test.lan', 'NOERROR aa [A 192.168.0.8 7]'],
    ['out of range: forwarded', 0, 'A', 'internal-192-168-1-5.test.lan', 'NOERROR [A 198.18.0.1 300]'],
    ['not an address: forwarded', 0, 'A', 'internal-192-168-0.test.lan', 'NOERROR [A 198.18.0.1 300]'],
    ['leading zeros: forwarded', 0, 'A', 'internal-192-168-000-9.test.lan', 'NOERROR [A 198.18.0.1 300]'],
    ['another prefix: forwarded', 0, 'A', 'nxinternal-192-168-0-9.test.lan', 'NXDOMAIN []'],
    ['the domain itself: forwarded', 0, 'A', 'test.lan', 'NOERROR [A 198.18.0.1 300]'],
    ['reverse out of range: forwarded', 0, 'PTR', '5.1.168.192.in-addr.arpa', 'NOERROR [PTR upstream.ptr.example. 300]'],
    ['another type, upstream NXDOMAIN', 0, 'MX', 'internal-192-168-0-10.test.lan', 'NOERROR aa []'],
    ['a host-record\'s PTR wins', 0, 'PTR', '56.0.168.192.in-addr.arpa', 'NOERROR aa [PTR realhost.test.lan. 7]'],
    ['a host-record\'s address wins', 0, 'A', 'internal-192-168-0-58.test.lan', 'NOERROR aa [A 192.168.0.57 7]'],
    ['the host-record\'s address gets its PTR', 0, 'PTR', '57.0.168.192.in-addr.arpa', 'NOERROR aa [PTR internal-192-168-0-58.test.lan. 7]'],
    ['an address no host-record has keeps its PTR', 0, 'PTR', '58.0.168.192.in-addr.arpa', 'NOERROR aa [PTR internal-192-168-0-58.test.lan. 7]'],
    ['a host-record without an A keeps the synthesised A', 0, 'A', 'internal-192-168-0-60.test.lan', 'NOERROR aa [A 192.168.0.60 7]'],
    ['… and its own AAAA', 0, 'AAAA', 'internal-192-168-0-60.test.lan', 'NOERROR aa [AAAA 2001:db8::60 7]'],
    ['ptr-record wins', 0, 'PTR', '62.0.168.192.in-addr.arpa', 'NOERROR aa [PTR ptr.example. 7]'],
    ['a txt-record on the reverse name leaves the PTR', 0, 'PTR', '63.0.168.192.in-addr.arpa', 'NOERROR aa [PTR internal-192-168-0-63.test.lan. 7]'],
    ['synth before a server= for the domain', 1, 'A', '10-0-0-5.srv.lan', 'NOERROR aa [A 10.0.0.5 0]'],
    ['other names go to that server', 1, 'A', 'other.srv.lan', 'NOERROR [A 198.18.0.1 300]'],
    ['synth before local=', 1, 'A', '10-1-0-5.loc.lan', 'NOERROR aa [A 10.1.0.5 0]'],
    ['other names under local= are NXDOMAIN', 1, 'A', 'other.loc.lan', 'NXDOMAIN []'],
    ['synth before address=', 1, 'A', '10-2-0-5.addr.lan', 'NOERROR aa [A 10.2.0.5 0]'],
    ['other names under address= get its address', 1, 'A', 'other.addr.lan', 'NOERROR aa [A 192.0.2.4 0]'],
    ['synth before bogus-priv', 1, 'PTR', '5.0.2.10.in-addr.arpa', 'NOERROR aa [PTR 10-2-0-5.addr.lan. 0]'],
    ['bogus-priv out of range', 1, 'PTR', '5.0.9.10.in-addr.arpa', 'NXDOMAIN aa []'],
    ['synth before a server= for the reverse zone', 1, 'PTR', '5.0.3.10.in-addr.arpa', 'NOERROR aa [PTR 10-3-0-5.rev.lan. 0]'],
    ['that server out of range', 1, 'PTR', '5.1.3.10.in-addr.arpa', 'NOERROR [PTR upstream.ptr.example. 300]'],
    ['IPv6 forward', 2, 'AAAA', 'host-2001-db8-1--56.v6.lan', 'NOERROR aa [AAAA 2001:db8:1::56 9]'],
    ['IPv6 forward, written out', 2, 'AAAA', 'host-2001-0db8-0001-0000-0000-0000-0000-0057.v6.lan', 'NOERROR aa [AAAA 2001:db8:1::57 9]'],
    ['IPv6 reverse', 2, 'PTR', ip6arpa('2001:0db8:0001:0000:0000:0000:0000:0056'), 'NOERROR aa [PTR host-2001-db8-1--56.v6.lan. 9]'],
    ['IPv6 out of range: forwarded', 2, 'AAAA', 'host-2001-db8-2--56.v6.lan', 'NOERROR [AAAA 2001:db8:ffff::1 300]'],
    ['IPv6 starting with ::, no prefix', 2, 'PTR', ip6arpa('0000:0000:0000:0000:0000:0000:0000:0001'), 'NOERROR aa [PTR 0--1.bare.lan. 9]'],
    ['… read back', 2, 'AAAA', '0--1.bare.lan', 'NOERROR aa [AAAA ::1 9]'],
    ['… and without the 0', 2, 'AAAA', '--2.bare.lan', 'NOERROR aa [AAAA ::2 9]'],
    ['IPv4-mapped', 2, 'PTR', ip6arpa('0000:0000:0000:0000:0000:ffff:0a02:0304'), 'NOERROR aa [PTR m---ffff-10-2-3-4.mapped.lan. 9]'],
    ['IPv4-mapped read back', 2, 'AAAA', 'm---ffff-10-2-3-5.mapped.lan', 'NOERROR aa [AAAA ::ffff:10.2.3.5 9]'],
    ['sequential forward', 2, 'A', 'dyn-5.seq.lan', 'NOERROR aa [A 192.168.5.55 9]'],
    ['sequential, leading zeros', 2, 'A', 'dyn-007.seq.lan', 'NOERROR aa [A 192.168.5.57 9]'],
    ['sequential reverse', 2, 'PTR', '60.5.168.192.in-addr.arpa', 'NOERROR aa [PTR dyn-10.seq.lan. 9]'],
    ['sequential past the end: forwarded', 2, 'A', 'dyn-21.seq.lan', 'NOERROR [A 198.18.0.1 300]'],
    ['sequential IPv6', 2, 'AAAA', 'h65536.seq6.lan', 'NOERROR aa [AAAA 2001:db8:5::1:0 9]'],
    ['sequential IPv6 reverse', 2, 'PTR', ip6arpa('2001:0db8:0005:0000:0000:0000:0000:00ff'), 'NOERROR aa [PTR h255.seq6.lan. 9]'],
    ['IPv6 start,end in range', 2, 'AAAA', '2001-db8-3--15.se.lan', 'NOERROR aa [AAAA 2001:db8:3::15 9]'],
    // Deliberate differences (README "Differences from dnsmasq").
    ['another type of a synthesised name', 0, 'TXT', 'internal-192-168-0-11.test.lan', 'NOERROR aa []', 'NOERROR [TXT "up" 300]'],
    ['the other address type', 0, 'AAAA', 'internal-192-168-0-12.test.lan', 'NOERROR aa []', 'NOERROR [AAAA 2001:db8:ffff::1 300]'],
    ['another type of a reverse name in range', 0, 'TXT', '13.0.168.192.in-addr.arpa', 'NOERROR aa []', 'NOERROR [TXT "up" 300]'],
    ['… upstream NXDOMAIN', 0, 'MX', '15.0.168.192.in-addr.arpa', 'NOERROR aa []', 'NXDOMAIN []'],
    ['ANY for a reverse name in range', 0, 'ANY', '14.0.168.192.in-addr.arpa', 'NOERROR aa [PTR internal-192-168-0-14.test.lan. 7]',
      'NOERROR aa [A 192.168.0.14 7, PTR internal-192-168-0-14.test.lan. 7]'],
    ['IPv4-mapped without a prefix', 2, 'PTR', ip6arpa('0000:0000:0000:0000:0000:ffff:0102:0306'), 'NOERROR aa [PTR 0--ffff-1-2-3-6.mapped0.lan. 9]'],
    ['… read back', 2, 'AAAA', '0--ffff-1-2-3-7.mapped0.lan', 'NOERROR aa [AAAA ::ffff:1.2.3.7 9]', 'NOERROR [AAAA 2001:db8:ffff::1 300]'],
    ['IPv6 start,end: an address outside it', 2, 'AAAA', '2001-db8-99--15.se.lan', 'NOERROR [AAAA 2001:db8:ffff::1 300]', 'NOERROR aa [AAAA 2001:db8:99::15 9]'],
    ['IPv6 start,end: the PTR of an address outside it', 2, 'PTR', ip6arpa('2001:0db8:0004:0000:0000:0000:0000:0015'), 'NOERROR [PTR upstream.ptr.example. 300]',
      'NOERROR aa [PTR 2001-db8-4--15.se.lan. 9]'],
    ['sequential, no digits', 2, 'A', 'dyn-.seq.lan', 'NOERROR [A 198.18.0.1 300]', 'NOERROR aa [A 192.168.5.50 9]'],
    ['sequential, an index past 2^32', 2, 'A', 'dyn-4294967297.seq.lan', 'NOERROR [A 198.18.0.1 300]', 'NOERROR aa [A 192.168.5.51 9]'],
  ];

  for (const [what, i, type, name, mine, theirs] of cases) {
    it(`${what}: ${type} ${name}`, async () => {
      const [gotMine, gotRef] = await digBoth(pairs[i]!, ['-t', type, '-q', name], shape);
      assert.equal(gotRef, theirs ?? mine, 'dnsmasq');
      assert.equal(gotMine, mine, 'fandns');
    });
  }
});
