/**
 * Builds small authoritative answers byte by byte (no dns-packet on this path): the question
 * copied from the query, then records whose owner is a compression pointer to the question name
 * (RFC 1035 §4.1.4), all with one TTL.
 */
import { Buffer } from 'node:buffer';
import { HEADER_SIZE } from './constants.js';
import { setU16, setU32 } from './header.js';
import { writeQuestionReply } from './reply-build.js';

/** One record's type and RDATA, owned by the question name. */
export interface OwnedRecord {
  readonly type: number;
  readonly rdata: Uint8Array;
}

/** A NOERROR reply for the query's question carrying `records` (AA set when `aa`). */
export function answerReply(query: Uint8Array, qEnd: number, qclass: number, records: readonly OwnedRecord[], ttl: number, aa: boolean): Buffer {
  let size = qEnd;
  for (const r of records) size += 12 + r.rdata.length;
  const out = Buffer.allocUnsafe(size);
  writeQuestionReply(out, query, qEnd, 0, aa);
  setU16(out, 6, records.length);
  let off = qEnd;
  for (const r of records) {
    out[off] = 0xc0;
    out[off + 1] = HEADER_SIZE;
    setU16(out, off + 2, r.type);
    setU16(out, off + 4, qclass);
    setU32(out, off + 6, ttl);
    setU16(out, off + 10, r.rdata.length);
    out.set(r.rdata, off + 12);
    off += 12 + r.rdata.length;
  }
  return out;
}
