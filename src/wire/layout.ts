/**
 * One pass over a whole DNS message (RFC 1035 §4.1) that records where every resource record
 * sits, so later stages (OPT clamping, TTL patching, negative-TTL lookup, rotation) work on
 * offsets instead of a decoded object. Used on the miss path only: once per upstream reply.
 * Returns null for a malformed message (truncated record, bad name, forward pointer, a name that
 * reads on past the pointer that led to it, a pointer into or past the OPT record, an OPT record
 * that is not the one root-owned record of the additional section).
 */
import { HEADER_SIZE, MAX_LABEL, MAX_NAME, RRType } from './constants.js';
import { u16 } from './header.js';

/** Which section a record came from. */
export const Section = { ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 2 } as const;

/** Offsets of one resource record. */
export interface RecordSpan {
  readonly start: number;
  /** Offset of the TYPE field (just past the owner name). */
  readonly typeOff: number;
  readonly type: number;
  readonly section: number;
  readonly rdataOff: number;
  readonly rdlen: number;
  /** Offset just past the record. */
  readonly end: number;
}

/** Where everything is in a message. */
export interface MessageLayout {
  /** Offset just past the question section. */
  readonly qEnd: number;
  readonly records: readonly RecordSpan[];
  readonly ancount: number;
  readonly nscount: number;
  readonly arcount: number;
  /** The OPT record, if present (RFC 6891 §6.1.1: at most one, in the additional section). */
  readonly opt: RecordSpan | null;
  /**
   * True when some compression pointer lands neither on a label of a name read before it nor on a
   * name that ends inside an earlier record's RDATA: inside a question or owner label, on a TYPE,
   * TTL or RDLENGTH field. The message is well formed, but such a name may read bytes that a cache
   * hit rewrites (TTLs), so it is not cached.
   */
  readonly loose: boolean;
}

const MAX_HOPS = 32;

/**
 * Where the labels of the names read so far start, stamped with the scan's number: RFC 1035
 * §4.1.4 pointers name "a prior occurrence", which is a label of a name already read.
 */
const labelAt = new Uint32Array(65536);
let scanNo = 0;
/** Set by nameEnd when a pointer of the current scan lands on an unstamped offset. */
let loose = false;
/** Start of the current scan's OPT record once read (-1 before): no pointer may reach it or beyond. */
let optFrom = -1;
/** RDATA spans of the records read so far in the current scan. */
const rdataFrom = new Int32Array(8192);
const rdataTo = new Int32Array(8192);
let rdataCount = 0;

/**
 * True when `target` lies in the RDATA of a record read before and the name there ends (a root
 * label, or a pointer, which is checked in turn) inside that RDATA: a name in RDATA of a type whose
 * names this scan does not read. Some servers compress against RRSIG signers and SVCB targets
 * (miekg/dns adds every name it writes to its table), and those bytes do not change on a hit.
 */
function inRdataName(msg: Uint8Array, target: number): boolean {
  for (let i = rdataCount - 1; i >= 0; i--) {
    const to = rdataTo[i]!;
    if (target < rdataFrom[i]! || target >= to) continue;
    for (let pos = target; pos < to; pos += msg[pos]! + 1) {
      const b = msg[pos]!;
      if (b === 0) return true;
      if ((b & 0xc0) === 0xc0) return pos + 1 < to;
      if (b > MAX_LABEL) return false;
    }
    return false;
  }
  return false;
}

/**
 * Offset past the name at `off` after checking that its whole pointer chain is sound; -1 if not.
 * A pointer names a prior occurrence (RFC 1035 §4.1.4), so what it leads to must end before the
 * pointer itself: a label running on over it reads bytes of later records, whose meaning changes
 * when the OPT is rewritten or removed (reply fuzz seed 431). With `stamp` (a scan), the labels it
 * holds in place are recorded for the current scan, its pointers checked against those recorded
 * before, and none may reach the OPT record, which finalize rewrites or cuts out.
 */
function nameEnd(msg: Uint8Array, off: number, stamp: boolean): number {
  let end = -1;
  let pos = off;
  let hops = 0;
  let total = 0;
  /** Bytes read from here on must lie before this offset: the last pointer followed. */
  let limit = msg.length;
  for (;;) {
    if (pos >= limit) return -1;
    const b = msg[pos]!;
    if (stamp && end < 0) labelAt[pos] = scanNo;
    if (b === 0) return end < 0 ? pos + 1 : end;
    if ((b & 0xc0) === 0xc0) {
      if (pos + 1 >= msg.length || ++hops > MAX_HOPS) return -1;
      const target = ((b & 0x3f) << 8) | msg[pos + 1]!;
      // A pointer must name a prior occurrence (RFC 1035 §4.1.4): never the header, whose bytes change on the way to the client.
      if (target >= pos || target < HEADER_SIZE) return -1;
      if (stamp && optFrom >= 0 && target >= optFrom) return -1;
      if (stamp && labelAt[target] !== scanNo && !inRdataName(msg, target)) loose = true;
      if (end < 0) end = pos + 2;
      limit = pos;
      pos = target;
      continue;
    }
    if (b > MAX_LABEL) return -1;
    total += b + 1;
    if (total >= MAX_NAME) return -1; // plus the terminating zero byte
    pos += b + 1;
  }
}

/** Offset past the name at `off` after checking that its whole pointer chain is sound; -1 if not. */
export function checkedNameEnd(msg: Uint8Array, off: number): number {
  return nameEnd(msg, off, false);
}

/** Checks the domain names embedded in RDATA of the RFC 1035 / RFC 2782 types that carry them. */
function rdataNamesOk(msg: Uint8Array, type: number, off: number, end: number): boolean {
  switch (type) {
    case RRType.CNAME:
    case RRType.NS:
    case RRType.PTR:
    case RRType.DNAME:
      return nameEnd(msg, off, true) === end;
    case RRType.MX:
      return off + 2 <= end && nameEnd(msg, off + 2, true) === end;
    case RRType.SRV:
      return off + 6 <= end && nameEnd(msg, off + 6, true) === end;
    case RRType.SOA: {
      const m = nameEnd(msg, off, true);
      const r = m < 0 ? -1 : nameEnd(msg, m, true);
      return r > 0 && r + 20 === end;
    }
    default:
      return true;
  }
}

/** Scans a message; null when any part of it is malformed. */
export function scanMessage(msg: Uint8Array): MessageLayout | null {
  if (msg.length < HEADER_SIZE) return null;
  if (++scanNo === 0xffffffff) {
    labelAt.fill(0);
    scanNo = 1;
  }
  loose = false;
  optFrom = -1;
  rdataCount = 0;
  const qdcount = u16(msg, 4);
  const ancount = u16(msg, 6);
  const nscount = u16(msg, 8);
  const arcount = u16(msg, 10);
  let off = HEADER_SIZE;
  for (let i = 0; i < qdcount; i++) {
    off = nameEnd(msg, off, true);
    if (off < 0 || off + 4 > msg.length) return null;
    off += 4;
  }
  const qEnd = off;
  const records: RecordSpan[] = [];
  let opt: RecordSpan | null = null;
  const total = ancount + nscount + arcount;
  for (let i = 0; i < total; i++) {
    const start = off;
    const typeOff = nameEnd(msg, off, true);
    if (typeOff < 0 || typeOff + 10 > msg.length) return null;
    const type = u16(msg, typeOff);
    const rdlen = u16(msg, typeOff + 8);
    const rdataOff = typeOff + 10;
    const end = rdataOff + rdlen;
    if (end > msg.length) return null;
    if (rdataCount < rdataFrom.length) {
      rdataFrom[rdataCount] = rdataOff;
      rdataTo[rdataCount++] = end;
    }
    if (!rdataNamesOk(msg, type, rdataOff, end)) return null;
    const section = i < ancount ? Section.ANSWER : i < ancount + nscount ? Section.AUTHORITY : Section.ADDITIONAL;
    const rec: RecordSpan = { start, typeOff, type, section, rdataOff, rdlen, end };
    if (type === RRType.OPT) {
      // RFC 6891 §6.1.1–6.1.2: at most one, in the additional section, owned by the root: a one-byte
      // name, which can only be the zero byte (the OPT is rewritten in place at fixed offsets).
      if (opt !== null || section !== Section.ADDITIONAL || typeOff !== start + 1) return null;
      opt = rec;
      optFrom = start;
    }
    records.push(rec);
    off = end;
  }
  return { qEnd, records, ancount, nscount, arcount, opt, loose };
}
