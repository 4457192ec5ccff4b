/**
 * synth-domain's name↔address mapping (local/synth.ts) and the local stage that serves it. The
 * expected names and addresses are what dnsmasq 2.90 answered with dig for the same lines, except
 * where README "Differences from dnsmasq" says otherwise (an IPv6 start,end range that holds only
 * its addresses, `0--ffff-a-b-c-d` read back, no empty or overflowing index).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { createLocal } from '../../../src/handlers/local.js';
import { buildZone } from '../../../src/local/build-zone.js';
import { SynthDomains, synthAddress, synthName, synthRanges } from '../../../src/local/synth.js';
import { Reply, type Outcome } from '../../../src/pipeline/types.js';
import { DomainTable } from '../../../src/routing/domain-table.js';
import type { ServerGroup } from '../../../src/upstream/group.js';
import { formatIp, ipBytes } from '../../../src/util/ip.js';
import { reversePointerName } from '../../../src/config/reverse.js';
import { makeQuery, outcomeText } from '../../helpers/wire.js';
import { encodeName } from '../../../src/wire/name.js';

const LINES = [
  'synth-domain=test.lan,192.168.0.0/24,internal-',
  'synth-domain=seq.lan,192.168.0.50,192.168.0.70,internal-*',
  'synth-domain=np.lan,10.0.0.0/30,*',
  'synth-domain=v6.lan,2001:db8:1::/64,host-',
  'synth-domain=bare6.lan,::/120',
  'synth-domain=mapped.lan,::ffff:0.0.0.0/96',
  'synth-domain=mp.lan,::ffff:10.0.0.0/120,m-',
  'synth-domain=seq6.lan,2001:db8:5::/64,h*',
  'synth-domain=se.lan,2001:db8:3::10,2001:db8:3::20',
  'synth-domain=dot.lan,172.16.0.0/16,a.b-',
];
const ranges = synthRanges(parseConfigText(LINES.join('\n'), 'synth.conf').synthDomains);

const forward = (name: string, family: 4 | 6) => {
  const a = synthAddress(name, family, ranges);
  return a === null ? null : formatIp(a);
};
const reverse = (addr: string) => synthName(Uint8Array.from(ipBytes(addr)), ranges);

describe('synth-domain: address to name', () => {
  const rows: [string, string | null][] = [
    ['192.168.0.5', 'internal-192-168-0-5.test.lan'],
    ['192.168.1.56', null],
    ['192.168.0.255', 'internal-192-168-0-255.test.lan'],
    ['10.0.0.2', '2.np.lan'],
    ['10.0.0.4', null],
    ['2001:db8:1::56', 'host-2001-db8-1--56.v6.lan'],
    ['2001:db8:1:0:ffff::1', 'host-2001-db8-1-0-ffff--1.v6.lan'],
    ['::1', '0--1.bare6.lan'],
    ['::ffff:1.2.3.4', '0--ffff-1-2-3-4.mapped.lan'],
    ['::ffff:10.0.0.9', 'm---ffff-10-0-0-9.mp.lan'],
    ['2001:db8:5::1:0', 'h65536.seq6.lan'],
    ['2001:db8:3::15', '2001-db8-3--15.se.lan'],
    ['2001:db8:3::21', null],
    ['2001:db8:4::15', null],
    ['172.16.3.4', 'a.b-172-16-3-4.dot.lan'],
  ];
  for (const [addr, name] of rows) it(`${addr} → ${name}`, () => assert.equal(reverse(addr), name));

  it('the last configured of two overlapping ranges names an address (dnsmasq prepends)', () => {
    // 192.168.0.50-70 is in both test.lan (line 1) and seq.lan (line 2).
    assert.equal(reverse('192.168.0.55'), 'internal-5.seq.lan');
    assert.equal(reverse('192.168.0.71'), 'internal-192-168-0-71.test.lan');
  });
});

describe('synth-domain: name to address', () => {
  const rows: [string, 4 | 6, string | null][] = [
    ['internal-192-168-0-56.test.lan', 4, '192.168.0.56'],
    ['internal-192-168-0-56.test.lan', 6, null],
    ['internal-192-168-1-56.test.lan', 4, null],
    ['internal-192-168-000-56.test.lan', 4, null],
    ['internal-192-168-0.test.lan', 4, null],
    ['internal-192-168-0-56.other.lan', 4, null],
    ['internal-192-168-0-56.sub.test.lan', 4, null],
    ['192-168-0-56.test.lan', 4, null],
    ['x-192-168-0-56.test.lan', 4, null],
    ['internal-0.seq.lan', 4, '192.168.0.50'],
    ['internal-20.seq.lan', 4, '192.168.0.70'],
    ['internal-007.seq.lan', 4, '192.168.0.57'],
    ['internal-21.seq.lan', 4, null],
    ['internal-.seq.lan', 4, null],
    ['internal-4294967296.seq.lan', 4, null],
    ['internal-192-168-0-51.seq.lan', 4, null],
    ['3.np.lan', 4, '10.0.0.3'],
    ['host-2001-db8-1--56.v6.lan', 6, '2001:db8:1::56'],
    ['host-2001-0db8-0001-0000-0000-0000-0000-0056.v6.lan', 6, '2001:db8:1::56'],
    ['host-2001-db8-1--56.v6.lan', 4, null],
    ['host-2001-db8-2--56.v6.lan', 6, null],
    ['host-2001-db8-1--56-.v6.lan', 6, null],
    ['host-2001-db8-1--g.v6.lan', 6, null],
    ['0--1.bare6.lan', 6, '::1'],
    ['--1.bare6.lan', 6, '::1'],
    ['--ffff-1-2-3-4.mapped.lan', 6, '::ffff:1.2.3.4'],
    ['0--ffff-1-2-3-4.mapped.lan', 6, '::ffff:1.2.3.4'],
    ['m---ffff-10-0-0-9.mp.lan', 6, '::ffff:10.0.0.9'],
    ['h5.seq6.lan', 6, '2001:db8:5::5'],
    ['h18446744073709551615.seq6.lan', 6, '2001:db8:5:0:ffff:ffff:ffff:ffff'],
    ['h18446744073709551616.seq6.lan', 6, null],
    ['2001-db8-3--15.se.lan', 6, '2001:db8:3::15'],
    ['2001-db8-99--15.se.lan', 6, null],
    ['a.b-172-16-3-4.dot.lan', 4, '172.16.3.4'],
  ];
  for (const [name, family, addr] of rows) it(`${name} (IPv${family}) → ${addr}`, () => assert.equal(forward(name, family), addr));

  it('reads back every name it gives out', () => {
    for (const addr of ['192.168.0.1', '192.168.0.60', '10.0.0.1', '2001:db8:1::abcd', '::5', '::ffff:1.2.3.4', '::ffff:10.0.0.200', '2001:db8:5::ffff', '2001:db8:3::10', '172.16.255.255']) {
      const name = reverse(addr);
      assert.ok(name !== null, addr);
      assert.equal(forward(name, addr.includes(':') ? 6 : 4), formatIp(Uint8Array.from(ipBytes(addr))), name);
    }
  });
});

describe('SynthDomains', () => {
  const synth = SynthDomains.of(parseConfigText(LINES.slice(0, 4).join('\n'), 'synth.conf').synthDomains)!;
  /** mayMatch on a message whose question name (at offset 12) is `name`. */
  const may = (name: string, on = synth) => {
    const wire = encodeName(name);
    return on.mayMatch(Buffer.concat([Buffer.alloc(12), wire, Buffer.from([0, 1, 0, 1])]), 12, wire.length);
  };
  it('is null without ranges', () => assert.equal(SynthDomains.of([]), null));
  it('lets names under its domains through the quick check, in any letter case', () => {
    assert.equal(may('internal-192-168-0-56.test.lan'), true);
    assert.equal(may('X.TEST.Lan'), true);
    assert.equal(may('whatever.seq.lan'), true);
  });
  it('lets full reverse names of its families through', () => {
    assert.equal(may('56.0.168.192.in-addr.arpa'), true);
    assert.equal(may(reversePointerName('2001:db8::1')), true);
  });
  it('stops other names', () => {
    for (const name of ['example.com', 'test.lan', 'xtest.lan', '1.in-addr.arpa', '1.0.0.0.ip6.arpa', 'in-addr.arpa']) assert.equal(may(name), false, name);
  });
  it('stops IPv6 reverse names when it has no IPv6 range', () => {
    const v4 = SynthDomains.of(parseConfigText(LINES[0]!, 'synth.conf').synthDomains)!;
    assert.equal(may(reversePointerName('2001:db8:1::1'), v4), false);
    assert.equal(may('1.0.168.192.in-addr.arpa', v4), true);
  });
  it('gives the records of a name', () => {
    assert.deepEqual(synth.records('internal-192-168-0-56.test.lan'), [{ type: 1, rdata: Buffer.from([192, 168, 0, 56]) }]);
    assert.equal(synth.records('56.0.168.192.in-addr.arpa')?.[0]?.type, 12);
    assert.equal(synth.records('56.1.168.192.in-addr.arpa'), null);
    assert.equal(synth.records('other.test.lan'), null);
  });
});

/** The local stage over `lines`, with a table whose forward routes need no sockets. */
function stage(lines: string[]) {
  const config = parseConfigText(lines.join('\n'), 'synth.conf');
  const table = new DomainTable<ServerGroup>(config.rules, [], () => ({}) as ServerGroup);
  const f = config.filters;
  const local = createLocal(
    { localTtl: config.localTtl, domainNeeded: f.domainNeeded, bogusPriv: f.bogusPriv, filterWin2k: f.filterWin2k, synth: SynthDomains.of(config.synthDomains) },
    table, buildZone(config, []), new Set(),
  );
  const NEXT = new Reply(Buffer.alloc(12), 'upstream', true, -1, -1, null);
  /** `forwarded`, or `RCODE [aa] TYPE data ttl=N…` */
  return (name: string, type = 'A', qclass: 'IN' | 'CH' = 'IN'): string => {
    const o: Outcome = local.handle(makeQuery(name, { type, qclass }), () => NEXT) as Outcome;
    return outcomeText(o, NEXT);
  };
}

describe('local stage with synth-domain', () => {
  const ask = stage([
    'synth-domain=test.lan,192.168.0.0/24,internal-',
    'local-ttl=7',
    'host-record=realhost.test.lan,192.168.0.56',
    'host-record=internal-192-168-0-58.test.lan,192.168.0.57',
    'host-record=internal-192-168-0-60.test.lan,2001:db8::60',
    'ptr-record=62.0.168.192.in-addr.arpa,ptr.example',
    'txt-record=63.0.168.192.in-addr.arpa,hello',
    'address=/test.lan/10.9.9.9',
    'bogus-priv',
    'synth-domain=rev.lan,10.1.0.0/24',
    'server=/0.1.10.in-addr.arpa/127.0.0.1#5300',
  ]);
  const rows: [string, string, string][] = [
    ['internal-192-168-0-5.test.lan', 'A', 'NOERROR aa A 192.168.0.5 ttl=7'],
    ['INTERNAL-192-168-0-5.Test.Lan', 'A', 'NOERROR aa A 192.168.0.5 ttl=7'],
    ['5.0.168.192.in-addr.arpa', 'PTR', 'NOERROR aa PTR internal-192-168-0-5.test.lan ttl=7'],
    ['internal-192-168-0-5.test.lan', 'ANY', 'NOERROR aa A 192.168.0.5 ttl=7'],
    ['5.0.168.192.in-addr.arpa', 'ANY', 'NOERROR aa PTR internal-192-168-0-5.test.lan ttl=7'],
    // A synthesised name is local: other types are NODATA here (dnsmasq forwards them).
    ['internal-192-168-0-5.test.lan', 'AAAA', 'NOERROR aa'],
    ['internal-192-168-0-5.test.lan', 'TXT', 'NOERROR aa'],
    ['5.0.168.192.in-addr.arpa', 'TXT', 'NOERROR aa'],
    // Local data wins: a host-record's PTR, its name's address.
    ['56.0.168.192.in-addr.arpa', 'PTR', 'NOERROR aa PTR realhost.test.lan ttl=7'],
    ['internal-192-168-0-58.test.lan', 'A', 'NOERROR aa A 192.168.0.57 ttl=7'],
    ['57.0.168.192.in-addr.arpa', 'PTR', 'NOERROR aa PTR internal-192-168-0-58.test.lan ttl=7'],
    ['58.0.168.192.in-addr.arpa', 'PTR', 'NOERROR aa PTR internal-192-168-0-58.test.lan ttl=7'],
    ['62.0.168.192.in-addr.arpa', 'PTR', 'NOERROR aa PTR ptr.example ttl=7'],
    // …and a local name keeps the synthesised record of a type it lacks.
    ['internal-192-168-0-60.test.lan', 'A', 'NOERROR aa A 192.168.0.60 ttl=7'],
    ['internal-192-168-0-60.test.lan', 'AAAA', 'NOERROR aa AAAA 2001:db8::60 ttl=7'],
    ['63.0.168.192.in-addr.arpa', 'PTR', 'NOERROR aa PTR internal-192-168-0-63.test.lan ttl=7'],
    ['63.0.168.192.in-addr.arpa', 'TXT', 'NOERROR aa TXT hello ttl=7'],
    // Before address= for the domain; other names there get its address.
    ['other.test.lan', 'A', 'NOERROR aa A 10.9.9.9 ttl=7'],
    ['internal-192-168-1-5.test.lan', 'A', 'NOERROR aa A 10.9.9.9 ttl=7'],
    // Before bogus-priv and a server= for the reverse zone; out of range, they apply.
    ['5.0.1.10.in-addr.arpa', 'PTR', 'NOERROR aa PTR 10-1-0-5.rev.lan ttl=7'],
    ['5.1.1.10.in-addr.arpa', 'PTR', 'NXDOMAIN aa'],
    ['5.1.168.192.in-addr.arpa', 'PTR', 'NXDOMAIN aa'],
    ['8.8.8.8.in-addr.arpa', 'PTR', 'forwarded'],
    ['example.com', 'A', 'forwarded'],
  ];
  for (const [name, type, want] of rows) it(`${type} ${name}: ${want}`, () => assert.equal(ask(name, type), want));

  it('answers class IN only', () => assert.equal(ask('internal-192-168-0-5.test.lan', 'A', 'CH'), 'forwarded'));
});
