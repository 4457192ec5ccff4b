/**
 * What shapes a cached entry under one configuration, so that a reload (reload-keeps-cache) or a
 * start from a cache file keeps only the entries the configuration in force would have produced
 * the same way. Two parts (README "Reload and restart with a warm cache"):
 *
 * - `global`: the settings that change every stored reply, or which replies are stored at all:
 *   alias=, bogus-nxdomain, ignore-address, stop-dns-rebind and its exemptions, add-subnet,
 *   add-mac, add-cpe-id, strip-subnet, strip-mac, edns-packet-max (what upstreams see), max-ttl
 *   (answer TTLs are capped before they are stored), rotation (an entry's rotation table),
 *   proxy-dnssec (stored answers keep AD only with it) and whether use-stale-cache is on
 *   (entries with no lifetime are kept only then). When it differs, nothing is kept.
 * - `signature(key)`: what one entry's name and type get under the configuration: the cache TTL
 *   policy of the name (global or domain-scoped min/max-cache-ttl, neg-ttl, no-negcache, and whether
 *   it may be served stale: only then are answers with no lifetime stored), whether
 *   local data knows the name (an upstream NXDOMAIN then becomes NODATA), whether an address=
 *   domain covers it (the same), and the route: the servers of its domain rule with their ports,
 *   source addresses and interfaces and its group's forwarding policy (all-servers=/d/,
 *   merge-answers=/d/… pick it per domain), or the address=/local= rule that
 *   now answers it before the cache. A cname= alias's signature is its target and CNAME TTL, the
 *   filtered types (its stored answer holds the target's records as filtered), and the target's
 *   own, followed down the chain.
 *
 * Settings that only act in front of the cache (domain-needed, bogus-priv, filterwin2k,
 * filter-A/AAAA/rr on plain names, local data answering a name) are no part of it: the entry is
 * then not reached, and is right again when the setting goes.
 */
import { Buffer } from 'node:buffer';
import type { Config, DomainCachePolicy } from '../config/types.js';
import type { Route } from '../routing/domain-table.js';
import { SuffixMap } from '../routing/suffix-map.js';
import { wireKey } from '../local/zone.js';
import { MAX_ALIAS_DEPTH } from '../handlers/cname.js';
import type { ServerGroup } from '../upstream/group.js';
import type { Runtime } from '../runtime.js';
import { lowerDottedName } from '../wire/name.js';

/** Version of the signature scheme: a cache file written under another one is not loaded. */
export const SHAPE_VERSION = 1;

/** What a signature needs of a runtime. */
export type ShapeSource = Pick<Runtime, 'config' | 'table' | 'zone' | 'registry'>;

/** Wire length of the name a cache key starts with (its terminating zero included). */
export function keyNameLength(key: string): number {
  let off = 0;
  while (off < key.length && key.charCodeAt(off) !== 0) off += key.charCodeAt(off) + 1;
  return off + 1;
}

/** The settings that shape every stored reply, as one string (origins left out). */
export function globalShape(config: Config): string {
  const f = config.filters;
  const c = config.cache;
  return JSON.stringify({
    v: SHAPE_VERSION,
    aliases: f.aliases.map((a) => [a.from, a.to, a.replacement, a.mask]),
    bogus: f.bogusNxdomain,
    ignore: f.ignoreAddresses,
    rebind: f.stopDnsRebind ? [f.rebindLocalhostOk, [...f.rebindDomainOk].sort()] : null,
    edns: config.edns,
    ednsMax: config.forward.ednsPacketMax,
    maxTtl: c.clientMaxTtl,
    rotate: c.rotate,
    stale: c.staleMaxSec !== null,
    proxyDnssec: config.forward.proxyDnssec,
  });
}

/** A TTL policy as a string. */
const policyText = (p: Pick<DomainCachePolicy, 'minTtl' | 'maxTtl' | 'negTtl' | 'noNegcache' | 'staleMaxSec'>): string =>
  `${p.minTtl},${p.maxTtl},${p.negTtl ?? '-'},${p.noNegcache ? 1 : 0},${p.staleMaxSec === null ? 0 : 1}`;

/** Dotted name of a wire name key, made only when a wildcard rule needs it. */
class LazyName {
  #name: string | null = null;
  constructor(private readonly key: string) {}
  get name(): string {
    return (this.#name ??= lowerDottedName(Buffer.from(this.key, 'latin1'), 0, this.key.length) ?? '');
  }
}

/** Cache entry signatures under one runtime's configuration. */
export class CacheShape {
  /** See the file comment. */
  readonly global: string;
  readonly #rt: ShapeSource;
  readonly #policy: string;
  readonly #domainPolicies: SuffixMap<string> | null;
  readonly #aliases = new Map<string, string>();
  readonly #aliasTargets = new Map<string, string>();
  /** Routes are shared immutable objects (DomainTable), so their text is made once each. */
  readonly #routes = new Map<Route<ServerGroup>, string>();

  constructor(rt: ShapeSource) {
    const c = rt.config;
    this.#rt = rt;
    this.global = globalShape(c);
    this.#policy = policyText(c.cache);
    const dp = c.cache.domainPolicies;
    this.#domainPolicies = dp.length ? new SuffixMap(dp.map((p) => [p.domain, policyText(p)] as const)) : null;
    const types = c.filters.types.join(',');
    for (const r of c.cnames) {
      const key = wireKey(r.alias);
      this.#aliases.set(key, `C${r.target}/${r.ttl ?? c.localTtl}/${types}>`);
      this.#aliasTargets.set(key, wireKey(r.target));
    }
  }

  /** The signature of the entry cached under `key` (a cache key: wire name, type, class, flags). */
  signature(key: string): string {
    const nameLen = keyNameLength(key);
    const qtype = (key.charCodeAt(nameLen) << 8) | key.charCodeAt(nameLen + 1);
    const policy = this.#domainPolicies?.longest(key, nameLen) ?? this.#policy;
    return `${policy}|${this.#answer(key.slice(0, nameLen), qtype, 0)}`;
  }

  /** What the name `nameKey` (a wire name key) gets for `qtype`: see the file comment. */
  #answer(nameKey: string, qtype: number, depth: number): string {
    const known = this.#rt.zone.isKnown(nameKey) ? 'K' : '-';
    const alias = this.#aliases.get(nameKey);
    if (alias !== undefined) {
      if (depth >= MAX_ALIAS_DEPTH) return `${known}${alias}deep`;
      return known + alias + this.#answer(this.#aliasTargets.get(nameKey)!, qtype, depth + 1);
    }
    const table = this.#rt.table;
    const dotted = new LazyName(nameKey);
    const covered = table.addressCovers(nameKey, nameKey.length, dotted) ? 'a' : '-';
    return known + covered + this.#routeText(table.lookup(nameKey, nameKey.length, qtype, dotted));
  }

  #routeText(route: Route<ServerGroup>): string {
    let text = this.#routes.get(route);
    if (text === undefined) {
      text = describeRoute(route, this.#rt);
      this.#routes.set(route, text);
    }
    return text;
  }
}

/** A route as text: its kind, and the servers (in order, with the policy) or the addresses. */
function describeRoute(route: Route<ServerGroup>, rt: ShapeSource): string {
  switch (route.kind) {
    case 'forward':
      return `F${route.group.policy}${route.group.tcp ? '+tcp' : ''}:${route.group.members.map((u) => rt.registry.keyOf(u)).join(',')}`;
    case 'address':
      return `A${route.rrtype}:${route.rdata.map((b) => b.toString('hex')).join(',')}`;
    case 'local':
      return 'L';
    case 'refused':
      return 'R';
  }
}
