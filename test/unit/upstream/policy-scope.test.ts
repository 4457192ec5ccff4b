/**
 * Which policy each server group takes (`all-servers=/d/`, `strict-order=/d/`, `merge-answers=/d/`):
 * the longest configured domain the group's rule is at or below, else the global flag; wildcard
 * rules by the domain every name they match is under, `server=/d/#` and the default servers by the
 * global flag, rev-server= by its in-addr.arpa domain, servers-file lines like config lines. And
 * which groups forward over TCP (`force-tcp`, `force-tcp=/d/`), by the same rule.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { parseResolvConf } from '../../../src/config/resolv.js';
import { DomainTable } from '../../../src/routing/domain-table.js';
import { policyScope } from '../../../src/upstream/policy-scope.js';
import { canonicalName } from '../../../src/wire/name.js';
import { parseQuery } from '../../../src/wire/query-parse.js';
import { buildQuery } from '../../helpers/dns-client.js';

/** The policy of the group `name` is forwarded to, under config `conf` (and resolv.conf servers). */
function policies(conf: string, resolv = '') {
  const config = parseConfigText(`no-resolv\n${conf}`, 'p.conf');
  const scope = policyScope(config.forward);
  const t = new DomainTable<string>(config.rules, parseResolvConf(resolv, 'resolv.conf'), (_servers, s) => scope.of(s));
  return (name: string): string => {
    const p = parseQuery(buildQuery(name, { type: 'A' }));
    assert.ok(typeof p === 'object');
    const r = t.lookup(p.key, p.nameLen, 1, { name: canonicalName(name) });
    return r.kind === 'forward' ? r.group : r.kind;
  };
}

describe('policyScope', () => {
  it('gives every group the global policy when no domain has one', () => {
    const scope = policyScope({ policy: 'all-servers', domainPolicies: [], forceTcp: false, forceTcpDomains: [] });
    assert.equal(scope.of('service.consul'), 'all-servers');
    assert.equal(scope.of(''), 'all-servers');
  });

  it('tells which domain policies no rule took', () => {
    const config = parseConfigText('no-resolv\nserver=/consul/192.0.2.1\nall-servers=/consul/\nstrict-order=/corp/\nmerge-answers=/a.consul/', 'p.conf');
    const scope = policyScope(config.forward);
    new DomainTable<string>(config.rules, [], (_servers, s) => scope.of(s));
    assert.deepEqual(scope.unused().map((p) => `${p.policy}=/${p.domain}/ p.conf:${p.origin.line}`), ['strict-order=/corp/ p.conf:4', 'merge-answers=/a.consul/ p.conf:5']);
  });

  const conf = [
    'server=192.0.2.1', 'server=/service.consul/192.0.2.11', 'server=/web.service.consul/192.0.2.12',
    'server=/dc2.service.consul/192.0.2.13', 'server=/consul/192.0.2.14', 'server=/corp/192.0.2.15',
    'all-servers=/service.consul/', 'merge-answers=/web.service.consul/', 'strict-order=/corp/',
  ].join('\n');

  it('takes the policy of the longest configured domain a rule is at or below', () => {
    const p = policies(conf);
    assert.equal(p('x.service.consul'), 'all-servers');
    assert.equal(p('service.consul'), 'all-servers');
    assert.equal(p('a.dc2.service.consul'), 'all-servers', 'a rule below the domain takes its policy');
    assert.equal(p('web.service.consul'), 'merge-answers', 'the longer domain wins');
    assert.equal(p('a.web.service.consul'), 'merge-answers');
    assert.equal(p('node.consul'), 'fastest', 'a rule above the domain keeps the global policy');
    assert.equal(p('x.corp'), 'strict-order');
    assert.equal(p('example.com'), 'fastest', 'the default servers keep the global policy');
  });

  it('lets a domain form override the global flag for its groups only', () => {
    const p = policies('all-servers\nserver=192.0.2.1\nserver=/corp/192.0.2.2\nserver=/lan/192.0.2.3\nstrict-order=/corp/');
    assert.equal(p('x.corp'), 'strict-order');
    assert.equal(p('x.lan'), 'all-servers');
    assert.equal(p('example.com'), 'all-servers');
  });

  it('sends server=/d/# to the default servers with their (global) policy', () => {
    const p = policies('server=192.0.2.1\nserver=/consul/192.0.2.2\nserver=/ext.consul/#\nall-servers=/consul/');
    assert.equal(p('a.consul'), 'all-servers');
    assert.equal(p('a.ext.consul'), 'fastest');
  });

  it('judges wildcard rules by the domain every name they match is under', () => {
    const p = policies('server=192.0.2.1\nserver=/*.consul/192.0.2.2\nserver=/*svc.lan/192.0.2.3\nserver=/*x/192.0.2.4\n' +
      'all-servers=/consul/\nmerge-answers=/lan/\nstrict-order=/svc.lan/');
    assert.equal(p('a.consul'), 'all-servers', '*.consul: names below consul');
    assert.equal(p('mysvc.lan'), 'merge-answers', '*svc.lan matches mysvc.lan, which is below lan but not svc.lan');
    assert.equal(p('box'), 'fastest', '*x: a one-label wildcard takes the global policy');
  });

  it('applies to rev-server= by its in-addr.arpa domain and to resolv.conf servers as defaults', () => {
    const p = policies('rev-server=10.1.0.0/16,192.0.2.9\nall-servers=/1.10.in-addr.arpa/', 'nameserver 192.0.2.1\n');
    assert.equal(p('4.3.1.10.in-addr.arpa'), 'all-servers');
    assert.equal(p('example.com'), 'fastest');
  });

  it('forwards over TCP the groups of rules at or below a force-tcp domain, or every group with the bare flag', () => {
    const config = parseConfigText('no-resolv\nforce-tcp=/service.consul/corp/\nforce-tcp=/lan/', 'p.conf');
    assert.deepEqual(config.forward.forceTcpDomains, ['service.consul', 'corp', 'lan']);
    const scope = policyScope(config.forward);
    assert.deepEqual(['service.consul', 'web.service.consul', 'consul', 'x.corp', 'lan', ''].map((d) => scope.tcp(d)), [true, true, false, true, true, false]);
    const all = policyScope(parseConfigText('no-resolv\nforce-tcp', 'p.conf').forward);
    assert.deepEqual([all.tcp(''), all.tcp('consul')], [true, true]);
  });
});
