/**
 * The local stage: answers that never touch the cache or the network, authoritative (AA) except
 * where noted:
 * - local data (hosts files, host-record, txt-record, srv-host, ptr-record, mx-host,
 *   naptr-record, caa-record, dns-rr): the records of the asked type (every one for ANY), or
 *   NODATA when the name exists with other types only;
 * - domain-rule outcomes: `address=` (A/AAAA for a domain and below, reference §1.3) and
 *   local-only domains (`server=/d/`, `local=/d/`, `address=/d/`): NXDOMAIN, or NODATA when the
 *   domain has addresses or the name is locally known (these two without AA, as dnsmasq);
 * - domain-needed (dotless A/AAAA → NXDOMAIN, or NODATA for a local name; without AA, as
 *   dnsmasq) and bogus-priv (private PTR → NXDOMAIN unless a domain-specific server covers it),
 *   reference §6.5;
 * - synth-domain (local/synth.ts): A/AAAA for a synthesised name and PTR for a reverse name in
 *   a range, after local data (a hosts or host-record name or PTR wins, and a local name lacking
 *   the asked address type gets the synthesised one, as in dnsmasq 2.90) and before the domain
 *   rules (address=, local=, server=, bogus-priv), with AA and local-ttl; other types NODATA;
 * - interface-name and dynamic-host (local/interface-hosts.ts), before local data: a configured
 *   name's A/AAAA records come from its interface's current addresses (a hosts file's addresses
 *   for it are not served, as in dnsmasq 2.90), its other types from local data or NODATA; the
 *   PTR of such an address names the first line that has it, ahead of hosts files and ptr-record;
 * - localise-queries (local/localise.ts): IPv4 answers from hosts files, host-record,
 *   interface-name and dynamic-host keep the addresses in the subnet the query was sent to;
 * - CHAOS TXT identity and statistics names (version.bind, hits.bind…; handlers/chaos.ts).
 * cname aliases pass through to the cname stage.
 */
import { HEADER_SIZE, QClass, RCode, RRType } from '../wire/constants.js';
import { answerReply } from '../wire/answer-build.js';
import { WireLengths } from '../wire/name-lengths.js';
import { questionReply } from '../wire/reply-build.js';
import { Reply, type Handler } from '../pipeline/types.js';
import type { Query } from '../pipeline/query.js';
import type { DomainTable } from '../routing/domain-table.js';
import type { ServerGroup } from '../upstream/group.js';
import type { LocalZone, ZoneRecord } from '../local/zone.js';
import type { SynthDomains } from '../local/synth.js';
import type { InterfaceHosts } from '../local/interface-hosts.js';
import type { Localiser } from '../local/localise.js';
import { isPrivateV4, isPrivateV6, reverseNameAddress } from '../local/private-ranges.js';
import type { ChaosAnswerer } from './chaos.js';
import { routeOf } from './route.js';

/** Options for the local stage. */
export interface LocalOptions {
  readonly localTtl: number;
  readonly domainNeeded: boolean;
  readonly bogusPriv: boolean;
  readonly filterWin2k: boolean;
  /** synth-domain ranges; absent or null when none is configured (then no query pays for them). */
  readonly synth?: SynthDomains | null;
  /** interface-name and dynamic-host lines; absent or null when none is configured. */
  readonly interfaceHosts?: InterfaceHosts | null;
  /** localise-queries; absent or null when off. */
  readonly localiser?: Localiser | null;
}

/** What the local stage counts (SIGUSR1, CHAOS hits.bind). */
export interface LocalCounters {
  /** Queries answered here: local data, rule outcomes, CHAOS names (NOTIMP included); the type filter's NODATA counts here too. */
  answered: number;
}

/** True for a reverse name of a private address (bogus-priv). */
function isPrivatePtr(name: string): boolean {
  const a = reverseNameAddress(name);
  return a !== null && (a.length === 4 ? isPrivateV4(a) : isPrivateV6(a));
}

/**
 * Creates the local stage. `aliases` holds the wire keys of cname aliases (left to the cname
 * stage); `chaos` answers the CHAOS names the server keeps for itself (handlers/chaos.ts).
 */
export function createLocal(
  opts: LocalOptions,
  table: DomainTable<ServerGroup>,
  zone: LocalZone,
  aliases: ReadonlySet<string>,
  chaos: ChaosAnswerer | null = null,
  counters: LocalCounters = { answered: 0 },
): Handler & { readonly counters: LocalCounters } {
  const reply = (wire: Buffer) => {
    counters.answered++;
    return new Reply(wire, 'local', true, -1, -1, null);
  };
  const rcodeReply = (q: Query, rcode: number, aa = true) => reply(questionReply(q.msg, q.p.qEnd, rcode, aa));
  /** An AA answer with `records` (at least one), all with the smallest of their TTLs. */
  const recordsReply = (q: Query, records: readonly ZoneRecord[]) => {
    let ttl = records[0]!.ttl;
    for (const r of records) if (r.ttl < ttl) ttl = r.ttl;
    return reply(answerReply(q.msg, q.p.qEnd, QClass.IN, records, ttl, true));
  };
  const localiser = opts.localiser ?? null;
  /** `records` as the query's subnet gets them (localise-queries), for A and ANY questions. */
  const localised = (q: Query, records: readonly ZoneRecord[]) =>
    localiser !== null && (q.p.qtype === RRType.A || q.p.qtype === RRType.ANY) ? localiser.apply(records, q.client.localAddress) : records;
  const ifaceHosts = opts.interfaceHosts ?? null;
  /** The answer for an interface-name or dynamic-host name (wire key `key`). */
  const interfaceNameReply = (q: Query, key: string) => {
    const qtype = q.p.qtype;
    const wanted = (r: ZoneRecord) => r.type === qtype || qtype === RRType.ANY;
    const other = (r: ZoneRecord) => r.type !== RRType.A && r.type !== RRType.AAAA && wanted(r);
    const match = localised(q, ifaceHosts!.addresses(key).filter(wanted).concat(zone.records(key)?.filter(other) ?? []));
    return match.length === 0 ? rcodeReply(q, RCode.NOERROR) : recordsReply(q, match);
  };
  // Measured: a route lookup on every query (cache hits included) was ~7% of the hit path; with
  // no address= or local-only rule the lookup can only say "forward", so it is left to that stage.
  const routesLocally = table.hasLocalRules;
  // With the zone's name lengths, most queries skip slicing and hashing their name here (a hosts
  // file makes the zone non-empty on most systems).
  const aliasLengths = WireLengths.of(aliases);
  const synth = opts.synth ?? null;
  /** The synthesised records of the query's name (local-ttl), or null when it is no synth-domain name. */
  const synthesised = (q: Query): ZoneRecord[] | null => {
    if (synth === null || !synth.mayMatch(q.msg, HEADER_SIZE, q.nameLen)) return null;
    return synth.records(q.name)?.map((r) => ({ type: r.type, rdata: r.rdata, ttl: opts.localTtl })) ?? null;
  };
  return {
    name: 'local',
    counters,
    handle(q, next) {
      const { qtype, qclass } = q.p;
      if (qclass === QClass.CH && chaos !== null) {
        const answer = chaos(q);
        if (answer !== null) {
          counters.answered++;
          return answer;
        }
      }
      const inClass = qclass === QClass.IN || qclass === QClass.ANY;
      if (ifaceHosts !== null && inClass) {
        if (ifaceHosts.mayBeName(q.nameLen) && ifaceHosts.isName(q.nameKey) && !aliases.has(q.nameKey)) return interfaceNameReply(q, q.nameKey);
        if (qtype === RRType.PTR || qtype === RRType.ANY) {
          const ptr = ifaceHosts.pointer(q.msg, HEADER_SIZE, q.nameLen, () => q.nameKey);
          if (ptr !== null) return recordsReply(q, [ptr]);
        }
      }
      if (!zone.empty && inClass && (aliasLengths.has(q.nameLen) || zone.mayHaveRecords(q.nameLen))) {
        const key = q.nameKey;
        if (aliases.has(key)) return next(q);
        const recs = zone.records(key);
        if (recs) {
          let match = recs.filter((r) => r.type === qtype || qtype === RRType.ANY);
          // synth-domain fills in an address or PTR type the local name lacks (dnsmasq 2.90: a
          // host-record with only an AAAA keeps its synthesised A).
          if (synth !== null && (match.length === 0 || qtype === RRType.ANY)) {
            const more = synthesised(q)?.filter((s) => (s.type === qtype || qtype === RRType.ANY) && !recs.some((r) => r.type === s.type));
            if (more !== undefined && more.length > 0) match = match.concat(more);
          }
          // A name only caa-record or dns-rr gave records to is not local: other types go on.
          if (match.length === 0) {
            if (zone.claims(key)) return rcodeReply(q, RCode.NOERROR);
          } else return recordsReply(q, localised(q, match));
        }
      }
      if (synth !== null && inClass) {
        // Before address=, local= and server= for the domain, and bogus-priv for the reverse zone,
        // as in dnsmasq 2.90. A synthesised name is local: other types get NODATA, not a forward.
        const recs = synthesised(q);
        if (recs !== null) {
          const match = recs.filter((r) => r.type === qtype || qtype === RRType.ANY);
          return match.length === 0 ? rcodeReply(q, RCode.NOERROR) : reply(answerReply(q.msg, q.p.qEnd, QClass.IN, match, opts.localTtl, true));
        }
      }
      if (!routesLocally && !opts.domainNeeded && !opts.bogusPriv && !opts.filterWin2k) return next(q);
      const win2k = opts.filterWin2k && (qtype === RRType.SOA || qtype === RRType.SRV || (qtype === RRType.ANY && q.name.includes('_')));
      // Without address= or local-only rules the route can only say "forward" or REFUSED: only
      // bogus-priv's PTR check and filterwin2k read it then, and domain-needed alone never does.
      const route = routesLocally || (opts.bogusPriv && qtype === RRType.PTR) || win2k ? routeOf(q, table) : null;
      if (route !== null && route.kind === 'address' && inClass) {
        const records = route.rdata.map((rdata) => ({ type: route.rrtype, rdata }));
        return reply(answerReply(q.msg, q.p.qEnd, QClass.IN, records, opts.localTtl, true));
      }
      if (route !== null && route.kind === 'local') {
        // dnsmasq 2.90 answers local-only domains without AA (reference §1.2, §1.3).
        const known = route.hasAddress || zone.isKnown(q.nameKey);
        return rcodeReply(q, known ? RCode.NOERROR : RCode.NXDOMAIN, false);
      }
      if (opts.domainNeeded && (qtype === RRType.A || qtype === RRType.AAAA) && q.nameLen > 1 && q.p.key.charCodeAt(0) + 2 === q.nameLen) {
        // Without AA, as dnsmasq 2.90 answers it (checked with dig against the binary).
        return rcodeReply(q, zone.isKnown(q.nameKey) ? RCode.NOERROR : RCode.NXDOMAIN, false);
      }
      // A domain's own server= (or rev-server=) exempts its names from filterwin2k and bogus-priv.
      const ownServer = route !== null && route.kind === 'forward' && route.domain !== '';
      // filterwin2k (reference §6.5): NODATA with AA, as dnsmasq 2.90 answers. Unlike dnsmasq, a
      // name a domain's own server= covers is forwarded: Consul's SRV records stay reachable.
      if (win2k && route !== null && !ownServer) return rcodeReply(q, RCode.NOERROR);
      if (route !== null && opts.bogusPriv && qtype === RRType.PTR && !ownServer && isPrivatePtr(q.name)) {
        return rcodeReply(q, RCode.NXDOMAIN);
      }
      return next(q);
    },
  };
}
