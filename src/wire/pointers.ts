/**
 * Where the compression pointers of a message are (RFC 1035 §4.1.4): in owner names and in the
 * RDATA names of the types that may be compressed (RFC 3597 §4: the RFC 1035 types; SRV targets
 * are walked too, as some servers compress them). Used to relocate records into another message.
 */
import { RRType } from './constants.js';
import type { MessageLayout, RecordSpan } from './layout.js';

/** Bytes the name at `off` occupies in place (a pointer counts 2). */
export function nameLen(msg: Uint8Array, off: number): number {
  let pos = off;
  while (msg[pos] !== 0) {
    if ((msg[pos]! & 0xc0) === 0xc0) return pos + 2 - off;
    pos += msg[pos]! + 1;
  }
  return pos + 1 - off;
}

/** Offset of the pointer that ends the name at `at`, or -1 when it ends with the root label. */
function pointerOf(msg: Uint8Array, at: number): number {
  let pos = at;
  while (pos < msg.length && msg[pos] !== 0) {
    if ((msg[pos]! & 0xc0) === 0xc0) return pos;
    pos += msg[pos]! + 1;
  }
  return -1;
}

/** Offsets of the name fields inside one record's RDATA. */
export function rdataNameOffsets(msg: Uint8Array, r: RecordSpan): number[] {
  const d = r.rdataOff;
  switch (r.type) {
    case RRType.CNAME:
    case RRType.NS:
    case RRType.PTR:
    case RRType.DNAME:
      return [d];
    case RRType.MX:
      return [d + 2];
    case RRType.SRV:
      return [d + 6];
    case RRType.SOA:
      return [d, d + nameLen(msg, d)];
    default:
      return [];
  }
}

/** Offsets of every compression pointer in the records of `layout` (not the question). */
export function pointerSites(msg: Uint8Array, layout: MessageLayout, records: readonly RecordSpan[] = layout.records): number[] {
  const sites: number[] = [];
  for (const r of records) {
    for (const at of [r.start, ...rdataNameOffsets(msg, r)]) {
      const p = pointerOf(msg, at);
      if (p >= 0) sites.push(p);
    }
  }
  return sites;
}
