/**
 * Seeded fuzzing of alias answers end to end: `cname=a<i>.alias.test,f<i>.fuzz.test` for each i,
 * and the upstream answers every target query with a mutated version of a real reply (then the
 * real one 20 ms later), as in fuzz-replies.test.ts. Whatever the upstream sent, the client asking
 * for the alias gets a message that scans, with its own ID and question: either the alias CNAME
 * (owner the asked name, TTL as configured) in front of the target's records, or an error RCODE
 * with no records, or TC with no records over UDP. Asking again, from the cache or the upstream,
 * the same holds. Nothing is logged as an internal error. FANDNS_FUZZ_SEED replays a run.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { scanMessage } from '../../src/wire/layout.js';
import { buildQuery, tcpExchange, udpExchange } from '../helpers/dns-client.js';
import { FakeUpstream, type SeenQuery } from '../helpers/fake-upstream.js';
import { sampleReply } from '../helpers/fuzz-corpus.js';
import { memoryLog, type MemoryLog } from '../helpers/memory-log.js';
import { mutate } from '../helpers/mutate.js';
import { fuzzSeed, Prng } from '../helpers/prng.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

const SEED = fuzzSeed(0xa11a5);
const ALIASES = 1_500;
const CONCURRENT = 250;
const ALIAS_TTL = 7;
const TYPES = ['A', 'AAAA', 'MX', 'TXT', 'SRV', 'NS'] as const;

/** dns-packet's name codec (exported, not in its type declarations): reads one name, pointers followed. */
const names = (dnsPacket as unknown as { name: { decode(buf: Buffer, offset: number): string } }).name;

const seedOf = (i: number) => (SEED * 65_537 + i) >>> 0;
const indexOf = (name: string) => Number(/(?:^|\.)f(\d+)\.fuzz\.test$/i.exec(name)?.[1] ?? -1);

/** The client's query for alias i: its type and EDNS from the seed; the ID as given. */
function clientQuery(i: number, id: number): Buffer {
  const r = new Prng(seedOf(i) ^ 0x0f0f0f0f);
  return buildQuery(`a${i}.Alias.test`, { id, type: r.pick(TYPES), ...(r.chance(0.5) ? { edns: 1232 } : {}) });
}

/** Why `reply` is not an acceptable answer to the alias query `q`, or null. */
function problem(reply: Buffer, q: Buffer, i: number, udp: boolean): string | null {
  const l = scanMessage(reply);
  if (!l) return 'the reply does not scan';
  if (reply.readUInt16BE(0) !== q.readUInt16BE(0)) return 'not the client\'s ID';
  if ((reply[2]! & 0x80) === 0 || (reply[2]! & 0x78) !== 0) return 'not a response to a standard query';
  const qEnd = l.qEnd;
  if (!reply.subarray(12, qEnd).equals(q.subarray(12, qEnd))) return 'not the client\'s question';
  if (reply[2]! & 0x02) return udp && l.ancount === 0 ? null : 'TC where it does not belong';
  const rcode = reply[3]! & 0x0f;
  if (rcode !== 0 && rcode !== 3) return l.ancount === 0 ? null : `RCODE ${rcode} with records`;
  // Only the first record is read (the target's records may be any bytes an upstream sent).
  const first = l.records[0];
  if (l.ancount === 0 || !first || reply.readUInt16BE(first.typeOff) !== 5) return 'no CNAME first';
  const owner = names.decode(reply, first.start);
  const target = names.decode(reply, first.rdataOff);
  if (owner !== `a${i}.Alias.test` || target !== `f${i}.fuzz.test`) return `wrong CNAME ${owner} → ${target}`;
  const ttl = reply.readUInt32BE(first.typeOff + 4);
  return ttl === ALIAS_TTL ? null : `CNAME TTL ${ttl}`;
}

describe('fuzzing alias answers', () => {
  let up: FakeUpstream;
  let proxy: TestProxy;
  let log: MemoryLog;
  const seen = new Set<number>();

  const script = (q: SeenQuery) => {
    const i = indexOf(q.name);
    const base = sampleReply(new Prng(seedOf(i)), q.raw);
    if (seen.has(i)) return { raw: base };
    seen.add(i);
    const { bytes } = mutate(sampleReply(new Prng(seedOf(i)), q.raw), new Prng(seedOf(i) ^ 0x55555555));
    return { raw: bytes, also: [{ raw: base, delayMs: 20 }] };
  };

  before(async () => {
    up = await FakeUpstream.start(script);
    log = memoryLog();
    const aliases = Array.from({ length: ALIASES }, (_, i) => `cname=a${i}.alias.test,f${i}.fuzz.test,${ALIAS_TTL}`);
    proxy = await startProxy([`server=${up.spec}`, 'dns-forward-max=10000', 'upstream-timeout=3000', 'query-timeout=4000', ...aliases].join('\n'), log.log);
  });
  after(async () => {
    await proxy.stop();
    await up.close();
  });

  it(`answers ${ALIASES} aliases whose targets got mutated upstream replies with sound messages (seed ${SEED})`, async () => {
    const problems: string[] = [];
    const rcodes: Record<number, number> = {};
    const one = async (i: number) => {
      const tcp = i % 4 === 0;
      for (const id of [1000 + i, 20_000 + i]) {
        const q = clientQuery(i, id);
        const reply = tcp ? await tcpExchange(q, proxy.port, 5000) : await udpExchange(q, proxy.port, 5000);
        const p = problem(reply, q, i, !tcp);
        rcodes[reply[3]! & 0x0f] = (rcodes[reply[3]! & 0x0f] ?? 0) + 1;
        if (p && problems.length < 10) problems.push(`alias #${i} ${p} [seed ${SEED}, ${tcp ? 'tcp' : 'udp'}]\n  reply ${reply.toString('hex')}`);
      }
    };
    for (let b = 0; b < ALIASES; b += CONCURRENT) {
      await Promise.all(Array.from({ length: Math.min(CONCURRENT, ALIASES - b) }, (_, k) => one(b + k)));
    }
    assert.deepEqual(problems, []);
    // The mutations reach both outcomes: answers through the alias and SERVFAIL for malformed targets.
    assert.ok((rcodes[0] ?? 0) > ALIASES / 4 && (rcodes[2] ?? 0) > 50, JSON.stringify(rcodes));
    assert.ok(proxy.server.runtime.cache.counters.hits > ALIASES / 4, 'alias answers came from the cache the second time');
    assert.deepEqual(log.errors(), []);
  });
});
