/** 0x20 encoding helpers: letters get random case from the bits given, nothing else changes; exact comparison. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mixCase, sameCase } from '../../../src/wire/case-0x20.js';
import { bytes, labels } from '../../helpers/wire-bytes.js';

/** A dotted name in wire form. */
const encodeName = (dotted: string): Buffer => bytes(labels(...dotted.split('.')));

describe('mixCase', () => {
  it('sets each letter from one bit, low bit first, and leaves length octets, digits and hyphens alone', () => {
    const name = encodeName('ab-1.CD9.e');
    const out = Buffer.from(name);
    mixCase(out, 0, out.length, () => 0b01010);
    // letters a b C D e take bits 0 1 0 1 0: 1 = lower case, 0 = upper case.
    assert.deepEqual(out, encodeName('Ab-1.Cd9.E'));
    assert.deepEqual(out.map((b) => b | 0x20), name.map((b) => b | 0x20), 'the same name without case');
  });

  it('draws 16 letters from each call', () => {
    const name = encodeName('abcdefghijklmnopqrstuvwxyz');
    let calls = 0;
    mixCase(name, 0, name.length, () => (calls++, 0xffff));
    assert.equal(calls, 2);
    assert.deepEqual(name, encodeName('abcdefghijklmnopqrstuvwxyz'));
  });
});

describe('sameCase', () => {
  it('is true only for the same bytes', () => {
    assert.equal(sameCase(encodeName('wWw.x'), encodeName('wWw.x'), 0, 7), true);
    assert.equal(sameCase(encodeName('wWw.x'), encodeName('www.x'), 0, 7), false);
  });
});
