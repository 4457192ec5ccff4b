/**
 * The additional section of a query: in a query that passed parseQuery (one question, no answer
 * or authority records, RFC 1035 §4.1) it starts right after the question.
 */
import { ARCOUNT, u16 } from './header.js';
import { skipName } from './name.js';

/** Offset of the first additional record of `type` in `query` (its question ends at `qEnd`), or -1. */
export function findAdditional(query: Uint8Array, qEnd: number, type: number): number {
  let off = qEnd;
  for (let n = u16(query, ARCOUNT); n > 0; n--) {
    const start = off;
    off = skipName(query, off);
    if (off < 0 || off + 10 > query.length) return -1;
    if (u16(query, off) === type) return start;
    off += 10 + u16(query, off + 8);
  }
  return -1;
}
