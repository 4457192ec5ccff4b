/**
 * interface-name and dynamic-host records from interface readings (local/interface-hosts.ts), and
 * the reading itself (local/interface-snapshot.ts), without touching the host's interfaces: the
 * addresses of a line (/4, /6, a dynamic-host's host part spliced past each prefix length), the
 * tables (names on several lines, the first line holding an address names its PTR, TTLs: local-ttl
 * and 0), and re-reading only when a query needs it and the last reading is old enough.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import type { InterfaceHost } from '../../../src/config/types.js';
import type { Subnet } from '../../../src/listen/interfaces.js';
import { hostAddresses, interfaceTables, InterfaceHosts } from '../../../src/local/interface-hosts.js';
import { InterfaceSnapshot, type InterfaceMap } from '../../../src/local/interface-snapshot.js';
import { wireKey } from '../../../src/local/zone.js';
import { formatIp } from '../../../src/util/ip.js';
import { RRType } from '../../../src/wire/constants.js';
import { encodeName, readName } from '../../../src/wire/name.js';

const hosts = (text: string): readonly InterfaceHost[] => parseConfigText(text, 'iface.conf').interfaceHosts;
const sub = (cidr: string): Subnet => {
  const [address, prefix] = cidr.split('/');
  return { address: address!, family: address!.includes(':') ? 6 : 4, prefix: Number(prefix) };
};
const ifaces = (m: Record<string, string[]>): InterfaceMap => new Map(Object.entries(m).map(([k, v]) => [k, v.map(sub)]));
const ETH0 = ifaces({ eth0: ['192.168.78.5/24', '10.2.0.5/16', '2001:db8:1::5/64'], eth1: ['172.16.0.1/12'] });

describe('hostAddresses', () => {
  const addrs = (line: string, subnets: readonly Subnet[]) => hostAddresses(hosts(line)[0]!, subnets).map(formatIp);

  it('interface-name: every address of the interface, or only IPv4 (/4) or IPv6 (/6) ones', () => {
    assert.deepEqual(addrs('interface-name=gw.lan,eth0', ETH0.get('eth0')!), ['192.168.78.5', '10.2.0.5', '2001:db8:1::5']);
    assert.deepEqual(addrs('interface-name=gw.lan,eth0/4', ETH0.get('eth0')!), ['192.168.78.5', '10.2.0.5']);
    assert.deepEqual(addrs('interface-name=gw.lan,eth0/6', ETH0.get('eth0')!), ['2001:db8:1::5']);
    assert.deepEqual(addrs('interface-name=gw.lan,eth0', []), []);
  });

  it('dynamic-host: the network part of each address and the host part of the given one (man page example)', () => {
    assert.deepEqual(addrs('dynamic-host=example.com,0.0.0.8,eth0', ETH0.get('eth0')!), ['192.168.78.8', '10.2.0.8']);
    assert.deepEqual(addrs('dynamic-host=example.com,0.0.0.8,::8,eth0', ETH0.get('eth0')!), ['192.168.78.8', '10.2.0.8', '2001:db8:1::8']);
    // Network bits in the given address are ignored; a prefix inside a byte splits it.
    assert.deepEqual(addrs('dynamic-host=n.lan,10.99.1.2,eth1', ETH0.get('eth1')!), ['172.19.1.2']);
    assert.deepEqual(addrs('dynamic-host=n.lan,::1:2:3:4,eth0', [sub('2001:db8:1:2::5/60')]), ['2001:db8:1:0:1:2:3:4']);
  });

  it('the same address twice is one record', () => {
    assert.deepEqual(addrs('dynamic-host=n.lan,0.0.0.8,eth0', [sub('10.0.0.1/24'), sub('10.0.0.2/24')]), ['10.0.0.8']);
  });
});

describe('interfaceTables', () => {
  const table = (text: string, byIface = ETH0, localTtl = 60) => interfaceTables(hosts(text), byIface, localTtl);
  const forward = (t: ReturnType<typeof table>, name: string) =>
    (t.forward.get(wireKey(name)) ?? []).map((r) => `${r.type === RRType.A ? 'A' : 'AAAA'} ${formatIp(r.rdata)} ${r.ttl}`);
  const ptr = (t: ReturnType<typeof table>, reverse: string) => {
    const r = t.reverse.get(wireKey(reverse));
    return r === undefined ? null : `${readName(r.rdata, 0)!.name} ${r.ttl}`;
  };

  it('A/AAAA with local-ttl for interface-name, TTL 0 for dynamic-host', () => {
    const t = table('interface-name=gw.lan,eth0/4\ndynamic-host=nas.lan,::8,eth0');
    assert.deepEqual(forward(t, 'gw.lan'), ['A 192.168.78.5 60', 'A 10.2.0.5 60']);
    assert.deepEqual(forward(t, 'nas.lan'), ['AAAA 2001:db8:1::8 0']);
  });

  it('a name on several lines gets the addresses of all; an interface without addresses, none', () => {
    const t = table('interface-name=gw.lan,eth1\ninterface-name=gw.lan,eth0/6\ninterface-name=none.lan,wlan9');
    assert.deepEqual(forward(t, 'gw.lan'), ['A 172.16.0.1 60', 'AAAA 2001:db8:1::5 60']);
    assert.deepEqual(forward(t, 'none.lan'), []);
    assert.equal(t.forward.has(wireKey('none.lan')), true);
  });

  it('the first line holding an address names its PTR, a dynamic-host after an interface-name too', () => {
    const t = table('interface-name=gw.lan,eth0\ninterface-name=second.lan,eth0\ndynamic-host=nas.lan,0.0.0.8,::8,eth0');
    assert.equal(ptr(t, '5.78.168.192.in-addr.arpa'), 'gw.lan 60');
    assert.equal(ptr(t, '5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'), 'gw.lan 60');
    assert.equal(ptr(t, '8.78.168.192.in-addr.arpa'), 'nas.lan 0');
    assert.equal(ptr(t, '8.0.2.10.in-addr.arpa'), 'nas.lan 0');
    assert.equal(ptr(t, '9.78.168.192.in-addr.arpa'), null);
  });
});

describe('InterfaceSnapshot', () => {
  it('reads on first use, then again only once the reading is older than its maximum age', () => {
    let reads = 0;
    let t = 0;
    const snap = new InterfaceSnapshot(() => (reads++, new Map()), 250, () => t);
    const first = snap.current();
    assert.equal(reads, 1);
    t = 250;
    assert.equal(snap.current(), first);
    t = 251;
    assert.notEqual(snap.current(), first);
    assert.equal(reads, 2);
  });
});

describe('InterfaceHosts', () => {
  const setup = () => {
    let now = 0;
    let reads = 0;
    let current = ETH0;
    const snap = new InterfaceSnapshot(() => (reads++, current), 250, () => now);
    const ih = InterfaceHosts.of(hosts('interface-name=gw.lan,eth0/4'), snap, 0)!;
    return { ih, reads: () => reads, set: (m: InterfaceMap) => (current = m), advance: (ms: number) => (now += ms) };
  };
  const ptrOf = (ih: InterfaceHosts, reverse: string) => {
    const wire = encodeName(reverse);
    const r = ih.pointer(wire, 0, wire.length, () => wireKey(reverse));
    return r === null ? null : readName(r.rdata, 0)!.name;
  };

  it('is null without lines', () => {
    assert.equal(InterfaceHosts.of([], new InterfaceSnapshot(() => new Map()), 0), null);
  });

  it('rules names out by wire length and knows its names, without reading the interfaces', () => {
    const { ih, reads } = setup();
    assert.equal(ih.mayBeName(wireKey('gw.lan').length), true);
    assert.equal(ih.mayBeName(wireKey('example.com').length), false);
    assert.equal(ih.isName(wireKey('gw.lan')), true);
    assert.equal(ih.isName(wireKey('gx.lan')), false);
    assert.equal(ptrOf(ih, 'www.example.com'), null);
    assert.equal(reads(), 0);
  });

  it('follows address changes once the reading is old enough, for names and PTRs alike', () => {
    const { ih, reads, set, advance } = setup();
    const a = () => ih.addresses(wireKey('gw.lan')).map((r) => formatIp(r.rdata));
    assert.deepEqual(a(), ['192.168.78.5', '10.2.0.5']);
    assert.equal(ptrOf(ih, '5.78.168.192.in-addr.arpa'), 'gw.lan');
    set(ifaces({ eth0: ['192.168.79.5/24'] }));
    assert.deepEqual(a(), ['192.168.78.5', '10.2.0.5']);
    assert.equal(reads(), 1);
    advance(300);
    assert.equal(ptrOf(ih, '5.78.168.192.in-addr.arpa'), null);
    assert.equal(ptrOf(ih, '5.79.168.192.in-addr.arpa'), 'gw.lan');
    assert.deepEqual(a(), ['192.168.79.5']);
    assert.equal(reads(), 2);
  });
});
