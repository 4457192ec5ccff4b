/**
 * The hot-path reader for incoming queries: validates the header, the single question and the
 * EDNS OPT record by hand, and builds the cache key, without dns-packet (a full decode costs
 * ~1.7 µs, this ~0.25 µs: shared/reference/node-performance.md §3).
 *
 * Follows RFC 1035 §4.1 (header, question), RFC 6891 §6.1 (OPT: one at most, owner is root,
 * version 0) and RFC 3225 (DO bit).
 */
import { Buffer } from 'node:buffer';
import { FLAG2, FLAG3, HEADER_SIZE, MAX_LABEL, MAX_NAME, OPT_DO, RRType } from './constants.js';
import { foldCase, skipName } from './name.js';
import { hashBytes } from '../util/key-hash.js';

/** Why a query could not be accepted, and what to answer. */
export const QueryFault = {
  /** No reply at all: too short to answer, or a response (QR=1); RFC 1035 §7.3, RFC 5452. */
  DROP: 0,
  /** FORMERR: malformed (RFC 1035 §4.1.1). */
  FORMERR: 1,
  /** NOTIMP: opcode other than QUERY. */
  NOTIMP: 4,
  /** BADVERS: EDNS version other than 0 (RFC 6891 §6.1.3). */
  BADVERS: 16,
} as const;
export type QueryFault = (typeof QueryFault)[keyof typeof QueryFault];

/** Bytes of the key after the name: QTYPE, QCLASS and the flags byte. */
const KEY_TAIL = 5;

/**
 * Where keys are assembled: by parseQuery to hash one, by ParsedQuery.key to make the string (both
 * synchronous, so they never overlap). A name is at most MAX_NAME bytes.
 */
const scratch = Buffer.allocUnsafe(MAX_NAME + KEY_TAIL);

/** What the parser learned from a valid query. All offsets index the original message. */
export class ParsedQuery {
  #key: string | null = null;

  constructor(
    /**
     * The message parsed. Its question is read again for the key, so it must not change after
     * parsing (Query.msg's contract; only the OPT's UDP size is ever rewritten).
     */
    readonly msg: Buffer,
    readonly id: number,
    readonly qtype: number,
    readonly qclass: number,
    /** Offset just past QCLASS; bytes [12, qEnd) are the question as the client sent it. */
    readonly qEnd: number,
    /** Wire length of the question name, terminating zero included (the key's name part). */
    readonly nameLen: number,
    /** hashKey (src/util/key-hash.ts) of `key`, computed while parsing. */
    readonly keyHash: number,
    readonly rd: boolean,
    readonly cd: boolean,
    /** AD requested in the query (RFC 6840 §5.7). */
    readonly ad: boolean,
    /** Client's advertised UDP payload size (512 without EDNS, at least 512 with it). */
    readonly udpSize: number,
    readonly dnssecOk: boolean,
    /** Offset of the OPT RR in the query, or -1. */
    readonly optStart: number,
    /** True when the OPT RR carries at least one option (cookie, ECS, …). */
    readonly ednsOptions: boolean,
  ) {}

  /** True when the query carried an OPT record. */
  get edns(): boolean {
    return this.optStart >= 0;
  }

  /** The key's last byte: bit 0 DO, bit 1 CD. */
  get keyFlags(): number {
    return (this.dnssecOk ? 1 : 0) | (this.cd ? 2 : 0);
  }

  /**
   * Cache and coalescing key: the lower-cased wire name, QTYPE, QCLASS and one flags byte
   * (bit 0 DO, bit 1 CD), as a latin1 string. Made on first use: a cache hit compares the
   * message's own bytes with the stored key instead (keyMatches).
   */
  get key(): string {
    if (this.#key === null) {
      const msg = this.msg;
      const n = this.nameLen;
      for (let i = 0; i < n; i++) scratch[i] = foldCase(msg[HEADER_SIZE + i]!);
      for (let i = 0; i < 4; i++) scratch[n + i] = msg[this.qEnd - 4 + i]!;
      scratch[n + 4] = this.keyFlags;
      this.#key = scratch.toString('latin1', 0, n + KEY_TAIL);
    }
    return this.#key;
  }

  /** True when `buf[at, at + len)` is this query's key (the comparison a cache hit makes). */
  keyMatches(buf: Uint8Array, at: number, len: number): boolean {
    const n = this.nameLen;
    if (len !== n + KEY_TAIL) return false;
    const msg = this.msg;
    // The stored key is lower-case already, so only the message's bytes are folded (sameWireName
    // folds both sides; with it, hit CPU at a fixed 100k q/s measured 8.50 against 8.24 µs this
    // way, medians of 5 alternating rounds each). Label length bytes are at most 63, so folding
    // them changes nothing.
    for (let i = 0; i < n; i++) if (buf[at + i] !== foldCase(msg[HEADER_SIZE + i]!)) return false;
    const t = this.qEnd - 4;
    at += n;
    return buf[at] === msg[t] && buf[at + 1] === msg[t + 1] && buf[at + 2] === msg[t + 2] && buf[at + 3] === msg[t + 3] && buf[at + 4] === this.keyFlags;
  }
}

/** Parses a query. Returns the parsed fields, or a QueryFault saying how to reject it. */
export function parseQuery(msg: Buffer): ParsedQuery | QueryFault {
  const len = msg.length;
  if (len < HEADER_SIZE) return QueryFault.DROP;
  const f2 = msg[2]!;
  if ((f2 & FLAG2.QR) !== 0) return QueryFault.DROP;
  if ((f2 & FLAG2.OPCODE_MASK) !== 0) return QueryFault.NOTIMP;
  if (msg[4] !== 0 || msg[5] !== 1) return QueryFault.FORMERR;
  if (msg[6] !== 0 || msg[7] !== 0 || msg[8] !== 0 || msg[9] !== 0) return QueryFault.FORMERR;

  // Question name: uncompressed labels, lower-cased into the scratch key.
  let off = HEADER_SIZE;
  let k = 0;
  for (;;) {
    if (off >= len) return QueryFault.FORMERR;
    const b = msg[off]!;
    if (b === 0) break;
    if (b > MAX_LABEL || off + 1 + b > len) return QueryFault.FORMERR;
    scratch[k++] = b;
    for (let i = off + 1, e = off + 1 + b; i < e; i++) {
      const c = msg[i]!;
      scratch[k++] = foldCase(c);
    }
    off += b + 1;
    if (k >= MAX_NAME) return QueryFault.FORMERR;
  }
  scratch[k++] = 0;
  const nameLen = k;
  off += 1;
  if (off + 4 > len) return QueryFault.FORMERR;
  const qtype = (msg[off]! << 8) | msg[off + 1]!;
  const qclass = (msg[off + 2]! << 8) | msg[off + 3]!;
  const qEnd = off + 4;

  // Additional section: find the OPT record, if any.
  let arcount = (msg[10]! << 8) | msg[11]!;
  off = qEnd;
  let optStart = -1;
  let udpSize = 512;
  let dnssecOk = false;
  let ednsOptions = false;
  while (arcount-- > 0) {
    const start = off;
    off = skipName(msg, off);
    if (off < 0 || off + 10 > len) return QueryFault.FORMERR;
    const type = (msg[off]! << 8) | msg[off + 1]!;
    const rdlen = (msg[off + 8]! << 8) | msg[off + 9]!;
    const rdata = off + 10;
    if (rdata + rdlen > len) return QueryFault.FORMERR;
    if (type === RRType.OPT) {
      if (optStart >= 0 || msg[start] !== 0) return QueryFault.FORMERR;
      optStart = start;
      const cls = (msg[off + 2]! << 8) | msg[off + 3]!;
      udpSize = cls < 512 ? 512 : cls;
      const version = msg[off + 5]!;
      dnssecOk = (((msg[off + 6]! << 8) | msg[off + 7]!) & OPT_DO) !== 0;
      // Options must exactly fill RDATA (RFC 6891 §6.1.2).
      let o = rdata;
      while (o < rdata + rdlen) {
        if (o + 4 > rdata + rdlen) return QueryFault.FORMERR;
        o += 4 + ((msg[o + 2]! << 8) | msg[o + 3]!);
      }
      if (o !== rdata + rdlen) return QueryFault.FORMERR;
      ednsOptions = rdlen > 0;
      if (version !== 0) return QueryFault.BADVERS;
    }
    off = rdata + rdlen;
  }

  const f3 = msg[3]!;
  const cd = (f3 & FLAG3.CD) !== 0;
  scratch[k++] = qtype >>> 8;
  scratch[k++] = qtype & 0xff;
  scratch[k++] = qclass >>> 8;
  scratch[k++] = qclass & 0xff;
  scratch[k++] = (dnssecOk ? 1 : 0) | (cd ? 2 : 0);
  return new ParsedQuery(
    msg, (msg[0]! << 8) | msg[1]!, qtype, qclass, qEnd, nameLen, hashBytes(scratch, k),
    (f2 & FLAG2.RD) !== 0, cd, (f3 & FLAG3.AD) !== 0, udpSize, dnssecOk, optStart, ednsOptions,
  );
}
