/**
 * Entry sharing between workers (src/process/entry-sharing.ts): a worker's asks go to the primary
 * once per key at a time, each asker getting its own copy; answers settle them; a closed channel
 * or too many keys at once mean "none"; the primary picks the freshest of the workers' entries.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { Buffer } from 'node:buffer';
import { toPortable } from '../../../src/cache/entry-age.js';
import { buildEntry } from '../../../src/cache/entry-build.js';
import type { EntryAsk, WorkerMessage } from '../../../src/process/cluster-ipc.js';
import { freshestEntry, WorkerEntries } from '../../../src/process/entry-sharing.js';
import { scanMessage } from '../../../src/wire/layout.js';
import { upstreamReply, makeQuery } from '../../helpers/wire.js';
import { rr } from '../../helpers/fake-upstream.js';

const policy = { minCacheTtl: 0, maxCacheTtl: 86400, negTtl: null, noNegcache: false };

/** A portable entry (base64) for a.test with TTL 100, stored at 1000 and made portable at `now`. */
function portable(now: number): string {
  const q = makeQuery('a.test');
  const wire = upstreamReply(q, { answers: [rr.a('a.test', '10.0.0.1', 100)] }).wire;
  const v = Buffer.from(buildEntry(wire, scanMessage(wire)!, 1000, policy, false, true)!);
  toPortable(v, now);
  return v.toString('base64');
}

describe('WorkerEntries', () => {
  it('asks once per key at a time; every asker gets its own copy of the answer', async () => {
    const sent: WorkerMessage[] = [];
    const e = new WorkerEntries((m) => (sent.push(m), true));
    const one = e.ask('k1');
    const two = e.ask('k1');
    const other = e.ask('k2');
    assert.deepEqual(sent.map((m) => (m as EntryAsk).key), ['k1', 'k2']);
    const entry = portable(1010);
    e.found({ fandns: 'entry', id: (sent[0] as EntryAsk).id, entry });
    e.found({ fandns: 'entry', id: (sent[1] as EntryAsk).id, entry: null });
    const [a, b] = await Promise.all([one, two]);
    assert.deepEqual(a, Buffer.from(entry, 'base64'));
    assert.deepEqual(b, a);
    a![0] = a![0]! ^ 0xff;
    assert.notEqual(a![0], b![0], 'copies: the cache stage rewrites them in place');
    assert.equal(await other, null);
    e.ask('k1');
    assert.equal(sent.length, 3, 'a later ask is a new question');
  });

  it('says "none" at once when the channel is closed or too many keys are asked, and ignores stray answers', async () => {
    assert.equal(await new WorkerEntries(() => false).ask('k'), null);
    const e = new WorkerEntries(() => true);
    for (let i = 0; i < 256; i++) void e.ask(`k${i}`);
    assert.equal(await e.ask('one-too-many'), null);
    e.found({ fandns: 'entry', id: 99_999, entry: null });
  });
});

describe('freshestEntry', () => {
  it('picks the entry with the most life left, else the one that expired last; null for none', () => {
    const fresh = portable(1010); // 90 s left
    const fresher = portable(1001); // 99 s left
    const expired = portable(1150); // expired 50 s ago
    const older = portable(1200);
    assert.equal(freshestEntry([null, fresh, fresher, expired]), fresher);
    assert.equal(freshestEntry([older, undefined, expired]), expired);
    assert.equal(freshestEntry([null, undefined]), null);
  });
});
