/**
 * Everything built from one Config, in the pipeline's fixed order (DESIGN.md):
 *
 *   acl → local (→ chaos for class CH) → cname → type-filter → cache → answer-filter → alias → forward
 *
 * Order is code, not config: a config only enables and parameterises stages. A reload builds a
 * new Runtime and swaps it in whole; queries in flight finish on the old one.
 */
import type { Clock } from './clock.js';
import { CacheStore } from './cache/store.js';
import { ttlPolicy } from './cache/ttl-policy.js';
import type { CacheConfig, Config } from './config/types.js';
import { createAcl } from './handlers/acl.js';
import { createAnswerFilter, type FilterCounters } from './handlers/answer-filter.js';
import { createCache } from './handlers/cache.js';
import { domainCache, staleOptions } from './handlers/cache-settings.js';
import { forwardDomain, routeOf } from './handlers/route.js';
import { createChaos } from './handlers/chaos.js';
import { createCname } from './handlers/cname.js';
import { createDoctor } from './handlers/doctor.js';
import { NeighbourTable } from './edns/neighbours.js';
import { EdnsRewriter } from './edns/rewriter.js';
import { createForward, type ForwardOptions } from './handlers/forward.js';
import { rcodeName } from './wire/constants.js';
import { createLocal, type LocalCounters } from './handlers/local.js';
import { createLoopGuard, type LoopGuardCounters } from './handlers/loop-guard.js';
import { createTypeFilter } from './handlers/type-filter.js';
import { localSubnets } from './listen/interfaces.js';
import { buildZone } from './local/build-zone.js';
import { machineName, needsMachineName } from './local/mx-records.js';
import { SynthDomains } from './local/synth.js';
import { InterfaceHosts } from './local/interface-hosts.js';
import { InterfaceSnapshot } from './local/interface-snapshot.js';
import { Localiser } from './local/localise.js';
import { readHosts } from './local/hosts-loader.js';
import type { LocalZone } from './local/zone.js';
import type { Logger } from './log/logger.js';
import { compose } from './pipeline/compose.js';
import { createDispatcher, type Dispatched, type LATER, type PendingCount, type Tap } from './pipeline/dispatch.js';
import type { Query } from './pipeline/query.js';
import { DROP, type Handler, type Next } from './pipeline/types.js';
import type { DomainTable } from './routing/domain-table.js';
import { SuffixMap } from './routing/suffix-map.js';
import type { ServerGroup } from './upstream/group.js';
import type { CheckSharing } from './upstream/check-sharing.js';
import type { SiblingEntries } from './handlers/refresh-or-fallback.js';
import type { HealthChecks } from './upstream/health-check.js';
import { LoopDetector } from './upstream/loop-detect.js';
import type { UpstreamRegistry } from './upstream/registry.js';
import type { EncryptedEndpoint, Endpoint } from './upstream/self-detect.js';
import { buildRouting, checkLoops } from './runtime-routing.js';
import type { PacketDump } from './log/packet-dump.js';
import type { ForwardTap } from './upstream/forward-tap.js';

/** The built pipeline and what its stages count. */
export interface Runtime {
  readonly config: Config;
  readonly registry: UpstreamRegistry;
  readonly table: DomainTable<ServerGroup>;
  /** The pipeline itself: the outcome for a query, before finalize (GET /explain runs questions through it). */
  readonly chain: Next;
  /** Answers a query: its bytes now, or LATER through `q.client.reply`. */
  readonly dispatch: (q: Query) => Dispatched | typeof LATER;
  readonly forward: ReturnType<typeof createForward>;
  readonly cache: ReturnType<typeof createCache>;
  readonly store: CacheStore;
  readonly zone: LocalZone;
  /** The answer filter's counters (zero while no filter runs). */
  readonly filter: FilterCounters;
  /** Queries the local stage answered. */
  readonly local: LocalCounters;
  /** Loop probes that came back as queries. */
  readonly loopGuard: LoopGuardCounters;
  /** The active health checks (health-check=), or null: none configured. Stopped when this runtime is replaced. */
  readonly checks: HealthChecks | null;
  /** What the resolv-files and hostsdirs looked like when this runtime read them, for ConfigFilesWatch. */
  readonly filesRead: FilesRead;
}

/** Signatures (util/file-signature.ts) of the files a runtime read, by path; null: it could not be read. */
export interface FilesRead {
  readonly resolv: ReadonlyMap<string, string | null>;
  readonly hostsDirs: ReadonlyMap<string, string | null>;
}

/** What a Runtime needs from its server. */
export interface RuntimeDeps {
  readonly log: Logger;
  readonly clock: Clock;
  readonly tap: Tap | null;
  /** dumpfile=: where upstream datagrams are copied, or null. */
  readonly dump?: PacketDump | null;
  /** dnstap-messages=forwarder: told of every exchange with an upstream server, or null. */
  readonly forwardTap?: ForwardTap | null;
  /** The bound listeners, for self-detection. */
  readonly endpoints: readonly Endpoint[];
  /** The bound DNS-over-TLS and DNS-over-HTTPS listeners, for the self-detection of tls:// and https:// servers. */
  readonly encryptedEndpoints?: readonly EncryptedEndpoint[];
  /**
   * A cache to keep (a resolv-file change; a SIGHUP with the same cache settings keeps the old
   * store, which the server then empties), or null for a fresh one.
   */
  readonly keepStore: CacheStore | null;
  /**
   * The runtime this one replaces (reload, resolv-file change), or null: the new pipeline goes on
   * counting in its counters, so the counters metrics and SIGUSR1 report never go back.
   */
  readonly previous: Runtime | null;
  /** Where the dispatcher counts queries waiting for an asynchronous reply (shared across reloads). */
  readonly pending: PendingCount;
  /** fandns's version, as the server reports it (CHAOS version.bind, like fandns_build_info). */
  readonly version: string;
  /** The server's dns-loop-detect state, used when the config enables it (default: a new one). */
  readonly loops?: LoopDetector;
  /** True for a SIGHUP: dns-loop-detect probes every default server again, as after a change. */
  readonly loopRound?: boolean;
  /** With workers=N: which servers this process health-checks, and where its results go (default: it checks all). */
  readonly checkSharing?: CheckSharing | null;
  /** With workers=N and serve-stale: the other workers' cache entries (handlers/cache.ts; default: none). */
  readonly siblings?: SiblingEntries | null;
}

/** log-debug: a line for each forwarded question its servers gave no answer to. */
function debugUnanswered(log: Logger): NonNullable<ForwardOptions['unanswered']> {
  return (q, group, why, lastRcode) => log.debug({
    name: q.name, type: q.typeName,
    why: why === 'deadline' ? 'query-timeout passed' : 'every server failed or answered with an error',
    lastRcode: lastRcode === null ? null : rcodeName(lastRcode),
    servers: group.members.map((u) => ({ server: u.label, up: u.health.up, looped: u.looped })),
  }, 'no answer from the upstream servers; the client gets SERVFAIL or the error');
}

/** The EDNS rewriting of forwarded queries, or null when no such option is set. */
function buildRewriter(config: Config, log: Logger): EdnsRewriter | null {
  let warned = false;
  const neighbours = config.edns.addMac.length === 0 ? null : new NeighbourTable(undefined, (err) => {
    if (!warned) log.warn({ err: err.message }, 'add-mac: cannot read the neighbour table; no MAC addresses are added');
    warned = true;
  });
  return EdnsRewriter.create(config.edns, neighbours);
}

/** Entries of the cache store for `c` (a disabled cache still gets a one-entry store). */
const storeEntries = (c: CacheConfig): number => Math.max(1, c.size);

export { readResolvServers } from './runtime-routing.js';

/** True when `store` was made for the cache settings `c`, so a reload may empty it and keep it. */
export function storeFits(store: CacheStore, c: CacheConfig): boolean {
  return store.fits(storeEntries(c), c.maxBytes);
}

/** Builds the whole pipeline for `config`. */
export function buildRuntime(config: Config, deps: RuntimeDeps): Runtime {
  const { log, previous } = deps;
  const { registry, table, checks, resolvRead } = buildRouting(config, {
    log, endpoints: deps.endpoints, encryptedEndpoints: deps.encryptedEndpoints ?? [], previous: previous?.registry ?? null, checkSharing: deps.checkSharing ?? null, dump: deps.dump ?? null, forwardTap: deps.forwardTap ?? null,
  });
  const fwd = config.forward;
  const forward = createForward(
    {
      forwardMax: fwd.forwardMax, maxWaiting: fwd.maxInflight, queryTimeoutMs: fwd.queryTimeoutMs, ednsPacketMax: fwd.ednsPacketMax,
      proxyDnssec: fwd.proxyDnssec,
      edns: buildRewriter(config, log),
      unanswered: log.isLevelEnabled('debug') ? debugUnanswered(log) : null,
    },
    table,
    previous?.forward.counters,
  );
  const c = config.cache;
  const store = deps.keepStore ?? new CacheStore(storeEntries(c), c.maxBytes, previous?.store.counters);
  const cache = createCache(
    {
      enabled: c.size > 0,
      ttl: ttlPolicy(c),
      domains: c.domainPolicies.length ? new SuffixMap(c.domainPolicies.map((p) => [p.domain, domainCache(p)] as const)) : null,
      clientMaxTtl: c.clientMaxTtl,
      rotate: c.rotate,
      ednsPacketMax: fwd.ednsPacketMax,
      stale: staleOptions(c),
      ruleOf: (q) => forwardDomain(routeOf(q, table)),
      prefetch: c.prefetch,
      siblings: deps.siblings ?? null,
    },
    store,
    deps.clock,
    previous?.cache.counters,
  );
  const host = machineName();
  if (host === null && needsMachineName(config.mx)) log.warn('the host name is no DNS name: MX records that would use it are left out');
  const hostsDirs = new Map<string, string | null>();
  const zone = buildZone(config, readHosts(config.hosts, (msg) => log.warn(msg), hostsDirs), host);
  const f = config.filters;
  let chain: Next = () => DROP;
  const cname = createCname(config.cnames, config.localTtl, () => chain, cache);
  const localCounters = previous?.local ?? { answered: 0 };
  const chaos = createChaos({ ident: config.ident, localTtl: config.localTtl, version: deps.version }, () => ({
    cacheSize: c.size,
    insertions: store.counters.insertions,
    evictions: store.counters.evictions,
    forwarded: forward.counters.forwarded,
    // As dnsmasq counts it: every answer made without an upstream, from the cache or locally.
    hits: cache.counters.hits + cache.counters.staleServed + localCounters.answered,
    servers: registry.upstreams().map((u) => ({ label: u.label, queries: u.stats.queries, failures: u.stats.failures })),
  }));
  // Interface addresses are read only when interface-name, dynamic-host or localise-queries needs them.
  const snapshot = config.interfaceHosts.length > 0 || config.localiseQueries ? new InterfaceSnapshot() : null;
  const local = createLocal({
    localTtl: config.localTtl, domainNeeded: f.domainNeeded, bogusPriv: f.bogusPriv, filterWin2k: f.filterWin2k,
    synth: SynthDomains.of(config.synthDomains),
    interfaceHosts: snapshot && InterfaceHosts.of(config.interfaceHosts, snapshot, config.localTtl),
    localiser: snapshot && config.localiseQueries ? new Localiser(snapshot) : null,
  }, table, zone, cname.aliasKeys, chaos, localCounters);
  // Without cname= lines the cname stage would only pass every query on: it is left out of the chain.
  const stages: Handler[] = config.cnames.length > 0 ? [local, cname] : [local];
  // filter-A/filter-AAAA/filter-rr: in front of the cache, and only when configured.
  if (f.types.length > 0) stages.push(createTypeFilter({ types: f.types, ednsPacketMax: fwd.ednsPacketMax }, localCounters));
  stages.push(cache);
  const loopGuard = previous?.loopGuard ?? { returned: 0 };
  const loops = deps.loops ?? new LoopDetector(log);
  if (fwd.loopDetect) stages.unshift(createLoopGuard(loops, loopGuard));
  if (config.listen.localService) stages.unshift(createAcl(localSubnets()));
  const filterCounters = previous?.filter ?? { blocked: 0, bogus: 0 };
  const filtering = f.stopDnsRebind || f.bogusNxdomain.length > 0 || !zone.empty || table.hasAddressRules;
  const filter = filtering ? createAnswerFilter({ ...f, ednsPacketMax: fwd.ednsPacketMax }, zone, table, filterCounters) : null;
  if (filter) stages.push(filter);
  // alias= rewrites upstream addresses before the filter judges them and the cache keeps them.
  if (f.aliases.length > 0) stages.push(createDoctor(f.aliases));
  stages.push(forward);
  chain = compose(stages, () => DROP);
  const dispatch = createDispatcher(chain, {
    ednsPacketMax: fwd.ednsPacketMax,
    onError: (err, q) => log.error({ err, qname: q.name, type: q.typeName }, 'query failed with an internal error'),
    tap: deps.tap,
    pending: deps.pending,
  });
  checkLoops(fwd.loopDetect, loops, registry, table, deps.loopRound === true);
  checks?.start();
  return { config, registry, table, chain, dispatch, forward, cache, store, zone, filter: filterCounters, local: localCounters, loopGuard, checks,
    filesRead: { resolv: resolvRead, hostsDirs } };
}
