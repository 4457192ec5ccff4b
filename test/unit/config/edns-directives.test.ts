/**
 * add-subnet, strip-subnet, add-mac, strip-mac and add-cpe-id as the config reads them: dnsmasq
 * 2.90's syntax (checked with `dnsmasq --test`), and a `file:line` error for what dnsmasq accepts
 * only to send a malformed option (a prefix longer than the address) or ignores (an empty id).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import type { EdnsConfig } from '../../../src/config/types.js';
import type { ErrorCode } from '../../../src/errors.js';
import { assertConfigError } from '../../helpers/config.js';

const edns = (text: string): EdnsConfig => parseConfigText(`no-resolv\n${text}`, 'e.conf').edns;
const rejects = (line: string, code: ErrorCode, message: RegExp): void => {
  assertConfigError(() => parseConfigText(`no-resolv\n${line}`, 'e.conf'), code, 'e.conf:2', message);
};

describe('EDNS options: defaults', () => {
  it('are all off', () => assert.deepEqual(edns(''), { addSubnet: null, stripSubnet: false, addMac: [], stripMac: false, cpeId: null }));
});

describe('add-subnet', () => {
  const rows: [string, EdnsConfig['addSubnet']][] = [
    ['add-subnet', { ipv4: null, ipv6: null }],
    ['add-subnet=24', { ipv4: { prefix: 24, address: null }, ipv6: null }],
    ['add-subnet=24,96', { ipv4: { prefix: 24, address: null }, ipv6: { prefix: 96, address: null } }],
    ['add-subnet=24,', { ipv4: { prefix: 24, address: null }, ipv6: null }],
    ['add-subnet=0,0', { ipv4: { prefix: 0, address: null }, ipv6: { prefix: 0, address: null } }],
    ['add-subnet=32,128', { ipv4: { prefix: 32, address: null }, ipv6: { prefix: 128, address: null } }],
    ['add-subnet=1.2.3.4/24', { ipv4: { prefix: 24, address: '1.2.3.4' }, ipv6: null }],
    ['add-subnet=1.2.3.4/24,1.2.3.4/24', { ipv4: { prefix: 24, address: '1.2.3.4' }, ipv6: { prefix: 24, address: '1.2.3.4' } }],
    ['add-subnet=2001:db8::1/56', { ipv4: { prefix: 56, address: '2001:db8::1' }, ipv6: null }],
    ['add-subnet=24,2001:db8::/48', { ipv4: { prefix: 24, address: null }, ipv6: { prefix: 48, address: '2001:db8::' } }],
    ['add-subnet="24,56"', { ipv4: { prefix: 24, address: null }, ipv6: { prefix: 56, address: null } }],
  ];
  for (const [line, want] of rows) it(line, () => assert.deepEqual(edns(line).addSubnet, want));

  const bad: [string, RegExp][] = [
    ['add-subnet=33', /add-subnet: bad prefix length "33" \(0-32\)/],
    ['add-subnet=24,129', /add-subnet: bad prefix length "129" \(0-128\)/],
    ['add-subnet=1.2.3.4/40', /bad prefix length "40" \(0-32\)/],
    ['add-subnet=::1/129', /bad prefix length "129" \(0-128\)/],
    ['add-subnet=abc', /bad prefix length "abc"/],
    ['add-subnet=-1', /bad prefix length "-1"/],
    ['add-subnet=1.2.3.4', /bad prefix length "1.2.3.4"/],
    ['add-subnet=1.2.3.4/24/3', /bad prefix length "24\/3"/],
    ['add-subnet=example.com/24', /bad address "example.com"/],
    ['add-subnet=1.2.3.4/24,5.6.7.8/16,1', /at most two parts/],
  ];
  for (const [line, message] of bad) it(`rejects ${line}`, () => rejects(line, 'FANDNS_CONFIG_VALUE', message));
  it('may be given once (dnsmasq: illegal repeated keyword)', () => {
    assertConfigError(() => parseConfigText('add-subnet=24\nadd-subnet=16', 'e.conf'), 'FANDNS_CONFIG_REPEATED', 'e.conf:2', /add-subnet given twice/);
  });
});

describe('strip-subnet, strip-mac', () => {
  it('are flags', () => {
    const e = edns('strip-subnet\nstrip-mac');
    assert.equal(e.stripSubnet, true);
    assert.equal(e.stripMac, true);
  });
  it('take no value', () => rejects('strip-subnet=1', 'FANDNS_CONFIG_SYNTAX', /strip-subnet takes no value/));
});

describe('add-mac', () => {
  it('bare: the raw MAC (option 65001)', () => assert.deepEqual(edns('add-mac').addMac, ['raw']));
  it('=base64 and =text add option 65073 encodings, and repeat', () => assert.deepEqual(edns('add-mac=text\nadd-mac\nadd-mac=base64').addMac, ['text', 'raw', 'base64']));
  it('rejects other values', () => rejects('add-mac=hex', 'FANDNS_CONFIG_VALUE', /add-mac takes no value, "base64" or "text", got "hex"/));
});

describe('add-cpe-id', () => {
  it('takes the string as written, quotes removed', () => {
    assert.equal(edns('add-cpe-id=abc123').cpeId, 'abc123');
    assert.equal(edns('add-cpe-id="a b,c#d"').cpeId, 'a b,c#d');
  });
  it('needs a value', () => rejects('add-cpe-id', 'FANDNS_CONFIG_SYNTAX', /add-cpe-id needs a value/));
  it('rejects an empty string (dnsmasq ignores the line)', () => rejects('add-cpe-id=""', 'FANDNS_CONFIG_VALUE', /add-cpe-id needs a string/));
  it('rejects more than 255 bytes', () => rejects(`add-cpe-id=${'x'.repeat(256)}`, 'FANDNS_CONFIG_VALUE', /longer than 255 bytes/));
  it('may be given once', () => {
    assertConfigError(() => parseConfigText('add-cpe-id=a\nadd-cpe-id=b', 'e.conf'), 'FANDNS_CONFIG_REPEATED', 'e.conf:2', /given twice/);
  });
});
