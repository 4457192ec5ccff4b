/**
 * Seeded fuzzing of the byte-level readers that see hostile input first: parseQuery (every
 * datagram a client sends), scanMessage and the name readers (every upstream reply), and the
 * cache entry built from an accepted reply. None may throw; parseQuery must agree with an
 * independent RFC reading (test/helpers/query-oracle.ts); layouts must stay inside the message;
 * a cached reply must render to a message that scans again, and so must an alias answer spliced
 * in front of one and cached with its CNAME's TTL kept. FANDNS_FUZZ_SEED replays a run.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { buildEntry } from '../../../src/cache/entry-build.js';
import { renderEntry } from '../../../src/cache/entry-render.js';
import { checkedNameEnd, scanMessage, Section, type MessageLayout } from '../../../src/wire/layout.js';
import { encodeName, readName, skipName } from '../../../src/wire/name.js';
import { spliceAlias } from '../../../src/wire/splice-alias.js';
import { parseQuery, QueryFault } from '../../../src/wire/query-parse.js';
import { sampleQuery, sampleReply } from '../../helpers/fuzz-corpus.js';
import { mutate } from '../../helpers/mutate.js';
import { fuzzSeed, Prng } from '../../helpers/prng.js';
import { queryVerdict, type QueryVerdict } from '../../helpers/query-oracle.js';

const SEED = fuzzSeed(0x5eed1);
const MUTATED_QUERIES = 40_000;
const RANDOM_INPUTS = 20_000;
const MUTATED_REPLIES = 25_000;
const ALIASED_REPLIES = 10_000;

const FAULT_VERDICT: Record<number, QueryVerdict> = {
  [QueryFault.DROP]: 'silence',
  [QueryFault.FORMERR]: 'FORMERR',
  [QueryFault.NOTIMP]: 'NOTIMP',
  [QueryFault.BADVERS]: 'BADVERS',
};

const hex = (b: Buffer) => b.toString('hex');

/** parseQuery's verdict, with the accepted fields checked against the message. */
function parsedVerdict(m: Buffer): QueryVerdict {
  const p = parseQuery(m);
  if (typeof p === 'number') return FAULT_VERDICT[p]!;
  assert.ok(p.qEnd > 12 && p.qEnd <= m.length, 'qEnd inside the message');
  assert.ok(p.udpSize >= 512);
  assert.ok(p.optStart === -1 || (p.optStart >= p.qEnd && p.optStart + 11 <= m.length), 'OPT inside the message');
  assert.equal(p.id, m.readUInt16BE(0));
  assert.equal(p.key.length, p.qEnd - 12 - 4 + 5, 'key = name + type + class + flags');
  return 'answer';
}

/** Checks that a layout describes the message it came from. */
function checkLayout(m: Buffer, l: MessageLayout): void {
  assert.ok(l.qEnd >= 12 && l.qEnd <= m.length);
  assert.equal(l.records.length, l.ancount + l.nscount + l.arcount);
  let at = l.qEnd;
  l.records.forEach((r, i) => {
    assert.equal(r.start, at, 'records are contiguous');
    assert.ok(r.typeOff > r.start && r.rdataOff === r.typeOff + 10 && r.end === r.rdataOff + r.rdlen && r.end <= m.length);
    assert.equal(r.section, i < l.ancount ? Section.ANSWER : i < l.ancount + l.nscount ? Section.AUTHORITY : Section.ADDITIONAL);
    at = r.end;
  });
  if (l.opt) assert.equal(l.opt.section, Section.ADDITIONAL);
}

/** Caches an accepted reply and renders it a few times; the result must scan with the same counts. */
function cacheRoundTrip(m: Buffer, l: MessageLayout): boolean {
  if (m[4] !== 0 || m[5] !== 1) return false;
  const policy = { minCacheTtl: 0, maxCacheTtl: 86_400, negTtl: 60, noNegcache: false };
  const v = buildEntry(m, l, 1000, policy, true, true);
  if (v === null) return false;
  const query = Buffer.concat([m.subarray(0, 12), m.subarray(12, l.qEnd)]);
  for (const [now, ednsUdp] of [[1000, 0], [1010, 1232], [5000, 0]] as const) {
    const out = renderEntry(v, 0, v.length, query, l.qEnd, now, { clientMaxTtl: 0, forceTtl: -1, rotate: true, ednsUdp, dnssecOk: false });
    const again = scanMessage(out);
    assert.ok(again, `rendered entry scans: ${hex(out)}`);
    assert.deepEqual([again.ancount, again.nscount], [l.ancount, l.nscount]);
    assert.equal(again.arcount, l.arcount - (l.opt ? 1 : 0) + (ednsUdp ? 1 : 0));
  }
  return true;
}

describe('fuzzing the wire readers', () => {
  it(`parseQuery agrees with the RFC oracle on ${MUTATED_QUERIES} mutated queries (seed ${SEED})`, () => {
    const r = new Prng(SEED);
    const tally: Record<string, number> = {};
    for (let i = 0; i < MUTATED_QUERIES; i++) {
      const { bytes, ops } = mutate(sampleQuery(r, 'fuzz.test', `q${i}`), r);
      const want = queryVerdict(bytes);
      let got: QueryVerdict;
      try {
        got = parsedVerdict(bytes);
      } catch (e) {
        assert.fail(`#${i} (${ops.join(' + ')}) ${hex(bytes)}: ${(e as Error).message}`);
      }
      assert.equal(got, want, `#${i} (${ops.join(' + ')}): ${hex(bytes)}`);
      tally[want] = (tally[want] ?? 0) + 1;
    }
    // Every verdict occurs, so the mutations reach every branch of the parser.
    for (const v of ['silence', 'FORMERR', 'NOTIMP', 'BADVERS', 'answer']) assert.ok((tally[v] ?? 0) > 100, `${v}: ${JSON.stringify(tally)}`);
  });

  it(`parseQuery, scanMessage and the name readers never throw on ${RANDOM_INPUTS} random byte strings`, () => {
    const r = new Prng(SEED + 1);
    for (let i = 0; i < RANDOM_INPUTS; i++) {
      const m = r.bytes(r.int(r.chance(0.5) ? 40 : 600));
      if (m.length > 2 && r.chance(0.5)) m[2]! &= 0x07; // make many of them look like queries
      if (m.length > 5 && r.chance(0.5)) m.writeUInt16BE(1, 4);
      assert.equal(parsedVerdict(m), queryVerdict(m), `random #${i}: ${hex(m)}`);
      const l = scanMessage(m);
      if (l) checkLayout(m, l);
      const off = r.int(m.length + 1);
      const end = checkedNameEnd(m, off);
      assert.ok(end === -1 || (end > off && end <= m.length));
      const skipped = skipName(m, off);
      assert.ok(skipped === -1 || (skipped > off && skipped <= m.length));
      const name = readName(m, off);
      assert.ok(name === null || (name.end > off && name.end <= m.length && name.name.length < 1024));
    }
  });

  it(`scanMessage never throws on ${MUTATED_REPLIES} mutated replies; accepted ones cache and render`, () => {
    const r = new Prng(SEED + 2);
    let accepted = 0;
    let cached = 0;
    for (let i = 0; i < MUTATED_REPLIES; i++) {
      const base = sampleReply(r, sampleQuery(r, 'fuzz.test', `r${i}`));
      const { bytes, ops } = r.chance(0.1) ? { bytes: base, ops: ['none'] } : mutate(base, r);
      const what = `#${i} (${ops.join(' + ')}): ${hex(bytes)}`;
      let l: MessageLayout | null;
      try {
        l = scanMessage(bytes);
        if (!l) continue;
        accepted++;
        checkLayout(bytes, l);
        if (cacheRoundTrip(bytes, l)) cached++;
      } catch (e) {
        assert.fail(`${what}: ${(e as Error).stack}`);
      }
    }
    assert.ok(accepted > MUTATED_REPLIES / 10 && cached > MUTATED_REPLIES / 20, `accepted ${accepted}, cached ${cached}`);
  });

  it(`alias answers spliced in front of ${ALIASED_REPLIES} mutated replies scan, and cache with the CNAME's TTL kept`, () => {
    const r = new Prng(SEED + 3);
    const policy = { minCacheTtl: 0, maxCacheTtl: 86_400, negTtl: 60, noNegcache: false };
    let spliced = 0;
    let cached = 0;
    for (let i = 0; i < ALIASED_REPLIES; i++) {
      const base = sampleReply(r, sampleQuery(r, 'fuzz.test', `a${i}`));
      const { bytes, ops } = r.chance(0.1) ? { bytes: base, ops: ['none'] } : mutate(base, r);
      const l = scanMessage(bytes);
      if (!l || bytes[4] !== 0 || bytes[5] !== 1) continue;
      const what = `#${i} (${ops.join(' + ')}): ${hex(bytes)}`;
      try {
        // The client asked for the alias with the target's type and class; the target is the reply's own question name.
        const query = Buffer.concat([bytes.subarray(0, 12), encodeName('alias.example'), bytes.subarray(l.qEnd - 4, l.qEnd)]);
        const ttl = r.int(2) === 0 ? 0 : 1 + r.int(3600);
        const hop = { query, qEnd: query.length, target: bytes.subarray(12, l.qEnd - 4), ttl };
        const out = spliceAlias(hop, bytes, l, bytes[3]! & 0x0f, false);
        if (out === null) continue;
        spliced++;
        const sl = scanMessage(out);
        assert.ok(sl, 'a spliced answer scans');
        checkLayout(out, sl);
        assert.equal(sl.ancount, l.ancount + 1);
        const v = buildEntry(out, sl, 1000, policy, true, true, 1);
        if (v === null) continue;
        cached++;
        for (const now of [1000, 1010, 5000]) {
          const hit = renderEntry(v, 0, v.length, query, query.length, now, { clientMaxTtl: 0, forceTtl: -1, rotate: true, ednsUdp: 0, dnssecOk: false });
          const hl = scanMessage(hit);
          assert.ok(hl, `rendered alias entry scans: ${hex(hit)}`);
          assert.equal(hl.ancount, sl.ancount);
          const cname = hl.records[0]!;
          assert.equal(hit.readUInt16BE(cname.typeOff), 5, 'the CNAME stays first');
          assert.equal(hit.readUInt32BE(cname.typeOff + 4), ttl, 'with the TTL it was given');
        }
      } catch (e) {
        assert.fail(`${what}: ${(e as Error).stack}`);
      }
    }
    assert.ok(spliced > ALIASED_REPLIES / 10 && cached > ALIASED_REPLIES / 20, `spliced ${spliced}, cached ${cached}`);
  });
});
