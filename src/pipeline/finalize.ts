/**
 * Turns a handler's Reply into the exact bytes for one client: the client's ID and question (its
 * letter case included), RD/CD echoed, RA set, AD only when asked for (RFC 6840 §5.8), and an
 * OPT record exactly when the client sent one (RFC 6891 §7), advertising our own limit.
 */
import { Buffer } from 'node:buffer';
import { FLAG2, FLAG3, HEADER_SIZE, OPT_DO } from '../wire/constants.js';
import { copyRange } from '../wire/copy-range.js';
import { clampOptSize, withOpt, withoutAdditional } from '../wire/opt.js';
import { setU16 } from '../wire/header.js';
import type { Query } from './query.js';
import type { Reply } from './types.js';

/**
 * Builds the client's copy of a reply. Copies only when the reply is shared or EDNS changes size;
 * a reply made for this client already (a cache hit) is returned as it is.
 */
export function finalize(r: Reply, q: Query, ednsPacketMax: number): Buffer {
  if (r.personalised) return r.wire;
  const p = q.p;
  let out: Buffer;
  if (r.optStart >= 0 && !p.edns) out = withoutAdditional(r.wire, r.optStart, r.optEnd);
  else if (r.optStart < 0 && p.edns) out = withOpt(r.wire, ednsPacketMax, p.dnssecOk);
  else if (r.owned) out = r.wire;
  else {
    out = Buffer.allocUnsafe(r.wire.length);
    r.wire.copy(out);
  }
  if (r.optStart >= 0 && p.edns) {
    clampOptSize(out, r.optStart, ednsPacketMax);
    // RFC 3225 §3: the DO bit of the query is copied into the response.
    const flags = r.optStart + 7;
    out[flags] = p.dnssecOk ? out[flags]! | (OPT_DO >>> 8) : out[flags]! & ~(OPT_DO >>> 8);
  }
  const msg = q.msg;
  out[0] = msg[0]!;
  out[1] = msg[1]!;
  copyRange(msg, HEADER_SIZE, p.qEnd, out, HEADER_SIZE);
  personaliseFlags(out, q);
  return out;
}

/** Sets the flag bytes of `out` for the client of `q`: RD and CD echoed, RA set, AD only when asked for. */
export function personaliseFlags(out: Buffer, q: Query): void {
  const p = q.p;
  out[2] = (out[2]! & ~FLAG2.RD) | (q.msg[2]! & FLAG2.RD);
  let f3 = (out[3]! | FLAG3.RA) & ~FLAG3.CD;
  if (p.cd) f3 |= FLAG3.CD;
  if (!p.ad && !p.dnssecOk) f3 &= ~FLAG3.AD;
  out[3] = f3;
}

/**
 * A truncated copy for a client whose limit `out` exceeds (RFC 1035 §4.2.1, RFC 6891 §7): header
 * and question with TC set, no records, plus an OPT when the client used EDNS. A UDP client then
 * retries over TCP and gets the whole answer; over TCP only local data too large for one frame
 * (RFC 1035 §4.2.2) gets here, and stays truncated.
 */
export function truncate(out: Buffer, q: Query, ednsPacketMax: number): Buffer {
  const qEnd = q.p.qEnd;
  const head = out.subarray(0, qEnd);
  const t = q.p.edns ? withOpt(head, ednsPacketMax, q.p.dnssecOk) : Buffer.from(head);
  t[2] = t[2]! | FLAG2.TC;
  setU16(t, 6, 0);
  setU16(t, 8, 0);
  setU16(t, 10, q.p.edns ? 1 : 0);
  return t;
}

/** Largest reply this UDP client accepts: 512, or its EDNS size capped at edns-packet-max. */
export function udpLimit(q: Query, ednsPacketMax: number): number {
  return q.p.edns ? Math.max(512, Math.min(q.p.udpSize, ednsPacketMax)) : 512;
}
