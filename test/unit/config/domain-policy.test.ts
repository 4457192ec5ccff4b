/**
 * Server policies for one domain (`all-servers=/d/`, `strict-order=/d/`, `merge-answers=/d/`):
 * parsing, the plain forms staying global, and the errors (a domain given two policies, a bad
 * domain, merge-answers without a domain), each naming file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseCli } from '../../../src/config/cli-args.js';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';
import { assertConfigError } from '../../helpers/config.js';

const forward = (text: string) => parseConfigText(`no-resolv\n${text}`, 'p.conf').forward;
const listed = (text: string) => forward(text).domainPolicies.map((p) => `${p.policy}=/${p.domain}/`);

describe('domain-scoped server policies', () => {
  it('are none by default; the plain forms keep their global meaning', () => {
    assert.deepEqual(forward('').domainPolicies, []);
    assert.equal(forward('').policy, 'fastest');
    assert.equal(forward('all-servers').policy, 'all-servers');
    assert.equal(forward('strict-order').policy, 'strict-order');
    assert.equal(forward('all-servers=/consul/').policy, 'fastest', 'a domain form leaves the global policy alone');
  });

  it('record each domain with its policy, several per line, in canonical form', () => {
    assert.deepEqual(listed('all-servers=/Service.Consul./\nstrict-order=/corp.example/lan/\nmerge-answers="/dc1.consul/"'),
      ['all-servers=/service.consul/', 'strict-order=/corp.example/', 'strict-order=/lan/', 'merge-answers=/dc1.consul/']);
  });

  it('may repeat for other domains beside the plain form', () => {
    const f = forward('strict-order\nall-servers=/a.lan/\nall-servers=/b.lan/\nstrict-order=/c.lan/');
    assert.equal(f.policy, 'strict-order');
    assert.equal(f.domainPolicies.length, 3);
  });

  it('record where each line was', () => {
    assert.equal(forward('\nmerge-answers=/consul/').domainPolicies[0]!.origin.line, 3);
  });

  it('work on the command line too', () => {
    const cli = parseCli(['--all-servers=/service.consul/', '--merge-answers=/dc1.consul/', '--strict-order', '--no-resolv']);
    const f = loadConfig({ file: null, cliLines: cli.lines }).forward;
    assert.equal(f.policy, 'strict-order');
    assert.deepEqual(f.domainPolicies.map((p) => `${p.policy}=/${p.domain}/`), ['all-servers=/service.consul/', 'merge-answers=/dc1.consul/']);
  });

  it('refuse a value that is no domain on the command line too', () => {
    const cli = parseCli(['--strict-order=1', '--no-resolv']);
    assertConfigError(() => loadConfig({ file: null, cliLines: cli.lines }), 'FANDNS_CONFIG_SYNTAX', 'command line', /strict-order takes no value, or \/domain\//);
  });

  it('refuse a domain given two policies, or the same one twice, naming both lines', () => {
    assertConfigError(() => forward('all-servers=/consul/\nstrict-order=/Consul/'), 'FANDNS_CONFIG_CONFLICT', 'p.conf:3', /consul already has all-servers \(p\.conf:2\)/);
    assertConfigError(() => forward('merge-answers=/consul/\nall-servers=/a.lan/consul/'), 'FANDNS_CONFIG_CONFLICT', 'p.conf:3', /merge-answers/);
    assertConfigError(() => forward('all-servers=/consul/\nall-servers=/consul/'), 'FANDNS_CONFIG_CONFLICT', 'p.conf:3');
  });

  it('refuse bad domain syntax and values, naming the line', () => {
    assertConfigError(() => forward('all-servers=/*.consul/'), 'FANDNS_CONFIG_VALUE', 'p.conf:2', /plain domain names/);
    assertConfigError(() => forward('strict-order=/#/'), 'FANDNS_CONFIG_VALUE', 'p.conf:2');
    assertConfigError(() => forward('all-servers=//'), 'FANDNS_CONFIG_VALUE', 'p.conf:2');
    assertConfigError(() => forward('all-servers=/bad..name/'), 'FANDNS_CONFIG_VALUE', 'p.conf:2');
    assertConfigError(() => forward('all-servers=/consul'), 'FANDNS_CONFIG_VALUE', 'p.conf:2');
    assertConfigError(() => forward('all-servers=/consul/x'), 'FANDNS_CONFIG_VALUE', 'p.conf:2', /nothing may follow/);
    assertConfigError(() => forward('all-servers=yes'), 'FANDNS_CONFIG_SYNTAX', 'p.conf:2', /takes no value, or \/domain\//);
    assertConfigError(() => forward('merge-answers=consul'), 'FANDNS_CONFIG_SYNTAX', 'p.conf:2', /needs \/domain\//);
    assertConfigError(() => forward('merge-answers'), 'FANDNS_CONFIG_SYNTAX', 'p.conf:2', /needs a value/);
  });
});

describe('force-tcp', () => {
  it('is off by default; bare for every group, /d/ for the groups under d, repeatable, on the command line too', () => {
    assert.deepEqual([forward('').forceTcp, forward('').forceTcpDomains], [false, []]);
    assert.deepEqual([forward('force-tcp').forceTcp, forward('force-tcp').forceTcpDomains], [true, []]);
    assert.deepEqual(forward('force-tcp=/Service.Consul./corp/\nforce-tcp=/lan/\nforce-tcp=/corp/').forceTcpDomains, ['service.consul', 'corp', 'lan']);
    const cli = parseCli(['--force-tcp=/consul/', '--no-resolv']);
    assert.deepEqual(loadConfig({ file: null, cliLines: cli.lines }).forward.forceTcpDomains, ['consul']);
  });

  it('refuses a value that is no domain list, naming the line', () => {
    assertConfigError(() => forward('force-tcp=yes'), 'FANDNS_CONFIG_SYNTAX', 'p.conf:2', /force-tcp takes no value, or \/domain\//);
    assertConfigError(() => forward('force-tcp=/*.consul/'), 'FANDNS_CONFIG_VALUE', 'p.conf:2');
    assertConfigError(() => forward('force-tcp=/consul/x'), 'FANDNS_CONFIG_VALUE', 'p.conf:2', /nothing may follow/);
  });
});
