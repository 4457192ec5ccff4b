/**
 * kdig (Knot DNS) as a second client: kdig → fandns → a real dnsmasq upstream, over UDP and TCP.
 * kdig sends no EDNS unless asked, so its UDP queries also exercise the 512-byte limit. (kdig
 * lower-cases query names before sending, so letter case is tested with dig and dnspython.)
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { kdig, withoutTtl } from '../helpers/dig.js';
import { MULTI_COUNT, chainForSuite } from '../helpers/interop-chain.js';
import { skipUnless } from '../helpers/tools.js';

const WEB_A = 'web.service.consul. IN A 10.1.0.1';

describe('kdig → fandns → dnsmasq', { skip: skipUnless('kdig', 'dnsmasq') }, () => {
  const chain = chainForSuite();
  const q = (...args: string[]) => kdig(chain().proxy.port, args);

  it('answers over UDP', async () => {
    const r = await q('web.service.consul', 'A');
    assert.equal(r.status, 'NOERROR', r.text);
    assert.equal(r.protocol, 'UDP');
    assert.deepEqual(r.answer.map(withoutTtl), [WEB_A]);
    assert.equal(r.edns, null, 'no OPT back to a client that sent none');
    assert.deepEqual(r.warnings, [], r.text);
  });

  it('answers over TCP (+tcp)', async () => {
    const r = await q('+tcp', 'web.service.consul', 'A');
    assert.equal(r.status, 'NOERROR', r.text);
    assert.equal(r.protocol, 'TCP');
    assert.deepEqual(r.answer.map(withoutTtl), [WEB_A]);
    assert.deepEqual(r.warnings, [], r.text);
  });

  it('answers with EDNS and DO over UDP and TCP', async () => {
    for (const proto of ['+notcp', '+tcp']) {
      const r = await q(proto, '+edns', '+dnssec', 'web.service.consul', 'A');
      assert.equal(r.status, 'NOERROR', r.text);
      assert.ok(r.edns?.flags.includes('do'), `DO echoed (${proto}): ${r.text}`);
      assert.deepEqual(r.answer.map(withoutTtl), [WEB_A]);
    }
  });

  it('gets TC over UDP for a big answer, and the full answer after its own TCP retry', async () => {
    const ignored = await q('+ignore', 'multi.test', 'A');
    assert.ok(ignored.flags.includes('tc'), ignored.text);
    assert.equal(ignored.protocol, 'UDP');
    const r = await q('multi.test', 'A');
    assert.ok(r.retriedOverTcp, r.text);
    assert.equal(r.protocol, 'TCP');
    assert.equal(r.answer.length, MULTI_COUNT, r.text);
  });
});
