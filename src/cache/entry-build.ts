/**
 * Turns an upstream reply into the bytes of a cache entry (format in entry-format.ts). Runs once per
 * insert: strips the OPT record, drops AA/TC, applies the TTL plan, records TTL offsets and the
 * RRsets that rotate, and rewrites names first when a pointer targets a record that rotation would
 * move.
 */
import { Buffer } from 'node:buffer';
import { copyRange } from '../wire/copy-range.js';
import { readName } from '../wire/name.js';
import { scanMessage, Section, type MessageLayout, type RecordSpan } from '../wire/layout.js';
import { compressToQuestion, hasPointerInto } from '../wire/rewrite-names.js';
import { TAIL_SIZE, T_ANCOUNT, T_ARCOUNT, T_BORN, T_FLAGS2, T_FLAGS3, T_LIFE, T_NSCOUNT, T_RUNS, T_TTLS } from './entry-format.js';
import { planTtls, type TtlPolicy } from './ttl-policy.js';

/** A run of answer records with one owner and type, as [start, end) offsets per record. */
type Run = { start: number; end: number }[];

/** True when two records have the same owner: the same bytes (the usual pointer), else the same name. */
function sameOwner(msg: Buffer, a: RecordSpan, b: RecordSpan): boolean {
  const la = a.typeOff - a.start;
  if (la === b.typeOff - b.start && msg.compare(msg, b.start, b.typeOff, a.start, a.typeOff) === 0) return true;
  return readName(msg, a.start)?.name.toLowerCase() === readName(msg, b.start)?.name.toLowerCase();
}

const NO_RUNS: readonly Run[] = [];

/** Longest run the entry format can describe (its record count is one byte); longer sets keep their order. */
const MAX_RUN = 255;

/** Consecutive answer records with the same owner name and type, two to MAX_RUN long. */
function findRuns(msg: Buffer, layout: MessageLayout): readonly Run[] {
  if (layout.ancount < 2) return NO_RUNS;
  const runs: Run[] = [];
  let cur: Run = [];
  let prev: RecordSpan | null = null;
  const flush = () => {
    if (cur.length > 1 && cur.length <= MAX_RUN) runs.push(cur);
    cur = [];
  };
  for (const r of layout.records) {
    if (r.section !== Section.ANSWER) break;
    if (prev && (r.type !== prev.type || !sameOwner(msg, prev, r))) flush();
    prev = r;
    cur.push({ start: r.start, end: r.end });
  }
  flush();
  return runs;
}

/** Where entries are assembled: a record section (≤ 64 KiB), its TTL rows, runs table and tail fit. */
const scratch = Buffer.allocUnsafe(192 * 1024);
/** TTL per record of the reply being built (planTtls fills it). */
const ttls: number[] = [];

/**
 * Builds the entry for a reply, or null when it is not cacheable. The result is a view of a shared
 * buffer, valid until the next call: the caller stores a copy (the cache's slab) at once. The first
 * `fixed` answer records get no TTL row: a hit serves them with the TTL they have now (an alias's
 * CNAME keeps its configured TTL), and the entry's lifetime is the other records'.
 */
export function buildEntry(wire: Buffer, scanned: MessageLayout, now: number, policy: TtlPolicy, rotate: boolean, keepZero: boolean, fixed = 0): Buffer | null {
  let msg = wire;
  let layout = scanned;
  // A name through a loose pointer may read bytes a hit rewrites (a TTL, a rotated record): never cached.
  if (layout.loose || fixed > layout.ancount) return null;
  let life = planTtls(msg, layout, policy, ttls, fixed);
  if (life < 0 || (life === 0 && !keepZero)) return null;
  let runs = rotate ? findRuns(msg, layout) : NO_RUNS;
  if (runs.length && runs.some((run) => hasPointerInto(msg, layout, run[0]!.start, run.at(-1)!.end))) {
    msg = compressToQuestion(msg, layout);
    const again = scanMessage(msg);
    if (!again || again.loose) return null;
    layout = again;
    life = planTtls(msg, layout, policy, ttls, fixed);
    runs = findRuns(msg, layout);
  }
  const qEnd = layout.qEnd;
  const records = layout.records;
  // The OPT record is dropped; only when it is last (no TSIG after it) do offsets stay valid.
  if (layout.opt && records.at(-1) !== layout.opt) return null;
  const kept = layout.opt ? records.length - 1 : records.length;
  // Bytes after the last record (padding some servers add) are not kept: an OPT added on a hit must follow the records.
  const recordsEnd = layout.opt ? layout.opt.start : (records.at(-1)?.end ?? qEnd);
  let at = copyRange(msg, qEnd, recordsEnd, scratch, 0);
  for (let i = fixed; i < kept; i++) {
    at = scratch.writeUInt16BE(records[i]!.typeOff + 4 - qEnd, at);
    at = scratch.writeUInt32BE(ttls[i]!, at);
  }
  const runsStart = at;
  for (const run of runs) {
    scratch[at++] = run.length;
    for (const rec of run) at = scratch.writeUInt16BE(rec.start - qEnd, at);
    at = scratch.writeUInt16BE(run.at(-1)!.end - qEnd, at);
  }
  const runsLen = at - runsStart;
  const t = at;
  // A loop: Buffer#fill over a range goes through a C++ builtin (0.05 µs a miss in perf).
  for (let i = t; i < t + TAIL_SIZE; i++) scratch[i] = 0;
  scratch[t + T_FLAGS2] = msg[2]! & ~0x06; // clear AA and TC: a cached answer is not authoritative
  scratch[t + T_FLAGS3] = msg[3]!;
  scratch.writeUInt16BE(layout.ancount, t + T_ANCOUNT);
  scratch.writeUInt16BE(layout.nscount, t + T_NSCOUNT);
  scratch.writeUInt16BE(layout.arcount - (layout.opt ? 1 : 0), t + T_ARCOUNT);
  scratch.writeUInt16BE(kept - fixed, t + T_TTLS);
  scratch.writeUInt16BE(runsLen, t + T_RUNS);
  scratch.writeUInt32BE(now >>> 0, t + T_BORN);
  scratch.writeUInt32BE(life, t + T_LIFE);
  return scratch.subarray(0, t + TAIL_SIZE);
}
