/**
 * all-servers on the wire: every query goes to every server of its group; the first positive
 * answer wins, a negative answer (NXDOMAIN, NODATA) only once every server has answered or timed
 * out, and SERVFAIL/REFUSED never win while another server may still answer; with no usable
 * answer the client gets SERVFAIL. A query with an EDNS option behaves the same.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answerData, optOf, type QueryOptions, type Reply } from '../helpers/dns-client.js';
import type { Script } from '../helpers/fake-upstream.js';
import { withUpstreams, type Scenario } from '../helpers/scenario.js';
import { answer, dead, nxdomain, QUERY_SHAPES, refused, servfail } from '../helpers/scripts.js';
import { waitFor } from '../helpers/wait.js';

const CONF = 'all-servers\nupstream-timeout=300\nquery-timeout=3000';
/** How much later the "slow" server answers than the fast one. */
const SLOW = 150;

/** Answers NOERROR with no records (NODATA). */
const nodata = (): Script => () => ({});

for (const shape of QUERY_SHAPES) {
  describe(`all-servers, query ${shape.label}`, () => {
    const opts: QueryOptions = shape.opts as QueryOptions;
    const edns = 'edns' in shape.opts;

    const run = (scripts: Script[], body: (r: Reply, s: Scenario) => void | Promise<void>) =>
      withUpstreams(scripts, CONF, async (s) => {
        const r = await s.proxy.query('www.all.test', opts);
        assert.equal(optOf(r.packet) !== undefined, edns, 'reply has an OPT exactly when the query had one');
        await body(r, s);
      });

    it('sends the query to every server', () =>
      run([answer('10.0.0.1'), answer('10.0.0.2'), answer('10.0.0.3')], async (r, s) => {
        assert.equal(r.rcode, 'NOERROR');
        assert.equal(answerData(r.packet).length, 1);
        await waitFor(() => s.ups.every((u) => u.queries.length > 0), 'every server to see the query');
        assert.deepEqual(s.ups.map((u) => u.count('www.all.test')), [1, 1, 1]);
      }));

    it('returns the answer when another server is dead', () =>
      run([dead(), answer('10.0.0.2')], (r) => {
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      }));

    it('returns the slower record, not a fast SERVFAIL', () =>
      run([servfail(), answer('10.0.0.2', SLOW)], (r) => {
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      }));

    it('returns the slower record, not a fast REFUSED', () =>
      run([refused(), answer('10.0.0.2', SLOW)], (r) => {
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      }));

    it('returns the slower record, not a fast NXDOMAIN', () =>
      run([nxdomain(), answer('10.0.0.2', SLOW)], (r) => {
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      }));

    it('returns the slower record, not a fast NODATA', () =>
      run([nodata(), answer('10.0.0.2', SLOW)], (r) => {
        assert.equal(r.rcode, 'NOERROR');
        assert.deepEqual(answerData(r.packet), ['10.0.0.2']);
      }));

    it('returns NXDOMAIN when every server says NXDOMAIN', () =>
      run([nxdomain(), nxdomain(SLOW), nxdomain()], (r) => {
        assert.equal(r.rcode, 'NXDOMAIN');
        assert.equal(r.packet.authorities?.[0]?.type, 'SOA', 'the SOA of the negative answer is kept');
      }));

    it('returns NXDOMAIN from one server once the others have timed out', () =>
      run([nxdomain(), dead(), dead()], (r) => {
        assert.equal(r.rcode, 'NXDOMAIN');
      }));

    it('prefers NXDOMAIN to SERVFAIL and REFUSED from the others', () =>
      run([servfail(), nxdomain(SLOW), refused()], (r) => {
        assert.equal(r.rcode, 'NXDOMAIN');
      }));

    it('returns SERVFAIL when every server answers SERVFAIL', () =>
      run([servfail(), servfail(), servfail()], (r) => {
        assert.equal(r.rcode, 'SERVFAIL');
      }));

    it('returns SERVFAIL when every server answers REFUSED', () =>
      run([refused(), refused(SLOW)], (r) => {
        assert.equal(r.rcode, 'SERVFAIL');
      }));

    it('returns SERVFAIL when the servers fail with SERVFAIL, REFUSED and silence', () =>
      run([servfail(), refused(), dead()], (r) => {
        assert.equal(r.rcode, 'SERVFAIL');
      }));

    it('returns SERVFAIL when every server is dead', () =>
      run([dead(), dead()], (r, s) => {
        assert.equal(r.rcode, 'SERVFAIL');
        assert.deepEqual(s.ups.map((u) => u.queries.length), [1, 1]);
      }));
  });
}
