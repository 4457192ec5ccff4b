/**
 * Rewrites a message so that no compression pointer targets anything after the question: every
 * name is written out, compressed only against suffixes of the question name (RFC 1035 §4.1.4
 * allows any prior occurrence; we restrict ourselves to the question). Records can then be moved
 * around (rotation of an RRset) without breaking pointers. Cold path: once per cache insert of a
 * reply that needs it.
 */
import { Buffer } from 'node:buffer';
import { HEADER_SIZE, RRType } from './constants.js';
import { setU16 } from './header.js';
import type { MessageLayout } from './layout.js';
import { lowerName } from './name.js';
import { nameLen, pointerSites } from './pointers.js';

/** Reads the labels of the name at `off` (following pointers) as byte slices. */
function labelsAt(msg: Buffer, off: number): Buffer[] {
  const labels: Buffer[] = [];
  let pos = off;
  for (let hops = 0; hops < 64; ) {
    const b = msg[pos]!;
    if (b === 0) return labels;
    if ((b & 0xc0) === 0xc0) {
      pos = ((b & 0x3f) << 8) | msg[pos + 1]!;
      hops++;
      continue;
    }
    labels.push(msg.subarray(pos + 1, pos + 1 + b));
    pos += 1 + b;
  }
  return labels;
}

/** Length-prefixed labels with ASCII letters lower-cased (RFC 4343): equal keys are equal names. */
const lowerKey = (labels: Buffer[]) => labels.map((l) => String.fromCharCode(l.length) + lowerName(l.toString('latin1'))).join('');

/** A growing output buffer. */
class Out {
  buf = Buffer.allocUnsafe(512);
  len = 0;
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }
  bytes(src: Uint8Array): void {
    this.reserve(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }
}

/** Rewrites `msg` (scanned as `layout`) with pointers only into the question name. */
export function compressToQuestion(msg: Buffer, layout: MessageLayout): Buffer {
  const qLabels = labelsAt(msg, HEADER_SIZE);
  const suffixAt = new Map<string, number>();
  let off = HEADER_SIZE;
  for (let i = 0; i < qLabels.length; i++) {
    suffixAt.set(lowerKey(qLabels.slice(i)), off);
    off += 1 + qLabels[i]!.length;
  }
  const out = new Out();
  out.bytes(msg.subarray(0, layout.qEnd));
  const name = (at: number, compress: boolean) => {
    const labels = labelsAt(msg, at);
    for (let i = 0; i < labels.length; i++) {
      const target = compress ? suffixAt.get(lowerKey(labels.slice(i))) : undefined;
      if (target !== undefined) {
        out.bytes(Buffer.from([0xc0 | (target >>> 8), target & 0xff]));
        return;
      }
      out.bytes(Buffer.from([labels[i]!.length]));
      out.bytes(labels[i]!);
    }
    out.bytes(Buffer.from([0]));
  };
  for (const r of layout.records) {
    name(r.start, true);
    out.bytes(msg.subarray(r.typeOff, r.typeOff + 8));
    const rdlenAt = out.len;
    out.bytes(Buffer.from([0, 0]));
    const d = r.rdataOff;
    switch (r.type) {
      case RRType.CNAME:
      case RRType.NS:
      case RRType.PTR:
        name(d, true);
        break;
      case RRType.DNAME:
        name(d, false);
        break;
      case RRType.MX:
        out.bytes(msg.subarray(d, d + 2));
        name(d + 2, true);
        break;
      case RRType.SRV: // RFC 2782: the target is never compressed
        out.bytes(msg.subarray(d, d + 6));
        name(d + 6, false);
        break;
      case RRType.SOA: {
        name(d, true);
        const rname = d + nameLen(msg, d);
        name(rname, true);
        out.bytes(msg.subarray(r.end - 20, r.end));
        break;
      }
      default:
        out.bytes(msg.subarray(d, r.end));
    }
    setU16(out.buf, rdlenAt, out.len - rdlenAt - 2);
  }
  return Buffer.from(out.buf.subarray(0, out.len));
}

/** True when some compression pointer in the message targets [start, end). */
export function hasPointerInto(msg: Uint8Array, layout: MessageLayout, start: number, end: number): boolean {
  return pointerSites(msg, layout).some((at) => {
    const t = ((msg[at]! & 0x3f) << 8) | msg[at + 1]!;
    return t >= start && t < end;
  });
}
