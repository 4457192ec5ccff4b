/**
 * The CHAOS answerer: CHAOS TXT identity and statistics names answered as dnsmasq 2.90 answers them
 * (version.bind, hits.bind, servers.bind…), every other bind./server. name NOTIMP and never passed
 * on, other CHAOS names and other classes passed on, and no-ident.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { createChaos, type ChaosStats } from '../../../src/handlers/chaos.js';
import { Reply } from '../../../src/pipeline/types.js';
import { makeQuery } from '../../helpers/wire.js';
import type { QueryOptions } from '../../helpers/dns-client.js';

/** What the answerer returns for a query it leaves to the pipeline. */
const NEXT = null;
let reads = 0;
const stats: ChaosStats = {
  cacheSize: 150, insertions: 7, evictions: 2, forwarded: 9, hits: 31,
  servers: [{ label: '127.0.0.1#53', queries: 5, failures: 1 }, { label: '::1#8600', queries: 4, failures: 0 }],
};
const read = () => {
  reads++;
  return stats;
};
const stage = (ident = true, s = read) => createChaos({ ident, localTtl: 60, version: '1.2.3' }, s);
const ask = (name: string, opts: QueryOptions = {}, ident = true): Reply | null =>
  stage(ident)(makeQuery(name, { qclass: 'CH', type: 'TXT', ...opts }));

/** The TXT strings, TTL and class of the single answer. */
function txt(o: Reply | null): { texts: string[]; ttl: number; cls: string } {
  assert.ok(o instanceof Reply, 'answered here');
  const p = dnsPacket.decode(o.wire);
  assert.equal(p.answers?.length, 1);
  const a = p.answers![0]! as dnsPacket.TxtAnswer & { class: string };
  return { texts: (a.data as Buffer[]).map((b) => b.toString()), ttl: a.ttl!, cls: a.class };
}
const rcode = (o: Reply | null) => (o === null ? -1 : o.rcode);
const aa = (o: Reply | null) => o !== null && (o.wire[2]! & 0x04) !== 0;

describe('CHAOS answerer', () => {
  it('answers version.bind and authors.bind with local-ttl, in class CH, authoritatively', () => {
    const o = ask('version.bind');
    assert.deepEqual(txt(o), { texts: ['fandns-1.2.3'], ttl: 60, cls: 'CH' });
    assert.equal(aa(o), true);
    assert.equal(o!.source, 'local');
    assert.deepEqual(txt(ask('authors.bind')).texts, ['fandns developers']);
  });

  it('answers the counters with TTL 0, read when asked', () => {
    const before = reads;
    const s = createChaos({ ident: true, localTtl: 60, version: '1' }, read);
    assert.equal(reads, before, 'nothing read at build time');
    const one = (name: string) => txt(s(makeQuery(name, { qclass: 'CH', type: 'TXT' })));
    assert.deepEqual(one('cachesize.bind'), { texts: ['150'], ttl: 0, cls: 'CH' });
    assert.deepEqual(one('insertions.bind').texts, ['7']);
    assert.deepEqual(one('evictions.bind').texts, ['2']);
    assert.deepEqual(one('misses.bind').texts, ['9']);
    assert.deepEqual(one('hits.bind').texts, ['31']);
    assert.equal(reads, before + 5);
  });

  it('servers.bind: one string per upstream, "address#port queries failures"', () => {
    assert.deepEqual(txt(ask('servers.bind')).texts, ['127.0.0.1#53 5 1', '::1#8600 4 0']);
    const none = createChaos({ ident: true, localTtl: 0, version: '1' }, () => ({ ...stats, servers: [] }));
    assert.deepEqual(txt(none(makeQuery('servers.bind', { qclass: 'CH', type: 'TXT' }))).texts, ['']);
  });

  it('matches names without regard to case, and answers ANY as TXT', () => {
    assert.deepEqual(txt(ask('HITS.Bind')).texts, ['31']);
    assert.deepEqual(txt(ask('version.bind', { type: 'ANY' })).texts, ['fandns-1.2.3']);
  });

  it('gives NOTIMP, without AA, to other bind. and server. names and other types, and never passes them on', () => {
    for (const [name, type] of [['foo.bind', 'TXT'], ['bind', 'TXT'], ['id.server', 'TXT'], ['hostname.bind', 'TXT'], ['version.bind', 'A'], ['a.b.server', 'TXT']] as const) {
      const o = ask(name, { type });
      assert.notEqual(o, NEXT, `${name} ${type}`);
      assert.equal(rcode(o), 4, `${name} ${type}`);
      assert.equal(aa(o), false);
    }
  });

  it('passes on other CHAOS names and every other class', () => {
    assert.equal(ask('web.service.consul', { type: 'A' }), NEXT);
    assert.equal(ask('bind.example'), NEXT, 'bind as a first label only');
    assert.equal(ask('version.bind', { qclass: 'IN' }), NEXT, 'IN version.bind is an ordinary name');
    assert.equal(ask('hits.bind', { qclass: 'ANY' }), NEXT);
  });

  it('no-ident: the identity and counter names get NOTIMP too', () => {
    const before = reads;
    for (const name of ['version.bind', 'hits.bind', 'servers.bind']) assert.equal(rcode(ask(name, {}, false)), 4);
    assert.equal(reads, before);
    assert.equal(ask('web.service.consul', { type: 'A' }, false), NEXT);
  });
});
