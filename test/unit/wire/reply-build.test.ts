/**
 * Replies built from a query without upstream data (reply-build.ts, answer-build.ts): header-only
 * errors, question echoes with flags, BADVERS with its OPT, and small local answers.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { answerReply } from '../../../src/wire/answer-build.js';
import { RCode } from '../../../src/wire/constants.js';
import { parseQuery, type ParsedQuery } from '../../../src/wire/query-parse.js';
import { badVersionReply, headerOnlyReply, questionReply } from '../../../src/wire/reply-build.js';
import { buildQuery } from '../../helpers/dns-client.js';
import { bytes, header, labels, opt, question } from '../../helpers/wire-bytes.js';

const QR = 0x80, AA = 0x04, RD = 0x01, RA = 0x80, CD = 0x10, AD = 0x20;

describe('headerOnlyReply', () => {
  it('copies ID, opcode and RD, sets QR and RA, and has no sections', () => {
    const query = bytes(header({ id: 0xabcd, flags2: 0x10 | RD, flags3: CD | AD, qd: 1 }), question(labels('h', 'test')));
    const out = headerOnlyReply(query, RCode.NOTIMP);
    assert.deepEqual([...out], [0xab, 0xcd, QR | 0x10 | RD, RA | RCode.NOTIMP, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('leaves RD clear when the query had it clear', () => {
    const out = headerOnlyReply(bytes(header({ flags2: 0 })), RCode.FORMERR);
    assert.equal(out[2], QR);
    assert.equal(out[3], RA | RCode.FORMERR);
  });
});

describe('questionReply', () => {
  const query = buildQuery('MiXeD.Test', { id: 0x0102, cd: true, type: 'TXT' });
  const p = parseQuery(query) as ParsedQuery;

  it('echoes the question exactly, with the RCODE and CD', () => {
    const out = questionReply(query, p.qEnd, RCode.NXDOMAIN);
    assert.deepEqual(out.subarray(12), query.subarray(12, p.qEnd));
    assert.deepEqual([...out.subarray(0, 12)], [1, 2, QR | RD, RA | CD | RCode.NXDOMAIN, 0, 1, 0, 0, 0, 0, 0, 0]);
    const d = dnsPacket.decode(out);
    assert.equal(d.questions?.[0]?.name, 'MiXeD.Test');
    assert.equal(d.questions?.[0]?.type, 'TXT');
  });

  it('sets AA when asked', () => {
    assert.equal(questionReply(query, p.qEnd, RCode.NOERROR, true)[2]! & AA, AA);
    assert.equal(questionReply(query, p.qEnd, RCode.NOERROR)[2]! & AA, 0);
  });

  it('drops the query OPT (only the question is copied)', () => {
    const e = buildQuery('e.test', { edns: 1232 });
    const pe = parseQuery(e) as ParsedQuery;
    const out = questionReply(e, pe.qEnd, RCode.SERVFAIL);
    assert.equal(out.length, pe.qEnd);
    assert.equal(out.readUInt16BE(10), 0);
  });
});

describe('badVersionReply', () => {
  it('is a header plus an OPT carrying BADVERS in the extended RCODE', () => {
    const query = bytes(header({ id: 0x0a0b, ar: 1 }), question(labels('v', 'test')), opt({ version: 1 }));
    const out = badVersionReply(query, 1232);
    assert.deepEqual([...out.subarray(0, 12)], [0x0a, 0x0b, QR | RD, RA, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.deepEqual([...out.subarray(12)], opt({ udp: 1232, extRcode: 1 }));
    const rcode = ((out[12 + 5]! << 4) | (out[3]! & 0x0f));
    assert.equal(rcode, RCode.BADVERS);
  });
});

describe('answerReply', () => {
  const query = buildQuery('Web.Example.Test', { id: 77 });
  const p = parseQuery(query) as ParsedQuery;

  it('answers with records owned by the question name, one TTL, AA when local', () => {
    const out = answerReply(query, p.qEnd, 1, [{ type: 1, rdata: Buffer.from([192, 0, 2, 1]) }, { type: 1, rdata: Buffer.from([192, 0, 2, 2]) }], 0, true);
    const d = dnsPacket.decode(out);
    assert.equal(d.id, 77);
    assert.equal(d.flags! & dnsPacket.AUTHORITATIVE_ANSWER, dnsPacket.AUTHORITATIVE_ANSWER);
    const rows = d.answers?.map((a) => a as { name: string; type: string; data: string; ttl: number });
    assert.deepEqual(rows?.map((a) => [a.name, a.type, a.data, a.ttl]), [
      ['Web.Example.Test', 'A', '192.0.2.1', 0],
      ['Web.Example.Test', 'A', '192.0.2.2', 0],
    ]);
  });

  it('clears AA when not local and handles no records', () => {
    const out = answerReply(query, p.qEnd, 1, [], 30, false);
    assert.equal(out[2]! & AA, 0);
    assert.equal(out.length, p.qEnd);
    assert.equal(dnsPacket.decode(out).answers?.length, 0);
  });
});
