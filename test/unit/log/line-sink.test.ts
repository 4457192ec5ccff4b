/**
 * How LineSink cuts a batch for a pipe or socket shared by several workers: whole lines, at most
 * PIPE_BUF bytes a write (a longer single line goes alone), everything at once for a file.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chunkLength } from '../../../src/log/line-sink.js';

const lines = (n: number, len: number) => Buffer.from(Array.from({ length: n }, (_, i) => `${String(i).padStart(len - 1, 'x')}\n`).join(''));

describe('chunkLength', () => {
  it('writes a batch that fits at once', () => {
    assert.equal(chunkLength(lines(10, 100), 4096), 1000);
    assert.equal(chunkLength(lines(10, 100), Infinity), 1000);
  });

  it('cuts a longer batch after the last whole line that fits', () => {
    assert.equal(chunkLength(lines(100, 100), 4096), 4000);
    assert.equal(chunkLength(lines(100, 128), 4096), 4096, 'a line ending exactly at the limit');
  });

  it('sends a single line longer than the limit alone, and text without a newline whole', () => {
    const long = Buffer.concat([Buffer.from(`${'y'.repeat(5000)}\n`), lines(3, 10)]);
    assert.equal(chunkLength(long, 4096), 5001);
    assert.equal(chunkLength(Buffer.from('z'.repeat(5000)), 4096), 5000);
  });

  it('cuts every piece of a batch to whole lines', () => {
    let buf = lines(1000, 97);
    const pieces: number[] = [];
    while (buf.length > 0) {
      const n = chunkLength(buf, 4096);
      assert.equal(buf[n - 1], 0x0a);
      pieces.push(n);
      buf = buf.subarray(n);
    }
    assert.ok(pieces.every((n) => n <= 4096));
    assert.equal(pieces.reduce((a, b) => a + b, 0), 97_000);
  });
});
