/**
 * HostLookup: a host name's addresses from the bootstrap group, kept for their TTL (at most a
 * day), one lookup at a time per name, the addresses found last used at once after the TTL while
 * a new lookup goes out and kept while lookups fail, and a reason when there are none; each change
 * reported once. Node's `lookup` form gets one address or all of them, as it asks.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { HostLookup, MAX_KEEP_S, NO_BOOTSTRAP, type FoundAddresses } from '../../../src/upstream/host-lookup.js';
import type { GroupOutcome, ServerGroup } from '../../../src/upstream/group.js';
import { scanMessage } from '../../../src/wire/layout.js';
import { RCode } from '../../../src/wire/constants.js';

type Reply = { rcode?: number; a?: string[]; aaaa?: string[]; ttl?: number } | 'fail';

/** A stand-in for the bootstrap group: answers each question by `script`, when `release` is called if held. */
class FakeGroup {
  readonly asked: string[] = [];
  held: (() => void)[] = [];
  hold = false;
  constructor(public script: (name: string) => Reply) {}

  forward(query: Buffer, _qEnd: number, _deadline: number, done: (o: GroupOutcome) => void): void {
    const q = dnsPacket.decode(query).questions![0]!;
    this.asked.push(`${q.name} ${q.type}`);
    const send = () => {
      const r = this.script(q.name);
      if (r === 'fail') return done({ kind: 'failed', lastError: null });
      const records = q.type === 'A' ? (r.a ?? []).map((data) => ({ type: 'A', name: q.name, ttl: r.ttl ?? 60, data }))
        : (r.aaaa ?? []).map((data) => ({ type: 'AAAA', name: q.name, ttl: r.ttl ?? 60, data }));
      const wire = dnsPacket.encode({ type: 'response', id: 0, flags: r.rcode ?? 0, questions: [q], answers: records } as never);
      done({ kind: 'answer', answer: { kind: 'answer', wire, layout: scanMessage(wire)!, rcode: r.rcode ?? 0, server: 'boot', viaTcp: false } });
    };
    if (this.hold) this.held.push(send);
    else send();
  }

  release(): void {
    const h = this.held;
    this.held = [];
    for (const f of h) f();
  }
}

/** A lookup over `group`, its clock (ms, moved by hand) and what it reported. */
function lookupOver(group: FakeGroup, found: FoundAddresses = new Map()) {
  const clock = { ms: 0 };
  const reports: string[] = [];
  const hosts = new HostLookup(group as unknown as ServerGroup, 1000, {
    found: (name, addresses) => reports.push(`found ${name} ${addresses.join(' ')}`),
    failed: (name, err, kept) => reports.push(`failed ${name} (${err.message}) kept ${kept.join(' ') || 'none'}`),
  }, found, () => clock.ms);
  const list = async (name: string, family: 0 | 4 | 6 = 0) => (await hosts.addresses(name, family)).map((x) => `${x.address}/${x.family}`);
  return { hosts, clock, reports, list };
}

describe('HostLookup', () => {
  it('asks A and AAAA at once and gives the IPv4 addresses first; a family asks only its own', async () => {
    const g = new FakeGroup(() => ({ a: ['192.0.2.1', '192.0.2.2'], aaaa: ['2001:db8::1'] }));
    const { list, reports } = lookupOver(g);
    assert.deepEqual(await list('dns.example'), ['192.0.2.1/4', '192.0.2.2/4', '2001:db8::1/6']);
    assert.deepEqual(g.asked, ['dns.example A', 'dns.example AAAA']);
    assert.deepEqual(await list('dns.example', 6), ['2001:db8::1/6']);
    assert.deepEqual(await list('dns.example', 4), ['192.0.2.1/4', '192.0.2.2/4']);
    assert.deepEqual(g.asked.slice(2), ['dns.example AAAA', 'dns.example A']);
    assert.deepEqual(reports, ['found dns.example 192.0.2.1 192.0.2.2 2001:db8::1', 'found dns.example 2001:db8::1', 'found dns.example 192.0.2.1 192.0.2.2']);
  });

  it('keeps an answer for its lowest TTL, then uses it once more while it asks again', async () => {
    let at = '192.0.2.1';
    const g = new FakeGroup(() => ({ a: [at], ttl: 30 }));
    const { list, clock, reports } = lookupOver(g);
    assert.deepEqual(await list('dns.example', 4), ['192.0.2.1/4']);
    clock.ms = 29_999;
    assert.deepEqual(await list('dns.example', 4), ['192.0.2.1/4']);
    assert.equal(g.asked.length, 1, 'kept for the TTL');
    at = '192.0.2.9';
    clock.ms = 30_000;
    assert.deepEqual(await list('dns.example', 4), ['192.0.2.1/4'], 'the old address at once');
    assert.equal(g.asked.length, 2, 'while it asks again');
    await new Promise(setImmediate); // the new lookup's answer is in
    assert.deepEqual(await list('dns.example', 4), ['192.0.2.9/4'], 'the new one from then on');
    assert.deepEqual(reports, ['found dns.example 192.0.2.1', 'found dns.example 192.0.2.9']);
  });

  it('keeps an answer a day at most, whatever its TTL', async () => {
    const g = new FakeGroup(() => ({ a: ['192.0.2.1'], ttl: 7 * 86_400 }));
    const { list, clock } = lookupOver(g);
    await list('dns.example', 4);
    clock.ms = MAX_KEEP_S * 1000 - 1;
    await list('dns.example', 4);
    assert.equal(g.asked.length, 1);
    clock.ms = MAX_KEEP_S * 1000;
    await list('dns.example', 4);
    assert.equal(g.asked.length, 2);
  });

  it('shares one lookup among the connections that ask while it is on its way', async () => {
    const g = new FakeGroup(() => ({ a: ['192.0.2.1'] }));
    g.hold = true;
    const { list } = lookupOver(g);
    const all = Promise.all([list('dns.example', 4), list('dns.example', 4), list('dns.example', 4)]);
    g.release();
    assert.deepEqual(await all, [['192.0.2.1/4'], ['192.0.2.1/4'], ['192.0.2.1/4']]);
    assert.equal(g.asked.length, 1);
  });

  it('goes on with the addresses found last while lookups fail, reporting the failure once', async () => {
    let up = true;
    const g = new FakeGroup(() => (up ? { a: ['192.0.2.1'], ttl: 1 } : 'fail'));
    const { list, clock, reports } = lookupOver(g);
    await list('dns.example', 4);
    up = false;
    for (let i = 1; i <= 3; i++) {
      clock.ms = i * 2000;
      assert.deepEqual(await list('dns.example', 4), ['192.0.2.1/4']);
      await new Promise(setImmediate);
      assert.deepEqual(await list('dns.example', 4), ['192.0.2.1/4']);
    }
    assert.deepEqual(reports, ['found dns.example 192.0.2.1', 'failed dns.example (bootstrap: no answer for dns.example) kept 192.0.2.1']);
    up = true;
    clock.ms = 10_000;
    await list('dns.example', 4);
    await new Promise(setImmediate);
    await list('dns.example', 4);
    assert.equal(reports.length, 2, 'the same addresses again are no news');
  });

  it('fails with the reason when it has no address: no answer, an error RCODE, no record, no bootstrap server', async () => {
    const g = new FakeGroup((name) => (name === 'dead.example' ? 'fail' : name === 'gone.example' ? { rcode: RCode.NXDOMAIN } : {}));
    const { list, reports } = lookupOver(g);
    await assert.rejects(list('dead.example'), { message: 'bootstrap: no answer for dead.example', code: 'FANDNS_BOOTSTRAP_LOOKUP' });
    await assert.rejects(list('gone.example', 4), { message: 'bootstrap: NXDOMAIN for gone.example' });
    await assert.rejects(list('empty.example'), { message: 'bootstrap: no address for empty.example' });
    await assert.rejects(NO_BOOTSTRAP.addresses('dns.example', 0), { message: 'bootstrap: no bootstrap-server= to look up dns.example with' });
    assert.equal(reports.length, 3);
    assert.match(reports[0]!, /kept none$/);
  });

  it('takes over what the lookups it replaces found, with their TTL: no lookup until it runs out', async () => {
    const g = new FakeGroup(() => ({ a: ['192.0.2.1'], ttl: 60 }));
    const before = lookupOver(g);
    await before.list('dns.example', 4);
    before.clock.ms = 50_000;
    const after = lookupOver(g, before.hosts.found());
    after.clock.ms = 50_000;
    assert.deepEqual(await after.list('dns.example', 4), ['192.0.2.1/4']);
    assert.equal(g.asked.length, 1);
    g.script = () => 'fail';
    after.clock.ms = 61_000;
    assert.deepEqual(await after.list('dns.example', 4), ['192.0.2.1/4'], 'and keeps using them while lookups fail');
    assert.equal(g.asked.length, 2);
    assert.deepEqual(lookupOver(g, new Map()).hosts.found(), new Map(), 'nothing found, nothing carried');
  });

  it('answers Node\'s lookup with one address, or all of them when asked for all', async () => {
    const { hosts } = lookupOver(new FakeGroup(() => ({ a: ['192.0.2.1', '192.0.2.2'] })));
    const one = await new Promise((resolve) => hosts.lookup('dns.example', { family: 4 }, (err, address, family) => resolve([err, address, family])));
    assert.deepEqual(one, [null, '192.0.2.1', 4]);
    const all = await new Promise((resolve) => hosts.lookup('dns.example', { all: true }, (err, address) => resolve([err, address])));
    assert.deepEqual(all, [null, [{ address: '192.0.2.1', family: 4 }, { address: '192.0.2.2', family: 4 }]]);
    const failed = await new Promise<Error | null>((resolve) => NO_BOOTSTRAP.lookup('dns.example', { all: true }, (err) => resolve(err)));
    assert.match(failed?.message ?? '', /no bootstrap-server=/);
  });
});
