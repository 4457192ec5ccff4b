/**
 * copyRange: short ranges (the loop) and long ones (the native copy) land byte for byte, at any
 * offset, and it returns the end offset in the target.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { copyRange } from '../../../src/wire/copy-range.js';

describe('copyRange', () => {
  for (const n of [0, 1, 12, 95, 96, 97, 500, 4000]) {
    it(`copies ${n} bytes from an offset to an offset`, () => {
      const src = randomBytes(n + 20);
      const dst = Buffer.alloc(n + 40, 0xee);
      assert.equal(copyRange(src, 7, 7 + n, dst, 13), 13 + n);
      assert.deepEqual(dst.subarray(13, 13 + n), src.subarray(7, 7 + n));
      assert.ok(dst.subarray(0, 13).every((b) => b === 0xee), 'bytes before untouched');
      assert.ok(dst.subarray(13 + n).every((b) => b === 0xee), 'bytes after untouched');
    });
  }
});
