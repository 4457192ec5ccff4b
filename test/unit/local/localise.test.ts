/**
 * localise-queries (local/localise.ts): the subnet of the address a query was sent to, and which
 * A records a name keeps: those in that subnet when there is at least one, all otherwise; other
 * types untouched; IPv4 only; an address on no interface (a wildcard listener) changes nothing.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { Subnet } from '../../../src/listen/interfaces.js';
import { InterfaceSnapshot, type InterfaceMap } from '../../../src/local/interface-snapshot.js';
import { keepLocal, localNet, Localiser } from '../../../src/local/localise.js';
import type { ZoneRecord } from '../../../src/local/zone.js';
import { formatIp, ipBytes } from '../../../src/util/ip.js';
import { RRType } from '../../../src/wire/constants.js';

const sub = (address: string, prefix: number): Subnet => ({ address, family: address.includes(':') ? 6 : 4, prefix });
const BY_IFACE: InterfaceMap = new Map([
  ['lo', [sub('127.0.0.1', 8), sub('::1', 128)]],
  ['eth0', [sub('10.1.0.5', 24), sub('10.2.0.5', 16)]],
]);
const rec = (addr: string): ZoneRecord => ({ type: addr.includes(':') ? RRType.AAAA : RRType.A, rdata: ipBytes(addr), ttl: 0 });
const MULTI = ['10.1.0.7', '10.2.0.7', '192.0.2.7', '2001:db8::7'].map(rec);
const shown = (rs: readonly ZoneRecord[]) => rs.map((r) => formatIp(r.rdata));

describe('localNet', () => {
  it('is the prefix the address has on its interface', () => {
    assert.deepEqual(localNet('10.2.0.5', BY_IFACE), { net: ipBytes('10.2.0.5'), prefix: 16 });
    assert.deepEqual(localNet('127.0.0.1', BY_IFACE), { net: ipBytes('127.0.0.1'), prefix: 8 });
  });

  it('is null for IPv6, a wildcard or an address no interface has', () => {
    assert.equal(localNet('::1', BY_IFACE), null);
    assert.equal(localNet('0.0.0.0', BY_IFACE), null);
    assert.equal(localNet('127.0.0.2', BY_IFACE), null);
  });
});

describe('keepLocal', () => {
  it('keeps the A records in the subnet, and every other type', () => {
    assert.deepEqual(shown(keepLocal(MULTI, localNet('10.1.0.5', BY_IFACE)!)), ['10.1.0.7', '2001:db8::7']);
    assert.deepEqual(shown(keepLocal(MULTI, localNet('10.2.0.5', BY_IFACE)!)), ['10.2.0.7', '2001:db8::7']);
  });

  it('keeps everything when no A record is in the subnet', () => {
    assert.equal(keepLocal(MULTI, localNet('127.0.0.1', BY_IFACE)!), MULTI);
  });
});

describe('Localiser', () => {
  it('reads the interfaces only for two or more A records, and keeps the subnet of the local address', () => {
    let reads = 0;
    const l = new Localiser(new InterfaceSnapshot(() => (reads++, BY_IFACE)));
    const one = [rec('192.0.2.1'), rec('2001:db8::1')];
    assert.equal(l.apply(one, '10.1.0.5'), one);
    assert.equal(reads, 0);
    assert.deepEqual(shown(l.apply(MULTI, '10.1.0.5')), ['10.1.0.7', '2001:db8::7']);
    assert.deepEqual(shown(l.apply(MULTI, '0.0.0.0')), shown(MULTI));
    assert.equal(reads, 1);
  });
});
