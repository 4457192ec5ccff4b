/**
 * The one domain-rule table (reference §1.5): every `server=`, `local=`, `address=` and
 * `rev-server=` rule plus the resolv.conf servers, looked up by walking the query name's labels
 * from the longest suffix toward the root. `address=` and `server=` share it, so a more specific
 * `server=` beats a less specific `address=` and vice versa, exactly as in dnsmasq.
 *
 * Keys are lower-cased wire-format names as latin1 strings, so a lookup needs no dotted-name
 * conversion: each label boundary of the query key is one Map probe, made only when some rule's
 * domain has that suffix's wire length (most names then need no probe, no slice, no hash).
 */
import { Buffer } from 'node:buffer';
import { RRType } from '../wire/constants.js';
import { encodeName } from '../wire/name.js';
import { WireLengths } from '../wire/name-lengths.js';
import { ipBytes } from '../util/ip.js';
import type { DomainRule, UpstreamSpec } from '../config/types.js';

/**
 * Everything configured for one domain (one pattern). Lists stay null until something is added:
 * an ad-block list has 10^5 entries, each with one address or none, and no servers.
 */
class DomainEntry<G> {
  v4: Buffer[] | null = null;
  v6: Buffer[] | null = null;
  nullAddress = false;
  useDefault = false;
  localOnly = false;
  servers: UpstreamSpec[] | null = null;
  group: G | null = null;
  /** Routes this entry decides, made on first use and shared (they are immutable), by RouteSlot. */
  routes: (Route<G> | undefined)[] | null = null;
  /**
   * @param domain the rule's domain as written (without `*`, `*.`)
   * @param scope the domain every name the entry matches is at or below ('' for the root): what
   *   picks its group's policy (`all-servers=/d/`…)
   */
  constructor(readonly domain: string, readonly scope = domain) {}
  get hasAddress(): boolean {
    return this.v4 !== null || this.v6 !== null || this.nullAddress;
  }
}

/** The name without its first label ('' for a one-label name). */
function parentOf(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

/** `list` with `item` added; a first item makes an exact-size array (`[].push` reserves room for 17). */
function append<T>(list: T[] | null, item: T): T[] {
  if (list === null) return [item];
  list.push(item);
  return list;
}

/** The outcome of a lookup: what the pipeline should do with the query. */
export type Route<G> =
  | { readonly kind: 'forward'; readonly group: G; readonly domain: string }
  | { readonly kind: 'address'; readonly rrtype: number; readonly rdata: readonly Buffer[]; readonly domain: string }
  | { readonly kind: 'local'; readonly hasAddress: boolean; readonly domain: string }
  | { readonly kind: 'refused' };

/** Which cached route of an entry: see DomainEntry.routes. */
const RouteSlot = { FORWARD: 0, DEFAULT: 1, A: 2, AAAA: 3, NULL_A: 4, NULL_AAAA: 5, LOCAL: 6 } as const;

const REFUSED = { kind: 'refused' } as const;

const ZERO4 = Buffer.alloc(4);
const ZERO6 = Buffer.alloc(16);

/** A wildcard entry: `*d` (any string suffix) or `*.d` (strictly below d). */
interface Wildcard<G> {
  readonly suffix: string;
  readonly entry: DomainEntry<G>;
}

/** Builds and answers lookups; rebuild it (cheaply) when the rules or resolv servers change. */
export class DomainTable<G> {
  readonly #exact = new Map<string, DomainEntry<G>>();
  /** Wire lengths of the #exact keys. */
  readonly #lengths: WireLengths;
  readonly #wildcards: Wildcard<G>[] = [];
  readonly #default: DomainEntry<G>;
  readonly #unqualified: DomainEntry<G> | null;

  /**
   * @param rules config rules in order
   * @param resolvServers servers read from resolv-file (default group, after config servers)
   * @param makeGroup creates (or reuses) the server group object for a list of servers; `scope`
   *   is the domain every name the rule matches is at or below ('' for the default servers,
   *   unqualified names and a wildcard without a dot)
   */
  constructor(rules: readonly DomainRule[], resolvServers: readonly UpstreamSpec[], makeGroup: (servers: readonly UpstreamSpec[], scope: string) => G) {
    const def = new DomainEntry<G>('');
    let unq: DomainEntry<G> | null = null;
    const wild = new Map<string, DomainEntry<G>>();
    // One buffer per distinct address, shared by every rule that gives it (a list's 0.0.0.0).
    const addresses = new Map<string, Buffer>();
    for (const rule of rules) {
      const { name, match } = rule.domain;
      let entry: DomainEntry<G>;
      if (match === 'default') entry = def;
      else if (match === 'unqualified') entry = unq ??= new DomainEntry<G>('');
      else if (match === 'suffix') {
        const key = encodeName(name).toString('latin1');
        entry = this.#exact.get(key) ?? new DomainEntry<G>(name);
        this.#exact.set(key, entry);
      } else {
        const suffix = match === 'subdomains' ? `.${name}` : name;
        // `*.d` matches names below d; `*x.d` matches names ending in the string, all below d.
        entry = wild.get(suffix) ?? new DomainEntry<G>(name, match === 'subdomains' ? name : parentOf(name));
        wild.set(suffix, entry);
      }
      const a = rule.action;
      if (a.kind === 'forward') entry.servers = append(entry.servers, a.server);
      else if (a.kind === 'local-only') entry.localOnly = true;
      else if (a.kind === 'use-default') entry.useDefault = true;
      else if (a.kind === 'null-address') entry.nullAddress = true;
      else {
        const bytes = ipBytes(a.address);
        const key = bytes.toString('latin1');
        let rdata = addresses.get(key);
        if (rdata === undefined) addresses.set(key, (rdata = bytes));
        if (a.family === 4) entry.v4 = append(entry.v4, rdata);
        else entry.v6 = append(entry.v6, rdata);
      }
    }
    this.#lengths = WireLengths.of(this.#exact.keys());
    for (const s of resolvServers) def.servers = append(def.servers, s);
    this.#default = def;
    this.#unqualified = unq;
    for (const [suffix, entry] of wild) this.#wildcards.push({ suffix, entry });
    this.#wildcards.sort((x, y) => y.suffix.length - x.suffix.length);
    for (const e of [def, ...(unq ? [unq] : []), ...this.#exact.values(), ...wild.values()]) {
      if (e.servers !== null) e.group = makeGroup(e.servers, e.scope);
    }
  }

  /**
   * True when some rule can answer locally (`address=` or a local-only domain). Without one,
   * every route is a forward or REFUSED, and the local stage need not look routes up at all.
   */
  get hasLocalRules(): boolean {
    const local = (e: DomainEntry<G>) => e.hasAddress || e.localOnly;
    return local(this.#default) || (this.#unqualified !== null && local(this.#unqualified)) ||
      [...this.#exact.values()].some(local) || this.#wildcards.some((w) => local(w.entry));
  }

  /** True when some `address=` rule has an address (the answer filter then checks NXDOMAINs). */
  get hasAddressRules(): boolean {
    return this.#default.hasAddress || [...this.#exact.values()].some((e) => e.hasAddress) || this.#wildcards.some((w) => w.entry.hasAddress);
  }

  /** True when any server is configured anywhere (otherwise every forward is REFUSED). */
  get hasDefaultServers(): boolean {
    return this.#default.group !== null;
  }

  /** The group of the default servers (`server=ip` lines and resolv-file), or null when none. */
  get defaultGroup(): G | null {
    return this.#default.group;
  }

  /**
   * Routes a query. `key` is the query's cache key, which starts with the lower-cased wire name;
   * `nameLen` is that name's wire length; `dotted.name` (read only when there are wildcard rules)
   * is the dotted name. The route returned may be shared: it is immutable.
   */
  lookup(key: string, nameLen: number, qtype: number, dotted: { readonly name: string }): Route<G> {
    const wilds = this.#wildcards;
    let w = 0;
    let off = 0;
    const dottedName = wilds.length ? dotted.name : '';
    // Walk suffixes longest first; interleave wildcard entries by the length they match.
    while (off < nameLen - 1) {
      const suffixLen = nameLen - off - 2; // dotted length of this suffix
      for (; w < wilds.length && wilds[w]!.suffix.length > suffixLen; w++) {
        const r = this.#tryWildcard(wilds[w]!, dottedName, qtype);
        if (r) return r;
      }
      const entry = this.#lengths.has(nameLen - off) ? this.#exact.get(key.slice(off, nameLen)) : undefined;
      if (entry) {
        const r = this.#decide(entry, qtype);
        if (r) return r;
      }
      off += key.charCodeAt(off) + 1;
    }
    for (; w < wilds.length; w++) {
      const r = this.#tryWildcard(wilds[w]!, dottedName, qtype);
      if (r) return r;
    }
    if (this.#unqualified && nameLen > 1 && key.charCodeAt(0) + 2 === nameLen) {
      const r = this.#decide(this.#unqualified, qtype);
      if (r) return r;
    }
    return this.#decide(this.#default, qtype) ?? REFUSED;
  }

  /**
   * True when an `address=` rule with an address (or `#`) covers the name: dnsmasq then treats it
   * as locally known and turns an upstream NXDOMAIN into NODATA (reference §1.3).
   */
  addressCovers(key: string, nameLen: number, dotted: { readonly name: string }): boolean {
    for (let off = 0; off < nameLen - 1; off += key.charCodeAt(off) + 1) {
      if (this.#lengths.has(nameLen - off) && this.#exact.get(key.slice(off, nameLen))?.hasAddress) return true;
    }
    if (this.#wildcards.length) {
      const name = dotted.name;
      if (this.#wildcards.some((w) => w.entry.hasAddress && name.endsWith(w.suffix))) return true;
    }
    return this.#default.hasAddress;
  }

  #tryWildcard(wc: Wildcard<G>, name: string, qtype: number): Route<G> | null {
    return name.endsWith(wc.suffix) ? this.#decide(wc.entry, qtype) : null;
  }

  /** Applies reference §1.5 step 2 to one entry; null means "carry on to a shorter suffix". */
  #decide(e: DomainEntry<G>, qtype: number): Route<G> | null {
    const r = (e.routes ??= []);
    if (qtype === RRType.AAAA && e.v6 !== null) return (r[RouteSlot.AAAA] ??= { kind: 'address', rrtype: RRType.AAAA, rdata: e.v6, domain: e.domain });
    if (qtype === RRType.A && e.v4 !== null) return (r[RouteSlot.A] ??= { kind: 'address', rrtype: RRType.A, rdata: e.v4, domain: e.domain });
    if (e.nullAddress && qtype === RRType.A) return (r[RouteSlot.NULL_A] ??= { kind: 'address', rrtype: qtype, rdata: [ZERO4], domain: e.domain });
    if (e.nullAddress && qtype === RRType.AAAA) return (r[RouteSlot.NULL_AAAA] ??= { kind: 'address', rrtype: qtype, rdata: [ZERO6], domain: e.domain });
    if (e.useDefault) {
      // `server=/d/#`: the standard servers, never the default entry's address= (reference §1.5).
      const g = this.#default.group;
      return g !== null ? (r[RouteSlot.DEFAULT] ??= { kind: 'forward', group: g, domain: '' }) : REFUSED;
    }
    if (e.group !== null) return (r[RouteSlot.FORWARD] ??= { kind: 'forward', group: e.group, domain: e.domain });
    if (e.localOnly) return (r[RouteSlot.LOCAL] ??= { kind: 'local', hasAddress: e.hasAddress, domain: e.domain });
    return null;
  }
}
