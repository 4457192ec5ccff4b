/**
 * ageEntry (src/cache/entry-age.ts): an entry moved to another clock serves the same remaining
 * TTLs, less the age given, never below 0; bytes that are no entry are left alone. The portable
 * form (cache file, workers' entry sharing) keeps a fresh entry's TTLs left and an expired one's
 * time since it expired across clocks.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { ageEntry, fromPortable, portableFreshness, toPortable } from '../../../src/cache/entry-age.js';
import { buildEntry } from '../../../src/cache/entry-build.js';
import { entryExpiry, entryLife } from '../../../src/cache/entry-format.js';
import { renderEntry } from '../../../src/cache/entry-render.js';
import { scanMessage } from '../../../src/wire/layout.js';

const policy = { minCacheTtl: 0, maxCacheTtl: 86400, negTtl: null, noNegcache: false };
const query = dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'a.test' }] }) as Buffer;
const reply = dnsPacket.encode({
  type: 'response', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'a.test' }],
  answers: [{ type: 'A', name: 'a.test', ttl: 300, data: '10.0.0.1' }, { type: 'A', name: 'a.test', ttl: 100, data: '10.0.0.2' }],
}) as Buffer;
const render = (v: Buffer, now: number) =>
  dnsPacket.decode(renderEntry(v, 0, v.length, query, query.length, now, { clientMaxTtl: 0, forceTtl: -1, rotate: false, ednsUdp: 0, dnssecOk: false }));
const ttls = (v: Buffer, now: number) => render(v, now).answers!.map((a) => (a as { ttl: number }).ttl).sort((x, y) => x - y);

describe('ageEntry', () => {
  it('moves an entry to another clock: the same TTLs left, less the age', () => {
    const v = Buffer.from(buildEntry(reply, scanMessage(reply)!, 5000, policy, false, false)!);
    assert.deepEqual(ttls(v, 5040), [60, 260]);
    // Written at clock 5040 (age 40), read back at clock 3 of another process, 10 s later.
    assert.equal(ageEntry(v, 40, 0), 60);
    assert.equal(ageEntry(v, 10, 3), 50);
    assert.deepEqual(ttls(v, 3), [50, 250]);
    assert.equal(entryLife(v), 50);
    assert.equal(entryExpiry(v), 53);
  });

  it('stops at 0 (an expired entry), and refuses bytes that are no entry', () => {
    const v = Buffer.from(buildEntry(reply, scanMessage(reply)!, 0, policy, false, false)!);
    assert.equal(ageEntry(v, 1000, 0), 0);
    assert.deepEqual(ttls(v, 0), [0, 0]);
    assert.equal(ageEntry(Buffer.alloc(5), 1, 0), -1);
    const bad = Buffer.alloc(24, 0xff);
    assert.equal(ageEntry(bad, 1, 0), -1);
    assert.deepEqual(bad, Buffer.alloc(24, 0xff), 'left alone');
  });
});

describe('portable entries', () => {
  it('carry a fresh entry to another clock with its TTLs left, less the time away', () => {
    const v = Buffer.from(buildEntry(reply, scanMessage(reply)!, 5000, policy, false, false)!);
    toPortable(v, 5040);
    assert.equal(portableFreshness(v), 60);
    assert.equal(fromPortable(v, 0, 7), 60);
    assert.deepEqual(ttls(v, 7), [60, 260]);
    assert.equal(entryExpiry(v), 67);
    const w = Buffer.from(buildEntry(reply, scanMessage(reply)!, 5000, policy, false, false)!);
    toPortable(w, 5040);
    assert.equal(fromPortable(w, 15, 7), 45, 'a cache file read 15 s after it was written');
  });

  it('carry an expired entry with the seconds since it expired', () => {
    const v = Buffer.from(buildEntry(reply, scanMessage(reply)!, 5000, policy, false, false)!);
    toPortable(v, 5130); // expired at 5100
    assert.equal(portableFreshness(v), -30);
    assert.equal(fromPortable(v, 0, 1000), 0);
    assert.equal(entryExpiry(v), 970, 'expired 30 s before now on the new clock');
    assert.equal(portableFreshness(Buffer.alloc(3)), Number.NEGATIVE_INFINITY);
    assert.equal(fromPortable(Buffer.alloc(3), 0, 1), -1);
  });
});
