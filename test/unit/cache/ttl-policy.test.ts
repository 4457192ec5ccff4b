/**
 * planTtls: how long an upstream reply is cached and the TTLs stored with it. A TTL with the top
 * bit set counts as zero (RFC 2181 §8), not as the value with that bit cleared.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import dnsPacket from 'dns-packet';
import { planTtls, ttlPolicy } from '../../../src/cache/ttl-policy.js';
import { scanMessage } from '../../../src/wire/layout.js';

const policy = (minTtl = 0) => ttlPolicy({ minTtl, maxTtl: 86400, negTtl: null, noNegcache: false });

/** An upstream reply for `name` A with one answer of TTL `ttl`. */
function reply(ttl: number): Buffer {
  return dnsPacket.encode({
    type: 'response', id: 1, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: 'A', name: 'ttl.test' }],
    answers: [{ type: 'A', name: 'ttl.test', ttl, data: '192.0.2.9' }],
  });
}

function plan(wire: Buffer, minTtl = 0): { life: number; ttls: number[] } {
  const ttls: number[] = [];
  const life = planTtls(wire, scanMessage(wire)!, policy(minTtl), ttls);
  return { life, ttls };
}

describe('planTtls', () => {
  it('caches an answer for its TTL', () => {
    assert.deepEqual(plan(reply(300)), { life: 300, ttls: [300] });
  });

  it('counts a TTL with the top bit set as zero (RFC 2181 §8), not as the low 31 bits', () => {
    assert.deepEqual(plan(reply(0x80000010)), { life: 0, ttls: [0] });
    assert.deepEqual(plan(reply(0xffffffff)), { life: 0, ttls: [0] });
    // The largest TTL allowed stays as it is (max-cache-ttl here: 86400).
    assert.deepEqual(plan(reply(0x7fffffff)), { life: 86400, ttls: [86400] });
  });

  it('lets min-cache-ttl raise such a TTL like any zero', () => {
    assert.deepEqual(plan(reply(0x80000010), 5), { life: 5, ttls: [5] });
  });
});
