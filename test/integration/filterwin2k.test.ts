/**
 * filterwin2k on the wire: SOA and SRV questions, and ANY for names with `_`, get NODATA with AA
 * without reaching the default upstream (as dnsmasq 2.90); local SRV data still answers; other
 * questions are forwarded. Unlike dnsmasq, a name under a domain's own server= (a Consul agent)
 * is forwarded as usual, so service discovery by SRV keeps working.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';

describe('filterwin2k', () => {
  it('answers SOA, SRV and ANY-with-underscore here, and leaves a server= domain alone', async () => {
    const defaults = await FakeUpstream.start((q) => ({ answers: q.type === 'A' || q.type === 'ANY' ? [rr.a(q.name, '198.18.0.1')] : [] }));
    const consul = await FakeUpstream.start((q) => ({ answers: q.type === 'SRV' ? [rr.srv(q.name, 'web1.node.consul', 8080)] : [rr.a(q.name, '10.0.0.5')] }));
    const proxy = await startProxy([
      `server=${defaults.spec}`, `server=/consul/${consul.spec}`, 'filterwin2k', 'srv-host=_ldap._tcp.corp.test,dc.corp.test,389',
    ].join('\n'));
    try {
      for (const [name, type] of [['corp.test', 'SOA'], ['_x._tcp.corp.test', 'SRV'], ['_msdcs.corp.test', 'ANY']]) {
        const r = await proxy.query(name!, { type: type as never });
        assert.deepEqual([r.rcode, r.aa, r.packet.answers?.length], ['NOERROR', true, 0], `${type} ${name}`);
      }
      assert.equal(defaults.queries.length, 0, 'none of them reached the default upstream');
      const local = await proxy.query('_ldap._tcp.corp.test', { type: 'SRV' });
      assert.equal(local.packet.answers?.[0]?.type, 'SRV', 'local SRV data answers first');
      assert.equal((await proxy.query('corp.test', { type: 'ANY' })).packet.answers?.length, 1, 'ANY without _ is forwarded');
      assert.equal((await proxy.query('_x.corp.test', { type: 'A' })).packet.answers?.length, 1, 'A with _ is forwarded');
      const srv = await proxy.query('_web._tcp.service.consul', { type: 'SRV' });
      assert.deepEqual(srv.packet.answers?.map((a) => a.type), ['SRV'], 'Consul SRV still resolves');
      assert.equal(consul.count('_web._tcp.service.consul', 'SRV'), 1);
    } finally {
      await proxy.stop();
      await defaults.close();
      await consul.close();
    }
  });
});
