/**
 * The cache-hit fast path: one allocation and one copy of the stored records behind the client's
 * own header and question, TTLs patched to the remaining lifetime, the RRsets rotated, and an OPT
 * record added for EDNS clients. No decode, no encode (DESIGN.md "cache"; node-performance §7).
 */
import { Buffer } from 'node:buffer';
import { OPT_DO, RRType } from '../wire/constants.js';
import { copyRange } from '../wire/copy-range.js';
import { u16, u32 } from '../wire/header.js';
import { OPT_SIZE } from '../wire/opt.js';
import { TAIL_SIZE, T_ANCOUNT, T_BORN, T_FLAGS2, T_FLAGS3, T_RUNS, T_TTLS } from './entry-format.js';

/** How to render a hit. */
export interface RenderOptions {
  /** max-ttl: cap on TTLs sent to clients (0: none). */
  readonly clientMaxTtl: number;
  /** When >= 0, serve every TTL as this value (a stale answer, RFC 8767 §4). */
  readonly forceTtl: number;
  readonly rotate: boolean;
  /** UDP size to advertise in an added OPT record; 0 for clients without EDNS. */
  readonly ednsUdp: number;
  readonly dnssecOk: boolean;
}

let rotation = 0;
/** Holds the records that move to the back during a rotation (no allocation per hit). */
const scratch = Buffer.allocUnsafe(65536);

/** Rotates run records in `out` (records start at `base`) by `rotation % k` places. */
function rotateRuns(v: Buffer, out: Buffer, base: number, runTab: number, runEnd: number): void {
  rotation = (rotation + 1) & 0x3fffffff;
  for (let i = runTab; i < runEnd; ) {
    const k = v[i]!;
    const first = u16(v, i + 1);
    const shift = rotation % k;
    const end = u16(v, i + 1 + 2 * k);
    if (shift !== 0) {
      const mid = u16(v, i + 1 + 2 * shift);
      out.copy(scratch, 0, base + first, base + mid);
      out.copyWithin(base + first, base + mid, base + end);
      scratch.copy(out, base + first + (end - mid), 0, mid - first);
    }
    i += 1 + 2 * (k + 1);
  }
}

/**
 * Builds the client's reply from the entry at `v[start, end)`; `msg` is the client's query, `qEnd`
 * its question end.
 */
export function renderEntry(v: Buffer, start: number, end: number, msg: Buffer, qEnd: number, now: number, o: RenderOptions): Buffer {
  const t = end - TAIL_SIZE;
  const n = u16(v, t + T_TTLS);
  const runsLen = u16(v, t + T_RUNS);
  const runTab = t - runsLen;
  const ttlTab = runTab - 6 * n;
  const opt = o.ednsUdp > 0 ? OPT_SIZE : 0;
  const recordsEnd = qEnd + ttlTab - start;
  const out = Buffer.allocUnsafe(recordsEnd + opt);
  copyRange(msg, 0, qEnd, out, 0);
  copyRange(v, start, ttlTab, out, qEnd);
  out[2] = v[t + T_FLAGS2]!;
  out[3] = v[t + T_FLAGS3]!;
  copyRange(v, t + T_ANCOUNT, t + T_ANCOUNT + 6, out, 6);
  const age = now - u32(v, t + T_BORN);
  for (let i = ttlTab; i < runTab; i += 6) {
    let ttl = o.forceTtl >= 0 ? o.forceTtl : u32(v, i + 2) - age;
    if (ttl < 0) ttl = 0;
    if (o.clientMaxTtl > 0 && ttl > o.clientMaxTtl) ttl = o.clientMaxTtl;
    const at = qEnd + u16(v, i);
    out[at] = ttl >>> 24;
    out[at + 1] = (ttl >>> 16) & 0xff;
    out[at + 2] = (ttl >>> 8) & 0xff;
    out[at + 3] = ttl & 0xff;
  }
  if (runsLen > 0 && o.rotate) rotateRuns(v, out, qEnd, runTab, t);
  if (opt) {
    const at = recordsEnd;
    out[at] = 0;
    out[at + 1] = 0;
    out[at + 2] = RRType.OPT;
    out[at + 3] = o.ednsUdp >>> 8;
    out[at + 4] = o.ednsUdp & 0xff;
    out[at + 5] = 0;
    out[at + 6] = 0;
    out[at + 7] = o.dnssecOk ? OPT_DO >>> 8 : 0;
    out[at + 8] = 0;
    out[at + 9] = 0;
    out[at + 10] = 0;
    const ar = ((out[10]! << 8) | out[11]!) + 1;
    out[10] = ar >>> 8;
    out[11] = ar & 0xff;
  }
  return out;
}
