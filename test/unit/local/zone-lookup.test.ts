/**
 * The local stage's quick rejection by name length (LocalZone.mayHaveRecords and the aliases'
 * lengths): local names are still answered, aliases still pass to the cname stage, and names of a
 * matching length but without data fall through to the rules as before (domain-needed here); and
 * the route is looked up only when an address=/local rule or bogus-priv's PTR check can use it.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createLocal } from '../../../src/handlers/local.js';
import { LocalZone, wireKey } from '../../../src/local/zone.js';
import { DROP, Reply, type Outcome } from '../../../src/pipeline/types.js';
import { DomainTable } from '../../../src/routing/domain-table.js';
import type { ServerGroup } from '../../../src/upstream/group.js';
import { RRType } from '../../../src/wire/constants.js';
import { makeQuery } from '../../helpers/wire.js';
import type { Query } from '../../../src/pipeline/query.js';

const zone = new LocalZone();
zone.add('host.lan', { type: RRType.A, rdata: Buffer.from([10, 0, 0, 1]), ttl: 60 });
const aliases = new Set([wireKey('web')]);
const table = new DomainTable<ServerGroup>([], [], () => {
  throw new Error('no servers in this test');
});
const local = createLocal({ localTtl: 0, domainNeeded: true, bogusPriv: false, filterWin2k: false }, table, zone, aliases);
const NEXT = new Reply(Buffer.alloc(12), 'upstream', true, -1, -1, null);
const run = (name: string): Outcome => local.handle(makeQuery(name), () => NEXT) as Outcome;
const rcode = (o: Outcome) => (o === DROP ? -1 : o.rcode);

describe('local stage: rejection by name length', () => {
  it('knows which wire lengths have records', () => {
    assert.equal(zone.mayHaveRecords(wireKey('host.lan').length), true);
    assert.equal(zone.mayHaveRecords(wireKey('hosts.lan').length), false);
  });
  it('answers a local name', () => {
    const o = run('HOST.lan');
    assert.ok(o instanceof Reply && o.source === 'local');
    assert.equal(o.answerCount, 1);
  });
  it('passes an alias on, even with domain-needed and no records of its length', () => assert.equal(run('web'), NEXT));
  it('applies domain-needed to an unqualified name of an alias length', () => assert.equal(rcode(run('www')), 3));
  it('forwards a qualified name of a local name length without data', () => assert.equal(run('hast.lan'), NEXT));
  it('forwards other names', () => assert.equal(run('example.com'), NEXT));
});

describe('local stage: the route is looked up only when a rule can use it', () => {
  const bogus = createLocal({ localTtl: 0, domainNeeded: false, bogusPriv: true, filterWin2k: false }, table, new LocalZone(), new Set());
  const ask = (name: string, type: string): Outcome => bogus.handle(makeQuery(name, { type }), () => NEXT) as Outcome;
  it('bogus-priv: a private reverse name is NXDOMAIN', () => assert.equal(rcode(ask('1.0.0.10.in-addr.arpa', 'PTR')), 3));
  it('bogus-priv: a public reverse name is forwarded', () => assert.equal(ask('8.8.8.8.in-addr.arpa', 'PTR'), NEXT));
  it('bogus-priv: other types are forwarded without a route lookup', () => {
    const q = makeQuery('1.0.0.10.in-addr.arpa', { type: 'A' });
    assert.equal(bogus.handle(q, () => NEXT), NEXT);
    assert.equal(q.route, null);
  });
  it('domain-needed alone leaves the route to the forward stage', () => {
    const q = makeQuery('example.com');
    assert.equal(local.handle(q, () => NEXT), NEXT);
    assert.equal(q.route, null);
  });
});

describe('local stage: what it counts', () => {
  it('counts the queries it answers, CHAOS names included, and none it passes on', () => {
    const chaos = (q: Query) => (q.p.qclass === 3 ? new Reply(Buffer.alloc(12), 'local', true, -1, -1, null) : null);
    const counted = createLocal({ localTtl: 0, domainNeeded: true, bogusPriv: false, filterWin2k: false }, table, zone, aliases, chaos, { answered: 5 });
    const go = (name: string, opts = {}) => counted.handle(makeQuery(name, opts), () => NEXT);
    assert.equal(go('example.com'), NEXT);
    assert.equal(go('web'), NEXT);
    assert.equal(counted.counters.answered, 5, 'starts from the counters it was given (a reload)');
    assert.ok(go('host.lan') instanceof Reply);
    assert.equal(rcode(go('www') as Outcome), 3);
    assert.ok(go('version.bind', { qclass: 'CH', type: 'TXT' }) instanceof Reply);
    assert.equal(counted.counters.answered, 8);
  });
});
