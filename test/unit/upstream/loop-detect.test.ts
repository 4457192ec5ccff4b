/**
 * The loop detector on its own: what a round sends (one `<hex>.test` TXT probe per default server,
 * its ID keyed by the secret), which queries it takes for its probes coming back, the marks it
 * makes and passes on, and when a rebuild starts a new round.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseUpstream } from '../../../src/config/server-spec.js';
import { createLogger } from '../../../src/log/logger.js';
import { LoopDetector } from '../../../src/upstream/loop-detect.js';
import { UpstreamRegistry } from '../../../src/upstream/registry.js';
import type { Upstream } from '../../../src/upstream/upstream.js';
import { parseQuery } from '../../../src/wire/query-parse.js';
import { readName } from '../../../src/wire/name.js';
import { makeQuery } from '../../helpers/wire.js';

const SECRET = Buffer.alloc(16, 7);
const spec = (port: number) => parseUpstream(`127.0.0.1#${port}`, { file: 'test.conf', line: 1 })!;

/** A registry with one group of `ports`, whose upstreams record the queries they are given instead of sending them. */
function rig(ports: number[]) {
  const registry = new UpstreamRegistry('fastest', 300);
  const group = registry.group(ports.map(spec));
  const sent = new Map<Upstream, string[]>();
  for (const u of registry.upstreams()) {
    sent.set(u, []);
    u.exchange = (msg) => {
      const p = parseQuery(msg);
      assert.ok(typeof p !== 'number');
      assert.equal(p.qtype, 16);
      assert.equal(p.qclass, 1);
      assert.equal(p.rd, true);
      sent.get(u)!.push(readName(msg, 12)!.name);
    };
  }
  return { registry, group, sent, names: () => [...sent.values()].map((n) => n.at(-1)!) };
}

const silent = createLogger('silent');

describe('LoopDetector', () => {
  it('sends each default server one probe of its own, the same for the same secret and server', () => {
    const a = rig([5301, 5302]);
    const b = rig([5301, 5302]);
    try {
      new LoopDetector(silent, SECRET).attach(a.registry, a.group.members, 300, false);
      new LoopDetector(silent, SECRET).attach(b.registry, b.group.members, 300, false);
      const names = a.names();
      for (const n of names) assert.match(n, /^[0-9a-f]{8}\.test$/);
      assert.notEqual(names[0], names[1]);
      assert.deepEqual(b.names(), names, 'another worker with the same secret sends the same probes');
      const c = rig([5301]);
      new LoopDetector(silent, Buffer.alloc(16, 8)).attach(c.registry, c.group.members, 300, false);
      assert.notEqual(c.names()[0], names[0], 'another secret, other probes');
      c.registry.close();
    } finally {
      a.registry.close();
      b.registry.close();
    }
  });

  it('takes its probe coming back (any letter case) for a loop: marks the server and tells the other workers each time', () => {
    const r = rig([5301, 5302]);
    const announced: string[] = [];
    try {
      const d = new LoopDetector(silent, SECRET, (key, looped) => announced.push(`${key} ${looped}`));
      d.attach(r.registry, r.group.members, 300, false);
      const [first] = r.names();
      assert.equal(d.catches(makeQuery(first!.toUpperCase(), { type: 'TXT' })), true);
      assert.equal(d.catches(makeQuery(first!, { type: 'TXT' })), true, 'again: still ours, dropped');
      assert.deepEqual(r.group.usable.map((u) => u.label), ['127.0.0.1#5302']);
      const [k1, k2] = r.group.members.map((u) => r.registry.keyOf(u));
      assert.deepEqual(announced, [`${k1} false`, `${k2} false`, `${k1} true`, `${k1} true`], 'the round clears, then each return marks');
      for (const q of [makeQuery(first!, { type: 'A' }), makeQuery('0badf00d.test', { type: 'TXT' }), makeQuery(`${first}.x`, { type: 'TXT' }), makeQuery('www.example.com')]) {
        assert.equal(d.catches(q), false, q.name);
      }
    } finally {
      r.registry.close();
    }
  });

  it('takes a mark from another worker, and knows none it has no server for', () => {
    const r = rig([5301]);
    try {
      const d = new LoopDetector(silent, SECRET);
      d.attach(r.registry, r.group.members, 300, false);
      const key = r.registry.keyOf(r.group.members[0]!);
      assert.equal(d.mark(key), true);
      assert.equal(d.mark(key), false);
      assert.equal(d.mark('127.0.0.9#53@#%'), false);
      assert.deepEqual(r.group.usable, []);
    } finally {
      r.registry.close();
    }
  });

  it('starts a round (marks cleared, probes sent) on request or when the default servers change, not otherwise', () => {
    const r = rig([5301, 5302]);
    try {
      const d = new LoopDetector(silent, SECRET);
      d.attach(r.registry, r.group.members, 300, false);
      d.catches(makeQuery(r.names()[0]!, { type: 'TXT' }));
      d.attach(r.registry, r.group.members, 300, false);
      assert.deepEqual([...r.sent.values()].map((n) => n.length), [1, 1], 'the same servers: no round');
      assert.equal(r.group.members[0]!.looped, true);
      d.attach(r.registry, [r.group.members[0]!], 300, false);
      assert.deepEqual([...r.sent.values()].map((n) => n.length), [2, 1], 'other servers: a round');
      assert.equal(r.group.members[0]!.looped, false);
      d.attach(r.registry, [r.group.members[0]!], 300, true);
      assert.deepEqual([...r.sent.values()].map((n) => n.length), [3, 1], 'SIGHUP: a round');
      d.detach();
      assert.equal(d.catches(makeQuery(r.names()[0]!, { type: 'TXT' })), false, 'off: nothing is a probe');
    } finally {
      r.registry.close();
    }
  });
});
