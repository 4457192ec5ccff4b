/**
 * Local-data directives (reference §3.1, §6.7) through parseConfigText: cname=, host-record=,
 * txt-record=, ptr-record= and srv-host= become typed records with the right RDATA (mx-host=:
 * mx-options.test.ts), and malformed lines ConfigErrors naming file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import type { LocalRecord } from '../../../src/config/types.js';
import { parseConfigText } from '../../../src/config/load.js';
import { typeName } from '../../../src/wire/constants.js';
import type { ErrorCode } from '../../../src/errors.js';
import { assertConfigError } from '../../helpers/config.js';

const parse = (text: string) => parseConfigText(text, 'local.conf');

/** A record as `name TYPE data [ttl]`, its RDATA decoded by dns-packet. */
function describeRecord(r: LocalRecord): string {
  const type = typeName(r.type);
  let data: string;
  if (r.placeholder) data = '(name only)';
  else {
    // dns-packet's RDATA codecs read the RDLENGTH prefix first.
    const withLength = Buffer.concat([Buffer.from([r.rdata.length >>> 8, r.rdata.length & 0xff]), r.rdata]);
    const decoded: unknown = (dnsPacket as unknown as Record<string, { decode(b: Buffer): unknown }>)[type.toLowerCase()]?.decode(withLength);
    data = Array.isArray(decoded) ? decoded.map((b) => Buffer.from(b as Uint8Array).toString()).join('|') : typeof decoded === 'string' ? decoded : JSON.stringify(decoded);
  }
  return `${r.name} ${type} ${data}${r.ttl !== null ? ` ttl=${r.ttl}` : ''}`;
}

const recordsOf = (line: string) => parse(line).localRecords.map(describeRecord);

/** Rejects `line` (given on line 2) with `code` and a message matching `message`. */
function rejects(line: string, code: ErrorCode, message: RegExp): void {
  assertConfigError(() => parse(`no-resolv\n${line}`), code, 'local.conf:2', message);
}

describe('cname= (reference §3.1)', () => {
  const rows: [string, string[]][] = [
    ['cname=web.example.com,web.service.consul', ['web.example.com>web.service.consul']],
    ['cname=A.test,B.test,Target.Test.', ['a.test>target.test', 'b.test>target.test']],
    ['cname=a.test,t.test,600', ['a.test>t.test ttl=600']],
    ['cname=a.test,600', ['a.test>600']],
    ['cname=a.test,b.test,t.test,30', ['a.test>t.test ttl=30', 'b.test>t.test ttl=30']],
  ];
  for (const [line, cnames] of rows) {
    it(line, () => {
      const got = parse(line).cnames.map((c) => `${c.alias}>${c.target}${c.ttl !== null ? ` ttl=${c.ttl}` : ''}`);
      assert.deepEqual(got, cnames);
    });
  }

  it('rejects a single field', () => rejects('cname=onlyone', 'FANDNS_CONFIG_VALUE', /bad cname/));
  it('rejects a bad alias', () => rejects('cname=a..b,t.test', 'FANDNS_CONFIG_VALUE', /bad cname alias/));
  it('rejects a duplicate alias, naming the second line and the first', () => {
    assertConfigError(() => parse('cname=a.test,t1.test\ncname=a.test,t2.test'), 'FANDNS_CONFIG_CONFLICT', 'local.conf:2', /duplicate cname alias a\.test \(first at local\.conf:1\)/);
  });
  it('rejects an alias loop', () => {
    assertConfigError(() => parse('cname=a.test,b.test\ncname=b.test,c.test\ncname=c.test,a.test'), 'FANDNS_CONFIG_CONFLICT', 'local.conf:1', /cname loop/);
  });
  it('allows a chain without a loop', () => assert.equal(parse('cname=a.test,b.test\ncname=b.test,c.test').cnames.length, 2));
});

describe('host-record=', () => {
  const rows: [string, string[]][] = [
    ['host-record=h.test,192.0.2.1', ['h.test A 192.0.2.1', '1.2.0.192.in-addr.arpa PTR h.test']],
    ['host-record=H.Test,2001:db8::1', ['h.test AAAA 2001:db8::1', `1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa PTR h.test`]],
    ['host-record=a.test,b.test,192.0.2.2,300', ['a.test A 192.0.2.2 ttl=300', 'b.test A 192.0.2.2 ttl=300', '2.2.0.192.in-addr.arpa PTR a.test ttl=300']],
  ];
  for (const [line, records] of rows) it(line, () => assert.deepEqual(recordsOf(line), records));

  it('rejects a record without address', () => rejects('host-record=h.test', 'FANDNS_CONFIG_VALUE', /at least one name and one address/));
  it('rejects a record without name', () => rejects('host-record=192.0.2.1', 'FANDNS_CONFIG_VALUE', /at least one name and one address/));
});

describe('txt-record=, ptr-record=, srv-host=', () => {
  const rows: [string, string[]][] = [
    ['txt-record=t.test,hello', ['t.test TXT hello']],
    ['txt-record=t.test,"a,b#c",second', ['t.test TXT a,b#c|second']],
    ['txt-record=t.test', ['t.test TXT ']],
    ['ptr-record=1.2.0.192.in-addr.arpa,Host.Test', ['1.2.0.192.in-addr.arpa PTR host.test']],
    ['ptr-record=p.test', ['p.test PTR (name only)']],
    ['srv-host=_ldap._tcp.ex.test,ldap.ex.test,389,1,2', ['_ldap._tcp.ex.test SRV {"priority":1,"weight":2,"port":389,"target":"ldap.ex.test"}']],
    ['srv-host=_x._tcp.ex.test', ['_x._tcp.ex.test SRV (name only)']],
  ];
  for (const [line, records] of rows) it(line, () => assert.deepEqual(recordsOf(line), records));

  it('splits a TXT string longer than 255 bytes into character-strings', () => {
    const [r] = parse(`txt-record=long.test,${'x'.repeat(300)}`).localRecords;
    assert.deepEqual([r?.rdata[0], r?.rdata[256], r?.rdata.length], [255, 45, 302]);
  });

  const errors: [string, RegExp][] = [
    ['txt-record=,x', /missing txt-record name/],
    ['srv-host=_x._tcp.ex.test,t.test,99999', /bad SRV port/],
    ['srv-host=_x._tcp.ex.test,t.test,http', /bad SRV port/],
    ['mx-host=ex.test,mail.ex.test,x', /bad MX preference/],
    ['ptr-record=a..b,t.test', /bad ptr-record name/],
  ];
  for (const [line, message] of errors) it(`rejects ${line}`, () => rejects(line, 'FANDNS_CONFIG_VALUE', message));
});
