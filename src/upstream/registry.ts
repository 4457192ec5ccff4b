/**
 * Creates the Upstream and ServerGroup objects for a configuration: one Upstream per distinct
 * server (so health and RTT are shared by every group listing it), one ServerGroup per distinct
 * ordered server list, policy and transport (force-tcp).
 */
import type { TlsCa, UpstreamPolicy, UpstreamSpec } from '../config/types.js';
import { ServerGroup, type GroupTally } from './group.js';
import { Upstream, type CarriedUpstream } from './upstream.js';
import { fullUpstreamLabel } from './upstream-label.js';
import type { AddressRanges } from '../util/address-ranges.js';
import type { UdpSending } from './udp-transport.js';
import type { ForwardTap } from './forward-tap.js';
import { HostLookup, type FoundAddresses, type LookupReport, type LookupTally } from './host-lookup.js';

/** A server's identity: a reload carries its state over to the server with the same key. */
export function specKey(s: UpstreamSpec): string {
  const tls = s.tls === undefined ? '' : `tls:${s.tls.name ?? ''}/${s.tls.path ?? ''} `;
  return `${tls}${s.address}#${s.port}@${s.sourceAddress ?? ''}#${s.sourcePort ?? ''}%${s.device ?? ''}`;
}

/** What a registry's groups (merge-answers) and bootstrap lookups count, carried from one registry to the next. */
export type RegistryTally = GroupTally & LookupTally;

/** How a registry's servers are built, besides their policy and attempt time (every field has a default). */
export interface RegistryOptions {
  /** ignore-address ranges every upstream applies to its replies. */
  readonly ignored?: AddressRanges | null;
  /** How every upstream sends over UDP: source ports (query-port, min-port, max-port), copies (fast-dns-retry, port-limit). */
  readonly ports?: UdpSending;
  /** True with add-subnet: replies whose ECS option does not match the query's are dropped (RFC 7871 §7.3). */
  readonly checkEcs?: boolean;
  /** What the groups and lookups count together: the replaced registry's, to go on counting in it. */
  readonly tally?: RegistryTally;
  /** The CAs tls:// and https:// servers' certificates must chain to (tls-ca-file=), null: Node's bundled list. */
  readonly tlsCa?: TlsCa | null;
  /** Told of warnings about a server that are not health changes. */
  readonly notice?: (u: Upstream, message: string) => void;
  /** bootstrap-server=: the servers host names are looked up with (tls:// and https:// servers at connection; clear-text ones at load, server-name-lookup.ts). */
  readonly bootstrap?: readonly UpstreamSpec[];
  /** How long one bootstrap lookup may take (query-timeout). */
  readonly lookupTimeoutMs?: number;
  /** Told of the addresses found for servers' host names when they change, and of failed lookups. */
  readonly report?: LookupReport;
  /** What the replaced registry's lookups found (its hostsFound()): the first connections need no lookup. */
  readonly hostsFound?: FoundAddresses;
  /** Told of every server's exchanges (dnstap-messages=forwarder), or null. */
  readonly tap?: ForwardTap | null;
}

/** Owns every upstream socket; close() releases them all. */
export class UpstreamRegistry {
  readonly #upstreams = new Map<string, Upstream>();
  readonly #groups = new Map<string, ServerGroup>();
  /** The servers by their short label (upstreamLabel), to lengthen the labels of those that share one. */
  readonly #byLabel = new Map<string, Upstream[]>();
  /** Looks up servers' host names through the bootstrap servers; made for the first server named so. */
  #hosts: HostLookup | null = null;
  /** What the groups and lookups count together (the replaced registry's, when given). */
  readonly tally: RegistryTally;

  /**
   * @param carried what the registry this one replaces carries over (its carryOver()): a server the
   *   new configuration names again goes on counting in its counters and keeps its health
   */
  constructor(
    private readonly policy: UpstreamPolicy,
    readonly attemptMs: number,
    private readonly onHealthChange: (u: Upstream, up: boolean, why: string) => void = () => {},
    private carried: ReadonlyMap<string, CarriedUpstream> = new Map(),
    private readonly options: RegistryOptions = {},
  ) {
    this.tally = options.tally ?? { merges: 0, lookupsOk: 0, lookupsFailed: 0 };
  }

  /** The lookups of servers named by host name, through a group of the bootstrap servers (made once, on first use). */
  hostLookup(): HostLookup {
    if (this.#hosts !== null) return this.#hosts;
    const o = this.options;
    const servers = o.bootstrap ?? [];
    this.#hosts = new HostLookup(servers.length === 0 ? null : this.group(servers), o.lookupTimeoutMs ?? this.attemptMs, o.report, o.hostsFound, undefined, this.tally);
    return this.#hosts;
  }

  /** The group for this server list, policy (by default the global one) and transport (`tcp`: force-tcp), created on first use. */
  group(specs: readonly UpstreamSpec[], policy: UpstreamPolicy = this.policy, tcp = false): ServerGroup {
    const members: Upstream[] = [];
    for (const s of specs) {
      const k = specKey(s);
      let u = this.#upstreams.get(k);
      if (!u) {
        const o = this.options;
        const hosts = s.lookup === undefined ? null : this.hostLookup();
        u = new Upstream(s, this.onHealthChange, this.carried.get(k) ?? null, { ignored: o.ignored, ports: o.ports, checkEcs: o.checkEcs, tlsCa: o.tlsCa, notice: o.notice, hosts, tap: o.tap });
        this.#upstreams.set(k, u);
        this.#labelled(u);
      } else if (s.hostName !== undefined && !u.hostNames.includes(s.hostName)) {
        // The same address reached through another name (or first named directly): /health lists every name.
        u.hostNames.push(s.hostName);
      }
      if (!members.includes(u)) members.push(u);
    }
    const gk = `${policy}${tcp ? '+tcp' : ''}:${members.map((m) => specKey(m.spec)).join(',')}`;
    let g = this.#groups.get(gk);
    if (!g) {
      g = new ServerGroup(this.#groups.size + 1, members, policy, this.attemptMs, this.tally, tcp);
      this.#groups.set(gk, g);
    }
    return g;
  }

  /** Keeps `u` under its label; it and every server with the same one get their full labels (another source address, another TLS name). */
  #labelled(u: Upstream): void {
    const same = this.#byLabel.get(u.label);
    if (same === undefined) return void this.#byLabel.set(u.label, [u]);
    same.push(u);
    for (const o of same) o.label = fullUpstreamLabel(o.spec);
  }

  /**
   * Drops what the replaced registry carried over, once every group is made: a carried server's
   * takeUdp reaches back to that registry's upstream, which must not stay reachable from here.
   */
  settle(): void {
    this.carried = new Map();
  }

  /** The key this registry (and the ones after it) knows `u` by. */
  keyOf(u: Upstream): string {
    return specKey(u.spec);
  }

  /**
   * Marks the server known by `key` looped or not (dns-loop-detect) and updates every group's
   * usable servers; true when that changed anything.
   */
  setLooped(key: string, looped: boolean): boolean {
    const u = this.#upstreams.get(key);
    if (u === undefined || u.looped === looped) return false;
    u.looped = looped;
    for (const g of this.#groups.values()) g.refresh();
    return true;
  }

  /** Every upstream, in creation order. */
  upstreams(): Upstream[] {
    return [...this.#upstreams.values()];
  }

  /** The addresses found for servers' host names so far (plain data), for the registry that replaces this one. */
  hostsFound(): FoundAddresses {
    return this.#hosts?.found() ?? new Map();
  }

  /** Each server's counters and health by its identity, for the registry that replaces this one. */
  carryOver(): Map<string, CarriedUpstream> {
    return new Map([...this.#upstreams].map(([k, u]) => [k, u.carry()]));
  }

  /** Every group. */
  groups(): ServerGroup[] {
    return [...this.#groups.values()];
  }

  /** Closes all sockets. */
  close(): void {
    for (const u of this.#upstreams.values()) u.close();
  }
}
