/**
 * The fandns server: builds the pipeline in its fixed order from a Config, owns the listeners and
 * the upstream sockets, and handles reload and shutdown.
 *
 *   listener → parse → local → cname → cache → answer-filter → forward   (acl joins as it lands)
 */
import { readFileSync } from 'node:fs';
import type { Socket as UdpSocket } from 'node:dgram';
import type { Server as TcpServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { formatOrigin } from './errors.js';
import { parseResolvConf } from './config/resolv.js';
import type { Config, DomainRule, UpstreamSpec } from './config/types.js';
import { systemClock, type Clock } from './clock.js';
import { CacheStore } from './cache/store.js';
import { createCache } from './handlers/cache.js';
import { createForward } from './handlers/forward.js';
import { createLocal } from './handlers/local.js';
import { createCname } from './handlers/cname.js';
import { createAnswerFilter } from './handlers/answer-filter.js';
import { buildZone } from './local/build-zone.js';
import { loadHosts } from './local/hosts-loader.js';
import type { LocalZone } from './local/zone.js';
import { acceptCounters, acceptQuery, type AcceptCounters } from './listen/accept.js';
import { listenTcp, TCP_DEFAULTS } from './listen/tcp.js';
import { listenUdp } from './listen/udp.js';
import type { Logger } from './log/logger.js';
import { compose } from './pipeline/compose.js';
import { createDispatcher, type Dispatched, type Tap } from './pipeline/dispatch.js';
import type { Client, Query } from './pipeline/query.js';
import { DROP, type Handler, type Next } from './pipeline/types.js';
import { DomainTable } from './routing/domain-table.js';
import type { ServerGroup } from './upstream/group.js';
import { UpstreamRegistry } from './upstream/registry.js';

/** A bound listening endpoint. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** Everything built from one Config; replaced as a whole on reload. */
interface Runtime {
  readonly config: Config;
  readonly registry: UpstreamRegistry;
  readonly table: DomainTable<ServerGroup>;
  readonly dispatch: (q: Query) => Dispatched | Promise<Dispatched>;
  readonly forward: ReturnType<typeof createForward>;
  readonly cache: ReturnType<typeof createCache>;
  readonly store: CacheStore;
  readonly zone: LocalZone;
}

/** Reads every resolv-file; a missing file is logged, not fatal (reference §1.7). */
export function readResolvServers(config: Config, log: Logger): UpstreamSpec[] {
  const out: UpstreamSpec[] = [];
  for (const file of config.forward.resolvFiles) {
    try {
      const servers = parseResolvConf(readFileSync(file, 'utf8'), file);
      if (servers.length === 0) log.warn({ file }, 'no servers found in resolv-file');
      out.push(...servers);
    } catch (err) {
      log.warn({ file, err: (err as Error).message }, 'cannot read resolv-file');
    }
  }
  return out;
}

/** Local addresses that mean "us" when we listen on a wildcard address. */
function localAddresses(): Set<string> {
  const set = new Set<string>(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) set.add(a.address);
  return set;
}

/** True when sending to `s` would reach one of our own listeners (reference §6.4). */
function isSelf(s: UpstreamSpec, endpoints: readonly Endpoint[], locals: () => Set<string>): boolean {
  return endpoints.some((e) => e.port === s.port &&
    (e.address === s.address || ((e.address === '0.0.0.0' || e.address === '::') && locals().has(s.address))));
}

/** The fandns server. */
export class FandnsServer {
  readonly accept: AcceptCounters = acceptCounters();
  readonly #udp: UdpSocket[] = [];
  readonly #tcp: TcpServer[] = [];
  readonly #endpoints: Endpoint[] = [];
  #rt: Runtime | null = null;
  #tap: Tap | null = null;

  constructor(
    private config: Config,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The current runtime (after start). */
  get runtime(): Runtime {
    if (!this.#rt) throw new Error('server not started');
    return this.#rt;
  }

  /** Addresses actually bound (with the real port when port=0 was asked for). */
  get endpoints(): readonly Endpoint[] {
    return this.#endpoints;
  }

  /** Installs the query tap (query log, metrics). */
  setTap(tap: Tap | null): void {
    this.#tap = tap;
  }

  /** Binds every listener, then builds the pipeline (self-detection needs the bound ports). */
  async start(): Promise<void> {
    for (const w of this.config.warnings) this.log.warn(w);
    const onQuery = (msg: Buffer, client: Client) =>
      acceptQuery(msg, client, this.#dispatch, this.accept, this.config.forward.ednsPacketMax);
    const { port, addresses, maxTcpConnections } = this.config.listen;
    for (const address of addresses) {
      const udp = await listenUdp(address, port, onQuery);
      this.#udp.push(udp);
      const bound = udp.address().port;
      this.#tcp.push(await listenTcp(address, bound, onQuery, { ...TCP_DEFAULTS, maxConnections: maxTcpConnections }));
      this.#endpoints.push({ address, port: bound });
    }
    this.#rt = this.#build(this.config);
    this.log.info({ listen: this.#endpoints.map((e) => `${e.address}#${e.port}`) }, 'started');
  }

  /** Replaces the configuration (listeners stay); in-flight queries finish on the old runtime. */
  reload(config: Config): void {
    const old = this.#rt;
    this.config = config;
    this.#rt = this.#build(config);
    if (old) setTimeout(() => old.registry.close(), config.forward.queryTimeoutMs + 1000).unref();
    this.log.info('configuration reloaded');
  }

  /** A statistics summary (SIGUSR1): cache and per-upstream counters, never the entries. */
  stats(): Record<string, unknown> {
    const rt = this.runtime;
    const upstreams = rt.registry.upstreams().map((u) => ({
      server: u.label,
      up: u.health.up,
      queries: u.stats.queries,
      failures: u.stats.failures,
      timeouts: u.stats.timeouts,
      nxdomain: u.stats.nxdomain,
      avgLatencyMs: u.stats.answers ? Math.round((u.stats.rttTotalMs / u.stats.answers) * 100) / 100 : null,
    }));
    return {
      cache: {
        size: rt.config.cache.size,
        entries: rt.store.size,
        bytes: rt.store.bytes,
        insertions: rt.store.counters.insertions,
        evictions: rt.store.counters.evictions,
        ...rt.cache.counters,
      },
      forward: rt.forward.counters,
      rejected: this.accept,
      upstreams,
    };
  }

  /** Stops listening and closes upstream sockets. */
  async stop(): Promise<void> {
    await Promise.all([
      ...this.#udp.map((s) => new Promise<void>((r) => s.close(() => r()))),
      ...this.#tcp.map((s) => new Promise<void>((r) => s.close(() => r()))),
    ]);
    this.#udp.length = 0;
    this.#tcp.length = 0;
    this.#rt?.registry.close();
  }

  readonly #dispatch = (q: Query): Dispatched | Promise<Dispatched> => (this.#rt ? this.#rt.dispatch(q) : null);

  #build(config: Config): Runtime {
    const log = this.log;
    const registry = new UpstreamRegistry(config.forward.policy, config.forward.upstreamTimeoutMs, (u, up) =>
      up ? log.info({ upstream: u.label }, 'upstream is up again') : log.warn({ upstream: u.label }, 'upstream is down'),
    );
    let locals: Set<string> | null = null;
    const self = (s: UpstreamSpec) => {
      if (!isSelf(s, this.#endpoints, () => (locals ??= localAddresses()))) return false;
      log.warn(`${formatOrigin(s.origin)}: ignoring nameserver ${s.address}#${s.port} - it is fandns itself`);
      return true;
    };
    const rules = config.rules.filter((r: DomainRule) => r.action.kind !== 'forward' || !self(r.action.server));
    const resolv = readResolvServers(config, log).filter((s) => !self(s));
    const table = new DomainTable(rules, resolv, (specs) => registry.group(specs));
    if (!table.hasDefaultServers) log.warn('no default upstream servers configured: names without a server= rule get REFUSED');
    const forward = createForward(
      { forwardMax: config.forward.forwardMax, queryTimeoutMs: config.forward.queryTimeoutMs, ednsPacketMax: config.forward.ednsPacketMax },
      table,
    );
    const c = config.cache;
    const store = new CacheStore(Math.max(1, c.size), c.maxBytes);
    const cache = createCache(
      {
        enabled: c.size > 0,
        ttl: { minCacheTtl: c.minTtl, maxCacheTtl: c.maxTtl, negTtl: c.negTtl, noNegcache: c.noNegcache },
        clientMaxTtl: c.clientMaxTtl,
        rotate: c.rotate,
        ednsPacketMax: config.forward.ednsPacketMax,
        stale: c.staleMaxSec === null ? null : { maxSec: c.staleMaxSec, clientTimeoutMs: c.staleClientTimeoutMs, ttl: 30 },
      },
      store,
      this.clock,
    );
    const zone = buildZone(config, loadHosts(config.hosts, (msg) => log.warn(msg)));
    const f = config.filters;
    let chain: Next = () => DROP;
    const cname = createCname(config.cnames, config.localTtl, () => chain);
    const local = createLocal({ localTtl: config.localTtl, domainNeeded: f.domainNeeded, bogusPriv: f.bogusPriv }, table, zone, cname.aliasKeys);
    const stages: Handler[] = [local, cname, cache];
    if (f.stopDnsRebind || !zone.empty) stages.push(createAnswerFilter(f, zone));
    stages.push(forward);
    chain = compose(stages, () => DROP);
    const dispatch = createDispatcher(chain, {
      ednsPacketMax: config.forward.ednsPacketMax,
      onError: (err, q) => log.error({ err, name: q.name, type: q.typeName }, 'query failed with an internal error'),
      tap: this.#tap ? (q, r, n) => this.#tap?.(q, r, n) : null,
    });
    return { config, registry, table, dispatch, forward, cache, store, zone };
  }
}
