/**
 * filter-A, filter-AAAA and filter-rr (dnsmasq 2.90 options; reference §6.5).
 * - A class IN question of a filtered type is answered here: NOERROR with no records and no AA
 *   (NODATA), plus an Extended DNS Error 17 "Filtered" when the client used EDNS (RFC 8914 §4.18).
 *   It is never forwarded. dnsmasq forwards it and removes the records from the reply, so its
 *   upstream (a Consul agent, say) still gets every AAAA question; README "Differences".
 * - Local data answers before this stage and is not filtered, as in dnsmasq; a cname= alias keeps
 *   its CNAME and loses the target's filtered records.
 * - Answers to ANY questions lose their answer records of filtered types. With filter-rr=ANY they
 *   keep only A, AAAA, MX and CNAME records in every section (RFC 8482's spirit, as dnsmasq).
 *   Both add the same EDE.
 * - Answers to other questions are scanned too when a filtered type can stand beside the asked
 *   one in an answer section (CNAME, DNAME, RRSIG, NSEC, NSEC3). With only filter-A and
 *   filter-AAAA, no answer but ANY's is scanned.
 * The stage sits in front of the cache: the cache keeps upstream answers as they came, and a
 * trimmed ANY answer is trimmed again on each hit (only ANY questions pay for it).
 */
import { QClass, RCode, RRType } from '../wire/constants.js';
import { recordClass, withoutRecords, type RecordTest } from '../wire/drop-records.js';
import { Section, scanMessage } from '../wire/layout.js';
import { EdeCode } from '../wire/opt.js';
import { questionReply } from '../wire/reply-build.js';
import { edeReply } from '../pipeline/ede-reply.js';
import type { Query } from '../pipeline/query.js';
import { DROP, Reply, type Handler, type Outcome } from '../pipeline/types.js';
import { isPromise } from '../util/thenable.js';
import type { LocalCounters } from './local.js';

/** Options for the type filter. */
export interface TypeFilterOptions {
  /** Filtered record types; 255 (ANY) asks for trimmed ANY answers. */
  readonly types: readonly number[];
  /** The UDP size our OPT record advertises. */
  readonly ednsPacketMax: number;
}

/** Types that may sit in the answer section beside the asked type's records. */
const BESIDE = [RRType.CNAME, RRType.DNAME, RRType.RRSIG, RRType.NSEC, RRType.NSEC3];
/** What filter-rr=ANY keeps in an ANY answer. */
const ANY_KEEPS = new Set<number>([RRType.A, RRType.AAAA, RRType.MX, RRType.CNAME]);

/** Creates the stage; its NODATA answers count in `counters` (the local stage's, for hits.bind). */
export function createTypeFilter(opts: TypeFilterOptions, counters: LocalCounters): Handler {
  const types = new Set(opts.types);
  const trimAny = types.has(RRType.ANY);
  const scanAll = BESIDE.some((t) => types.has(t));
  const inAnswer: RecordTest = (msg, rec) =>
    rec.section === Section.ANSWER && types.has(rec.type) && recordClass(msg, rec) === QClass.IN;
  const forAny: RecordTest = (msg, rec) =>
    inAnswer(msg, rec) || (trimAny && !ANY_KEEPS.has(rec.type) && recordClass(msg, rec) === QClass.IN);

  /** The client's copy of `wire`, with an OPT carrying EDE 17 when it used EDNS. */
  const filtered = (q: Query, wire: Buffer, source: Reply['source'], upstream: string | null): Reply =>
    edeReply(q, wire, source, upstream, opts.ednsPacketMax, EdeCode.FILTERED);

  const trim = (q: Query, o: Outcome): Outcome => {
    if (o === DROP || o.rcode !== RCode.NOERROR) return o;
    const layout = o.layout ?? scanMessage(o.wire);
    if (layout === null) return o;
    const kept = withoutRecords(o.wire, layout, q.p.qtype === RRType.ANY ? forAny : inAnswer);
    return kept === null ? o : filtered(q, kept, o.source, o.upstream);
  };

  return {
    name: 'type-filter',
    handle(q, next) {
      const { qtype, qclass } = q.p;
      if (qclass === QClass.IN && qtype !== RRType.ANY && types.has(qtype)) {
        counters.answered++;
        return filtered(q, questionReply(q.msg, q.p.qEnd, RCode.NOERROR), 'local', null);
      }
      if (qtype !== RRType.ANY && !scanAll) return next(q);
      const r = next(q);
      return isPromise(r) ? r.then((o) => trim(q, o)) : trim(q, r);
    },
  };
}
