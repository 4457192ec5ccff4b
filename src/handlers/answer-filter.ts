/**
 * Post-processing of upstream answers, between the cache and the forward stage (so what it
 * changes is what gets cached, and what it blocks is never cached):
 * - stop-dns-rebind (reference §6.5): an A/AAAA answer inside private space blanks the whole
 *   reply (NOERROR, no records), unless the name is under a rebind-domain-ok domain; loopback
 *   and 0/8 count unless rebind-localhost-ok;
 * - an upstream NXDOMAIN for a locally known name (local data, an alias, an ancestor of one, or a
 *   name under an `address=` domain with an address) becomes NODATA with AA (reference §1.3).
 */
import { Buffer } from 'node:buffer';
import { FLAG2, RCode, RRType } from '../wire/constants.js';
import { scanMessage, Section } from '../wire/layout.js';
import { questionReply } from '../wire/reply-build.js';
import { encodeName } from '../wire/name.js';
import type { Query } from '../pipeline/query.js';
import { DROP, Reply, type Handler, type Outcome } from '../pipeline/types.js';
import { isPrivateV4, isPrivateV6 } from '../local/private-ranges.js';
import type { LocalZone } from '../local/zone.js';
import type { DomainTable } from '../routing/domain-table.js';
import type { ServerGroup } from '../upstream/group.js';
import { isPromise } from '../util/thenable.js';

/** Options for the answer filter. */
export interface AnswerFilterOptions {
  readonly stopDnsRebind: boolean;
  readonly rebindLocalhostOk: boolean;
  /** Exempt domains ('' = dotless names). */
  readonly rebindDomainOk: readonly string[];
}

/** True when the query name is at or below one of `domains` (wire keys). */
function underAny(q: Query, domains: ReadonlySet<string>, dotless: boolean): boolean {
  const key = q.p.key;
  if (dotless && key.charCodeAt(0) + 2 === q.nameLen) return true;
  for (let off = 0; off < q.nameLen - 1; off += key.charCodeAt(off) + 1) {
    if (domains.has(key.slice(off, q.nameLen))) return true;
  }
  return false;
}

/** True when an answer record is an A/AAAA into private space. */
function pointsInside(r: Reply, localhostOk: boolean): boolean {
  const layout = r.layout ?? scanMessage(r.wire);
  if (!layout) return false;
  for (const rec of layout.records) {
    if (rec.section !== Section.ANSWER) break;
    const data = r.wire.subarray(rec.rdataOff, rec.rdataOff + rec.rdlen);
    if (rec.type === RRType.A && rec.rdlen === 4 && isPrivateV4(data, localhostOk)) return true;
    if (rec.type === RRType.AAAA && rec.rdlen === 16 && isPrivateV6(data, localhostOk)) return true;
  }
  return false;
}

/** What the filter counts. */
export interface FilterCounters {
  /** Answers blocked by stop-dns-rebind. */
  blocked: number;
}

/** Creates the filter stage; it counts in `counters`, which the runtime owns (a replaced runtime's go on). */
export function createAnswerFilter(opts: AnswerFilterOptions, zone: LocalZone, table: DomainTable<ServerGroup>, counters: FilterCounters): Handler {
  const okDomains = new Set(opts.rebindDomainOk.filter((d) => d !== '').map((d) => encodeName(d).toString('latin1')));
  const okDotless = opts.rebindDomainOk.includes('');
  const check = (q: Query, o: Outcome): Outcome => {
    if (o === DROP || (o.source !== 'upstream' && o.source !== 'coalesced')) return o;
    if (o.rcode === RCode.NXDOMAIN && ((!zone.empty && zone.isKnown(q.nameKey)) || table.addressCovers(q.p.key, q.nameLen, q))) {
      // Keep the upstream's records (its SOA); only the RCODE and AA change, as in dnsmasq.
      const wire = o.owned ? o.wire : Buffer.from(o.wire);
      wire[2] = wire[2]! | FLAG2.AA;
      wire[3] = (wire[3]! & ~0x0f) | RCode.NOERROR;
      return new Reply(wire, o.source, true, o.optStart, o.optEnd, o.upstream, o.layout);
    }
    if (opts.stopDnsRebind && o.rcode === RCode.NOERROR && !underAny(q, okDomains, okDotless) && pointsInside(o, opts.rebindLocalhostOk)) {
      counters.blocked++;
      return new Reply(questionReply(q.msg, q.p.qEnd, RCode.NOERROR), 'blocked', true, -1, -1, o.upstream);
    }
    return o;
  };
  return {
    name: 'answer-filter',
    handle(q, next) {
      const r = next(q);
      return isPromise(r) ? r.then((o) => check(q, o)) : check(q, r);
    },
  };
}
