/**
 * Seeded fuzzing of the query path on the wire: mutated real queries (plain, EDNS with options)
 * sent over UDP and pipelined over TCP to a running fandns, with valid queries interleaved. Every
 * datagram gets exactly what an independent RFC reading says (test/helpers/query-oracle.ts):
 * silence for fewer than 12 bytes or QR=1, else FORMERR, NOTIMP or BADVERS with the client's ID,
 * or a proper answer carrying the client's own question. The valid queries keep being answered
 * correctly, the rejection counters match, and nothing is logged as an internal error.
 * FANDNS_FUZZ_SEED replays a run.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { scanMessage, type MessageLayout } from '../../src/wire/layout.js';
import { buildQuery } from '../helpers/dns-client.js';
import { ECHO_ADDRESS, startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { sampleQuery } from '../helpers/fuzz-corpus.js';
import { memoryLog, type MemoryLog } from '../helpers/memory-log.js';
import { landmarks, mutate } from '../helpers/mutate.js';
import { fuzzSeed, Prng } from '../helpers/prng.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { queryVerdict, type QueryVerdict } from '../helpers/query-oracle.js';
import { sleep } from '../helpers/wait.js';

const SEED = fuzzSeed(0xf0221);
const UDP_MUTANTS = 20_000;
const TCP_MUTANTS = 3_000;
const LOCAL_MUTANTS = 6_000;
/** One valid query after every VALID_EVERY mutants. */
const VALID_EVERY = 20;
const BATCH = 400;

/** One datagram sent and what must come back. */
interface Item {
  readonly id: number;
  readonly bytes: Buffer;
  readonly verdict: QueryVerdict;
  readonly valid: boolean;
  readonly ops: readonly string[];
}

/** Builds the well-formed query that mutant number `i` starts from. */
type Seed = (r: Prng, i: number) => Buffer;

/** Mutants of `seed` queries with unique IDs from `firstId`, and a valid query after every VALID_EVERY. */
function makeItems(r: Prng, mutants: number, firstId: number, seed: Seed): Item[] {
  const items: Item[] = [];
  let id = firstId;
  for (let i = 0; i < mutants; i++) {
    if (i % VALID_EVERY === 0) {
      const bytes = buildQuery(`valid${i}.fuzz.test`, r.chance(0.5) ? { id, edns: 1232 } : { id });
      items.push({ id: id++, bytes, verdict: 'answer', valid: true, ops: [] });
    }
    const { bytes, ops } = mutate(seed(r, i), r);
    // The ID never changes a verdict; making it unique pairs every reply with its datagram.
    if (bytes.length >= 2) bytes.writeUInt16BE(id, 0);
    items.push({ id: id++, bytes, verdict: queryVerdict(bytes), valid: false, ops });
  }
  return items;
}

/** Judges the answer to a query the oracle accepted (its reply already scans and echoes the question). */
type AnswerCheck = (reply: Buffer, layout: MessageLayout, query: Buffer, qEnd: number) => string | null;

/** The last label of the question name starting at byte 12, lower-cased; null if the name has a pointer. */
function lastQuestionLabel(query: Buffer): string | null {
  let last = '';
  for (let at = 12; at < query.length && query[at] !== 0; at += 1 + query[at]!) {
    if (query[at]! >= 0xc0) return null;
    last = query.subarray(at + 1, at + 1 + query[at]!).toString('latin1').toLowerCase();
  }
  return last;
}

/** True for a class CH question under bind. or server.: fandns answers it itself (TXT or NOTIMP). */
function ownChaosName(query: Buffer, qEnd: number): boolean {
  if (query.readUInt16BE(qEnd - 2) !== 3) return false;
  const top = lastQuestionLabel(query);
  return top === 'bind' || top === 'server';
}

/**
 * The echo upstream's answer: NOERROR, and for class IN type A its one address; for fandns's own
 * CHAOS names (handlers/chaos.ts), a TXT answer or NOTIMP.
 */
const echoAnswer: AnswerCheck = (reply, layout, query, qEnd) => {
  const rcode = reply[3]! & 0x0f;
  if (ownChaosName(query, qEnd)) return rcode === 0 || rcode === 4 ? null : `RCODE ${rcode} for a CHAOS name of fandns's own`;
  if (rcode !== 0) return `RCODE ${rcode} for a valid query`;
  if (query.readUInt16BE(qEnd - 4) !== 1 || query.readUInt16BE(qEnd - 2) !== 1) return null;
  const a = layout.records[0];
  return layout.ancount === 1 && a && a.rdlen === 4 && [...reply.subarray(a.rdataOff, a.end)].join('.') === ECHO_ADDRESS ? null : 'wrong A answer';
};

/** Why `reply` is wrong for `item`, or null when it is right. */
function problem(item: Item, reply: Buffer | undefined, answerOk: AnswerCheck): string | null {
  const { bytes, verdict } = item;
  if (verdict === 'silence') return reply ? 'answered a datagram that must get no reply' : null;
  if (!reply) return `no reply, expected ${verdict}`;
  if (reply.length < 12 || (reply[2]! & 0x80) === 0) return 'reply without QR';
  const rcode = reply[3]! & 0x0f;
  const [qd, an, ns, ar] = [4, 6, 8, 10].map((o) => reply.readUInt16BE(o));
  if (verdict === 'FORMERR' || verdict === 'NOTIMP') {
    if (rcode !== (verdict === 'FORMERR' ? 1 : 4)) return `RCODE ${rcode}, expected ${verdict}`;
    if (((reply[2]! >> 3) & 0x0f) !== ((bytes[2]! >> 3) & 0x0f)) return 'opcode not echoed';
    if (qd !== 0 || an !== 0 || ns !== 0) return 'error reply with records';
    const bare = reply.length === 12 && ar === 0;
    const withOpt = reply.length === 23 && ar === 1 && reply.readUInt16BE(13) === 41;
    return bare || withOpt ? null : `malformed ${verdict} reply`;
  }
  if (verdict === 'BADVERS') {
    const ok = reply.length === 23 && rcode === 0 && ar === 1 && reply.readUInt16BE(13) === 41 && reply[17] === 1;
    return ok ? null : 'not a BADVERS reply';
  }
  if (reply[2]! & 0x02) return 'truncated';
  const lm = landmarks(bytes);
  if (qd !== 1 || !reply.subarray(12, lm.qEnd).equals(bytes.subarray(12, lm.qEnd))) return 'question not echoed as sent';
  const layout = scanMessage(reply);
  if (!layout) return 'reply does not scan';
  if ((layout.opt !== null) !== (lm.opt >= 0)) return 'OPT in the reply iff in the query';
  return answerOk(reply, layout, bytes, lm.qEnd);
}

/** Sends items in batches over UDP from one socket; returns every reply by ID (and duplicates). */
async function udpRun(items: readonly Item[], port: number): Promise<{ replies: Map<number, Buffer>; duplicates: number }> {
  const s = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
  const replies = new Map<number, Buffer>();
  let duplicates = 0;
  s.on('message', (m) => {
    if (m.length < 2) return;
    const id = m.readUInt16BE(0);
    if (replies.has(id)) duplicates++;
    replies.set(id, m);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  try {
    for (let b = 0; b < items.length; b += BATCH) {
      const batch = items.slice(b, b + BATCH);
      for (const it of batch) s.send(it.bytes, port, '127.0.0.1');
      const expected = batch.filter((it) => it.verdict !== 'silence');
      const until = Date.now() + 5000;
      while (expected.some((it) => !replies.has(it.id)) && Date.now() < until) await sleep(5);
    }
    await sleep(200); // let any reply that must not come arrive
  } finally {
    s.close();
  }
  return { replies, duplicates };
}

/** Pipelines items over one TCP connection, BATCH frames a write; returns the replies by ID. */
async function tcpRun(items: readonly Item[], port: number): Promise<Map<number, Buffer>> {
  const sock = connect({ host: '127.0.0.1', port });
  const replies = new Map<number, Buffer>();
  let buf = Buffer.alloc(0);
  let closed = false;
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const m = Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      buf = buf.subarray(2 + m.length);
      if (m.length >= 2) replies.set(m.readUInt16BE(0), m);
    }
  });
  sock.on('close', () => (closed = true));
  sock.on('error', () => {});
  await new Promise<void>((r) => sock.once('connect', () => r()));
  try {
    for (let b = 0; b < items.length && !closed; b += BATCH) {
      const batch = items.slice(b, b + BATCH);
      sock.write(Buffer.concat(batch.flatMap((it) => [Buffer.from([it.bytes.length >> 8, it.bytes.length & 0xff]), it.bytes])));
      const expected = batch.filter((it) => it.verdict !== 'silence');
      const until = Date.now() + 5000;
      while (!closed && expected.some((it) => !replies.has(it.id)) && Date.now() < until) await sleep(5);
    }
    await sleep(200);
    assert.equal(closed, false, 'fandns kept the connection open');
  } finally {
    sock.destroy();
  }
  return replies;
}

/** Seeds for the echo setup: names that all go to the upstream. */
const echoSeed: Seed = (r, i) => sampleQuery(r, 'fuzz.test', `m${i}`);

/** Checks every item; returns descriptions of the first few failures. */
function failures(items: readonly Item[], replies: Map<number, Buffer>, answerOk: AnswerCheck = echoAnswer): string[] {
  const out: string[] = [];
  for (const it of items) {
    const p = problem(it, replies.get(it.id), answerOk);
    if (p && out.length < 10) out.push(`${p} [seed ${SEED}, id ${it.id}, ${it.valid ? 'valid query' : it.ops.join(' + ')}] ${it.bytes.toString('hex')}`);
  }
  return out;
}

/** How many items have each verdict. */
function tally(items: readonly Item[]): Record<QueryVerdict, number> {
  const t: Record<QueryVerdict, number> = { silence: 0, FORMERR: 0, NOTIMP: 0, BADVERS: 0, answer: 0 };
  for (const it of items) t[it.verdict]++;
  return t;
}

describe('fuzzing the query path on the wire', () => {
  let echo: EchoUpstream;
  let proxy: TestProxy;
  let log: MemoryLog;

  before(async () => {
    echo = await startEchoUpstream();
    log = memoryLog();
    proxy = await startProxy(`server=${echo.spec}\ndns-forward-max=10000\nupstream-timeout=3000\nquery-timeout=4000`, log.log);
  });
  after(async () => {
    await proxy.stop();
    await echo.close();
  });

  it(`answers ${UDP_MUTANTS} mutated UDP queries as the RFCs say, and every valid one in between (seed ${SEED})`, async () => {
    const items = makeItems(new Prng(SEED), UDP_MUTANTS, 0, echoSeed);
    const before = { ...proxy.server.accept };
    const { replies, duplicates } = await udpRun(items, proxy.port);
    assert.deepEqual(failures(items, replies), []);
    assert.equal(duplicates, 0, 'one reply per datagram');
    const t = tally(items);
    const a = proxy.server.accept;
    assert.deepEqual(
      { silence: a.dropped - before.dropped, FORMERR: a.formerr - before.formerr, NOTIMP: a.notimp - before.notimp, BADVERS: a.badvers - before.badvers },
      { silence: t.silence, FORMERR: t.FORMERR, NOTIMP: t.NOTIMP, BADVERS: t.BADVERS },
      'rejection counters match the verdicts',
    );
    for (const v of Object.keys(t) as QueryVerdict[]) assert.ok(t[v] > 50, `every verdict is exercised: ${JSON.stringify(t)}`);
    assert.deepEqual(log.errors(), []);
  });

  it(`answers ${TCP_MUTANTS} mutated queries pipelined on one TCP connection (seed ${SEED + 1})`, async () => {
    const items = makeItems(new Prng(SEED + 1), TCP_MUTANTS, 40_000, echoSeed);
    const replies = await tcpRun(items, proxy.port);
    assert.deepEqual(failures(items, replies), []);
    assert.deepEqual(log.errors(), []);
  });
});

/** A config whose local stages (address=, cname=, local records, filters) see the mutants first. */
const LOCAL_CONF = [
  'address=/a.fuzz.test/10.9.9.9',
  'address=/blk.fuzz.test/',
  'local=/loc.fuzz.test/',
  'cname=c.fuzz.test,t.fuzz.test',
  'cname=cc.fuzz.test,c.fuzz.test',
  'host-record=h.fuzz.test,10.8.8.8,::8',
  'txt-record=txt.fuzz.test,"hello"',
  'srv-host=_x._tcp.fuzz.test,h.fuzz.test,80',
  'mx-host=fuzz.test,h.fuzz.test',
  'ptr-record=8.8.8.10.in-addr.arpa,h.fuzz.test',
  'naptr-record=n.fuzz.test,10,20,U,E2U+sip,"!^.*$!sip:a@b!",h.fuzz.test',
  'caa-record=n.fuzz.test,0,issue,ca.test',
  'dns-rr=r.fuzz.test,65280,01:02:03',
  'synth-domain=s.fuzz.test,10.7.0.0/24,h-',
  'synth-domain=s6.fuzz.test,2001:db8:7::/64,*',
  'stop-dns-rebind',
  'bogus-priv',
  'domain-needed',
  'use-stale-cache',
  'filter-AAAA',
  'filter-rr=HINFO,ANY',
  // The echo upstream's A answers are bogus; the ignored address is one it never sends, so every
  // reply is checked and none waits for a timeout.
  'filterwin2k',
  'bogus-nxdomain=10.53.0.0/31',
  'ignore-address=10.53.0.2',
  // The loop guard sees every fuzzed query first; the echo upstream answers its probe.
  'dns-loop-detect',
  // EDNS rewriting of every forwarded mutant: options added, replaced and stripped.
  'add-subnet=24,56',
  'strip-subnet',
  'add-cpe-id=fuzz',
  'strip-mac',
  'add-mac',
];
const LOCAL_TAGS = ['a', 'x.a', 'blk', 'loc', 'q.loc', 'c', 'cc', 't', 'h', 'txt', '_x._tcp', 'n', 'r', 'zz', 'h-10-7-0-5.s', 'h-10-8-0-5.s', '42.s6'];
/** Reverse names for the synth-domain ranges: 10.7.0.5 and 2001:db8:7::2a. */
const SYNTH_REVERSE = ['a.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.7.0.0.0.8.b.d.0.1.0.0.2', '5.0.7.10'];

/** Seeds for the local setup: local names, reverse names, dotless names, CHAOS names. */
const localSeed: Seed = (r) => {
  if (r.chance(0.1)) return sampleQuery(r, 'in-addr.arpa', r.pick(['8.8.8.10', '1.0.168.192', '5.0.0.10']));
  if (r.chance(0.05)) {
    const name = r.pick(SYNTH_REVERSE);
    return sampleQuery(r, name.length > 10 ? 'ip6.arpa' : 'in-addr.arpa', name);
  }
  if (r.chance(0.1)) return buildQuery(r.pick(['dotless', 'Web']), { type: r.pick(['A', 'AAAA', 'TXT']), id: r.int(65536) });
  if (r.chance(0.1)) return buildQuery(r.pick(['n.fuzz.test', 'R.fuzz.test']), { type: r.pick(['NAPTR', 'CAA', 'UNKNOWN_65280', 'ANY', 'A']), id: r.int(65536) });
  if (r.chance(0.05)) {
    const name = r.pick(['version.bind', 'HITS.bind', 'servers.bind', 'misses.bind', 'id.server', 'x.bind', 'bind', 'web.fuzz.test']);
    return buildQuery(name, { qclass: 'CH', type: r.pick(['TXT', 'ANY', 'A']), id: r.int(65536), ...(r.chance(0.5) ? { edns: 1232 } : {}) });
  }
  return sampleQuery(r, 'fuzz.test', r.pick(LOCAL_TAGS));
};

/**
 * Local data answers NOERROR or NXDOMAIN (local=, address=/d/, bogus-priv), or REFUSED; never an
 * error of fandns's own. fandns's own CHAOS names may also get NOTIMP.
 */
const localAnswer: AnswerCheck = (reply, _layout, query, qEnd) => {
  const rcode = reply[3]! & 0x0f;
  return [0, 3, 5].includes(rcode) || (rcode === 4 && ownChaosName(query, qEnd)) ? null : `RCODE ${rcode} from local data`;
};

describe('fuzzing the query path through the local stages', () => {
  it(`answers ${LOCAL_MUTANTS} mutated queries for local, aliased and reverse names (seed ${SEED + 2})`, async () => {
    const echo = await startEchoUpstream();
    const log = memoryLog();
    const proxy = await startProxy([`server=${echo.spec}`, 'dns-forward-max=10000', 'upstream-timeout=3000', 'query-timeout=4000', ...LOCAL_CONF].join('\n'), log.log);
    try {
      const items = makeItems(new Prng(SEED + 2), LOCAL_MUTANTS, 0, localSeed);
      const { replies } = await udpRun(items, proxy.port);
      assert.deepEqual(failures(items, replies, localAnswer), []);
      assert.deepEqual(log.errors(), []);
    } finally {
      await proxy.stop();
      await echo.close();
    }
  });
});
