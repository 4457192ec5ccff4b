/**
 * Domain-scoped cache settings (`min-cache-ttl=/d/N`, `max-cache-ttl=`, `neg-ttl=`,
 * `no-negcache=/d/`): parsing, parents' settings inherited, repeats allowed beside the once-only
 * plain form, and the errors, each naming file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseCli } from '../../../src/config/cli-args.js';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';
import { assertConfigError } from '../../helpers/config.js';

const cache = (text: string) => parseConfigText(`no-resolv\n${text}`, 'ttl.conf').cache;
const policy = (text: string, domain: string) => cache(text).domainPolicies.find((p) => p.domain === domain);

describe('domain-scoped cache settings', () => {
  it('are none by default, and the plain forms stay global', () => {
    const c = cache('min-cache-ttl=5\nno-negcache');
    assert.deepEqual(c.domainPolicies, []);
    assert.equal(c.minTtl, 5);
    assert.equal(c.noNegcache, true);
  });

  it('give each domain the global settings with its own laid over them', () => {
    const text = 'max-cache-ttl=3600\nneg-ttl=60\nmin-cache-ttl=/service.consul/2\nno-negcache=/Consul/';
    assert.deepEqual(policy(text, 'service.consul'), { domain: 'service.consul', minTtl: 2, maxTtl: 3600, negTtl: 60, noNegcache: true, staleMaxSec: null, staleClientTimeoutMs: 1800 });
    assert.deepEqual(policy(text, 'consul'), { domain: 'consul', minTtl: 0, maxTtl: 3600, negTtl: 60, noNegcache: true, staleMaxSec: null, staleClientTimeoutMs: 1800 });
  });

  it('name several domains in one line, and take quotes as dnsmasq does', () => {
    const c = cache('max-cache-ttl="/a.lan/b.lan/30"\nneg-ttl=/a.lan/1');
    assert.deepEqual(c.domainPolicies.map((p) => [p.domain, p.maxTtl, p.negTtl]), [['a.lan', 30, 1], ['b.lan', 30, null]]);
  });

  it('let a more specific domain override its parent setting by setting', () => {
    const text = 'min-cache-ttl=/consul/10\nmax-cache-ttl=/consul/60\nmin-cache-ttl=/web.service.consul/0';
    assert.deepEqual([policy(text, 'web.service.consul')!.minTtl, policy(text, 'web.service.consul')!.maxTtl], [0, 60]);
  });

  it('may repeat for other domains, beside a plain form given once', () => {
    const c = cache('min-cache-ttl=1\nmin-cache-ttl=/a.lan/2\nmin-cache-ttl=/b.lan/3');
    assert.equal(c.minTtl, 1);
    assert.deepEqual(c.domainPolicies.map((p) => p.minTtl), [2, 3]);
    assertConfigError(() => cache('min-cache-ttl=1\nmin-cache-ttl=2'), 'FANDNS_CONFIG_REPEATED', 'ttl.conf:3');
  });

  it('work on the command line too', () => {
    const cli = parseCli(['--min-cache-ttl=/service.consul/2', '--no-negcache=/consul/', '--no-resolv']);
    const c = loadConfig({ file: null, cliLines: cli.lines }).cache;
    assert.deepEqual(c.domainPolicies.map((p) => [p.domain, p.minTtl, p.noNegcache]), [['service.consul', 2, true], ['consul', 0, true]]);
  });

  it('refuse a bad value, domain or form, naming the line', () => {
    assertConfigError(() => cache('min-cache-ttl=/consul/x'), 'FANDNS_CONFIG_VALUE', 'ttl.conf:2');
    assertConfigError(() => cache('min-cache-ttl=/consul/'), 'FANDNS_CONFIG_VALUE', 'ttl.conf:2');
    assertConfigError(() => cache('max-cache-ttl=//30'), 'FANDNS_CONFIG_VALUE', 'ttl.conf:2', /plain domain names/);
    assertConfigError(() => cache('max-cache-ttl=/*.lan/30'), 'FANDNS_CONFIG_VALUE', 'ttl.conf:2');
    assertConfigError(() => cache('neg-ttl=/lan/#/5'), 'FANDNS_CONFIG_VALUE', 'ttl.conf:2');
    assertConfigError(() => cache('neg-ttl=/lan'), 'FANDNS_CONFIG_VALUE', 'ttl.conf:2');
    assertConfigError(() => cache('no-negcache=/lan/5'), 'FANDNS_CONFIG_VALUE', 'ttl.conf:2', /nothing may follow/);
    assertConfigError(() => cache('no-negcache=yes'), 'FANDNS_CONFIG_SYNTAX', 'ttl.conf:2', /takes no value/);
  });

  it('refuse the same setting twice for a domain, naming both lines', () => {
    assertConfigError(() => cache('min-cache-ttl=/a.lan/2\nmin-cache-ttl=/b.lan/A.lan/3'), 'FANDNS_CONFIG_REPEATED', 'ttl.conf:3', /ttl\.conf:2/);
  });

  it('refuse a minimum above the maximum, with parents and global settings counted', () => {
    assertConfigError(() => cache('max-cache-ttl=/consul/5\nmin-cache-ttl=/service.consul/10'), 'FANDNS_CONFIG_CONFLICT', 'ttl.conf:3', /for service\.consul, min-cache-ttl=10 is above max-cache-ttl=5/);
    assertConfigError(() => cache('max-cache-ttl=60\nmin-cache-ttl=/consul/61'), 'FANDNS_CONFIG_CONFLICT', 'ttl.conf:3');
  });
});
