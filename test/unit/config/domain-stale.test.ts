/**
 * Serve-stale for one domain (`use-stale-cache=/d/[N]`, `no-stale-cache=/d/`,
 * `stale-client-timeout=/d/MS`): the global forms unchanged, each domain resolved over its
 * parents and the global settings, repeats and bad values refused naming file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseCli } from '../../../src/config/cli-args.js';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';
import { assertConfigError } from '../../helpers/config.js';

const cache = (text: string) => parseConfigText(`no-resolv\n${text}`, 'stale.conf').cache;
/** [staleMaxSec, staleClientTimeoutMs] of each configured domain. */
const stale = (text: string) => Object.fromEntries(cache(text).domainPolicies.map((p) => [p.domain, [p.staleMaxSec, p.staleClientTimeoutMs]]));

describe('domain-scoped serve-stale settings', () => {
  it('leave the global forms as they were', () => {
    assert.equal(cache('').staleMaxSec, null);
    assert.equal(cache('use-stale-cache').staleMaxSec, 86_400);
    assert.equal(cache('use-stale-cache=0').staleMaxSec, 0);
    assert.equal(cache('use-stale-cache=600\nstale-client-timeout=250').staleClientTimeoutMs, 250);
    assert.deepEqual(cache('use-stale-cache=600').domainPolicies, []);
  });

  it('read /d/N as the global N does: /d/ alone is 86400 s, /d/0 no limit', () => {
    assert.deepEqual(stale('use-stale-cache=/a.lan/600\nuse-stale-cache=/b.lan/\nuse-stale-cache="/c.lan/d.lan/0"'), {
      'a.lan': [600, 1800], 'b.lan': [86_400, 1800], 'c.lan': [0, 1800], 'd.lan': [0, 1800],
    });
  });

  it('turn serve-stale on for a domain only, or off for one under a global or parent setting', () => {
    assert.equal(cache('use-stale-cache=/service.consul/60').staleMaxSec, null, 'global stays off');
    assert.deepEqual(stale('use-stale-cache=3600\nno-stale-cache=/live.example.com/'), { 'live.example.com': [null, 1800] });
    assert.deepEqual(stale('use-stale-cache=/consul/60\nno-stale-cache=/node.consul/\nuse-stale-cache=/a.node.consul/5'), {
      consul: [60, 1800], 'node.consul': [null, 1800], 'a.node.consul': [5, 1800],
    });
  });

  it('take a domain\'s stale-client-timeout over its parents\' and the global one', () => {
    assert.deepEqual(stale('use-stale-cache\nstale-client-timeout=900\nstale-client-timeout=/consul/100\nmin-cache-ttl=/service.consul/2\nstale-client-timeout=/lan/0'), {
      consul: [86_400, 100], 'service.consul': [86_400, 100], lan: [86_400, 0],
    });
  });

  it('inherit a parent\'s serve-stale in a domain that sets only TTLs', () => {
    assert.deepEqual(stale('use-stale-cache=/consul/60\nmin-cache-ttl=/service.consul/2'), { consul: [60, 1800], 'service.consul': [60, 1800] });
  });

  it('repeat for other domains beside a plain form given once', () => {
    const c = cache('use-stale-cache=100\nuse-stale-cache=/a.lan/1\nuse-stale-cache=/b.lan/2\nstale-client-timeout=5\nstale-client-timeout=/a.lan/6');
    assert.equal(c.staleMaxSec, 100);
    assertConfigError(() => cache('use-stale-cache\nuse-stale-cache=5'), 'FANDNS_CONFIG_REPEATED', 'stale.conf:3');
    assertConfigError(() => cache('stale-client-timeout=5\nstale-client-timeout=6'), 'FANDNS_CONFIG_REPEATED', 'stale.conf:3');
    assertConfigError(() => cache('use-stale-cache\nuse-stale-cache'), 'FANDNS_CONFIG_REPEATED', 'stale.conf:3', /given twice/);
    assert.equal(cache('no-negcache\nno-negcache').noNegcache, true, 'a flag may repeat, as in dnsmasq');
    for (const flag of ['strict-order', 'all-servers']) parseConfigText(`no-resolv\n${flag}\n${flag}`, 'stale.conf');
  });

  it('refuse the same domain twice, and on and off for one domain, naming both lines', () => {
    assertConfigError(() => cache('use-stale-cache=/a.lan/1\nuse-stale-cache=/A.lan/2'), 'FANDNS_CONFIG_REPEATED', 'stale.conf:3', /use-stale-cache for a\.lan given twice \(first at stale\.conf:2\)/);
    assertConfigError(() => cache('use-stale-cache=/a.lan/1\nno-stale-cache=/b.lan/a.lan/'), 'FANDNS_CONFIG_REPEATED', 'stale.conf:3', /no-stale-cache for a\.lan contradicts use-stale-cache \(first at stale\.conf:2\)/);
    assertConfigError(() => cache('no-stale-cache=/a.lan/\nno-stale-cache=/a.lan/'), 'FANDNS_CONFIG_REPEATED', 'stale.conf:3');
    assertConfigError(() => cache('stale-client-timeout=/a.lan/1\nstale-client-timeout=/a.lan/1'), 'FANDNS_CONFIG_REPEATED', 'stale.conf:3');
  });

  it('refuse bad values and forms, naming the line', () => {
    const bad: [string, 'FANDNS_CONFIG_VALUE' | 'FANDNS_CONFIG_SYNTAX', RegExp?][] = [
      ['use-stale-cache=/a.lan/x', 'FANDNS_CONFIG_VALUE'],
      ['use-stale-cache=/a.lan/-1', 'FANDNS_CONFIG_VALUE'],
      ['use-stale-cache=/a.lan/2147483648', 'FANDNS_CONFIG_VALUE'],
      ['use-stale-cache=/*.lan/5', 'FANDNS_CONFIG_VALUE', /plain domain names/],
      ['use-stale-cache=/#/5', 'FANDNS_CONFIG_VALUE'],
      ['use-stale-cache=/lan', 'FANDNS_CONFIG_VALUE'],
      ['no-stale-cache=/lan/5', 'FANDNS_CONFIG_VALUE', /nothing may follow/],
      ['no-stale-cache=lan', 'FANDNS_CONFIG_SYNTAX', /no-stale-cache takes \/domain\//],
      ['no-stale-cache', 'FANDNS_CONFIG_SYNTAX'],
      ['stale-client-timeout=/a.lan/', 'FANDNS_CONFIG_VALUE'],
      ['stale-client-timeout=/a.lan/60001', 'FANDNS_CONFIG_VALUE'],
    ];
    for (const [line, code, pattern] of bad) assertConfigError(() => cache(line), code, 'stale.conf:2', pattern);
  });

  it('work on the command line too', () => {
    const cli = parseCli(['--use-stale-cache=/service.consul/60', '--no-stale-cache=/live.lan/', '--stale-client-timeout=/service.consul/200', '--no-resolv']);
    const c = loadConfig({ file: null, cliLines: cli.lines }).cache;
    assert.deepEqual(c.domainPolicies.map((p) => [p.domain, p.staleMaxSec, p.staleClientTimeoutMs]), [['service.consul', 60, 200], ['live.lan', null, 1800]]);
  });

  it('repeat on the command line for other domains, the plain form once', () => {
    const cli = parseCli(['--use-stale-cache=/a.lan/1', '--use-stale-cache=/b.lan/2', '--use-stale-cache=30', '--min-cache-ttl=/a.lan/2', '--min-cache-ttl=/b.lan/3', '--no-resolv']);
    const c = loadConfig({ file: null, cliLines: cli.lines }).cache;
    assert.equal(c.staleMaxSec, 30);
    assert.deepEqual(c.domainPolicies.map((p) => [p.domain, p.staleMaxSec, p.minTtl]), [['a.lan', 1, 2], ['b.lan', 2, 3]]);
    assert.throws(() => parseCli(['--use-stale-cache=30', '--use-stale-cache=/a.lan/1', '--use-stale-cache=40']), /given more than once/);
  });
});
