/**
 * Which check each server gets: domain checks cover rules at or below their domain, the default
 * check covers the default servers (server=ip, server=/#/ip, resolv-file), the longest domain wins,
 * and servers no check covers are left out.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import type { UpstreamSpec } from '../../../src/config/types.js';
import { assignChecks } from '../../../src/upstream/check-plan.js';

/** server → check domain ('#' for the default servers' check) for a config and resolv-file servers. */
function plan(text: string, resolv: UpstreamSpec[] = []): Record<string, string> {
  const c = parseConfigText(`no-resolv\n${text}`, 'plan.conf');
  const out: Record<string, string> = {};
  for (const [key, rule] of assignChecks(c.rules, resolv, c.forward.healthCheck!.checks)) out[key.split('@')[0]!] = rule.domain ?? '#';
  return out;
}

const spec = (address: string): UpstreamSpec => ({ address, family: 4, port: 53, sourceAddress: null, sourcePort: null, device: null, origin: { file: 'r', line: 1 } });

describe('assignChecks', () => {
  it('gives the servers of rules at or below a check domain that check, and no other server', () => {
    assert.deepEqual(plan([
      'server=/service.consul/10.0.0.1#8600',
      'server=/web.service.consul/10.0.0.2',
      'server=/*.node.consul/10.0.0.3',
      'server=/example.com/10.0.0.4',
      'server=10.0.0.5',
      'health-check=/consul/consul.service.consul',
    ].join('\n')), { '10.0.0.1#8600': 'consul', '10.0.0.2#53': 'consul', '10.0.0.3#53': 'consul' });
  });

  it('gives the default servers (server=ip, /#/, resolv-file) the default check, not unqualified ones', () => {
    const text = 'server=10.0.0.1\nserver=/#/10.0.0.2\nserver=//10.0.0.3\nserver=/lan/10.0.0.4\nhealth-check=.,NS';
    assert.deepEqual(plan(text, [spec('10.0.0.9')]), { '10.0.0.1#53': '#', '10.0.0.2#53': '#', '10.0.0.9#53': '#' });
  });

  it('gives a server under several checks the one with the longest domain covering one of its rules', () => {
    const text = [
      'server=10.0.0.1', 'server=/consul/10.0.0.1', 'server=/service.consul/10.0.0.1',
      'server=/consul/10.0.0.2', 'server=10.0.0.2',
      'health-check=/service.consul/a.service.consul', 'health-check=/consul/consul', 'health-check=/#/example.com',
    ].join('\n');
    assert.deepEqual(plan(text), { '10.0.0.1#53': 'service.consul', '10.0.0.2#53': 'consul' });
  });
});
