/** The local zone from hosts entries (src/local/build-zone.ts): A/AAAA for every name, one PTR per address. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { hostsEntries } from '../../../src/config/hosts-file.js';
import { buildZone } from '../../../src/local/build-zone.js';
import { wireKey } from '../../../src/local/zone.js';
import { RRType } from '../../../src/wire/constants.js';
import { readName } from '../../../src/wire/name.js';

const config = parseConfigText('no-hosts\nno-resolv\n');

const ptrNames = (zone: ReturnType<typeof buildZone>, reverse: string) =>
  (zone.records(wireKey(reverse)) ?? []).filter((r) => r.type === RRType.PTR).map((r) => readName(r.rdata, 0)?.name);

describe('local zone from hosts files', () => {
  it('gives an address on several lines one PTR, to the first line\'s first name (as dnsmasq 2.90)', () => {
    const zone = buildZone(config, hostsEntries('192.0.2.9 first.test\n192.0.2.9 second.test alias2.test\n', 'h'));
    assert.deepEqual(ptrNames(zone, '9.2.0.192.in-addr.arpa'), ['first.test']);
    for (const n of ['first.test', 'second.test', 'alias2.test']) {
      assert.deepEqual(zone.records(wireKey(n))?.map((r) => [r.type, [...r.rdata].join('.')]), [[RRType.A, '192.0.2.9']], n);
    }
  });

  it('compares addresses by value: two spellings of one IPv6 address make one PTR', () => {
    const zone = buildZone(config, hostsEntries('2001:db8::1 one.test\n2001:db8:0:0::1 two.test\n', 'h'));
    const reverse = `1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`;
    assert.deepEqual(ptrNames(zone, reverse), ['one.test']);
  });

  it('knows each name with records and its ancestors, and nothing else', () => {
    const zone = buildZone(config, hostsEntries('192.0.2.1 a.b.lan\n', 'h'));
    assert.equal(zone.empty, false);
    for (const n of ['a.b.lan', 'b.lan', 'lan', '1.2.0.192.in-addr.arpa', 'in-addr.arpa']) assert.equal(zone.isKnown(wireKey(n)), true, n);
    for (const n of ['c.b.lan', 'x.a.b.lan', 'other']) assert.equal(zone.isKnown(wireKey(n)), false, n);
  });

  it('leaves names that only caa-record or dns-rr give records to unknown, until another record claims them', () => {
    const zone = buildZone(parseConfigText('no-hosts\nno-resolv\ncaa-record=web.lan,0,issue,ca.example\ndns-rr=x.y.lan,65280,00\ncaa-record=both.lan,0,issue,ca\ntxt-record=both.lan,hi'), []);
    for (const n of ['web.lan', 'x.y.lan', 'y.lan', 'lan']) {
      assert.equal(zone.isKnown(wireKey(n)), n === 'lan', n);
    }
    assert.equal(zone.claims(wireKey('web.lan')), false);
    assert.equal(zone.records(wireKey('web.lan'))?.length, 1, 'the CAA is still served');
    assert.equal(zone.claims(wireKey('both.lan')), true, 'the TXT claims it');
    assert.equal(zone.isKnown(wireKey('both.lan')), true);
  });

  it('builds an ad-block list of 200,000 names on 0.0.0.0 with one PTR (it used to compare every PTR with every other)', { timeout: 30_000 }, () => {
    let text = '';
    for (let i = 0; i < 200_000; i++) text += `0.0.0.0 ads${i}.tracker.example\n`;
    const zone = buildZone(config, hostsEntries(text, 'ads'));
    assert.equal(zone.size, 200_001);
    assert.deepEqual(ptrNames(zone, '0.0.0.0.in-addr.arpa'), ['ads0.tracker.example']);
    const a = zone.records(wireKey('ads199999.tracker.example'));
    assert.deepEqual(a?.map((r) => [r.type, [...r.rdata].join('.')]), [[RRType.A, '0.0.0.0']]);
  });
});
