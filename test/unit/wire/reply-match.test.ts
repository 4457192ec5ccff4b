/**
 * answersQuery: which messages count as the reply to a query we sent (RFC 5452 §9.1): QR set,
 * opcode QUERY, one question equal to ours, the name in any letter case, QTYPE and QCLASS exactly.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { answersQuery } from '../../../src/wire/reply-match.js';
import { bytes, header, labels, question } from '../../helpers/wire-bytes.js';

const Q = bytes(header(), question(labels('www', 'Example', 'test'), 65));
const qEnd = Q.length;
/** A reply header (QR, RD, RA) plus the given question bytes. */
const reply = (q: number[], flags2 = 0x81, qd = 1) => bytes(header({ flags2, flags3: 0x80, qd }), q);

describe('answersQuery', () => {
  it('accepts the question echoed, in any letter case', () => {
    assert.equal(answersQuery(reply(question(labels('www', 'Example', 'test'), 65)), Q, qEnd), true);
    assert.equal(answersQuery(reply(question(labels('WWW', 'example', 'TEST'), 65)), Q, qEnd), true);
  });

  const rejected: [string, Buffer][] = [
    ['not a response (QR=0)', reply(question(labels('www', 'example', 'test'), 65), 0x01)],
    ['another opcode (STATUS)', reply(question(labels('www', 'example', 'test'), 65), 0x81 | (2 << 3))],
    ['no question', reply([], 0x81, 0)],
    ['two questions', reply(question(labels('www', 'example', 'test'), 65), 0x81, 2)],
    ['another name', reply(question(labels('www', 'example', 'tesu'), 65))],
    ['QTYPE 97 for 65: the same byte but for the ASCII case bit', reply(question(labels('www', 'example', 'test'), 97))],
    ['QCLASS CH', reply(question(labels('www', 'example', 'test'), 65, 3))],
    ['a question cut short', reply(question(labels('www', 'example', 'test'), 65)).subarray(0, qEnd - 1)],
  ];
  for (const [what, msg] of rejected) it(`rejects ${what}`, () => assert.equal(answersQuery(msg, Q, qEnd), false));
});
