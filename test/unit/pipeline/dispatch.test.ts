/**
 * The dispatcher's last steps: a reply larger than a UDP client's limit is truncated with TC,
 * TCP clients get it whole, DROP gives no bytes, and a throwing handler becomes SERVFAIL.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { createDispatcher, type Dispatched } from '../../../src/pipeline/dispatch.js';
import type { Protocol, Query } from '../../../src/pipeline/query.js';
import { DROP, Reply, type Next } from '../../../src/pipeline/types.js';
import type { QueryOptions } from '../../helpers/dns-client.js';
import { rr } from '../../helpers/fake-upstream.js';
import { makeQuery } from '../../helpers/wire.js';

const MAX = 1232;

/** A query for big.test. */
const query = (protocol: Protocol, opts: QueryOptions = {}): Query => makeQuery('big.test', opts, protocol);

/** A chain answering with `count` A records. */
const answering = (count: number): Next => () => {
  const answers = Array.from({ length: count }, (_, i) => rr.a('big.test', `192.0.2.${(i % 250) + 1}`, 60));
  const wire = dnsPacket.encode({ type: 'response', id: 1, flags: 0, questions: [{ type: 'A', name: 'big.test', class: 'IN' }], answers });
  return new Reply(wire, 'upstream', true, -1, -1, null);
};

/** Dispatches synchronously (the chains here are synchronous). */
function run(chain: Next, q: Query, errors: unknown[] = []): Dispatched {
  const out = createDispatcher(chain, { ednsPacketMax: MAX, onError: (e) => errors.push(e), tap: null })(q);
  assert.ok(!(out instanceof Promise));
  return out;
}

const tc = (b: Buffer) => (b[2]! & 0x02) !== 0;

describe('dispatch: size limits', () => {
  const rows: [string, number, Protocol, QueryOptions, boolean][] = [
    ['a small UDP reply is whole', 2, 'udp', {}, false],
    ['a UDP reply over 512 is truncated without EDNS', 40, 'udp', {}, true],
    ['a UDP reply under the EDNS size is whole', 40, 'udp', { edns: 1232 }, false],
    ['a UDP reply over edns-packet-max is truncated', 100, 'udp', { edns: 4096 }, true],
    ['a TCP reply is never truncated', 100, 'tcp', {}, false],
  ];
  for (const [what, count, protocol, opts, truncated] of rows) {
    it(what, () => {
      const out = run(answering(count), query(protocol, opts));
      assert.ok(out);
      assert.equal(tc(out), truncated);
      assert.equal(out.readUInt16BE(6), truncated ? 0 : count);
      if (protocol === 'udp') assert.ok(out.length <= (opts.edns ? MAX : 512));
    });
  }
});

describe('dispatch: drop and errors', () => {
  it('returns null for DROP', () => assert.equal(run(() => DROP, query('udp')), null));
  it('turns a throwing handler into SERVFAIL and reports the error', () => {
    const errors: unknown[] = [];
    const out = run(() => { throw new Error('boom'); }, query('udp'), errors);
    assert.ok(out);
    assert.equal(out[3]! & 0x0f, 2);
    assert.equal(errors.length, 1);
  });
  it('turns a rejected promise into SERVFAIL', async () => {
    const out = await createDispatcher(() => Promise.reject(new Error('late')), { ednsPacketMax: MAX, onError: () => {}, tap: null })(query('udp'));
    assert.ok(out);
    assert.equal(out[3]! & 0x0f, 2);
  });
});
