/**
 * CHAOS TXT names on a running proxy: the counters follow the traffic and go on through a reload,
 * servers.bind lists the upstreams, and CH queries that are not the server's own names still go
 * through the local rules (a local-only domain) or upstream.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import type { Reply } from '../helpers/dns-client.js';

describe('CHAOS TXT names', () => {
  let up: FakeUpstream;
  let proxy: TestProxy;
  before(async () => {
    up = await FakeUpstream.start((q) => (q.name.endsWith('.example') ? { rcode: 'REFUSED' } : { answers: [rr.a(q.name, '192.0.2.9', 300)] }));
    proxy = await startProxy(`server=${up.spec}\nlocal=/home.lan/\ncache-size=500`);
  });
  after(async () => {
    await proxy.stop();
    await up.close();
  });

  const chaos = (name: string, type = 'TXT', tcp = false) => proxy.query(name, { qclass: 'CH', type, tcp });
  const text = (r: Reply): string[] => {
    assert.equal(r.rcode, 'NOERROR');
    const a = r.packet.answers![0] as dnsPacket.TxtAnswer;
    return (a.data as Buffer[]).map((b) => b.toString());
  };
  const counter = async (name: string) => Number(text(await chaos(name))[0]);

  it('counts hits and misses as the traffic goes, and keeps counting through a reload', async () => {
    const [hits0, misses0] = [await counter('hits.bind'), await counter('misses.bind')];
    for (const name of ['a.test', 'b.test', 'a.test', 'a.test']) await proxy.query(name);
    // Hits are all answers made without an upstream: the two cache hits, and the two CHAOS
    // answers above (each counted once it is made, so hits.bind never counts itself).
    assert.equal(await counter('hits.bind'), hits0 + 4);
    assert.equal(await counter('misses.bind'), misses0 + 2);
    assert.equal(await counter('insertions.bind'), 2);
    assert.equal(await counter('cachesize.bind'), 500);
    assert.equal((await proxy.query('printer.home.lan')).rcode, 'NXDOMAIN', 'a local-only domain');
    const hits1 = await counter('hits.bind');
    assert.equal(hits1, hits0 + 4 + 4 + 1, 'four CHAOS answers and the local NXDOMAIN since');
    proxy.server.reload(proxy.config);
    await proxy.query('c.test');
    assert.equal(await counter('misses.bind'), misses0 + 3, 'counting goes on after the reload');
    assert.equal(await counter('hits.bind'), hits1 + 2, 'the hits.bind and misses.bind answers since');
  });

  it('hits.bind is the SIGUSR1 summary\'s cache hits, stale answers and local answers', async () => {
    const st = proxy.server.stats() as { cache: { hits: number; staleServed: number }; local: { answered: number } };
    assert.ok(st.local.answered > 0);
    assert.equal(await counter('hits.bind'), st.cache.hits + st.cache.staleServed + st.local.answered);
  });

  it('servers.bind names the upstream with its queries and failures', async () => {
    assert.match(text(await chaos('servers.bind'))[0]!, new RegExp(`^${up.spec} \\d+ 0$`));
  });

  it('answers over TCP, with the client\'s ID and question', async () => {
    const r = await chaos('VERSION.bind', 'TXT', true);
    assert.match(text(r)[0]!, /^fandns-\d+\.\d+\.\d+/);
    assert.equal(r.packet.questions?.[0]?.name, 'VERSION.bind');
  });

  it('leaves other CH names to the local rules and the upstreams', async () => {
    assert.equal((await chaos('printer.home.lan')).rcode, 'NXDOMAIN', 'local-only domain, as for class IN');
    const before = up.queries.length;
    assert.equal((await chaos('web.example', 'A')).rcode, 'REFUSED', 'the upstream\'s answer');
    assert.equal(up.queries.length, before + 1);
    assert.equal((await chaos('id.server')).rcode, 'NOTIMP');
    assert.equal(up.queries.length, before + 1, 'server. names are never forwarded');
  });
});
