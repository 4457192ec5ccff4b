/**
 * dnsmasq as a Consul-like upstream serving SRV with additional A records (srv-host +
 * host-record): through `server=/service.consul/` the SRV answer and its additional data arrive
 * intact, i.e. the same answer, authority and additional sections (modulo TTL) as asking dnsmasq
 * directly, over UDP and TCP, with and without EDNS.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { dig, kdig, withoutTtl, type DigResult } from '../helpers/dig.js';
import { chainForSuite } from '../helpers/interop-chain.js';
import { skipUnless } from '../helpers/tools.js';

const SRV = '_web._tcp.service.consul. IN SRV 0 0 8080 web.service.consul.';
const GLUE = 'web.service.consul. IN A 10.1.0.1';

/** The parts two servers must agree on. */
function sections(r: DigResult) {
  return {
    status: r.status,
    answer: r.answer.map(withoutTtl),
    authority: r.authority.map(withoutTtl),
    additional: r.additional.map(withoutTtl),
    tc: r.flags.includes('tc'),
    edns: r.edns !== null,
  };
}

describe('SRV with additional records from a dnsmasq upstream', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  const chain = chainForSuite();

  for (const variant of [[], ['+tcp'], ['+noedns'], ['+tcp', '+noedns'], ['+dnssec']]) {
    it(`fandns and dnsmasq agree (dig ${variant.join(' ') || 'default'})`, async () => {
      const args = [...variant, '_web._tcp.service.consul', 'SRV'];
      const direct = await dig(chain().upstream.port, args);
      const via = await dig(chain().proxy.port, args);
      assert.deepEqual(sections(direct).answer, [SRV], direct.text);
      assert.deepEqual(sections(direct).additional, [GLUE], direct.text);
      assert.deepEqual(sections(via), sections(direct), `via fandns:\n${via.text}\ndirect:\n${direct.text}`);
      for (const rec of [...via.answer, ...via.additional]) assert.ok(rec.ttl <= 30, `TTL ${rec.ttl} <= 30`);
    });
  }

  it('kdig sees the same through fandns as from dnsmasq', { skip: skipUnless('kdig') }, async () => {
    const direct = await kdig(chain().upstream.port, ['_web._tcp.service.consul', 'SRV']);
    const via = await kdig(chain().proxy.port, ['_web._tcp.service.consul', 'SRV']);
    assert.deepEqual(sections(via), sections(direct), `via fandns:\n${via.text}\ndirect:\n${direct.text}`);
    assert.deepEqual(sections(via).additional, [GLUE]);
  });

  it('the upstream was asked through the service.consul rule', () => {
    assert.match(chain().upstream.log(), /query\[SRV\] _web\._tcp\.service\.consul from 127\.0\.0\.1/);
  });
});
