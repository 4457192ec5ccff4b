/**
 * Coalescing on the wire: identical questions in flight at the same time (same name in any case,
 * same type, class and flags) share one upstream query, yet every client gets a reply of its own:
 * its ID, its question bytes (case included), its flags, and the size its transport allows.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { answerData, buildQuery, tcpExchange, toReply, udpExchange } from '../helpers/dns-client.js';
import { rr } from '../helpers/fake-upstream.js';
import { withUpstreams } from '../helpers/scenario.js';
import { answer, dead } from '../helpers/scripts.js';
import { waitFor } from '../helpers/wait.js';

const CONF = 'upstream-timeout=2000\nquery-timeout=4000';
const SLOW = 300;

/** `name` with the letters upper-cased where the bits of `n` say so (a distinct case per n). */
function caseVariant(name: string, n: number): string {
  let bit = 0;
  return [...name].map((c) => (/[a-z]/.test(c) && (n >> bit++) & 1 ? c.toUpperCase() : c)).join('');
}

describe('coalescing identical queries', () => {
  it('sends 50 simultaneous identical queries upstream once; each client gets its own ID and case', () =>
    withUpstreams([answer('10.0.0.1', SLOW)], CONF, async ({ ups: [up], proxy }) => {
      const raws = Array.from({ length: 50 }, (_, i) => buildQuery(caseVariant('coalesce.example.test', i + 1), { id: 1000 + i }));
      const replies = await Promise.all(raws.map((raw) => udpExchange(raw, proxy.port, 5000)));
      assert.equal(up!.queries.length, 1, 'the upstream saw a single query');
      replies.forEach((reply, i) => {
        const raw = raws[i]!;
        const r = toReply(reply);
        assert.equal(r.packet.id, 1000 + i);
        assert.deepEqual(reply.subarray(12, raw.length), raw.subarray(12), `client ${i} got its own question bytes`);
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), ['10.0.0.1']);
      });
      assert.equal(new Set(replies.map((r) => r.subarray(12, raws[0]!.length).toString('latin1'))).size, 50, 'fifty distinct cases came back');
    }));

  it('gives a joining client AD when it asked for AD, even if the first asker did not (proxy-dnssec)', () =>
    withUpstreams([(q) => ({ ad: true, answers: [rr.a(q.name, '10.0.0.1', 60)], delayMs: SLOW })], `${CONF}\nproxy-dnssec`, async ({ ups: [up], proxy }) => {
      const first = udpExchange(buildQuery('ad.coalesce.test'), proxy.port);
      await waitFor(() => up!.queries.length === 1, 'the first query to reach the upstream');
      const second = udpExchange(buildQuery('ad.coalesce.test', { ad: true }), proxy.port);
      const [r1, r2] = (await Promise.all([first, second])).map(toReply);
      assert.equal(up!.queries.length, 1, 'the two queries were coalesced');
      const ad = (p: dnsPacket.Packet) => ((p.flags ?? 0) & dnsPacket.AUTHENTIC_DATA) !== 0;
      assert.equal(ad(r1!.packet), false, 'the first client did not ask for AD');
      assert.equal(ad(r2!.packet), true, 'the second client asked for AD and the upstream set it');
    }));

  it('gives a UDP client TC and a TCP client the whole answer from one shared upstream reply', () =>
    withUpstreams(
      [(q) => ({ answers: Array.from({ length: 40 }, (_, i) => rr.a(q.name, `10.5.0.${i}`, 60)), delayMs: SLOW })],
      CONF,
      async ({ ups: [up], proxy }) => {
        const udp = udpExchange(buildQuery('big.coalesce.test'), proxy.port);
        await waitFor(() => up!.queries.length === 1, 'the first query to reach the upstream');
        const tcp = tcpExchange(buildQuery('BIG.coalesce.test'), proxy.port);
        const [u, t] = (await Promise.all([udp, tcp])).map(toReply);
        assert.equal(up!.queries.length, 1, 'the two queries were coalesced');
        assert.equal(u!.tc, true);
        assert.equal(t!.tc, false);
        assert.equal(answerData(t!.packet).length, 40);
        assert.equal(t!.packet.questions?.[0]?.name, 'BIG.coalesce.test');
      },
    ));

  it('does not merge queries that differ in type or in the CD bit', () =>
    withUpstreams([answer('10.0.0.1', SLOW)], CONF, async ({ ups: [up], proxy }) => {
      await Promise.all([
        proxy.query('kinds.coalesce.test'),
        proxy.query('kinds.coalesce.test', { type: 'AAAA' }),
        proxy.query('kinds.coalesce.test', { cd: true }),
      ]);
      assert.equal(up!.queries.length, 3);
    }));

  it('merges per variant: with and without EDNS, with and without RD, each shared by its own askers', () =>
    withUpstreams([answer('10.0.0.1', SLOW)], CONF, async ({ ups: [up], proxy }) => {
      const variants = [{}, { edns: 1232 }, { rd: false }, { edns: 1232, rd: false }];
      const replies = await Promise.all(variants.flatMap((v) => [proxy.query('variants.coalesce.test', v), proxy.query('variants.coalesce.test', v)]));
      assert.equal(up!.queries.length, variants.length);
      for (const r of replies) assert.deepEqual(answerData(r.packet), ['10.0.0.1']);
    }));

  it('fails the first asker and everyone who joined with SERVFAIL at query-timeout, and forgets the work', () =>
    withUpstreams([dead()], 'upstream-timeout=5000\nquery-timeout=400', async ({ ups: [up], proxy }) => {
      const replies = await Promise.all(Array.from({ length: 3 }, () => proxy.query('silent.coalesce.test')));
      assert.deepEqual(replies.map((r) => r.rcode), ['SERVFAIL', 'SERVFAIL', 'SERVFAIL']);
      assert.equal(up!.queries.length, 1);
      // The timed-out work is not joined again: a new asker starts a new upstream query.
      assert.equal((await proxy.query('silent.coalesce.test')).rcode, 'SERVFAIL');
      assert.equal(up!.queries.length, 2);
    }));
});
