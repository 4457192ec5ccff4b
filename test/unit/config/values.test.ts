/**
 * The small value parsers of the directive table: whole numbers in a range, IP literals and
 * ADDRESS:PORT, each failing with a ConfigError that names its origin.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseAddressRange, parseHostPort, parseIntIn, parseIp } from '../../../src/config/values.js';
import { assertConfigError } from '../../helpers/config.js';

const O = { file: 'v.conf', line: 4 };

describe('parseIntIn', () => {
  const ok: [string, number][] = [['0', 0], ['7', 7], ['007', 7], ['65535', 65535]];
  for (const [text, n] of ok) it(`"${text}" → ${n}`, () => assert.equal(parseIntIn(text, O, 'n', 0, 65535), n));

  const bad: [string, RegExp][] = [['', /whole number/], ['-1', /whole number/], ['1.5', /whole number/], ['1e3', /whole number/], [' 1', /whole number/], ['65536', /out of range \(0-65535\)/]];
  for (const [text, message] of bad) {
    it(`rejects "${text}"`, () => {
      assertConfigError(() => parseIntIn(text, O, 'n', 0, 65535), 'FANDNS_CONFIG_VALUE', 'v.conf:4', message);
    });
  }
});

describe('parseIp', () => {
  for (const ip of ['127.0.0.1', '::1', '2001:db8::1']) it(`accepts ${ip}`, () => assert.equal(parseIp(ip, O, 'x'), ip));
  for (const bad of ['localhost', '1.2.3', '', '127.0.0.1#53']) {
    it(`rejects "${bad}"`, () => {
      assertConfigError(() => parseIp(bad, O, 'x'), 'FANDNS_CONFIG_VALUE', 'v.conf:4', /x needs an IP address/);
    });
  }
});

describe('parseHostPort', () => {
  it('reads IPv4 and bracketed IPv6', () => {
    assert.deepEqual(parseHostPort('127.0.0.1:9153', O, 'm'), { host: '127.0.0.1', port: 9153 });
    assert.deepEqual(parseHostPort('[::1]:9153', O, 'm'), { host: '::1', port: 9153 });
  });
  it('accepts port 0 (a free port, chosen at start-up)', () => {
    assert.deepEqual(parseHostPort('127.0.0.1:0', O, 'm'), { host: '127.0.0.1', port: 0 });
  });
  const bad: [string, RegExp][] = [
    ['127.0.0.1', /ADDRESS:PORT/],
    ['::1:53', /ADDRESS:PORT/],
    ['localhost:53', /ADDRESS:PORT/],
    ['127.0.0.1:70000', /out of range/],
  ];
  for (const [text, message] of bad) {
    it(`rejects "${text}"`, () => {
      assertConfigError(() => parseHostPort(text, O, 'm'), 'FANDNS_CONFIG_VALUE', 'v.conf:4', message);
    });
  }
});

describe('parseAddressRange', () => {
  const ok: [string, string, number][] = [
    ['10.9.9.9', '10.9.9.9', 32], ['10.9.9.0/24', '10.9.9.0', 24], ['0.0.0.0/0', '0.0.0.0', 0],
    ['2001:db8::bad', '2001:db8::bad', 128], ['2001:db8::/32', '2001:db8::', 32],
  ];
  for (const [text, address, prefix] of ok) {
    it(`"${text}" → ${address}/${prefix}`, () => assert.deepEqual(parseAddressRange(text, O, 'r'), { address, prefix }));
  }

  const bad: [string, RegExp][] = [
    ['', /bad address "" in r/], ['host.test', /bad address "host\.test"/], ['10.9.9.9,10.9.9.8', /bad address/],
    ['10.9.9.0/33', /bad IPv4 prefix length "33" in r/], ['10.9.9.0/', /bad IPv4 prefix length ""/],
    ['10.9.9.0/x', /bad IPv4 prefix length "x"/], ['2001:db8::/129', /bad IPv6 prefix length "129"/], ['::/-1', /bad IPv6 prefix length/],
  ];
  for (const [text, message] of bad) {
    it(`rejects "${text}"`, () => {
      assertConfigError(() => parseAddressRange(text, O, 'r'), 'FANDNS_CONFIG_VALUE', 'v.conf:4', message);
    });
  }

  it('takes a smallest prefix', () => {
    assertConfigError(() => parseAddressRange('10.0.0.0/0', O, 'r', 1), 'FANDNS_CONFIG_VALUE', 'v.conf:4', /bad IPv4 prefix length "0"/);
  });

});
