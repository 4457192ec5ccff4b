/**
 * The upstream registry: one Upstream per distinct server and one group per distinct server list,
 * and counters carried from the registry it replaces for the servers named again, so a reload
 * never sends a counter back.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseUpstream } from '../../../src/config/server-spec.js';
import type { UpstreamSpec } from '../../../src/config/types.js';
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

  it('carries the counters of servers named again, and only theirs', () => {
    const old = new UpstreamRegistry('fastest', 1000);
    const next = (() => {
      try {
        old.group([spec('127.0.0.1#5301'), spec('127.0.0.1#5302')]);
        const [a, b] = old.upstreams();
        a!.stats.queries = 40;
        a!.stats.rttBuckets[3] = 5;
        b!.stats.queries = 7;
        return new UpstreamRegistry('fastest', 1000, () => {}, old.statsByServer());
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
      assert.equal(next.statsByServer().size, 2, 'the dropped server is not carried further');
    } finally {
      next.close();
    }
  });

  it('keeps apart the same server reached from another source address', () => {
    const old = new UpstreamRegistry('fastest', 1000);
    old.group([spec('127.0.0.1#5301')]);
    old.upstreams()[0]!.stats.queries = 3;
    const carried = old.statsByServer();
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
