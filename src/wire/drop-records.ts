/**
 * A copy of a message without some of its records, for filters that remove record types from
 * answers (filter-rr). Cold path: only replies that lose records come here. Names are first
 * rewritten so that no compression pointer targets a record that goes (rewrite-names.ts); the
 * records that stay then read as before (RFC 1035 §4.1.4). Pure.
 */
import { Buffer } from 'node:buffer';
import { RRType } from './constants.js';
import { ANCOUNT, ARCOUNT, NSCOUNT, setU16 } from './header.js';
import { scanMessage, Section, type MessageLayout, type RecordSpan } from './layout.js';
import { compressToQuestion } from './rewrite-names.js';

/** Decides whether one record of `msg` goes. */
export type RecordTest = (msg: Uint8Array, rec: RecordSpan) => boolean;

/** The CLASS of a record (RFC 1035 §4.1.3). */
export const recordClass = (msg: Uint8Array, rec: RecordSpan): number => (msg[rec.typeOff + 2]! << 8) | msg[rec.typeOff + 3]!;

/**
 * `msg` (scanned as `layout`) without the records `drop` picks and without its OPT record (the
 * caller adds the client's own), or null when `drop` picks none.
 */
export function withoutRecords(msg: Buffer, layout: MessageLayout, drop: RecordTest): Buffer | null {
  const gone = layout.records.map((r) => r.type !== RRType.OPT && drop(msg, r));
  if (!gone.includes(true)) return null;
  const plain = compressToQuestion(msg, layout);
  const spans = scanMessage(plain);
  if (spans === null || spans.records.length !== gone.length) return null;
  const out = Buffer.allocUnsafe(plain.length);
  plain.copy(out, 0, 0, spans.qEnd);
  let len = spans.qEnd;
  const counts = [0, 0, 0];
  spans.records.forEach((r, i) => {
    if (gone[i] || r.type === RRType.OPT) return;
    len += plain.copy(out, len, r.start, r.end);
    counts[r.section]!++;
  });
  setU16(out, ANCOUNT, counts[Section.ANSWER]!);
  setU16(out, NSCOUNT, counts[Section.AUTHORITY]!);
  setU16(out, ARCOUNT, counts[Section.ADDITIONAL]!);
  return out.subarray(0, len);
}
