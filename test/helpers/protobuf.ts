/**
 * A protobuf reader written from the encoding spec (protobuf.dev, "Encoding"), for tests that read
 * back what fandns encodes (dnstap) without the encoder's code: varint (wire type 0), fixed32 (5)
 * and length-delimited (2) fields, numbers up to 2^53; and the data frames of a Frame Streams file.
 */
import { Buffer } from 'node:buffer';

/** One field: its number and its value (a number, or the bytes of a length-delimited field). */
export interface Field {
  readonly num: number;
  readonly value: number | Buffer;
}

/** The fields of one encoded message, in order. */
export function protoFields(b: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = () => {
    let n = 0;
    let mul = 1;
    for (;;) {
      const c = b[i++]!;
      n += (c & 0x7f) * mul;
      mul *= 128;
      if (c < 0x80) return n;
    }
  };
  while (i < b.length) {
    const key = varint();
    const wt = key % 8;
    const num = Math.floor(key / 8);
    if (wt === 0) out.push({ num, value: varint() });
    else if (wt === 5) {
      out.push({ num, value: b.readUInt32LE(i) });
      i += 4;
    } else if (wt === 2) {
      const len = varint();
      out.push({ num, value: b.subarray(i, i + len) });
      i += len;
    } else throw new Error(`wire type ${wt}`);
  }
  return out;
}

/** The first value of field `num`, or undefined. */
export const fieldOf = (fs: readonly Field[], num: number): Field['value'] | undefined => fs.find((f) => f.num === num)?.value;

/** The payloads of a Frame Streams file's data frames (control frames, length 0 escapes, skipped). */
export function dataFrames(file: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i + 4 <= file.length) {
    const len = file.readUInt32BE(i);
    if (len === 0) {
      i += 8 + file.readUInt32BE(i + 4);
      continue;
    }
    out.push(file.subarray(i + 4, i + 4 + len));
    i += 4 + len;
  }
  return out;
}
