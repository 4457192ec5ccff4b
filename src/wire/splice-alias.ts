/**
 * Builds an alias answer (RFC 1034 §3.6.2, RFC 6604): the client's question, a CNAME from the
 * asked name to the target, then the records of the target's own reply, relocated into the new
 * message by rewriting every compression pointer (the target's question name now lives inside
 * the CNAME RDATA). No decode or encode; one pass over the target reply's pointers.
 */
import { Buffer } from 'node:buffer';
import { FLAG2, FLAG3, HEADER_SIZE, QClass, RRType } from './constants.js';
import { setU16, setU32, u16 } from './header.js';
import type { MessageLayout } from './layout.js';
import { pointerSites } from './pointers.js';

/** The pieces of one alias hop. */
export interface AliasHop {
  /** Client query bytes; [12, qEnd) is its question. */
  readonly query: Uint8Array;
  readonly qEnd: number;
  /** Uncompressed wire name of the target. */
  readonly target: Uint8Array;
  readonly ttl: number;
}

/** Writes header, question and the CNAME record into a new buffer with `extra` bytes after it. */
function aliasHead(hop: AliasHop, extra: number, rcode: number, aa: boolean, an: number, ns: number, ar: number): Buffer {
  const { query, qEnd, target, ttl } = hop;
  const cnameAt = qEnd;
  const out = Buffer.allocUnsafe(cnameAt + 12 + target.length + extra);
  out.set(query.subarray(0, qEnd), 0);
  out[2] = FLAG2.QR | (query[2]! & FLAG2.RD) | (aa ? FLAG2.AA : 0);
  out[3] = FLAG3.RA | (query[3]! & FLAG3.CD) | (rcode & 0x0f);
  setU16(out, 4, 1);
  setU16(out, 6, 1 + an);
  setU16(out, 8, ns);
  setU16(out, 10, ar);
  out[cnameAt] = 0xc0;
  out[cnameAt + 1] = HEADER_SIZE;
  setU16(out, cnameAt + 2, RRType.CNAME);
  setU16(out, cnameAt + 4, QClass.IN);
  setU32(out, cnameAt + 6, ttl);
  setU16(out, cnameAt + 10, target.length);
  out.set(target, cnameAt + 12);
  return out;
}

/**
 * The combined reply, or null when the target reply cannot be relocated: a pointer into its header
 * or QTYPE/QCLASS, past what 14-bit pointers reach, or anywhere but the start of a label of a name
 * (`layout.loose`: such a name reads on through bytes the relocation moves and rewrites; the wire
 * fuzz found one through a label running from an SVCB's RDATA into the next records).
 * `rcode` and `aa` come from the caller (the target's outcome).
 */
export function spliceAlias(hop: AliasHop, t: Buffer, layout: MessageLayout, rcode: number, aa: boolean): Buffer | null {
  const tqEnd = layout.qEnd;
  if (layout.loose || (layout.opt && layout.records.at(-1) !== layout.opt)) return null;
  const recEnd = layout.opt ? layout.opt.start : t.length;
  const out = aliasHead(hop, recEnd - tqEnd, rcode, aa, u16(t, 6), u16(t, 8), u16(t, 10) - (layout.opt ? 1 : 0));
  const targetAt = hop.qEnd + 12;
  const recStart = targetAt + hop.target.length;
  out.set(t.subarray(tqEnd, recEnd), recStart);
  const records = layout.opt ? layout.records.slice(0, -1) : layout.records;
  for (const site of pointerSites(t, layout, records)) {
    const p = ((t[site]! & 0x3f) << 8) | t[site + 1]!;
    let mapped: number;
    if (p >= HEADER_SIZE && p < tqEnd - 4) mapped = targetAt + (p - HEADER_SIZE);
    else if (p >= tqEnd && p < recEnd) mapped = recStart + (p - tqEnd);
    else return null;
    if (mapped > 0x3fff) return null;
    const at = recStart + (site - tqEnd);
    out[at] = 0xc0 | (mapped >>> 8);
    out[at + 1] = mapped & 0xff;
  }
  return out;
}

/** A reply holding only the CNAME (for QTYPE=CNAME queries of an alias), authoritative. */
export function cnameOnly(hop: AliasHop): Buffer {
  return aliasHead(hop, 0, 0, true, 0, 0, 0);
}
