/**
 * Replies built from a query without any answer data: error replies (RFC 1035 §4.1.1) and the
 * skeleton that local answers grow from. Pure; each returns a fresh Buffer.
 */
import { Buffer } from 'node:buffer';
import { FLAG2, FLAG3, HEADER_SIZE, RCode } from './constants.js';
import { optRecord } from './opt.js';

/** Copies ID, opcode and RD from the query and sets QR, RA and the RCODE (low 4 bits). */
function writeReplyHeader(out: Buffer, query: Uint8Array, rcode: number, qdcount: number): void {
  out[0] = query[0]!;
  out[1] = query[1]!;
  out[2] = FLAG2.QR | (query[2]! & (FLAG2.OPCODE_MASK | FLAG2.RD));
  out[3] = FLAG3.RA | (rcode & FLAG3.RCODE_MASK);
  out[4] = 0;
  out[5] = qdcount;
  out.fill(0, 6, 12);
}

/**
 * A header-only reply (no question), for queries whose question cannot be trusted: FORMERR and
 * NOTIMP. RFC 1035 allows an empty question section in such replies.
 */
export function headerOnlyReply(query: Uint8Array, rcode: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE);
  writeReplyHeader(out, query, rcode, 0);
  return out;
}

/** Writes header and the query's own question into `out` (at least `qEnd` bytes), counts zero. */
export function writeQuestionReply(out: Buffer, query: Uint8Array, qEnd: number, rcode: number, aa: boolean): void {
  writeReplyHeader(out, query, rcode, 1);
  if (aa) out[2] = out[2]! | FLAG2.AA;
  out[3] = out[3]! | (query[3]! & FLAG3.CD);
  out.set(query.subarray(HEADER_SIZE, qEnd), HEADER_SIZE);
}

/** Header plus the query's own question, with `rcode` and CD copied (no records). */
export function questionReply(query: Uint8Array, qEnd: number, rcode: number, aa = false): Buffer {
  const out = Buffer.allocUnsafe(qEnd);
  writeQuestionReply(out, query, qEnd, rcode, aa);
  return out;
}

/** BADVERS (RFC 6891 §6.1.3): header only, plus an OPT carrying the extended RCODE. */
export function badVersionReply(query: Uint8Array, udpSize: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE + 11);
  writeReplyHeader(out, query, RCode.BADVERS, 0);
  out[11] = 1;
  optRecord(udpSize, false, RCode.BADVERS).copy(out, HEADER_SIZE);
  return out;
}
