/**
 * hexBytes reads hex data as dnsmasq 2.90's parse_hex does (checked against the binary with
 * dns-rr): separators ':', '-' and space, empty groups skipped, two digits at a time from the left
 * of each group; anything else (a '*' wildcard included) is refused.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { hexBytes } from '../../../src/config/hex-data.js';

describe('hexBytes', () => {
  const rows: [string, string | null][] = [
    ['', ''],
    ['00ff', '00ff'],
    ['DEADbeef', 'deadbeef'],
    ['01:02:0a:ff', '01020aff'],
    ['1-2 3', '010203'],
    ['abc', 'ab0c'],
    ['abc:d', 'ab0c0d'],
    ['::01:::02::', '0102'],
    ['01,02', null],
    ['0g', null],
    ['*', null],
    ['01\t02', null],
  ];
  for (const [text, want] of rows) {
    it(JSON.stringify(text), () => assert.equal(hexBytes(text)?.toString('hex') ?? null, want));
  }
});
