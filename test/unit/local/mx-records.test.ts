/**
 * MX records of mx-host, mx-target, localmx and selfmx in the local zone (src/local/mx-records.ts,
 * through buildZone with a fixed host name), as dnsmasq 2.90 answers them (checked with dig):
 * default targets, the host name's own record (preference 0), which names count as local
 * machines, and what wins when several options name one host.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { hostsEntries } from '../../../src/config/hosts-file.js';
import { buildZone } from '../../../src/local/build-zone.js';
import { machineName, needsMachineName } from '../../../src/local/mx-records.js';
import { wireKey } from '../../../src/local/zone.js';
import { RRType } from '../../../src/wire/constants.js';
import { readName } from '../../../src/wire/name.js';

const HOSTS = '10.0.0.5 hostA hostA.lan\n10.0.0.6 hostB\n10.0.0.9 gw\n';

/** The zone of `lines` over HOSTS, on a machine called `host`. */
function zoneOf(lines: string, host: string | null = 'gw') {
  const config = parseConfigText(`no-hosts\nno-resolv\nhost-record=hr.lan,10.0.0.7\nlocal-ttl=5\ndns-rr=raw.lan,1,0a000008\n${lines}`);
  return buildZone(config, hostsEntries(HOSTS, 'h'), host);
}

/** The MX records of `name` as `preference target`. */
function mx(zone: ReturnType<typeof zoneOf>, name: string): string[] {
  return (zone.records(wireKey(name)) ?? []).filter((r) => r.type === RRType.MX).map((r) => `${r.rdata.readUInt16BE(0)} ${readName(r.rdata, 2)?.name}`);
}

const NAMES = ['gw', 'hosta', 'hosta.lan', 'hostb', 'hr.lan', 'raw.lan', 'example.com'];
const all = (zone: ReturnType<typeof zoneOf>) => Object.fromEntries(NAMES.map((n) => [n, mx(zone, n)]));

describe('MX records for local machines', () => {
  it('none without these options', () => {
    assert.deepEqual(Object.values(all(zoneOf(''))).flat(), []);
  });

  it('mx-host without a target points at the host name; mx-target alone gives the host name an MX record (preference 0)', () => {
    assert.deepEqual(all(zoneOf('mx-host=example.com')), { ...none(), 'example.com': ['1 gw'] });
    assert.deepEqual(all(zoneOf('mx-target=mail.example.com')), { ...none(), gw: ['0 mail.example.com'] });
    assert.deepEqual(all(zoneOf('mx-host=example.com\nmx-target=mx.t')), { ...none(), gw: ['0 mx.t'], 'example.com': ['1 mx.t'] });
  });

  it('localmx: every hosts-file and host-record name points at mx-target, else the host name', () => {
    const want = (t: string) => ({ ...none(), gw: [`0 ${t}`], hosta: [`1 ${t}`], 'hosta.lan': [`1 ${t}`], hostb: [`1 ${t}`], 'hr.lan': [`1 ${t}`] });
    assert.deepEqual(all(zoneOf('localmx')), want('gw'));
    assert.deepEqual(all(zoneOf('localmx\nmx-target=mx.t')), want('mx.t'));
  });

  it('selfmx: every such name points at itself, and wins over localmx; the host name keeps its own record', () => {
    assert.deepEqual(all(zoneOf('selfmx')), { ...none(), gw: ['1 gw'], hosta: ['1 hosta'], 'hosta.lan': ['1 hosta.lan'], hostb: ['1 hostb'], 'hr.lan': ['1 hr.lan'] });
    const both = all(zoneOf('selfmx\nlocalmx\nmx-target=mx.t'));
    assert.deepEqual([both['gw'], both['hosta'], both['hr.lan']], [['0 mx.t'], ['1 hosta'], ['1 hr.lan']]);
  });

  it('an mx-host line for a name replaces the localmx record and the host name\'s own', () => {
    const z = zoneOf('mx-host=hostA,m.a,3\nmx-host=hostA,m.b,4\nmx-host=gw,mail.x,7\nlocalmx\nmx-target=mx.t');
    assert.deepEqual([mx(z, 'hosta'), mx(z, 'gw'), mx(z, 'hostb')], [['3 m.a', '4 m.b'], ['7 mail.x'], ['1 mx.t']]);
  });

  it('serves local-ttl and makes the host name local (other types: NODATA)', () => {
    const z = zoneOf('mx-target=mx.t', 'box.lan');
    assert.deepEqual(z.records(wireKey('box.lan'))?.map((r) => r.ttl), [5]);
    assert.equal(z.claims(wireKey('box.lan')), true);
  });

  it('leaves out what needs a host name when there is none', () => {
    const z = zoneOf('mx-host=example.com\nmx-host=ex2.com,m.ex2.com\nlocalmx', null);
    assert.deepEqual(Object.values(all(z)).flat(), []);
    assert.deepEqual(mx(z, 'ex2.com'), ['1 m.ex2.com']);
  });
});

describe('machineName', () => {
  it('is the canonical host name, or null when it is no DNS name', () => {
    assert.equal(machineName('Box.Example.'), 'box.example');
    assert.equal(machineName(''), null);
    assert.equal(machineName('a..b'), null);
    assert.equal(typeof machineName(), 'string');
  });

  it('is needed for mx-target, localmx and mx-host without a target', () => {
    const mx = (lines: string) => needsMachineName(parseConfigText(`no-resolv\n${lines}`).mx);
    assert.deepEqual([mx(''), mx('selfmx'), mx('mx-host=a.test,m.test'), mx('mx-host=a.test'), mx('localmx'), mx('mx-target=m.test')],
      [false, false, false, true, true, true]);
  });
});

/** No MX record for any of NAMES. */
function none(): Record<string, string[]> {
  return Object.fromEntries(NAMES.map((n) => [n, []]));
}
