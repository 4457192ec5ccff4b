/**
 * parseQuery, the hot-path query reader: header checks, the single question, the OPT record
 * (RFC 6891), the cache key, and every fault with the answer it calls for.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseQuery, QueryFault, type ParsedQuery } from '../../../src/wire/query-parse.js';
import { buildQuery, type QueryOptions } from '../../helpers/dns-client.js';
import { bytes, header, labels, nameOfLength, opt, question, record, u16 } from '../../helpers/wire-bytes.js';
import { hashKey } from '../../../src/util/key-hash.js';

/** Parses and insists on success. */
function parsed(msg: Buffer): ParsedQuery {
  const p = parseQuery(msg);
  assert.equal(typeof p, 'object', `expected a parsed query, got fault ${String(p)}`);
  return p as ParsedQuery;
}

const q = (name: string, opts: QueryOptions = {}) => parsed(buildQuery(name, { id: 0x4242, ...opts }));
const EXAMPLE = labels('www', 'example', 'com');

describe('parseQuery: valid queries', () => {
  it('reads a query without EDNS', () => {
    const msg = buildQuery('www.example.com', { id: 0xbeef, type: 'AAAA' });
    const p = parsed(msg);
    assert.equal(p.id, 0xbeef);
    assert.equal(p.qtype, 28);
    assert.equal(p.qclass, 1);
    assert.equal(p.qEnd, 12 + EXAMPLE.length + 4);
    assert.equal(p.qEnd, msg.length);
    assert.deepEqual(
      { rd: p.rd, cd: p.cd, ad: p.ad, edns: p.edns, udpSize: p.udpSize, dnssecOk: p.dnssecOk, optStart: p.optStart, ednsOptions: p.ednsOptions },
      { rd: true, cd: false, ad: false, edns: false, udpSize: 512, dnssecOk: false, optStart: -1, ednsOptions: false },
    );
  });

  it('reads a query with EDNS', () => {
    const p = q('www.example.com', { edns: 4096 });
    assert.equal(p.edns, true);
    assert.equal(p.udpSize, 4096);
    assert.equal(p.optStart, p.qEnd);
    assert.equal(p.dnssecOk, false);
    assert.equal(p.ednsOptions, false);
  });

  const flagRows: [string, QueryOptions, Partial<ParsedQuery>][] = [
    ['DO', { edns: 1232, dnssecOk: true }, { dnssecOk: true }],
    ['CD', { cd: true }, { cd: true }],
    ['AD', { ad: true }, { ad: true }],
    ['RD=0', { rd: false }, { rd: false }],
    ['an EDNS option (cookie)', { edns: 1232, ednsOptions: [{ code: 10, data: Buffer.alloc(8, 1) }] }, { ednsOptions: true }],
  ];
  for (const [what, opts, expected] of flagRows) {
    it(`reads ${what}`, () => {
      const p = q('flags.test', opts);
      for (const [k, v] of Object.entries(expected)) assert.equal(p[k as keyof ParsedQuery], v, k);
    });
  }

  const sizeRows: [number, number][] = [[0, 512], [100, 512], [511, 512], [512, 512], [600, 600], [1232, 1232], [65535, 65535]];
  for (const [sent, size] of sizeRows) {
    it(`clamps an EDNS size of ${sent} to at least 512 (${size})`, () => {
      assert.equal(parsed(bytes(header({ ar: 1 }), question(EXAMPLE), opt({ udp: sent }))).udpSize, size);
    });
  }

  it('skips a non-OPT additional record and finds the OPT after it', () => {
    const msg = bytes(header({ ar: 2 }), question(EXAMPLE), record(labels('x'), 1, 60, [1, 2, 3, 4]), opt({ udp: 2048 }));
    const p = parsed(msg);
    assert.equal(p.udpSize, 2048);
    assert.equal(p.optStart, 12 + EXAMPLE.length + 4 + 3 + 10 + 4);
  });

  it('accepts a name of exactly 255 octets', () => {
    assert.equal(typeof parseQuery(bytes(header(), question(nameOfLength(255)))), 'object');
  });

  it('accepts the root name', () => {
    const p = parsed(bytes(header(), question([0], 2)));
    assert.equal(p.qEnd, 17);
    assert.equal(p.nameLen, 1);
    assert.equal(p.key.charCodeAt(0), 0);
  });
});

describe('parseQuery: cache key', () => {
  it('comes with its hash, computed while parsing', () => {
    for (const p of [q('WWW.Example.COM'), q('k.test', { edns: 1232, dnssecOk: true, cd: true }), parsed(bytes(header(), question([0], 2)))]) {
      assert.equal(p.keyHash, hashKey(p.key));
    }
  });

  it('matches stored key bytes case-insensitively, and nothing else', () => {
    const stored = (p: ParsedQuery) => Buffer.concat([Buffer.from('pad'), Buffer.from(p.key, 'latin1')]);
    const key = stored(q('www.example.com'));
    const at = 3;
    assert.ok(q('WwW.ExAmPlE.cOm').keyMatches(key, at, key.length - at));
    assert.ok(q('www.example.com', { id: 7, rd: false, edns: 4096 }).keyMatches(key, at, key.length - at), 'ID, RD and the EDNS size are not in the key');
    for (const other of [
      q('www.example.co'),
      q('www.example.net'),
      q('www.example.com', { type: 'AAAA' }),
      q('www.example.com', { cd: true }),
      q('www.example.com', { edns: 1232, dnssecOk: true }),
      parsed(bytes(header(), question(EXAMPLE, 1, 3))),
    ]) {
      assert.equal(other.keyMatches(key, at, key.length - at), false, other.key);
      assert.ok(other.keyMatches(stored(other), at, other.key.length), 'each matches its own key');
    }
    assert.equal(q('www.example.com').keyMatches(key, at, key.length - at - 1), false, 'a shorter stored key');
  });

  it('is lower-cased and identical for different letter case', () => {
    const a = q('WWW.Example.COM');
    const b = q('www.example.com');
    assert.equal(a.key, b.key);
    assert.ok(a.key.startsWith(Buffer.from(EXAMPLE).toString('latin1')));
    assert.equal(a.nameLen, EXAMPLE.length);
  });

  it('ignores the ID, RD, AD and the EDNS size', () => {
    const base = q('k.test').key;
    assert.equal(q('k.test', { id: 1, rd: false, ad: true }).key, base);
    assert.equal(q('k.test', { edns: 4096 }).key, base);
  });

  it('differs for DO, CD, type, class and name', () => {
    const keys = [
      q('k.test').key,
      q('k.test', { edns: 1232, dnssecOk: true }).key,
      q('k.test', { cd: true }).key,
      q('k.test', { cd: true, edns: 1232, dnssecOk: true }).key,
      q('k.test', { type: 'AAAA' }).key,
      parsed(bytes(header(), question(labels('k', 'test'), 1, 3))).key,
      q('k2.test').key,
    ];
    assert.equal(new Set(keys).size, keys.length);
  });

  it('lower-cases only ASCII letters', () => {
    const upper = parsed(bytes(header(), question(labels('\xc4b')))).key;
    const lower = parsed(bytes(header(), question(labels('\xe4b')))).key;
    assert.notEqual(upper, lower);
    assert.equal(upper.slice(0, 4), '\x02\xc4b\x00');
  });
});

describe('parseQuery: faults', () => {
  const valid = bytes(header(), question(EXAMPLE));
  const withFlags2 = (f2: number) => bytes(header({ flags2: f2 }), question(EXAMPLE));
  const rows: [string, Buffer, QueryFault][] = [
    ['an empty datagram', Buffer.alloc(0), QueryFault.DROP],
    ['11 bytes', valid.subarray(0, 11), QueryFault.DROP],
    ['QR=1 (a response)', withFlags2(0x81), QueryFault.DROP],
    ['opcode 1 (IQUERY)', withFlags2(0x08 | 0x01), QueryFault.NOTIMP],
    ['opcode 2 (STATUS)', withFlags2(0x10), QueryFault.NOTIMP],
    ['opcode 5 (UPDATE)', withFlags2(0x28), QueryFault.NOTIMP],
    ['qdcount 0', bytes(header({ qd: 0 })), QueryFault.FORMERR],
    ['qdcount 2', bytes(header({ qd: 2 }), question(EXAMPLE), question(EXAMPLE)), QueryFault.FORMERR],
    ['qdcount 256', bytes(header({ qd: 256 }), question(EXAMPLE)), QueryFault.FORMERR],
    ['ancount 1', bytes(header({ an: 1 }), question(EXAMPLE), record([0], 1, 0, [1, 2, 3, 4])), QueryFault.FORMERR],
    ['nscount 1', bytes(header({ ns: 1 }), question(EXAMPLE), record([0], 1, 0, [1, 2, 3, 4])), QueryFault.FORMERR],
    ['a label of 64 bytes', bytes(header(), question(labels('x'.repeat(64)))), QueryFault.FORMERR],
    ['a name of 256 octets', bytes(header(), question(nameOfLength(256))), QueryFault.FORMERR],
    ['a name of 1000 octets', bytes(header(), question(labels(...Array<string>(16).fill('y'.repeat(62))))), QueryFault.FORMERR],
    ['a compression pointer in the question', bytes(header(), 0xc0, 0x0c, u16(1), u16(1)), QueryFault.FORMERR],
    ['an extended label type (0x40)', bytes(header(), 0x41, 0, u16(1), u16(1)), QueryFault.FORMERR],
    ['a name without its terminator', bytes(header(), 3, ...Buffer.from('www')), QueryFault.FORMERR],
    ['a label running past the end', bytes(header(), 10, 0x61, 0x62), QueryFault.FORMERR],
    ['a truncated QTYPE', bytes(header(), EXAMPLE, 0), QueryFault.FORMERR],
    ['a truncated QCLASS', bytes(header(), EXAMPLE, u16(1), 0), QueryFault.FORMERR],
    ['arcount 1 with nothing after the question', bytes(header({ ar: 1 }), question(EXAMPLE)), QueryFault.FORMERR],
    ['two OPT records', bytes(header({ ar: 2 }), question(EXAMPLE), opt(), opt()), QueryFault.FORMERR],
    ['an OPT record with a non-root owner', bytes(header({ ar: 1 }), question(EXAMPLE), opt({ owner: labels('x') })), QueryFault.FORMERR],
    ['an OPT RDLENGTH past the end', bytes(header({ ar: 1 }), question(EXAMPLE), opt({ rdlen: 8 })), QueryFault.FORMERR],
    ['an OPT option header cut short', bytes(header({ ar: 1 }), question(EXAMPLE), opt({ rdata: [0, 10] })), QueryFault.FORMERR],
    ['an OPT option longer than RDATA', bytes(header({ ar: 1 }), question(EXAMPLE), opt({ rdata: [0, 10, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8] })), QueryFault.FORMERR],
    ['an OPT option shorter than RDATA', bytes(header({ ar: 1 }), question(EXAMPLE), opt({ rdata: [0, 10, 0, 2, 1, 2, 3] })), QueryFault.FORMERR],
    ['EDNS version 1', bytes(header({ ar: 1 }), question(EXAMPLE), opt({ version: 1 })), QueryFault.BADVERS],
    ['EDNS version 255 with DO', bytes(header({ ar: 1 }), question(EXAMPLE), opt({ version: 255, flags: 0x8000 })), QueryFault.BADVERS],
  ];
  for (const [what, msg, fault] of rows) {
    it(`${what} → ${Object.entries(QueryFault).find(([, v]) => v === fault)?.[0]}`, () => assert.equal(parseQuery(msg), fault));
  }

  it('accepts the valid base message the faults are built from', () => {
    assert.equal(typeof parseQuery(valid), 'object');
  });
});
