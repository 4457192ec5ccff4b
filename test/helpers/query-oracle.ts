/**
 * What a server must do with one datagram received as a query, written from the RFCs and
 * independently of src/wire/query-parse.ts, so that fuzz tests can compare the two:
 * - silence for fewer than 12 bytes (nothing to answer) or a response (QR=1; RFC 5452 §9);
 * - NOTIMP for an opcode other than QUERY (RFC 1035 §4.1.1);
 * - FORMERR when the header counts are not one question and no answer/authority records, the
 *   question name is not plain labels (≤ 63 bytes each, ≤ 255 in all, no pointers), a record
 *   runs past the end, or the OPT record is doubled, not owned by the root, or its options do not
 *   fill its RDATA exactly (RFC 6891 §6.1.1–6.1.2);
 * - BADVERS for EDNS version ≠ 0 (RFC 6891 §6.1.3);
 * - otherwise an answer. Bytes after the last record are ignored.
 * Faults are judged in wire order: the first one met decides.
 */

/** The verdict on a datagram. */
export type QueryVerdict = 'silence' | 'FORMERR' | 'NOTIMP' | 'BADVERS' | 'answer';

class Formerr extends Error {}
class Badvers extends Error {}

/** Reads big-endian fields, failing with FORMERR past the end. */
class Cursor {
  constructor(readonly m: Uint8Array, public at: number) {}

  byte(): number {
    if (this.at >= this.m.length) throw new Formerr();
    return this.m[this.at++]!;
  }

  u16(): number {
    return (this.byte() << 8) | this.byte();
  }

  skip(n: number): void {
    if (this.at + n > this.m.length) throw new Formerr();
    this.at += n;
  }
}

/** A question name: plain labels only. */
function questionName(c: Cursor): void {
  let wire = 0;
  for (;;) {
    const len = c.byte();
    wire += 1;
    if (len === 0) break;
    if (len > 63) throw new Formerr();
    c.skip(len);
    wire += len;
  }
  if (wire > 255) throw new Formerr();
}

/** A record owner name: labels, possibly ended by a pointer to an earlier offset. */
function ownerName(c: Cursor): void {
  let wire = 0;
  for (;;) {
    const here = c.at;
    const len = c.byte();
    if (len === 0) break;
    if (len >= 0xc0) {
      const target = ((len & 0x3f) << 8) | c.byte();
      if (target >= here) throw new Formerr();
      break;
    }
    if (len > 63) throw new Formerr();
    c.skip(len);
    wire += len + 1;
    if (wire >= 255) throw new Formerr();
  }
}

/** The options of an OPT record must tile its RDATA. */
function optOptions(m: Uint8Array, from: number, to: number): void {
  let at = from;
  while (at < to) {
    if (at + 4 > to) throw new Formerr();
    at += 4 + ((m[at + 2]! << 8) | m[at + 3]!);
  }
  if (at !== to) throw new Formerr();
}

function judge(m: Uint8Array): QueryVerdict {
  if (m.length < 12) return 'silence';
  if (m[2]! & 0x80) return 'silence';
  if (((m[2]! >> 3) & 0x0f) !== 0) return 'NOTIMP';
  const c = new Cursor(m, 4);
  const [qd, an, ns, ar] = [c.u16(), c.u16(), c.u16(), c.u16()];
  if (qd !== 1 || an !== 0 || ns !== 0) throw new Formerr();
  questionName(c);
  c.skip(4);
  let opts = 0;
  for (let i = 0; i < ar; i++) {
    const owner = c.at;
    ownerName(c);
    const type = c.u16();
    c.skip(3); // class, extended RCODE
    const version = c.byte();
    c.skip(2); // flags
    const rdlen = c.u16();
    const rdata = c.at;
    c.skip(rdlen);
    if (type !== 41) continue;
    if (++opts > 1 || m[owner] !== 0) throw new Formerr();
    optOptions(m, rdata, rdata + rdlen);
    if (version !== 0) throw new Badvers();
  }
  return 'answer';
}

/** The verdict for datagram `m`. */
export function queryVerdict(m: Uint8Array): QueryVerdict {
  try {
    return judge(m);
  } catch (e) {
    if (e instanceof Formerr) return 'FORMERR';
    if (e instanceof Badvers) return 'BADVERS';
    throw e;
  }
}
