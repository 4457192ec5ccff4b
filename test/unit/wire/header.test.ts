/**
 * Header accessors (RFC 1035 §4.1.1) and the type / RCODE mnemonics in constants.ts.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { rcodeName, typeFromName, typeName } from '../../../src/wire/constants.js';
import { isResponse, isTruncated, readId, readOpcode, readRcode, setU16, setU32, u16, u32, writeId, writeRcode } from '../../../src/wire/header.js';
import { bytes, header } from '../../helpers/wire-bytes.js';

describe('header accessors', () => {
  it('reads and writes the ID', () => {
    const h = bytes(header({ id: 0xfedc }));
    assert.equal(readId(h), 0xfedc);
    writeId(h, 0x0102);
    assert.deepEqual([h[0], h[1]], [1, 2]);
  });

  it('reads and writes the RCODE without touching the other flag bits', () => {
    const h = bytes(header({ flags3: 0xb0 | 3 }));
    assert.equal(readRcode(h), 3);
    writeRcode(h, 5);
    assert.equal(h[3], 0xb0 | 5);
    writeRcode(h, 16);
    assert.equal(readRcode(h), 0, 'only the low 4 bits fit in the header');
  });

  const flagRows: [number, boolean, boolean, number][] = [
    [0x01, false, false, 0],
    [0x80, true, false, 0],
    [0x82, true, true, 0],
    [0x28, false, false, 5],
    [0xfa, true, true, 15],
  ];
  for (const [f2, qr, tc, opcode] of flagRows) {
    it(`flags 0x${f2.toString(16)}: QR ${qr}, TC ${tc}, opcode ${opcode}`, () => {
      const h = bytes(header({ flags2: f2 }));
      assert.deepEqual([isResponse(h), isTruncated(h), readOpcode(h)], [qr, tc, opcode]);
    });
  }

  it('reads and writes 16- and 32-bit big-endian values', () => {
    const b = Buffer.alloc(8);
    setU16(b, 0, 0xabcd);
    setU32(b, 2, 0xfedcba98);
    assert.deepEqual([...b.subarray(0, 6)], [0xab, 0xcd, 0xfe, 0xdc, 0xba, 0x98]);
    assert.equal(u16(b, 0), 0xabcd);
    assert.equal(u32(b, 2), 0xfedcba98);
    setU32(b, 4, 0xffffffff);
    assert.equal(u32(b, 4), 0xffffffff);
  });
});

describe('mnemonics', () => {
  const types: [number, string][] = [[1, 'A'], [28, 'AAAA'], [41, 'OPT'], [65, 'HTTPS'], [257, 'CAA'], [99, 'TYPE99']];
  for (const [n, name] of types) it(`type ${n} is ${name}`, () => assert.equal(typeName(n), name));

  const names: [string, number | undefined][] = [['a', 1], ['srv', 33], ['TYPE65', 65], ['type65535', 65535], ['TYPE65536', undefined], ['NOPE', undefined]];
  for (const [name, n] of names) it(`"${name}" is ${String(n)}`, () => assert.equal(typeFromName(name), n));

  const rcodes: [number, string][] = [[0, 'NOERROR'], [3, 'NXDOMAIN'], [16, 'BADVERS'], [9, 'RCODE9']];
  for (const [n, name] of rcodes) it(`rcode ${n} is ${name}`, () => assert.equal(rcodeName(n), name));
});
