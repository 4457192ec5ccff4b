/**
 * Reply validation on the wire (RFC 5452): a reply with the wrong ID, the wrong question, from
 * another source port, or that is not a response at all is ignored; fandns keeps waiting for the
 * real one, and without it the client gets SERVFAIL, never the forged data. Forwarded queries
 * carry fresh random IDs, not the client's.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answerData } from '../helpers/dns-client.js';
import { rr, type FakeAnswer, type SeenQuery } from '../helpers/fake-upstream.js';
import { withUpstreams } from '../helpers/scenario.js';

const CONF = 'upstream-timeout=300\nquery-timeout=1500';
/**
 * For the real reply that comes 100 ms after the forgery: room for a loaded machine to be late
 * with it (the test takes ~100 ms either way; only a lost real reply would wait this out).
 */
const CONF_FOLLOWS = 'upstream-timeout=2000\nquery-timeout=4000';
const FORGED = '6.6.6.6';
const REAL = '10.0.0.1';

/** Forgeries the proxy must ignore, each as a reply to the query `q`. */
const forgeries: { label: string; forge: (q: SeenQuery) => FakeAnswer }[] = [
  { label: 'a wrong ID', forge: (q) => ({ idDelta: 1, answers: [rr.a(q.name, FORGED, 60)] }) },
  { label: 'a wrong question', forge: () => ({ questionName: 'evil.spoof.test', answers: [rr.a('evil.spoof.test', FORGED, 60)] }) },
  { label: 'another source port', forge: (q) => ({ fromOtherPort: true, answers: [rr.a(q.name, FORGED, 60)] }) },
  {
    label: 'QR=0 (the query echoed back)',
    forge: (q) => ({ raw: Buffer.from(q.raw) }),
  },
];

describe('forged replies', () => {
  for (const { label, forge } of forgeries) {
    it(`ignores a reply with ${label}: SERVFAIL when the real reply never comes`, () =>
      withUpstreams([(q) => forge(q)], CONF, async ({ ups: [up], proxy }) => {
        const r = await proxy.query('www.spoof.test');
        assert.equal(r.rcode, 'SERVFAIL');
        assert.deepEqual(answerData(r.packet), []);
        assert.equal(r.packet.questions?.[0]?.name, 'www.spoof.test');
        assert.equal(up!.queries.length, 1);
      }));

    it(`ignores a reply with ${label} and returns the real one that follows`, () =>
      withUpstreams(
        [(q) => ({ ...forge(q), also: [{ answers: [rr.a(q.name, REAL, 60)], delayMs: 100 }] })],
        CONF_FOLLOWS,
        async ({ proxy }) => {
          const r = await proxy.query('www.spoof.test');
          assert.equal(r.rcode, 'NOERROR');
          assert.deepEqual(answerData(r.packet), [REAL]);
        },
      ));
  }
});

describe('forwarded query IDs', () => {
  it('uses a fresh random ID upstream, not the client\'s, and gives the client its own back', () =>
    withUpstreams([(q) => ({ answers: [rr.a(q.name, REAL, 60)] })], CONF, async ({ ups: [up], proxy }) => {
      const CLIENT_ID = 0x1234;
      const N = 8;
      for (let i = 0; i < N; i++) {
        const r = await proxy.query(`id${i}.spoof.test`, { id: CLIENT_ID });
        assert.equal(r.packet.id, CLIENT_ID);
      }
      const upstreamIds = up!.queries.map((q) => q.packet.id);
      assert.equal(upstreamIds.length, N);
      // Each upstream ID equals the client's with probability 1/65536; two or more never happen by chance.
      assert.ok(upstreamIds.filter((id) => id === CLIENT_ID).length <= 1, `upstream IDs ${upstreamIds.join(',')}`);
      assert.ok(new Set(upstreamIds).size >= N - 1, 'upstream IDs vary from query to query');
    }));
});
