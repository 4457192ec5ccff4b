/**
 * naptr-record=, caa-record= and dns-rr= through parseConfigText: each line becomes one local
 * record with RDATA laid out as RFC 3403 §4.1, RFC 8659 §4.1 or the hex given; what dnsmasq 2.90
 * reads (empty numbers as 0, a CAA value with commas, hex with separators and odd digits) reads
 * the same; what it would truncate, wrap or make malformed is a ConfigError naming the option and
 * file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { parseConfigText } from '../../../src/config/load.js';
import type { LocalRecord } from '../../../src/config/types.js';
import { RRType } from '../../../src/wire/constants.js';
import { assertConfigError } from '../../helpers/config.js';

const parse = (text: string) => parseConfigText(text, 'rr.conf');
const only = (line: string): LocalRecord => {
  const recs = parse(line).localRecords;
  assert.equal(recs.length, 1);
  return recs[0]!;
};
const hex = (line: string) => only(line).rdata.toString('hex');

/** Rejects `line` (given on line 2) with FANDNS_CONFIG_VALUE and a message matching `message`. */
function rejects(line: string, message: RegExp): void {
  assertConfigError(() => parse(`no-resolv\n${line}`), 'FANDNS_CONFIG_VALUE', 'rr.conf:2', message);
}

/** The fields of a NAPTR RDATA, as dns-packet decodes them. */
interface Naptr {
  order: number;
  preference: number;
  flags: string;
  services: string;
  regexp: string;
  replacement: string;
}

/** The one record of `line`, a NAPTR, decoded (dns-packet's codec reads the RDLENGTH prefix first). */
function naptr(line: string): Naptr {
  const r = only(line);
  assert.equal(r.type, RRType.NAPTR);
  const codec = (dnsPacket as unknown as Record<string, { decode(b: Buffer): Naptr }>)['naptr']!;
  return codec.decode(Buffer.concat([Buffer.from([r.rdata.length >>> 8, r.rdata.length & 0xff]), r.rdata]));
}

describe('naptr-record= (RFC 3403 §4.1)', () => {
  it('reads every field, the replacement lower-cased', () => {
    const r = only('naptr-record=N.Test,10,20,U,E2U+sip,!^.*$!sip:info@example.com!,_SIP._udp.example.com');
    assert.deepEqual([r.name, r.ttl], ['n.test', null]);
    assert.deepEqual(naptr('naptr-record=N.Test,10,20,U,E2U+sip,!^.*$!sip:info@example.com!,_SIP._udp.example.com'), {
      order: 10, preference: 20, flags: 'U', services: 'E2U+sip', regexp: '!^.*$!sip:info@example.com!', replacement: '_sip._udp.example.com',
    });
  });

  it('writes the replacement as an uncompressed name, and the root when absent, empty or "."', () => {
    const root = '000a0014' + '0175' + '0173' + '0172' + '00';
    assert.equal(hex('naptr-record=n.test,10,20,u,s,r'), root);
    assert.equal(hex('naptr-record=n.test,10,20,u,s,r,'), root);
    assert.equal(hex('naptr-record=n.test,10,20,u,s,r,.'), root);
    assert.ok(hex('naptr-record=n.test,10,20,u,s,r,x.test').endsWith('01780474657374' + '00'));
  });

  it('reads empty numbers and strings as dnsmasq does (0 and empty)', () => {
    assert.equal(hex('naptr-record=n.test,,,,,'), '00000000' + '000000' + '00');
  });

  it('keeps quoted commas and spaces in one field', () => {
    assert.equal(naptr('naptr-record=n.test,1,2,"u","a, b","!^(x,y)$!z!"').regexp, '!^(x,y)$!z!');
    assert.equal(naptr('naptr-record=n.test,1,2,"u","a, b","r"').services, 'a, b');
  });

  it('takes strings of 255 bytes', () => assert.equal(naptr(`naptr-record=n.test,1,2,u,s,${'x'.repeat(255)}`).regexp.length, 255));

  const errors: [string, RegExp][] = [
    ['naptr-record=n.test,1,2,u,s', /naptr-record needs <name>,<order>/],
    ['naptr-record=n.test,1,2,u,s,r,x.test,y', /naptr-record needs .*quote a field holding a comma/],
    ['naptr-record=n.test,65536,2,u,s,r', /bad naptr-record order "65536"/],
    ['naptr-record=n.test,-1,2,u,s,r', /bad naptr-record order "-1"/],
    ['naptr-record=n.test,1,x,u,s,r', /bad naptr-record preference "x"/],
    [`naptr-record=n.test,1,2,u,s,${'x'.repeat(256)}`, /naptr-record regexp is 256 bytes, more than 255/],
    [`naptr-record=n.test,1,2,${'\u00e9'.repeat(128)},s,r`, /naptr-record flags is 256 bytes/],
    ['naptr-record=,1,2,u,s,r', /missing naptr-record name/],
    ['naptr-record=a..test,1,2,u,s,r', /bad naptr-record name/],
    ['naptr-record=n.test,1,2,u,s,r,b..test', /bad naptr-record replacement/],
  ];
  for (const [line, message] of errors) it(`rejects ${line.slice(0, 60)}`, () => rejects(line, message));
});

describe('caa-record= (RFC 8659 §4.1)', () => {
  it('lays out flags, tag length, tag and value', () => {
    const r = only('caa-record=C.Test,128,issue,"letsencrypt.org"');
    assert.deepEqual([r.name, r.type, r.ttl], ['c.test', RRType.CAA, null]);
    assert.equal(r.rdata.toString('latin1'), '\x80\x05issueletsencrypt.org');
  });

  it('takes the rest of the line as the value, commas and inner spaces included, as dnsmasq', () => {
    assert.equal(only('caa-record=c.test,0,issue,ca.example; account=1,x , y').rdata.subarray(7).toString(), 'ca.example; account=1,x , y');
  });

  it('keeps the tag\'s case, reads empty flags as 0 and allows an empty value', () => {
    assert.equal(only('caa-record=c.test,,Issue,').rdata.toString('latin1'), '\x00\x05Issue');
  });

  it('takes a value far longer than 255 bytes (it is not a character-string)', () => {
    const r = only(`caa-record=c.test,0,iodef,https://${'x'.repeat(5000)}`);
    assert.equal(r.rdata.length, 2 + 5 + 8 + 5000);
  });

  const errors: [string, RegExp][] = [
    ['caa-record=c.test,0,issue', /caa-record needs <name>,<flags>,<tag>,<value>/],
    ['caa-record=c.test', /caa-record needs/],
    ['caa-record=c.test,256,issue,v', /bad caa-record flags "256"/],
    ['caa-record=c.test,x,issue,v', /bad caa-record flags "x"/],
    ['caa-record=c.test,0,,v', /bad caa-record tag "": 1 to 255 letters and digits/],
    ['caa-record=c.test,0,is-sue,v', /bad caa-record tag "is-sue"/],
    [`caa-record=c.test,0,${'t'.repeat(256)},v`, /bad caa-record tag/],
    [`caa-record=c.test,0,issue,${'v'.repeat(65529)}`, /caa-record data is 65536 bytes, more than 65535/],
    ['caa-record=,0,issue,v', /missing caa-record name/],
  ];
  for (const [line, message] of errors) it(`rejects ${line.slice(0, 60)}`, () => rejects(line, message));
});

describe('dns-rr= (RFC 3597)', () => {
  const rows: [string, number, string][] = [
    ['dns-rr=r.test,65280,01:02:0a:ff', 65280, '01020aff'],
    ['dns-rr=r.test,65280,0102FF', 65280, '0102ff'],
    ['dns-rr=r.test,99,abc', 99, 'ab0c'],
    ['dns-rr=r.test,99,1:2:3', 99, '010203'],
    ['dns-rr=r.test,99,123:4', 99, '120304'],
    ['dns-rr=r.test,99,01-02 03', 99, '010203'],
    ['dns-rr=r.test,99,:01::02:', 99, '0102'],
    ['dns-rr=r.test,99,"01 02"', 99, '0102'],
    ['dns-rr=r.test,65281', 65281, ''],
    ['dns-rr=r.test,65281,', 65281, ''],
    ['dns-rr=r.test,257,000569737375656361', 257, '000569737375656361'],
    ['dns-rr=r.test,1,c0000201', 1, 'c0000201'],
    ['dns-rr=r.test,127,00', 127, '00'],
    ['dns-rr=r.test,256,00', 256, '00'],
    ['dns-rr=r.test,65535,00', 65535, '00'],
  ];
  for (const [line, type, data] of rows) {
    it(line, () => {
      const r = only(line);
      assert.deepEqual([r.name, r.type, r.rdata.toString('hex'), r.ttl], ['r.test', type, data, null]);
    });
  }

  const errors: [string, RegExp][] = [
    ['dns-rr=r.test', /dns-rr needs <name>,<RR-number>/],
    ['dns-rr=r.test,', /bad dns-rr type "": give the type number/],
    ['dns-rr=r.test,0,01', /bad dns-rr type 0: not a data type/],
    ['dns-rr=r.test,41,0000', /bad dns-rr type 41/],
    ['dns-rr=r.test,128,00', /bad dns-rr type 128/],
    ['dns-rr=r.test,255,00', /bad dns-rr type 255/],
    ['dns-rr=r.test,65536,00', /bad dns-rr type 65536/],
    ['dns-rr=r.test,70000,00', /bad dns-rr type 70000/],
    ['dns-rr=r.test,-1,00', /bad dns-rr type "-1": give the type number$/],
    ['dns-rr=r.test,TXT,00', /bad dns-rr type "TXT": give the type number \(16\)/],
    ['dns-rr=r.test,1,zz', /bad dns-rr data "zz"/],
    ['dns-rr=r.test,1,01,02', /bad dns-rr data "01,02"/],
    ['dns-rr=r.test,1,01:*', /bad dns-rr data "01:\*"/],
    ['dns-rr=r.test,1,0x01', /bad dns-rr data "0x01"/],
    [`dns-rr=r.test,1,${'00'.repeat(65536)}`, /dns-rr data is 65536 bytes, more than 65535/],
    ['dns-rr=,1,01', /missing dns-rr name/],
    ['dns-rr=r..test,1,01', /bad dns-rr name/],
  ];
  for (const [line, message] of errors) it(`rejects ${line.slice(0, 60)}`, () => rejects(line, message));
});

describe('several lines at one name', () => {
  it('keep their order and each get local-ttl later (ttl null)', () => {
    const recs = parse('caa-record=x.test,0,issue,a\ndns-rr=x.test,65280,01\nnaptr-record=x.test,1,1,u,s,r').localRecords;
    assert.deepEqual(recs.map((r) => [r.name, r.type, r.ttl, r.origin.line]), [
      ['x.test', 257, null, 1], ['x.test', 65280, null, 2], ['x.test', 35, null, 3],
    ]);
  });
});
