/**
 * fast-dns-retry= and port-limit=: dnsmasq's defaults (bare: 1000,10000; port-limit 1), its
 * bounds (first delay at least 50 ms, port-limit at least 1), fandns's own (a retry time longer
 * than the first delay, port-limit at most the 8 sockets a server keeps), errors naming
 * file:line, and the warnings for settings upstream-timeout makes useless.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { assertConfigError } from '../../helpers/config.js';

const parse = (text: string) => parseConfigText(`no-resolv\n${text}`, 'retry.conf');
const forward = (text: string) => parse(text).forward;

describe('fast-dns-retry', () => {
  it('is off by default, with port-limit 1', () => {
    assert.equal(forward('').fastRetry, null);
    assert.equal(forward('').portLimit, 1);
  });

  it('bare takes dnsmasq\'s 1000 ms and 10000 ms; one value keeps the 10000 ms retry time', () => {
    assert.deepEqual(forward('fast-dns-retry').fastRetry, { firstMs: 1000, totalMs: 10_000 });
    assert.deepEqual(forward('fast-dns-retry=250').fastRetry, { firstMs: 250, totalMs: 10_000 });
    assert.deepEqual(forward('fast-dns-retry=250,1200').fastRetry, { firstMs: 250, totalMs: 1200 });
    assert.deepEqual(forward('fast-dns-retry="50, 100"').fastRetry, { firstMs: 50, totalMs: 100 });
  });

  it('refuses what dnsmasq refuses, naming the line', () => {
    for (const bad of ['fast-dns-retry=40', 'fast-dns-retry=abc', 'fast-dns-retry=', 'fast-dns-retry=250,abc', 'fast-dns-retry=250,-5', 'fast-dns-retry=250,3000,7']) {
      assertConfigError(() => forward(bad), 'FANDNS_CONFIG_VALUE', 'retry.conf:2');
    }
  });

  it('refuses a retry time not longer than the first delay (dnsmasq then sends no copy), and values past the bounds', () => {
    assertConfigError(() => forward('fast-dns-retry=250,0'), 'FANDNS_CONFIG_VALUE', 'retry.conf:2', /retry time must be longer than the first delay/);
    assertConfigError(() => forward('fast-dns-retry=250,250'), 'FANDNS_CONFIG_VALUE', 'retry.conf:2', /retry time must be longer/);
    assertConfigError(() => forward('fast-dns-retry=100000000000'), 'FANDNS_CONFIG_VALUE', 'retry.conf:2', /out of range/);
    assertConfigError(() => forward('fast-dns-retry=100,200000'), 'FANDNS_CONFIG_VALUE', 'retry.conf:2', /out of range/);
  });

  it('may be given once per file', () => {
    assertConfigError(() => forward('fast-dns-retry\nfast-dns-retry=200'), 'FANDNS_CONFIG_REPEATED', 'retry.conf:3');
  });

  it('warns when upstream-timeout ends every attempt before the first copy', () => {
    const w = parse('fast-dns-retry=1500').warnings;
    assert.equal(w.length, 1);
    assert.match(w[0]!, /^retry\.conf:2: fast-dns-retry first delay 1500 ms is not shorter than upstream-timeout=1500 ms/);
    assert.deepEqual(parse('fast-dns-retry=1500\nupstream-timeout=3000').warnings, []);
  });

  it('warns when a retry time written out is cut short by upstream-timeout, not for the bare default', () => {
    assert.match(parse('fast-dns-retry=250,3000').warnings.join('\n'), /^retry\.conf:2: fast-dns-retry copies stop when an attempt ends at upstream-timeout=1500 ms/);
    assert.deepEqual(parse('fast-dns-retry=250,3000\nupstream-timeout=3000').warnings, []);
    assert.deepEqual(parse('fast-dns-retry').warnings, []);
    assert.deepEqual(parse('fast-dns-retry=250').warnings, []);
  });
});

describe('port-limit', () => {
  it('takes 1 to 8', () => {
    assert.equal(forward('fast-dns-retry=250\nport-limit=3').portLimit, 3);
    assert.equal(forward('fast-dns-retry=250\nport-limit=8').portLimit, 8);
  });

  it('refuses 0, words and more ports than a server keeps, naming the line', () => {
    assertConfigError(() => forward('port-limit=0'), 'FANDNS_CONFIG_VALUE', 'retry.conf:2');
    assertConfigError(() => forward('port-limit=abc'), 'FANDNS_CONFIG_VALUE', 'retry.conf:2');
    assertConfigError(() => forward('port-limit=9'), 'FANDNS_CONFIG_VALUE', 'retry.conf:2', /fandns keeps 8 sockets per server/);
  });

  it('warns that it does nothing without fast-dns-retry', () => {
    assert.match(parse('port-limit=2').warnings.join('\n'), /^retry\.conf:2: port-limit has no effect without fast-dns-retry/);
    assert.deepEqual(parse('port-limit=1').warnings, []);
  });
});
