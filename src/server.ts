/**
 * The fandns server: builds the pipeline in its fixed order from a Config, owns the listeners and
 * the upstream sockets, and handles reload and shutdown.
 *
 *   listener → parse → acl → local → cname → cache → answer-filter → forward
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { Socket as UdpSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { formatOrigin } from './errors.js';
import { parseResolvConf } from './config/resolv.js';
import type { Config, DomainRule, UpstreamSpec } from './config/types.js';
import { systemClock, type Clock } from './clock.js';
import { CacheStore } from './cache/store.js';
import { createCache } from './handlers/cache.js';
import { createForward } from './handlers/forward.js';
import { createLocal } from './handlers/local.js';
import { createAcl } from './handlers/acl.js';
import { listenAddresses, localSubnets } from './listen/interfaces.js';
import { createCname } from './handlers/cname.js';
import { createAnswerFilter } from './handlers/answer-filter.js';
import { buildZone } from './local/build-zone.js';
import { loadHosts } from './local/hosts-loader.js';
import type { LocalZone } from './local/zone.js';
import { acceptCounters, acceptQuery, type AcceptCounters } from './listen/accept.js';
import { bindPair } from './listen/bind-pair.js';
import { listenTcp, TCP_DEFAULTS, type TcpListener } from './listen/tcp.js';
import { listenUdp } from './listen/udp.js';
import type { Logger } from './log/logger.js';
import { compose } from './pipeline/compose.js';
import { createDispatcher, type Dispatched, type Tap } from './pipeline/dispatch.js';
import type { Client, Query } from './pipeline/query.js';
import { DROP, type Handler, type Next } from './pipeline/types.js';
import { DomainTable } from './routing/domain-table.js';
import { QueryLog } from './log/query-log.js';
import { QueryStats } from './metrics/query-stats.js';
import { createRegistry, type MetricsSnapshot } from './metrics/prometheus.js';
import { startMetricsServer } from './metrics/http.js';
import type { Server as HttpServer } from 'node:http';
import type { Registry } from 'prom-client';
import { performance } from 'node:perf_hooks';
import { isPromise } from './util/thenable.js';
import type { ServerGroup } from './upstream/group.js';
import { UpstreamRegistry } from './upstream/registry.js';

/** A bound listening endpoint. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** How the server is embedded in its process. */
export interface ServerOptions {
  /** Serve metrics-address over HTTP (default true); a cluster worker leaves that to the primary. */
  readonly metricsHttp?: boolean;
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
  readonly blocked: () => number;
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
  readonly #tcp: TcpListener[] = [];
  readonly #endpoints: Endpoint[] = [];
  #rt: Runtime | null = null;
  readonly #tap: Tap | null;
  readonly queryLog: QueryLog | null;
  readonly queryStats: QueryStats | null;
  #http: HttpServer | null = null;
  /** The Prometheus registry, once started with metrics-address (a cluster worker reports it to the primary). */
  metricsRegistry: Registry | null = null;
  #ready = false;
  /** Queries handed to the pipeline and not yet answered. */
  #pending = 0;
  /** Set by stop(): new queries are ignored while those in flight drain. */
  #stopping = false;

  constructor(
    private config: Config,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
    private readonly version = '0.0.0',
    private readonly options: ServerOptions = {},
  ) {
    const lc = config.log;
    this.queryLog = lc.queries === 'off' ? null : new QueryLog({ target: lc.target, bound: lc.asyncBound, extra: lc.queries === 'extra' });
    this.queryStats = config.metrics ? new QueryStats() : null;
    const ql = this.queryLog;
    const qs = this.queryStats;
    this.#tap = ql || qs ? (q, r, n) => {
      const ms = performance.now() - q.started;
      ql?.record(q, r, n, ms);
      qs?.record(q, r, ms);
    } : null;
  }

  /** The current runtime (after start). */
  get runtime(): Runtime {
    if (!this.#rt) throw new Error('server not started');
    return this.#rt;
  }

  /** Addresses actually bound (with the real port when port=0 was asked for). */
  get endpoints(): readonly Endpoint[] {
    return this.#endpoints;
  }

  /** Binds every listener, then builds the pipeline (self-detection needs the bound ports). */
  async start(): Promise<void> {
    for (const w of this.config.warnings) this.log.warn(w);
    const settle = (out: Dispatched) => {
      this.#pending--;
      return out;
    };
    const onQuery = (msg: Buffer, client: Client) => {
      if (this.#stopping) return null;
      const r = acceptQuery(msg, client, this.#dispatch, this.accept, this.config.forward.ednsPacketMax, timed);
      if (!isPromise(r)) return r;
      this.#pending++;
      return r.then(settle);
    };
    const timed = this.#tap !== null;
    const { port, maxTcpConnections } = this.config.listen;
    const addresses = listenAddresses(this.config.listen);
    const tcpOptions = { ...TCP_DEFAULTS, maxConnections: maxTcpConnections };
    try {
      for (const address of addresses) {
        const pair = await bindPair(port, (p) => listenUdp(address, p, onQuery), (p) => listenTcp(address, p, onQuery, tcpOptions));
        this.#udp.push(pair.udp);
        this.#tcp.push(pair.tcp);
        this.#endpoints.push({ address, port: pair.port });
      }
      this.#rt = this.#build(this.config);
      if (this.config.metrics) {
        const reg = createRegistry(this.queryStats!, () => this.metricsSnapshot(), this.version);
        this.metricsRegistry = reg;
        if (this.options.metricsHttp !== false) {
          this.#http = await startMetricsServer(this.config.metrics.host, this.config.metrics.port, {
            metrics: () => reg.metrics(),
            contentType: reg.contentType,
            health: () => this.health(),
            ready: () => this.#ready,
          });
        }
      }
    } catch (err) {
      // Release what was bound, or its sockets would keep the process alive after the failure.
      await this.stop();
      this.#endpoints.length = 0;
      throw err;
    }
    this.#watchResolv();
    this.#ready = true;
    this.log.info({ listen: this.#endpoints.map((e) => `${e.address}#${e.port}`), metrics: this.metricsEndpoint }, 'started');
  }

  /** Where the metrics endpoint listens (`host:port`), or null. */
  get metricsEndpoint(): string | null {
    const a = this.#http?.address();
    return a && typeof a === 'object' ? `${a.address}:${a.port}` : null;
  }

  /** Per-upstream state for /health. */
  health(): { status: 'ok' | 'degraded'; upstreams: { server: string; up: boolean; rttMs: number | null }[] } {
    const ups = this.#rt ? this.#rt.registry.upstreams() : [];
    const upstreams = ups.map((u) => ({ server: u.label, up: u.health.up, rttMs: Number.isNaN(u.health.rttMs) ? null : Math.round(u.health.rttMs * 100) / 100 }));
    return { status: upstreams.every((u) => u.up) ? 'ok' : 'degraded', upstreams };
  }

  /** Everything /metrics reports, read at scrape time. */
  metricsSnapshot(): MetricsSnapshot {
    const rt = this.runtime;
    const ups = rt.registry.upstreams();
    return {
      cache: { ...rt.cache.counters, evictions: rt.store.counters.evictions, insertions: rt.store.counters.insertions, entries: rt.store.size, bytes: rt.store.bytes },
      forward: {
        refusedOverload: rt.forward.counters.refusedOverload,
        refusedNoServer: rt.forward.counters.refusedNoServer,
        coalesced: rt.forward.inflight.joined,
        inFlight: rt.registry.groups().reduce((n, g) => n + g.inFlight, 0),
      },
      rejected: { ...this.accept },
      rebindBlocked: rt.blocked(),
      upstreams: ups.map((u) => ({
        label: u.label,
        up: u.health.up,
        queries: u.stats.queries,
        timeouts: u.stats.timeouts,
        malformed: u.stats.malformed,
        network: u.stats.failures - u.stats.timeouts - u.stats.malformed,
        rttBuckets: u.stats.rttBuckets,
        rttTotalMs: u.stats.rttTotalMs,
        answers: u.stats.answers,
      })),
      queryLogLost: this.queryLog?.lost ?? 0,
    };
  }

  /** SIGUSR2: reopen the log file (logrotate). */
  reopenLogs(): void {
    this.queryLog?.reopen();
  }

  /** Replaces the configuration (listeners stay); in-flight queries finish on the old runtime. */
  reload(config: Config): void {
    this.#swap(config, null);
    this.#watchResolv();
    this.log.info('configuration reloaded');
  }

  /** Replaces the runtime; in-flight queries finish on the old one, whose sockets close later. */
  #swap(config: Config, keepStore: CacheStore | null): void {
    const old = this.#rt;
    this.config = config;
    this.#rt = this.#build(config, keepStore);
    if (old) setTimeout(() => old.registry.close(), config.forward.queryTimeoutMs + 1000).unref();
  }

  readonly #watched: string[] = [];

  /** Unless no-poll, re-reads resolv-file when it changes (checked every second), keeping the cache. */
  #watchResolv(): void {
    for (const f of this.#watched.splice(0)) unwatchFile(f);
    if (this.config.forward.noPoll) return;
    for (const file of this.config.forward.resolvFiles) {
      watchFile(file, { interval: 1000, persistent: false }, (cur, prev) => {
        if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size) return;
        this.log.info({ file }, 'resolv-file changed: re-reading upstream servers');
        this.#swap(this.config, this.#rt?.store ?? null);
      });
      this.#watched.push(file);
    }
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
    const mem = process.memoryUsage();
    const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
    return {
      memory: { rssMiB: mib(mem.rss), heapUsedMiB: mib(mem.heapUsed), heapTotalMiB: mib(mem.heapTotal), externalMiB: mib(mem.external) },
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

  /**
   * Stops accepting queries (no new TCP connections; new datagrams and frames are ignored), lets
   * those in flight finish (at most `drainMs`) and sends their replies, then closes the listening
   * and upstream sockets and the metrics endpoint, and flushes the query log.
   */
  async stop(drainMs = 2000): Promise<void> {
    this.#ready = false;
    this.#stopping = true;
    for (const f of this.#watched.splice(0)) unwatchFile(f);
    const tcp = this.#tcp.splice(0);
    const closing = tcp.map((s) => s.close());
    const deadline = performance.now() + drainMs;
    while (this.#pending > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // UDP sockets close only now: the replies to the queries that drained leave through them.
    closing.push(...this.#udp.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.#rt?.registry.close();
    for (const t of tcp) t.destroyConnections();
    await Promise.all(closing);
    if (this.#http) {
      const http = this.#http;
      this.#http = null;
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
    await this.queryLog?.close();
  }

  readonly #dispatch = (q: Query): Dispatched | Promise<Dispatched> => (this.#rt ? this.#rt.dispatch(q) : null);

  #build(config: Config, keepStore: CacheStore | null = null): Runtime {
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
      {
        forwardMax: config.forward.forwardMax,
        maxWaiting: config.forward.maxInflight,
        queryTimeoutMs: config.forward.queryTimeoutMs,
        ednsPacketMax: config.forward.ednsPacketMax,
      },
      table,
    );
    const c = config.cache;
    const store = keepStore ?? new CacheStore(Math.max(1, c.size), c.maxBytes);
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
    if (config.listen.localService) stages.unshift(createAcl(localSubnets()));
    const filter = f.stopDnsRebind || !zone.empty || table.hasAddressRules ? createAnswerFilter(f, zone, table) : null;
    if (filter) stages.push(filter);
    stages.push(forward);
    chain = compose(stages, () => DROP);
    const dispatch = createDispatcher(chain, {
      ednsPacketMax: config.forward.ednsPacketMax,
      onError: (err, q) => log.error({ err, name: q.name, type: q.typeName }, 'query failed with an internal error'),
      tap: this.#tap,
    });
    return { config, registry, table, dispatch, forward, cache, store, zone, blocked: filter ? filter.blocked : () => 0 };
  }
}
