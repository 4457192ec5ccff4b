/**
 * The small value parsers of the directive table: whole numbers in a range, IP literals and
 * ADDRESS:PORT, each failing with a ConfigError that names its origin.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseHostPort, parseIntIn, parseIp } from '../../../src/config/values.js';
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
