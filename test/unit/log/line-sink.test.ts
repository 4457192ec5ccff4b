/**
 * How LineSink cuts a batch for a pipe or socket shared by several workers: whole lines, at most
 * PIPE_BUF bytes a write (a longer single line goes alone), everything at once for a file; and
 * when it writes a batch (node:test's mock timers, so no test waits on the clock).
 */
import { afterEach, describe, it, mock } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkLength, LineSink } from '../../../src/log/line-sink.js';

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

describe('LineSink batching', () => {
  afterEach(() => mock.timers.reset());

  /** A sink writing numbered lines to a fresh file; `lines()` reads how many reached it. */
  const fileSink = () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-sink-'));
    const path = join(dir, 'q.log');
    const sink = new LineSink<number>({ kind: 'file', path }, 100, (items) => items.map((i) => `${i}\n`).join(''));
    const lines = () => readFileSync(path, 'latin1').split('\n').filter(Boolean).length;
    const done = async () => {
      await sink.close();
      rmSync(dir, { recursive: true, force: true });
    };
    return { sink, lines, done };
  };

  it('writes a partial batch BATCH_MS (5 ms) after its first line', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setImmediate'] });
    const { sink, lines, done } = fileSink();
    for (let i = 0; i < 10; i++) sink.push(i);
    mock.timers.tick(4);
    assert.equal(lines(), 0);
    mock.timers.tick(1);
    assert.equal(lines(), 10);
    mock.timers.reset();
    await done();
  });

  it('writes a full batch (512 lines) at once, and gives the next batch its own 5 ms', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setImmediate'] });
    const { sink, lines, done } = fileSink();
    for (let i = 0; i < 500; i++) sink.push(i); // arms the 5 ms timer at t=0
    mock.timers.tick(3);
    for (let i = 500; i < 512; i++) sink.push(i);
    mock.timers.tick(0); // the immediate
    assert.equal(lines(), 512);
    sink.push(512); // t=3: the next batch starts
    mock.timers.tick(3); // t=6: the first batch's timer, had it stayed, would have written it now
    assert.equal(lines(), 512, 'a small batch is not cut short by the previous batch\'s timer');
    mock.timers.tick(2); // t=8: its own 5 ms
    assert.equal(lines(), 513);
    mock.timers.reset();
    await done();
  });
});
