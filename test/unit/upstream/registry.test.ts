/**
 * The upstream registry: one Upstream per distinct server and one group per distinct server list,
 * and, for the servers named again, counters and health carried from the registry it replaces: a
 * reload never sends a counter back, nor clients to a server known to be down.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseUpstream } from '../../../src/config/server-spec.js';
import type { UpstreamSpec } from '../../../src/config/types.js';
import { FAILURES_TO_DOWN } from '../../../src/upstream/health.js';
import { UpstreamRegistry } from '../../../src/upstream/registry.js';

const spec = (text: string): UpstreamSpec => parseUpstream(text, { file: 'test.conf', line: 1 })!;

describe('UpstreamRegistry', () => {
  it('makes one upstream per server and one group per server list', () => {
    const r = new UpstreamRegistry('fastest', 1000);
    try {
      const g1 = r.group([spec('127.0.0.1#5301'), spec('127.0.0.1#5302')]);
      const g2 = r.group([spec('127.0.0.1#5301'), spec('127.0.0.1#5302')]);
      const g3 = r.group([spec('127.0.0.1#5302')]);
      assert.equal(g1, g2);
      assert.notEqual(g1, g3);
      assert.deepEqual(r.upstreams().map((u) => u.label), ['127.0.0.1#5301', '127.0.0.1#5302']);
      assert.equal(g3.members[0], g1.members[1]);
    } finally {
      r.close();
    }
  });

  it('keeps every host name an address was looked up from, once each, and none for a server named by address', () => {
    const r = new UpstreamRegistry('fastest', 1000);
    const named = (text: string, hostName: string): UpstreamSpec => ({ ...spec(text), hostName });
    try {
      // Named directly first, then through two names (and one of them twice).
      r.group([spec('127.0.0.1#5301')]);
      r.group([named('127.0.0.1#5301', 'consul.internal'), named('127.0.0.1#5302', 'consul.internal')]);
      r.group([named('127.0.0.1#5301', 'consul-a.internal')]);
      r.group([named('127.0.0.1#5301', 'consul.internal')]);
      r.group([spec('127.0.0.1#5303')]);
      assert.deepEqual(r.upstreams().map((u) => [u.label, u.hostNames]), [
        ['127.0.0.1#5301', ['consul.internal', 'consul-a.internal']],
        ['127.0.0.1#5302', ['consul.internal']],
        ['127.0.0.1#5303', []],
      ]);
    } finally {
      r.close();
    }
  });

  it('labels servers that share an address and port by what tells them apart, and leaves the others as dnsmasq prints them', () => {
    const r = new UpstreamRegistry('fastest', 1000);
    try {
      r.group([spec('127.0.0.1#5301'), spec('127.0.0.1#5302'), spec('tls://127.0.0.1#853,dns.fandns.test')]);
      r.group([spec('127.0.0.1#5301@127.0.0.1'), spec('127.0.0.1#5301@127.0.0.2#5310')]);
      r.group([spec('tls://127.0.0.1#853'), spec('tls://127.0.0.1#853,other.fandns.test'), spec('https://127.0.0.1:8443/dns-query')]);
      assert.deepEqual(r.upstreams().map((u) => u.label), [
        '127.0.0.1#5301', '127.0.0.1#5302', 'tls://127.0.0.1#853,dns.fandns.test',
        '127.0.0.1#5301@127.0.0.1', '127.0.0.1#5301@127.0.0.2#5310',
        'tls://127.0.0.1#853', 'tls://127.0.0.1#853,other.fandns.test', 'https://127.0.0.1:8443/dns-query',
      ]);
      assert.equal(new Set(r.upstreams().map((u) => u.label)).size, r.upstreams().length);
    } finally {
      r.close();
    }
  });

  it('carries the counters of servers named again, and only theirs', () => {
    const old = new UpstreamRegistry('fastest', 1000);
    const next = (() => {
      try {
        old.group([spec('127.0.0.1#5301'), spec('127.0.0.1#5302')]);
        const [a, b] = old.upstreams();
        a!.stats.queries = 40;
        a!.stats.rttBuckets[3] = 5;
        b!.stats.queries = 7;
        return new UpstreamRegistry('fastest', 1000, () => {}, old.carryOver());
      } finally {
        old.close();
      }
    })();
    try {
      next.group([spec('127.0.0.1#5301'), spec('127.0.0.1#5303')]);
      const [a, c] = next.upstreams();
      assert.equal(a!.stats.queries, 40);
      assert.equal(a!.stats.rttBuckets[3], 5);
      assert.equal(c!.stats.queries, 0);
      assert.equal(next.carryOver().size, 2, 'the dropped server is not carried further');
    } finally {
      next.close();
    }
  });

  it('carries health: a server down stays down (due for a probe at once), the RTT estimate stays', () => {
    const old = new UpstreamRegistry('fastest', 1000);
    old.group([spec('127.0.0.1#5301'), spec('127.0.0.1#5302')]);
    const [a, b] = old.upstreams();
    for (let i = 0; i < FAILURES_TO_DOWN; i++) a!.health.failure(1000);
    assert.equal(a!.health.probeDue(1001), false, 'backing off before the reload');
    b!.health.success(0.8);
    const carried = old.carryOver();
    old.close();
    const next = new UpstreamRegistry('fastest', 1000, () => {}, carried);
    try {
      const g = next.group([spec('127.0.0.1#5301'), spec('127.0.0.1#5302')]);
      const [na, nb] = next.upstreams();
      assert.equal(na!.health.up, false);
      assert.equal(nb!.health.up, true);
      assert.equal(nb!.health.rttMs, 0.8);
      assert.deepEqual(g.live(1001).map((u) => u.label), ['127.0.0.1#5302', '127.0.0.1#5301'], 'the down server only as a probe, due at once');
      assert.deepEqual(g.live(1002).map((u) => u.label), ['127.0.0.1#5302'], 'then backing off again');
    } finally {
      next.close();
    }
  });

  it('keeps apart the same server reached from another source address', () => {
    const old = new UpstreamRegistry('fastest', 1000);
    old.group([spec('127.0.0.1#5301')]);
    old.upstreams()[0]!.stats.queries = 3;
    const carried = old.carryOver();
    old.close();
    const next = new UpstreamRegistry('fastest', 1000, () => {}, carried);
    try {
      next.group([spec('127.0.0.1#5301@127.0.0.2')]);
      assert.equal(next.upstreams()[0]!.stats.queries, 0);
    } finally {
      next.close();
    }
  });
});
