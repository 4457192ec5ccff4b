/** TCP framing (RFC 1035 §4.2.2): messages split across chunks, several in one chunk, partial state. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { frame, FrameReader } from '../../../src/wire/tcp-frames.js';

describe('TCP framing', () => {
  it('prefixes the length', () => {
    assert.deepEqual([...frame(Buffer.from([1, 2, 3]))], [0, 3, 1, 2, 3]);
  });
  it('reassembles messages split across chunks and several in one chunk', () => {
    const r = new FrameReader();
    const got: number[][] = [];
    const stream = Buffer.concat([frame(Buffer.from([1])), frame(Buffer.from([2, 2])), frame(Buffer.alloc(300, 3))]);
    for (let i = 0; i < stream.length; i += 7) r.push(stream.subarray(i, i + 7), (m) => got.push([m.length, m[0]!]));
    assert.deepEqual(got, [[1, 1], [2, 2], [300, 3]]);
    assert.equal(r.partial, false);
    r.push(Buffer.from([0, 5, 9]), () => assert.fail('incomplete'));
    assert.equal(r.partial, true);
  });
  it('gives each message its own buffer', () => {
    const r = new FrameReader();
    const msgs: Buffer[] = [];
    const chunk = Buffer.concat([frame(Buffer.from([7])), frame(Buffer.from([8]))]);
    r.push(chunk, (m) => msgs.push(m));
    chunk.fill(0);
    assert.deepEqual(msgs.map((m) => m[0]), [7, 8]);
  });
});
