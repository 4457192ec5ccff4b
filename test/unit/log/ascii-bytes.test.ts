/**
 * AsciiBytes writes what the string forms would encode to: decimal integers as String() does,
 * JSON string contents escaped to ASCII (RFC 8259 §7), across buffer growth.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { AsciiBytes, jsonBodyBytes } from '../../../src/log/ascii-bytes.js';

/** The escaping the log promises, code unit by code unit: printable ASCII as is but `"` and `\`, the rest \uXXXX. */
const escaped = (s: string): string => [...s].map((ch) => {
  const c = ch.charCodeAt(0);
  if (ch === '"' || ch === '\\') return `\\${ch}`;
  return c >= 0x20 && c <= 0x7e ? ch : `\\u${c.toString(16).padStart(4, '0')}`;
}).join('');

describe('AsciiBytes', () => {
  it('writes integers as String() does', () => {
    const out = new AsciiBytes(8);
    const values = [0, 1, 9, 10, 11, 99, 100, 65535, 1_000_000, 1_795_276_620_364, 2 ** 53 - 1];
    for (const v of values) {
      out.uint(v);
      out.ascii(',');
    }
    assert.equal(out.take().toString('latin1'), values.map((v) => `${v},`).join(''));
  });

  it('escapes JSON string contents to ASCII, every code unit below 0x300 and beyond', () => {
    const chars = Array.from({ length: 0x300 }, (_, i) => String.fromCharCode(i)).join('') + '\u2028\uffff';
    const out = new AsciiBytes(16);
    out.jsonBody(chars);
    out.jsonBody('plain.example.com');
    const text = out.take().toString('latin1');
    assert.equal(text, escaped(chars) + 'plain.example.com');
    assert.equal(JSON.parse(`"${text}"`), `${chars}plain.example.com`, 'a JSON string that reads back as the input');
    assert.equal(jsonBodyBytes(chars).toString('latin1'), escaped(chars));
  });

  it('grows as needed, truncates, and starts over after take()', () => {
    const out = new AsciiBytes(4);
    const long = 'x'.repeat(100_000);
    out.ascii(long);
    assert.equal(out.length, 100_000);
    out.truncate(10);
    out.ascii('yz');
    assert.equal(out.take().toString('latin1'), `${'x'.repeat(10)}yz`);
    assert.equal(out.length, 0);
    out.bytes(Buffer.from('abc'));
    assert.equal(out.take().toString('latin1'), 'abc');
  });
});
