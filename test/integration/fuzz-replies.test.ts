/**
 * Seeded fuzzing of the reply path: a FakeUpstream answers each forwarded query with a mutated
 * version of a real reply (address sets, CNAME chains, NXDOMAIN/NODATA with SOA, SRV with
 * additionals, hand-compressed names, OPT), followed 20 ms later by the real one. What the client
 * gets follows from the mutant alone:
 * - a mutant that does not match the query (ID, QR, question) is ignored: the real reply wins;
 * - a matching mutant that is malformed is dropped and counted: SERVFAIL;
 * - a matching mutant with TC set is retried over TCP: the real reply;
 * - any other mutant is passed on, its records byte for byte, in a message that scans.
 * Asking again gets either the same thing from the cache, or the real reply from upstream.
 * FANDNS_FUZZ_SEED replays a run.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { scanMessage, type MessageLayout } from '../../src/wire/layout.js';
import { tcpExchange, udpExchange } from '../helpers/dns-client.js';
import { FakeUpstream, type SeenQuery } from '../helpers/fake-upstream.js';
import { sampleQuery, sampleReply } from '../helpers/fuzz-corpus.js';
import { memoryLog, type MemoryLog } from '../helpers/memory-log.js';
import { mutate } from '../helpers/mutate.js';
import { fuzzSeed, Prng } from '../helpers/prng.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';

const SEED = fuzzSeed(0xbe91);
const REPLIES = 5_000;
const CONCURRENT = 250;

/** What the upstream sent for one name. */
interface Sent {
  readonly forwarded: Buffer;
  readonly mutant: Buffer;
  readonly ops: readonly string[];
  calls: number;
}

const seedOf = (i: number) => (SEED * 65_537 + i) >>> 0;
const indexOf = (name: string) => Number(/(?:^|\.)f(\d+)\.fuzz\.test$/i.exec(name)?.[1] ?? -1);

/** The client's query for index i: the same bytes each time it is built (but the ID). */
const clientQuery = (i: number, id: number) => {
  const q = sampleQuery(new Prng(seedOf(i)), 'fuzz.test', `f${i}`);
  q.writeUInt16BE(id, 0);
  return q;
};

/** Would the UDP transport take `m` as the reply to `q` (RFC 5452 §9.1)? Written from the RFC. */
function matches(m: Buffer, q: Buffer): boolean {
  // QR set and opcode QUERY, as the query's (RFC 1035 §4.1.1: the opcode is copied into the response).
  if (m.length < 12 || m.readUInt16BE(0) !== q.readUInt16BE(0) || (m[2]! & 0xf8) !== 0x80 || m.readUInt16BE(4) !== 1) return false;
  let qEnd = 12;
  while (q[qEnd] !== 0) qEnd += q[qEnd]! + 1;
  qEnd += 5;
  if (m.length < qEnd) return false;
  const name = (b: Buffer) => b.subarray(12, qEnd - 4).toString('latin1').toLowerCase();
  return name(m) === name(q) && m.subarray(qEnd - 4, qEnd).equals(q.subarray(qEnd - 4, qEnd));
}

/** Concatenated bytes of every record but the OPT. */
function recordBytes(m: Buffer, l: MessageLayout): Buffer {
  return Buffer.concat(l.records.filter((r) => r !== l.opt).map((r) => m.subarray(r.start, r.end)));
}

/** A decoded view of a reply that ignores TTLs, record order and letter case. */
function content(m: Buffer): string {
  const p = dnsPacket.decode(m);
  const rows = (list: dnsPacket.Answer[] | undefined) =>
    (list ?? []).filter((a) => a.type !== 'OPT').map((a) => `${a.name.toLowerCase()} ${a.type} ${JSON.stringify((a as { data?: unknown }).data)}`).sort();
  return JSON.stringify({ rcode: m[3]! & 0x0f, an: rows(p.answers), ns: rows(p.authorities), ar: rows(p.additionals) });
}

/** What the client must get: the real reply, SERVFAIL, or the mutant passed on. */
type Expect = 'real' | 'servfail' | 'mutant';

/** The expectation for the first ask, from the mutant and the query it answered. */
function expectFirst(s: Sent): Expect {
  if (!matches(s.mutant, s.forwarded)) return 'real';
  if (s.mutant[2]! & 0x02) return 'real'; // TC: retried over TCP whatever else it holds
  return scanMessage(s.mutant) ? 'mutant' : 'servfail';
}

/**
 * Why `reply` is wrong, or null. `exact`: the mutant's records must come byte for byte (a reply
 * forwarded as is), else in any order with other TTLs (a cache hit). A UDP client may get TC
 * instead: header and question only, to retry over TCP.
 */
function problem(reply: Buffer, want: Expect, s: Sent, base: Buffer, udp: boolean, exact: boolean): string | null {
  const rl = scanMessage(reply);
  if (!rl) return 'the reply does not scan';
  if ((reply[2]! & 0x78) !== 0) return 'opcode other than the query\'s';
  if (want === 'servfail') return (reply[3]! & 0x0f) === 2 && rl.ancount === 0 ? null : 'expected SERVFAIL for a malformed reply';
  if (reply[2]! & 0x02) return udp && rl.ancount === 0 && rl.nscount === 0 ? null : 'TC where it does not belong';
  if (want === 'real') return content(reply) === content(base) ? null : 'expected the real reply';
  const ml = scanMessage(s.mutant)!;
  if ((reply[3]! & 0x0f) !== (s.mutant[3]! & 0x0f)) return 'RCODE changed';
  if (rl.ancount !== ml.ancount || rl.nscount !== ml.nscount) return 'section counts changed';
  if (exact && !recordBytes(reply, rl).equals(recordBytes(s.mutant, ml))) return 'records changed on the way';
  return null;
}

describe('fuzzing the reply path', () => {
  let up: FakeUpstream;
  let proxy: TestProxy;
  let log: MemoryLog;
  const sent = new Map<number, Sent>();

  const script = (q: SeenQuery) => {
    const i = indexOf(q.name);
    const base = sampleReply(new Prng(seedOf(i)), q.raw);
    const s = sent.get(i);
    if (s) {
      s.calls++;
      return { raw: base };
    }
    const { bytes, ops } = mutate(sampleReply(new Prng(seedOf(i)), q.raw), new Prng(seedOf(i) ^ 0x55555555));
    sent.set(i, { forwarded: Buffer.from(q.raw), mutant: bytes, ops, calls: 1 });
    return { raw: bytes, also: [{ raw: base, delayMs: 20 }] };
  };

  before(async () => {
    up = await FakeUpstream.start(script);
    log = memoryLog();
    proxy = await startProxy(`server=${up.spec}\ndns-forward-max=10000\nupstream-timeout=3000\nquery-timeout=4000`, log.log);
  });
  after(async () => {
    await proxy.stop();
    await up.close();
  });

  it(`passes on, drops or ignores ${REPLIES} mutated upstream replies as it should (seed ${SEED})`, async () => {
    const problems: string[] = [];
    const outcomes = { ignored: 0, malformed: 0, passed: 0, cached: 0, truncated: 0 };
    const one = async (i: number) => {
      const tcp = i % 4 === 0;
      const ask = (id: number) => (tcp ? tcpExchange(clientQuery(i, id), proxy.port, 5000) : udpExchange(clientQuery(i, id), proxy.port, 5000));
      const first = await ask(1000 + (i % 60_000));
      const s = sent.get(i);
      if (!s) return void problems.push(`#${i}: never reached the upstream`);
      const callsBefore = s.calls;
      const base = sampleReply(new Prng(seedOf(i)), s.forwarded);
      const want = expectFirst(s);
      const p1 = problem(first, want, s, base, !tcp, true);
      const second = await ask(2000 + (i % 60_000));
      const fromUpstream = s.calls > callsBefore;
      const p2 = p1 ? null : problem(second, fromUpstream || want === 'real' ? 'real' : want, s, base, !tcp, false);
      outcomes[want === 'servfail' ? 'malformed' : want === 'mutant' ? 'passed' : 'ignored']++;
      if (first[2]! & 0x02) outcomes.truncated++;
      if (!fromUpstream) outcomes.cached++;
      const p = p1 ?? p2;
      if (p && problems.length < 10) {
        problems.push(`#${i} ${p} [seed ${SEED}, ${s.ops.join(' + ')}, ${tcp ? 'tcp' : 'udp'}]\n  mutant ${s.mutant.toString('hex')}\n  first  ${first.toString('hex')}\n  second ${second.toString('hex')}`);
      }
    };
    for (let b = 0; b < REPLIES; b += CONCURRENT) {
      await Promise.all(Array.from({ length: Math.min(CONCURRENT, REPLIES - b) }, (_, k) => one(b + k)));
    }
    assert.deepEqual(problems, []);
    const u = proxy.server.runtime.registry.upstreams()[0]!;
    assert.equal(u.stats.malformed, outcomes.malformed, 'every malformed reply was counted');
    for (const k of ['ignored', 'malformed', 'passed', 'cached'] as const) assert.ok(outcomes[k] > 200, `${k} exercised: ${JSON.stringify(outcomes)}`);
    assert.deepEqual(log.errors(), []);
  });
});
