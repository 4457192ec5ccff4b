/**
 * The layout of one cache entry: one run of bytes, kept in the cache's slab outside the V8 heap
 * (src/cache/slab.ts; no object per entry). It holds:
 *
 *   [records]     the reply from just past the question to the end, OPT removed. Compression
 *                 pointers keep their absolute offsets: every query with this key has a question of
 *                 the same length, so the client's question is written in front of them on a hit.
 *   [ttl table]   n × 6 bytes: TTL field offset relative to the end of the question (u16), and
 *                 the TTL to serve at insertion time, after min/max-cache-ttl (u32)
 *   [runs table]  RRsets that rotate: per run, k (u8) then k+1 u16 relative offsets (record starts
 *                 and the end of the last record)
 *   [tail]        TAIL_SIZE bytes, see the T_* offsets below
 *
 * All integers are big-endian.
 */
import { u32 } from '../wire/header.js';

/** Size of the fixed tail. */
export const TAIL_SIZE = 20;
/** Header byte 2 (QR, opcode, AA cleared, TC cleared, RD). */
export const T_FLAGS2 = 0;
/** Header byte 3 (RA, AD, CD, RCODE). */
export const T_FLAGS3 = 1;
export const T_ANCOUNT = 2;
export const T_NSCOUNT = 4;
export const T_ARCOUNT = 6;
/** Number of TTL table rows. */
export const T_TTLS = 8;
/** Byte length of the runs table. */
export const T_RUNS = 10;
/** Insertion time, clock seconds. */
export const T_BORN = 12;
/** Freshness lifetime in seconds (0: stale at once, kept only for use-stale-cache). */
export const T_LIFE = 16;

/** Clock seconds after which the entry ending at `end` in `v` is no longer fresh. */
export function entryExpiry(v: Uint8Array, end = v.length): number {
  const t = end - TAIL_SIZE;
  return u32(v, t + T_BORN) + u32(v, t + T_LIFE);
}

/** The freshness lifetime, in seconds, of the entry ending at `end` in `v`. */
export function entryLife(v: Uint8Array, end = v.length): number {
  return u32(v, end - TAIL_SIZE + T_LIFE);
}
