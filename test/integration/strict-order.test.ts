/**
 * strict-order on the wire: servers are tried in config order, the next one on timeout, SERVFAIL
 * or REFUSED; when every server fails the last error answer goes back (dnsmasq sends nothing),
 * and with no answer at all the client gets SERVFAIL. A query carrying an EDNS option fails over
 * exactly like one without EDNS (dnsmasq does not fail over then).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answerData, optOf, type QueryOptions, type Reply } from '../helpers/dns-client.js';
import type { Script } from '../helpers/fake-upstream.js';
import { withUpstreams, type Scenario } from '../helpers/scenario.js';
import { answer, COOKIE, dead, nxdomain, QUERY_SHAPES, refused, servfail } from '../helpers/scripts.js';

const CONF = 'strict-order\nupstream-timeout=300\nquery-timeout=3000';

for (const shape of QUERY_SHAPES) {
  describe(`strict-order, query ${shape.label}`, () => {
    const opts: QueryOptions = shape.opts as QueryOptions;
    const edns = 'edns' in shape.opts;

    /** Runs one query against upstreams with these scripts; checks EDNS symmetry of the reply. */
    const run = (scripts: Script[], body: (r: Reply, s: Scenario) => void) =>
      withUpstreams(scripts, CONF, async (s) => {
        const r = await s.proxy.query('www.strict.test', opts);
        assert.equal(optOf(r.packet) !== undefined, edns, 'reply has an OPT exactly when the query had one');
        body(r, s);
      });

    /** Asserts every upstream that saw the query saw the client's COOKIE option too. */
    const cookieForwarded = (s: Scenario) => {
      if (!edns) return;
      for (const u of s.ups) {
        for (const q of u.queries) {
          const opt = optOf(q.packet);
          assert.ok(opt?.options?.some((o) => o.code === COOKIE.code && o.data.equals(COOKIE.data)), `cookie reached ${u.spec}`);
        }
      }
    };

    it('asks only the first server when it answers', () =>
      run([answer('10.0.0.1'), answer('10.0.0.2'), answer('10.0.0.3')], (r, s) => {
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), ['10.0.0.1']);
        assert.deepEqual(s.ups.map((u) => u.queries.length), [1, 0, 0]);
        cookieForwarded(s);
      }));

    it('asks the next server when the first times out, and returns its answer', () =>
      run([dead(), answer('10.0.0.2'), answer('10.0.0.3')], (r, s) => {
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
        assert.deepEqual(s.ups.map((u) => u.queries.length), [1, 1, 0]);
        cookieForwarded(s);
      }));

    it('asks the next server when the first answers SERVFAIL', () =>
      run([servfail(), answer('10.0.0.2'), answer('10.0.0.3')], (r, s) => {
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
        assert.deepEqual(s.ups.map((u) => u.queries.length), [1, 1, 0]);
        cookieForwarded(s);
      }));

    it('asks the next server when the first answers REFUSED', () =>
      run([refused(), answer('10.0.0.2')], (r, s) => {
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
        assert.deepEqual(s.ups.map((u) => u.queries.length), [1, 1]);
        cookieForwarded(s);
      }));

    it('walks past several failing servers to the one that answers', () =>
      run([refused(), dead(), servfail(), answer('10.0.0.4')], (r, s) => {
        assert.deepEqual(answerData(r.packet), ['10.0.0.4']);
        assert.deepEqual(s.ups.map((u) => u.queries.length), [1, 1, 1, 1]);
      }));

    it('returns NXDOMAIN from the first server without asking the next', () =>
      run([nxdomain(), answer('10.0.0.2')], (r, s) => {
        assert.equal(r.rcode, 'NXDOMAIN');
        assert.deepEqual(s.ups.map((u) => u.queries.length), [1, 0]);
      }));

    it('returns the last error (REFUSED) when every server fails with SERVFAIL then REFUSED', () =>
      run([servfail(), refused()], (r, s) => {
        assert.equal(r.rcode, 'REFUSED');
        assert.deepEqual(s.ups.map((u) => u.queries.length), [1, 1]);
        cookieForwarded(s);
      }));

    it('returns the last error (SERVFAIL) when every server fails with REFUSED then SERVFAIL', () =>
      run([refused(), servfail()], (r) => {
        assert.equal(r.rcode, 'SERVFAIL');
      }));

    it('returns the last error answer even when a later server is silent', () =>
      run([servfail(), refused(), dead()], (r, s) => {
        assert.equal(r.rcode, 'REFUSED');
        assert.deepEqual(s.ups.map((u) => u.queries.length), [1, 1, 1]);
      }));

    it('returns SERVFAIL when every server is dead', () =>
      run([dead(), dead(), dead()], (r, s) => {
        assert.equal(r.rcode, 'SERVFAIL');
        assert.deepEqual(s.ups.map((u) => u.queries.length), [1, 1, 1]);
        assert.equal(r.packet.questions?.[0]?.name, 'www.strict.test');
      }));
  });
}
