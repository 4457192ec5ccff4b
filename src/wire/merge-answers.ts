/**
 * One reply made of the positive answers several servers gave to the same question (fandns
 * `merge-answers`): the first answer as it is, plus the records of the asked type that the others
 * add to the RRset owned by the first answer's final name (the end of its CNAME chain, RFC 1034
 * §3.6.2), plus the A/AAAA glue the others give in their additional sections for the targets of
 * that RRset (SRV, RFC 2782; MX; NS). Records are told apart by RDATA, names in it compared
 * without ASCII case (RFC 4343); each merged RRset takes the lowest TTL any server gave it (RFC
 * 2181 §5.2: one TTL per RRset). AA and AD stay set only when every answer had them. The first
 * answer's authority section and OPT record are kept. Cold path: once per merged upstream exchange,
 * never on a cache hit. Pure.
 *
 * Every part is first rewritten so that its compression pointers reach only into the question
 * (rewrite-names.ts); the question is the same in every part, so records then move between
 * messages as they are (RFC 1035 §4.1.4).
 */
import { Buffer } from 'node:buffer';
import { FLAG2, FLAG3, HEADER_SIZE, MAX_MESSAGE, QClass, RRType } from './constants.js';
import { ANCOUNT, ARCOUNT, setU16, setU32, u16, u32 } from './header.js';
import { Section, scanMessage, type MessageLayout, type RecordSpan } from './layout.js';
import { lowerName, readName } from './name.js';
import { rdataNameOffsets } from './pointers.js';
import { compressToQuestion } from './rewrite-names.js';
import { recordClass } from './drop-records.js';

/** One positive answer: its bytes and their layout. */
export interface MergePart {
  readonly wire: Buffer;
  readonly layout: MessageLayout;
}

/**
 * Types whose RRset cannot hold more than one record (CNAME, DNAME: RFC 2181 §10.1, RFC 6672; SOA)
 * or that are not RRsets of one type (ANY, the zone-transfer and meta types): their answers are
 * never merged.
 */
const UNMERGED = new Set<number>([RRType.CNAME, RRType.DNAME, RRType.SOA, RRType.OPT, RRType.TKEY, RRType.TSIG, 251, 252, 253, 254, 255]);

/** Longest CNAME chain followed in the first answer. */
const MAX_CHAIN = 16;

/** The lower-cased dotted owner of a record. */
const ownerOf = (msg: Buffer, r: RecordSpan): string => lowerName(readName(msg, r.start)?.name ?? '');

/** A record's TTL field (RFC 1035 §4.1.3: after TYPE and CLASS). */
const ttlAt = (r: RecordSpan): number => r.typeOff + 4;

/** RDATA with the ASCII letters of its names lower-cased: equal keys are equal records. */
function rdataKey(msg: Buffer, r: RecordSpan): string {
  const out = Buffer.from(msg.subarray(r.rdataOff, r.end));
  for (const at of rdataNameOffsets(msg, r)) {
    for (let pos = at; pos < r.end && msg[pos] !== 0 && (msg[pos]! & 0xc0) !== 0xc0; pos += msg[pos]! + 1) {
      for (let i = pos + 1; i <= pos + msg[pos]! && i < r.end; i++) {
        const c = out[i - r.rdataOff]!;
        if (c >= 0x41 && c <= 0x5a) out[i - r.rdataOff] = c | 0x20;
      }
    }
  }
  return out.toString('latin1');
}

/** The lower-cased name an RDATA name field of `r` holds (SRV target, MX exchange, NS host). */
function targetsOf(msg: Buffer, r: RecordSpan): string[] {
  if (r.type !== RRType.SRV && r.type !== RRType.MX && r.type !== RRType.NS) return [];
  return rdataNameOffsets(msg, r).map((at) => lowerName(readName(msg, at)?.name ?? ''));
}

/** The name the first answer's CNAME chain from `qname` ends at. */
function finalName(msg: Buffer, layout: MessageLayout, qname: string, qclass: number): string {
  let name = qname;
  for (let hops = 0; hops < MAX_CHAIN; hops++) {
    const cname = layout.records.find((r) => r.section === Section.ANSWER && r.type === RRType.CNAME &&
      recordClass(msg, r) === qclass && ownerOf(msg, r) === name);
    if (cname === undefined) return name;
    name = lowerName(readName(msg, cname.rdataOff)?.name ?? '');
  }
  return name;
}

/** A part rewritten with pointers only into its question, and scanned again. */
interface Plain {
  readonly msg: Buffer;
  readonly layout: MessageLayout;
}

function plainOf(p: MergePart): Plain | null {
  const msg = compressToQuestion(p.wire, p.layout);
  const layout = scanMessage(msg);
  return layout === null ? null : { msg, layout };
}

/** An RRset being merged: the keys of its records and its lowest TTL. */
class MergedSet {
  readonly keys = new Set<string>();
  ttl = 0xffffffff;
  /** Adds a record; true when its RDATA is new to the set. */
  take(msg: Buffer, r: RecordSpan): boolean {
    this.ttl = Math.min(this.ttl, u32(msg, ttlAt(r)));
    const k = rdataKey(msg, r);
    if (this.keys.has(k)) return false;
    this.keys.add(k);
    return true;
  }
}

/**
 * The merged reply, or null when there is nothing to merge: fewer than two parts, a type whose
 * answers are not merged, a signed answer (RRSIG: a merged RRset would not match its signatures),
 * or a first answer that cannot be rewritten. Parts must be NOERROR replies to the same question;
 * the first is the base. A part that cannot be rewritten adds nothing.
 */
export function mergeAnswers(parts: readonly MergePart[]): Buffer | null {
  if (parts.length < 2) return null;
  const first = parts[0]!;
  const qEnd = first.layout.qEnd;
  const qtype = u16(first.wire, qEnd - 4);
  const qclass = u16(first.wire, qEnd - 2);
  if (UNMERGED.has(qtype) || parts.some((p) => p.layout.records.some((r) => r.type === RRType.RRSIG))) return null;
  const base = plainOf(first);
  if (base === null || base.msg.length > MAX_MESSAGE) return null;
  const qname = lowerName(readName(base.msg, HEADER_SIZE)?.name ?? '');
  const owner = finalName(base.msg, base.layout, qname, qclass);
  const isMerged = (msg: Buffer, r: RecordSpan) => r.section === Section.ANSWER && r.type === qtype &&
    recordClass(msg, r) === qclass && ownerOf(msg, r) === owner;
  const isGlue = (msg: Buffer, r: RecordSpan, targets: Set<string>) => r.section === Section.ADDITIONAL &&
    (r.type === RRType.A || r.type === RRType.AAAA) && recordClass(msg, r) === QClass.IN && targets.has(ownerOf(msg, r));

  const answers = new MergedSet();
  const targets = new Set<string>();
  for (const r of base.layout.records) {
    if (!isMerged(base.msg, r)) continue;
    answers.take(base.msg, r);
    for (const t of targetsOf(base.msg, r)) targets.add(t);
  }
  const others = parts.slice(1).map(plainOf).filter((p): p is Plain => p !== null);
  const extraAnswers: Buffer[] = [];
  for (const p of others) {
    for (const r of p.layout.records) {
      if (!isMerged(p.msg, r) || !answers.take(p.msg, r)) continue;
      extraAnswers.push(p.msg.subarray(r.start, r.end));
      for (const t of targetsOf(p.msg, r)) targets.add(t);
    }
  }
  const glue = new Map<string, MergedSet>();
  const glueSet = (msg: Buffer, r: RecordSpan) => {
    const k = `${ownerOf(msg, r)}/${r.type}`;
    let s = glue.get(k);
    if (s === undefined) glue.set(k, (s = new MergedSet()));
    return s;
  };
  for (const r of base.layout.records) if (isGlue(base.msg, r, targets)) glueSet(base.msg, r).take(base.msg, r);
  const extraGlue: Buffer[] = [];
  for (const p of others) {
    for (const r of p.layout.records) {
      if (isGlue(p.msg, r, targets) && glueSet(p.msg, r).take(p.msg, r)) extraGlue.push(p.msg.subarray(r.start, r.end));
    }
  }
  const out = assemble(base, extraAnswers, extraGlue);
  const every = (byte: number, bit: number) => parts.every((p) => (p.wire[byte]! & bit) !== 0);
  if (!every(2, FLAG2.AA)) out[2] = out[2]! & ~FLAG2.AA;
  if (!every(3, FLAG3.AD)) out[3] = out[3]! & ~FLAG3.AD;
  const layout = scanMessage(out);
  if (layout === null) return null;
  for (const r of layout.records) {
    if (isMerged(out, r)) setU32(out, ttlAt(r), answers.ttl);
    else if (isGlue(out, r, targets)) setU32(out, ttlAt(r), glue.get(`${ownerOf(out, r)}/${r.type}`)!.ttl);
  }
  return out;
}

/**
 * The base message with `answers` appended to its answer section and `glue` to its additional
 * section before its OPT record; extras that would take the message past 65535 bytes are left out.
 */
function assemble(base: Plain, answers: readonly Buffer[], glue: readonly Buffer[]): Buffer {
  const { msg, layout } = base;
  const recs = layout.records;
  const answerEnd = recs.filter((r) => r.section === Section.ANSWER).at(-1)?.end ?? layout.qEnd;
  const optStart = layout.opt?.start ?? msg.length;
  let room = MAX_MESSAGE - msg.length;
  const fit = (list: readonly Buffer[]) => list.filter((b) => (room -= b.length) >= 0);
  const a = fit(answers);
  const g = fit(glue);
  const out = Buffer.concat([msg.subarray(0, answerEnd), ...a, msg.subarray(answerEnd, optStart), ...g, msg.subarray(optStart)]);
  setU16(out, ANCOUNT, u16(msg, ANCOUNT) + a.length);
  setU16(out, ARCOUNT, u16(msg, ARCOUNT) + g.length);
  return out;
}
