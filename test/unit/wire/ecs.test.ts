/**
 * The EDNS Client Subnet option (RFC 7871): its encoding in queries (§6: ADDRESS cut to
 * ceil(SOURCE / 8) octets with the bits past the prefix zero, SCOPE 0), reading it back, and the
 * §7.3 check that a response's option answers the query's (else the response is dropped).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { ecsMismatch, ecsOption, ecsScope, readEcs, withScope } from '../../../src/wire/ecs.js';
import { ipBytes } from '../../../src/util/ip.js';
import { bytes, header, labels, opt, question, record, u16 } from '../../helpers/wire-bytes.js';

/** ECS OPTION-DATA written out by hand: family, source, scope, address bytes. */
const ecsData = (family: number, source: number, scope: number, addr: number[]) => [...u16(family), source, scope, ...addr];
const ecs = (family: number, source: number, scope: number, addr: number[]) => [...u16(8), ...u16(4 + addr.length), ...ecsData(family, source, scope, addr)];

describe('ecsOption (RFC 7871 §6)', () => {
  const rows: [string, number, number, string, number[]][] = [
    ['IPv4 /24 keeps three octets', 1, 24, '192.0.2.77', ecs(1, 24, 0, [192, 0, 2])],
    ['IPv4 /20 zeroes the low 4 bits of the third octet', 1, 20, '1.2.3.4', ecs(1, 20, 0, [1, 2, 0])],
    ['IPv4 /17 keeps the top bit of the third octet', 1, 17, '127.255.255.1', ecs(1, 17, 0, [127, 255, 128])],
    ['IPv4 /32 is the whole address', 1, 32, '127.0.0.1', ecs(1, 32, 0, [127, 0, 0, 1])],
    ['IPv4 /0 has no address octets', 1, 0, '10.1.2.3', ecs(1, 0, 0, [])],
    ['IPv6 /56 keeps seven octets', 2, 56, '2001:db8:aaaa:bbff::1', ecs(2, 56, 0, [0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xaa, 0xbb])],
    ['IPv6 /60 zeroes half of the eighth octet', 2, 60, '2001:db8:aaaa:bbff::1', ecs(2, 60, 0, [0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xaa, 0xbb, 0xf0])],
    ['IPv6 /128 is the whole address', 2, 128, '::1', ecs(2, 128, 0, [...Array<number>(15).fill(0), 1])],
    ['an IPv4 address in an IPv6 family field (dnsmasq: add-subnet=1.2.3.4/24 for IPv6 clients)', 1, 24, '1.2.3.4', ecs(1, 24, 0, [1, 2, 3])],
  ];
  for (const [what, family, prefix, addr, want] of rows) {
    it(what, () => assert.deepEqual([...ecsOption(family, prefix, ipBytes(addr))], want));
  }
});

describe('readEcs', () => {
  it('reads family, source, scope and where ADDRESS is', () => {
    const b = Buffer.from([9, ...ecs(1, 20, 16, [1, 2, 0])]);
    assert.deepEqual(readEcs(b, 1), { family: 1, source: 20, scope: 16, address: 1 + 8 });
  });
  const malformed: [string, number[]][] = [
    ['shorter than 4 octets', [...u16(8), ...u16(3), 0, 1, 0]],
    ['too many address octets for the source prefix', ecs(1, 8, 0, [10, 0])],
    ['too few address octets', ecs(1, 24, 0, [10, 0])],
    ['address octets for source 0', ecs(1, 0, 0, [10])],
    ['longer than the message', [...u16(8), ...u16(20), 0, 1, 24, 0]],
  ];
  for (const [what, b] of malformed) it(`null when ${what}`, () => assert.equal(readEcs(Buffer.from(b), 0), null));
});

/** A query for m.test A with an OPT carrying `rdata`, and its question's end. */
const Q_END = 12 + 8 + 4;
const queryWith = (rdata: number[]) => bytes(header({ ar: 1 }), question(labels('m', 'test')), opt({ rdata }));
/** A reply to m.test A (one A record) with an OPT carrying `rdata`, or no OPT. */
const replyWith = (rdata: number[] | null) =>
  bytes(header({ flags2: 0x81, flags3: 0x80, an: 1, ar: rdata ? 1 : 0 }), question(labels('m', 'test')),
    record(labels('m', 'test'), 1, 60, [192, 0, 2, 1]), rdata ? opt({ rdata }) : []);

describe('ecsMismatch (RFC 7871 §7.3)', () => {
  const sent = queryWith(ecs(1, 24, 0, [192, 0, 2]));
  const rows: [string, Buffer, Buffer, boolean][] = [
    ['the same family, source and address, any scope', sent, replyWith(ecs(1, 24, 24, [192, 0, 2])), false],
    ['scope 0 echoed', sent, replyWith(ecs(1, 24, 0, [192, 0, 2])), false],
    ['no ECS in the reply', sent, replyWith([]), false],
    ['no OPT in the reply', sent, replyWith(null), false],
    ['no ECS in the query', queryWith([]), replyWith(ecs(1, 24, 0, [198, 51, 100])), false],
    ['another address', sent, replyWith(ecs(1, 24, 0, [198, 51, 100])), true],
    ['another source prefix', sent, replyWith(ecs(1, 16, 0, [192, 0])), true],
    ['another family', sent, replyWith(ecs(2, 24, 0, [0x20, 1, 0xd])), true],
    ['a malformed option in the reply', sent, replyWith([...u16(8), ...u16(2), 0, 1]), true],
    ['source 0 in the query: any address the upstream fills in', queryWith(ecs(1, 0, 0, [])), replyWith(ecs(1, 24, 0, [198, 51, 100])), false],
    ['source 0 in the query, but another family', queryWith(ecs(1, 0, 0, [])), replyWith(ecs(2, 0, 0, [])), true],
  ];
  for (const [what, q, r, want] of rows) it(`${what}: ${want ? 'dropped' : 'kept'}`, () => assert.equal(ecsMismatch(r, q, Q_END), want));
});

describe('ecsScope', () => {
  const r = (rdata: number[]) => replyWith(rdata);
  const optAt = replyWith([]).length - 11;
  it('is the SCOPE PREFIX-LENGTH of the ECS option', () => assert.equal(ecsScope(r(ecs(1, 24, 20, [1, 2, 3])), optAt), 20));
  it('is 0 without an ECS option (RFC 7871 §7.3: suitable for every client)', () => assert.equal(ecsScope(r([]), optAt), 0));
  it('is 0 without an OPT', () => assert.equal(ecsScope(replyWith(null), -1), 0));
  it('is 255 for a malformed option', () => assert.equal(ecsScope(r([...u16(8), ...u16(2), 0, 1]), optAt), 255));
});

describe('withScope', () => {
  it('sets SCOPE PREFIX-LENGTH in a copy', () => {
    const o = Buffer.from(ecs(1, 24, 0, [192, 0, 2]));
    assert.deepEqual([...withScope(o, 24)], ecs(1, 24, 24, [192, 0, 2]));
    assert.equal(o[7], 0);
  });
});
