/**
 * The dispatcher's last steps: a reply larger than a UDP client's limit is truncated with TC,
 * TCP clients get it whole up to the 65535 bytes a TCP frame can carry, DROP gives no bytes, and a
 * throwing handler becomes SERVFAIL.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { createDispatcher, LATER, type Dispatched } from '../../../src/pipeline/dispatch.js';
import { Query, type Protocol } from '../../../src/pipeline/query.js';
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
  const out = createDispatcher(chain, { ednsPacketMax: MAX, onError: (e) => errors.push(e), tap: null, pending: { n: 0 } })(q);
  assert.notEqual(out, LATER);
  return out!;
}

const tc = (b: Buffer) => (b[2]! & 0x02) !== 0;

describe('dispatch: size limits', () => {
  const rows: [string, number, Protocol, QueryOptions, boolean][] = [
    ['a small UDP reply is whole', 2, 'udp', {}, false],
    ['a UDP reply over 512 is truncated without EDNS', 40, 'udp', {}, true],
    ['a UDP reply under the EDNS size is whole', 40, 'udp', { edns: 1232 }, false],
    ['a UDP reply over edns-packet-max is truncated', 100, 'udp', { edns: 4096 }, true],
    ['a TCP reply is whole', 100, 'tcp', {}, false],
    ['a TCP reply over 65535 bytes (local data can make one) is truncated', 4500, 'tcp', { edns: 1232 }, true],
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
    const { q, delivered } = delivering(query('udp'));
    const out = createDispatcher(() => Promise.reject(new Error('late')), { ednsPacketMax: MAX, onError: () => {}, tap: null, pending: { n: 0 } })(q);
    assert.equal(out, LATER);
    const late = await delivered;
    assert.ok(late);
    assert.equal(late[3]! & 0x0f, 2);
  });
});

describe('dispatch: asynchronous replies', () => {
  it('delivers through client.reply, counting the query as pending until then', async () => {
    const pending = { n: 0 };
    const { q, delivered } = delivering(query('udp'));
    let resolve: (r: Reply) => void = () => {};
    const out = createDispatcher(() => new Promise<Reply>((r) => (resolve = r)), { ednsPacketMax: MAX, onError: () => {}, tap: null, pending })(q);
    assert.equal(out, LATER);
    assert.equal(pending.n, 1);
    resolve((answering(2)(q) as Reply));
    const bytes = await delivered;
    assert.equal(pending.n, 0);
    assert.ok(bytes);
    assert.equal(bytes.readUInt16BE(0), q.p.id);
    assert.equal(bytes.readUInt16BE(6), 2);
  });
  it('delivers null for a DROP that came late', async () => {
    const { q, delivered } = delivering(query('udp'));
    createDispatcher(() => Promise.resolve(DROP), { ednsPacketMax: MAX, onError: () => {}, tap: null, pending: { n: 0 } })(q);
    assert.equal(await delivered, null);
  });
});

/** `q` with a client whose reply() resolves `delivered`. */
function delivering(q: Query): { q: Query; delivered: Promise<Dispatched> } {
  let done: (d: Dispatched) => void = () => {};
  const delivered = new Promise<Dispatched>((r) => (done = r));
  const client = { ...q.client, reply: (out: Dispatched) => done(out) };
  return { q: new Query(q.msg, q.p, client, q.started), delivered };
}
