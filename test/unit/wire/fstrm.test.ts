import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { Buffer } from 'node:buffer';
import { CONTROL_FRAME_MAX, controlFrame, FstrmControl, readControl } from '../../../src/wire/fstrm.js';

describe('Frame Streams control frames', () => {
  it('READY with a content type: escape, length, type, then the field (type 1, length, bytes)', () => {
    const f = controlFrame(FstrmControl.READY, ['protobuf:dnstap.Dnstap']);
    assert.deepEqual([f.readUInt32BE(0), f.readUInt32BE(4), f.readUInt32BE(8), f.readUInt32BE(12), f.readUInt32BE(16)], [0, 4 + 8 + 22, 4, 1, 22]);
    assert.equal(f.toString('latin1', 20), 'protobuf:dnstap.Dnstap');
    assert.equal(f.length, 8 + 4 + 8 + 22);
  });

  it('reads back what it writes: STOP and FINISH have no fields; ACCEPT may name several types', () => {
    for (const [type, types] of [[FstrmControl.STOP, []], [FstrmControl.FINISH, []], [FstrmControl.ACCEPT, ['a', 'protobuf:dnstap.Dnstap']]] as const) {
      const b = controlFrame(type, types);
      assert.deepEqual(readControl(Buffer.concat([b, Buffer.from([9, 9])])), { frame: { type, contentTypes: types }, size: b.length });
    }
  });

  it('asks for more bytes until the whole frame is there', () => {
    const b = controlFrame(FstrmControl.ACCEPT, ['protobuf:dnstap.Dnstap']);
    for (let n = 0; n < b.length; n++) assert.equal(readControl(b.subarray(0, n)), 'more', `${n} bytes`);
  });

  it('refuses a data frame, a frame too short or too long, and a field past its frame', () => {
    const data = Buffer.from([0, 0, 0, 3, 1, 2, 3, 0]);
    assert.deepEqual(readControl(data), { error: 'a data frame where a control frame was due' });
    const short = Buffer.from([0, 0, 0, 0, 0, 0, 0, 2, 0, 0]);
    assert.deepEqual(readControl(short), { error: 'a control frame of 2 bytes' });
    const long = Buffer.alloc(8);
    long.writeUInt32BE(CONTROL_FRAME_MAX + 1, 4);
    assert.deepEqual(readControl(long), { error: `a control frame of ${CONTROL_FRAME_MAX + 1} bytes` });
    const b = controlFrame(FstrmControl.ACCEPT, ['abc']);
    b.writeUInt32BE(50, 16);
    assert.deepEqual(readControl(b), { error: 'a control field longer than its frame' });
    const cut = controlFrame(FstrmControl.ACCEPT, ['abc']).subarray(0, 18);
    cut.writeUInt32BE(10, 4);
    assert.deepEqual(readControl(cut), { error: 'a control field cut short' });
  });
});
