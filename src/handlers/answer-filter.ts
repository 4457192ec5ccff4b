/**
 * Post-processing of upstream answers, between the cache and the forward stage (so what it
 * changes is what gets cached, and what it blocks is never cached):
 * - bogus-nxdomain (reference §6.5): an answer (any RCODE but NXDOMAIN) with an A/AAAA record in
 *   one of the ranges becomes NXDOMAIN with no records and no AA, plus EDE 15 "Blocked" for EDNS
 *   clients (RFC 8914 §4.16), as dnsmasq 2.90 answers; it is not cached (dnsmasq caches it);
 * - stop-dns-rebind (reference §6.5): an A/AAAA answer inside private space blanks the whole
 *   reply (NOERROR, no records, EDE 15 as dnsmasq sends), unless the name is under a
 *   rebind-domain-ok domain; loopback and 0/8 count unless rebind-localhost-ok;
 * - an upstream NXDOMAIN for a locally known name (local data, an alias, an ancestor of one, or a
 *   name under an `address=` domain with an address) becomes NODATA with AA (reference §1.3).
 */
import { Buffer } from 'node:buffer';
import { FLAG2, RCode } from '../wire/constants.js';
import { scanMessage } from '../wire/layout.js';
import { questionReply } from '../wire/reply-build.js';
import { someAnswerAddress } from '../wire/answer-addresses.js';
import { EdeCode } from '../wire/opt.js';
import { edeReply } from '../pipeline/ede-reply.js';
import type { Query } from '../pipeline/query.js';
import { DROP, Reply, type Handler, type Outcome } from '../pipeline/types.js';
import { isPrivateV4, isPrivateV6 } from '../local/private-ranges.js';
import type { LocalZone } from '../local/zone.js';
import type { DomainTable } from '../routing/domain-table.js';
import { SuffixMap } from '../routing/suffix-map.js';
import type { ServerGroup } from '../upstream/group.js';
import { isPromise } from '../util/thenable.js';
import { AddressRanges } from '../util/address-ranges.js';
import type { AddressRange } from '../config/types.js';

/** Options for the answer filter. */
export interface AnswerFilterOptions {
  readonly stopDnsRebind: boolean;
  readonly rebindLocalhostOk: boolean;
  /** Exempt domains ('' = dotless names). */
  readonly rebindDomainOk: readonly string[];
  /** bogus-nxdomain ranges. */
  readonly bogusNxdomain: readonly AddressRange[];
  /** The UDP size our OPT record advertises. */
  readonly ednsPacketMax: number;
}

/** True when the query name is at or below one of `domains`, or has one label and `dotless` is set. */
function underAny(q: Query, domains: SuffixMap<true>, dotless: boolean): boolean {
  const key = q.p.key;
  if (dotless && key.charCodeAt(0) + 2 === q.nameLen) return true;
  return domains.longest(key, q.nameLen) !== undefined;
}

/** True when an answer record of `r` is an A/AAAA that `test` accepts. */
function answerAddress(r: Reply, test: (addr: Uint8Array) => boolean): boolean {
  const layout = r.layout ?? scanMessage(r.wire);
  return layout !== null && someAnswerAddress(r.wire, layout, test);
}

/** What the filter counts. */
export interface FilterCounters {
  /** Answers blocked by stop-dns-rebind. */
  blocked: number;
  /** Answers turned into NXDOMAIN by bogus-nxdomain. */
  bogus: number;
}

/** Creates the filter stage; it counts in `counters`, which the runtime owns (a replaced runtime's go on). */
export function createAnswerFilter(opts: AnswerFilterOptions, zone: LocalZone, table: DomainTable<ServerGroup>, counters: FilterCounters): Handler {
  const okDomains = new SuffixMap(opts.rebindDomainOk.filter((d) => d !== '').map((d) => [d, true] as const));
  const okDotless = opts.rebindDomainOk.includes('');
  const bogus = new AddressRanges(opts.bogusNxdomain);
  const isPrivate = (a: Uint8Array) => (a.length === 4 ? isPrivateV4(a, opts.rebindLocalhostOk) : isPrivateV6(a, opts.rebindLocalhostOk));
  /** The question alone with `rcode`, and EDE 15 "Blocked" for EDNS clients. */
  const blocked = (q: Query, rcode: number, upstream: string | null): Reply =>
    edeReply(q, questionReply(q.msg, q.p.qEnd, rcode), 'blocked', upstream, opts.ednsPacketMax, EdeCode.BLOCKED);
  const check = (q: Query, o: Outcome): Outcome => {
    if (o === DROP || (o.source !== 'upstream' && o.source !== 'coalesced')) return o;
    if (o.rcode === RCode.NXDOMAIN && ((!zone.empty && zone.isKnown(q.nameKey)) || table.addressCovers(q.p.key, q.nameLen, q))) {
      // Keep the upstream's records (its SOA); only the RCODE and AA change, as in dnsmasq.
      const wire = o.owned ? o.wire : Buffer.from(o.wire);
      wire[2] = wire[2]! | FLAG2.AA;
      wire[3] = (wire[3]! & ~0x0f) | RCode.NOERROR;
      return new Reply(wire, o.source, true, o.optStart, o.optEnd, o.upstream, o.layout, false, 0, o.cacheable);
    }
    if (!bogus.empty && o.rcode !== RCode.NXDOMAIN && answerAddress(o, bogus.has)) {
      counters.bogus++;
      return blocked(q, RCode.NXDOMAIN, o.upstream);
    }
    if (opts.stopDnsRebind && o.rcode === RCode.NOERROR && !underAny(q, okDomains, okDotless) && answerAddress(o, isPrivate)) {
      counters.blocked++;
      return blocked(q, RCode.NOERROR, o.upstream);
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
