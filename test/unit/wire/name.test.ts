/**
 * Domain names on the wire (RFC 1035 §3.1, §4.1.4): skipping and reading names with compression
 * pointers, rejecting forward pointers, pointer loops and over-long names, encoding, and the
 * canonical (lower-case, no trailing dot) form.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { canonicalName, encodeName, lowerDottedName, lowerName, readName, sameWireName, skipName } from '../../../src/wire/name.js';
import { bytes, header, labels, nameOfLength, pointer } from '../../helpers/wire-bytes.js';

const EXAMPLE = labels('example', 'com');
/** A header, then example.com at 12, then www + pointer to 12 at 25. */
const COMPRESSED = bytes(header(), EXAMPLE, 3, ...Buffer.from('www'), pointer(12));
const WWW_AT = 12 + EXAMPLE.length;

describe('skipName', () => {
  const rows: [string, Buffer, number, number][] = [
    ['an uncompressed name', bytes(EXAMPLE), 0, EXAMPLE.length],
    ['the root', bytes(0), 0, 1],
    ['labels then a backward pointer', COMPRESSED, WWW_AT, WWW_AT + 6],
    ['a bare backward pointer', bytes(COMPRESSED, pointer(WWW_AT)), COMPRESSED.length, COMPRESSED.length + 2],
    ['a name of exactly 255 octets', bytes(nameOfLength(255)), 0, 255],
    ['a forward pointer', bytes(pointer(4), 0, 0, 0), 0, -1],
    ['a pointer to itself', bytes(0, 0, pointer(2)), 2, -1],
    ['a pointer cut short', bytes(0xc0), 0, -1],
    ['a label of 64 bytes', bytes(labels('x'.repeat(64))), 0, -1],
    ['a name of 256 octets', bytes(nameOfLength(256)), 0, -1],
    ['a name without terminator', bytes(3, 0x61, 0x62, 0x63), 0, -1],
    ['an offset past the end', bytes(0), 1, -1],
  ];
  for (const [what, msg, off, end] of rows) it(what, () => assert.equal(skipName(msg, off), end));
});

describe('readName', () => {
  it('reads an uncompressed name, keeping its case', () => {
    assert.deepEqual(readName(bytes(labels('WwW', 'Example', 'COM')), 0), { name: 'WwW.Example.COM', end: 17 });
  });
  it('reads the root as the empty name', () => {
    assert.deepEqual(readName(bytes(0), 0), { name: '', end: 1 });
  });
  it('follows a compression pointer; end is just past the pointer', () => {
    assert.deepEqual(readName(COMPRESSED, WWW_AT), { name: 'www.example.com', end: WWW_AT + 6 });
  });
  it('follows a chain of pointers', () => {
    const msg = bytes(COMPRESSED, 4, ...Buffer.from('mail'), pointer(WWW_AT));
    assert.deepEqual(readName(msg, COMPRESSED.length), { name: 'mail.www.example.com', end: msg.length });
  });
  it('escapes dots and backslashes inside labels', () => {
    assert.equal(readName(bytes(labels('a.b', 'c\\d')), 0)?.name, 'a\\.b.c\\\\d');
  });
  it('reads a name of exactly 255 octets', () => {
    assert.equal(readName(bytes(nameOfLength(255)), 0)?.end, 255);
  });

  const bad: [string, Buffer, number][] = [
    ['a forward pointer', bytes(pointer(2), labels('x')), 0],
    ['a pointer to itself', bytes(0, 0, pointer(2)), 2],
    ['a pointer loop (a backward pointer to a forward one)', bytes(pointer(2), pointer(0)), 2],
    ['a label of 64 bytes', bytes(labels('x'.repeat(64))), 0],
    ['a label running past the end', bytes(5, 0x61), 0],
    ['a name without terminator', bytes(1, 0x61), 0],
    ['a name of 256 octets', bytes(nameOfLength(256)), 0],
    ['a name over 255 octets built from pointers', bytes(nameOfLength(200), 60, ...Buffer.alloc(60, 0x78), pointer(0)), 200],
  ];
  for (const [what, msg, off] of bad) it(`rejects ${what}`, () => assert.equal(readName(msg, off), null));
});

describe('lowerDottedName', () => {
  const at = (wire: Buffer) => lowerDottedName(Buffer.concat([Buffer.from('xx'), wire]), 2, wire.length);

  it('lower-cases ASCII letters only and joins labels with dots', () => {
    assert.equal(at(bytes(labels('WwW', 'Example', 'COM'))), 'www.example.com');
    assert.equal(at(bytes([4, 0x41, 0xc9, 0x5f, 0x31, 0])), 'a\xc9_1', 'a byte above 0x7f stays as it is (latin1)');
  });

  it('gives "" for the root and reads no further than nameLen', () => {
    assert.equal(at(bytes([0])), '');
    const wire = bytes(labels('a', 'b'), [3, 0x63, 0x63, 0x63]);
    assert.equal(lowerDottedName(wire, 0, 5), 'a.b');
  });

  it('leaves names whose labels hold a dot or a backslash to readName (they need escapes)', () => {
    const dot = bytes([3, 0x61, 0x2e, 0x62, 3, 0x63, 0x6f, 0x6d, 0]);
    assert.equal(at(dot), null);
    assert.equal(readName(dot, 0)?.name, 'a\\.b.com');
    assert.equal(at(bytes([2, 0x61, 0x5c, 0])), null);
  });
});

describe('encodeName', () => {
  const rows: [string, number[]][] = [
    ['example.com', EXAMPLE],
    ['example.com.', EXAMPLE],
    ['Example.COM', labels('Example', 'COM')],
    ['', [0]],
    ['.', [0]],
  ];
  for (const [name, wire] of rows) it(JSON.stringify(name), () => assert.deepEqual([...encodeName(name)], wire));

  it('encodes a name of exactly 255 octets', () => {
    const dotted = ['x'.repeat(63), 'x'.repeat(63), 'x'.repeat(63), 'x'.repeat(61)].join('.');
    assert.equal(encodeName(dotted).length, 255);
  });

  const bad = ['a..b', '.a', 'x'.repeat(64), ['x'.repeat(63), 'x'.repeat(63), 'x'.repeat(63), 'x'.repeat(62)].join('.')];
  for (const name of bad) it(`throws RangeError for ${name.slice(0, 20)}… (${name.length})`, () => assert.throws(() => encodeName(name), RangeError));

  it('round-trips through readName', () => {
    assert.equal(readName(encodeName('a.b.c.example'), 0)?.name, 'a.b.c.example');
  });
});

describe('canonicalName and lowerName', () => {
  const rows: [string, string][] = [
    ['WWW.Example.COM.', 'www.example.com'],
    ['www.example.com', 'www.example.com'],
    ['.', ''],
    ['', ''],
    // Written in Unicode (a config file, /explain): the A-labels a client sends (IDNA, UTS #46 mapping).
    ['\xc4B.Test', 'xn--b-zfa.test'],
    ['é.test.', 'xn--9ca.test'],
    ['Bücher.Example', 'xn--bcher-kva.example'],
    ['xn--9ca.test', 'xn--9ca.test'],
  ];
  for (const [input, out] of rows) it(JSON.stringify(input), () => assert.equal(canonicalName(input), out));
  it('lowerName keeps a trailing dot', () => assert.equal(lowerName('A.B.'), 'a.b.'));
  it('lowerName lower-cases ASCII only (RFC 4343)', () => assert.equal(lowerName('\xc4B.Test'), '\xc4b.test'));
});

describe('sameWireName', () => {
  it('compares ignoring ASCII case only', () => {
    const a = bytes(labels('WWW', 'example'));
    const b = bytes(labels('www', 'EXAMPLE'));
    assert.ok(sameWireName(a, 0, b, 0, a.length));
    const c = bytes(labels('www', 'exampla'));
    assert.ok(!sameWireName(a, 0, c, 0, a.length));
    assert.ok(!sameWireName(bytes(labels('\xc4')), 0, bytes(labels('\xe4')), 0, 3));
  });
  it('compares at offsets', () => {
    const a = bytes(header(), labels('Abc'));
    assert.ok(sameWireName(a, 12, bytes(labels('aBC')), 0, 5));
  });
});
