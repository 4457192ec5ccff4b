/**
 * The fandns server: owns the listeners, the Runtime built from the Config (runtime.ts: the
 * pipeline in its fixed order), the query log, dumpfile and counters (server-sinks.ts), the
 * metrics endpoint, and what changes the runtime between reloads (config-follow.ts: resolv-file,
 * hostsdir, server-name-refresh), and handles start, reload and shutdown.
 */
import type { Server as HttpServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Registry } from 'prom-client';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config/types.js';
import { changesForLog, configChanges } from './config/config-diff.js';
import { acceptCounters, acceptQuery, type AcceptCounters } from './listen/accept.js';
import type { EncryptedEndpoint } from './listen/encrypted.js';
import { Listeners } from './listen/listeners.js';
import { opsLevel, type Logger } from './log/logger.js';
import { explain } from './explain/explain.js';
import { parseExplainRequest, type ExplainRequest } from './explain/explain-request.js';
import { startMetricsServer } from './metrics/http.js';
import { createRegistry, type MetricsSnapshot } from './metrics/prometheus.js';
import type { Dispatched, LATER, PendingCount } from './pipeline/dispatch.js';
import type { Client, Query } from './pipeline/query.js';
import type { Runtime } from './runtime.js';
import { RuntimeSlot } from './runtime-slot.js';
import { checkBootstrap } from './config/bootstrap.js';
import { WarmCache } from './keep/warm-cache.js';
import type { AdminRequest } from './admin/rules-request.js';
import type { RuleView } from './admin/runtime-rules.js';
import { ServerRules } from './admin/server-rules.js';
import { ConfigFollow } from './config-follow.js';
import type { CheckResult } from './upstream/health.js';
import { healthReport, metricsReport, statsReport, type HealthReport } from './server-report.js';
import type { Endpoint } from './upstream/self-detect.js';
import { LoopDetector } from './upstream/loop-detect.js';
import { fandnsVersion } from './util/version.js';
import type { ServerOptions } from './server-options.js';
import { ReloadRecord } from './process/reload-record.js';
import { sharedEntry } from './process/entry-sharing.js';
import { ServerSinks } from './server-sinks.js';

export type { Endpoint } from './upstream/self-detect.js';
export { readResolvServers } from './runtime.js';
export type { ServerOptions } from './server-options.js';

/** The fandns server. */
export class FandnsServer {
  readonly accept: AcceptCounters = acceptCounters();
  /** The sockets clients ask on: UDP, TCP, and tls-port= and https-port=. */
  readonly #listeners: Listeners;
  #rt: Runtime | null = null;
  /** The query log, dumpfile and query counters (src/server-sinks.ts). */
  readonly #sinks: ServerSinks;
  #http: HttpServer | null = null;
  /** The Prometheus registry, once started with metrics-address (a cluster worker reports it to the primary). */
  metricsRegistry: Registry | null = null;
  #ready = false;
  /** Queries handed to the pipeline and not yet answered. */
  readonly #pending: PendingCount = { n: 0 };
  /** Set by stop(): new queries are ignored while those in flight drain. */
  #stopping = false;
  /** dns-loop-detect's probes and marks, kept across reloads. */
  readonly #loops: LoopDetector;
  /** reload-keeps-cache's walks and cache-file (src/keep/). */
  readonly #warm: WarmCache;
  /** The runtime in force and its replacements (src/runtime-slot.ts); `#rt` is its current one. */
  readonly #slot: RuntimeSlot;
  /** admin-api's runtime rules, laid over every configuration loaded (src/admin/). */
  readonly #admin: ServerRules;
  /** The reloads applied and refused (/metrics, SIGUSR1). */
  readonly #reloads = new ReloadRecord();
  /** resolv-file and hostsdir watches, server-name-refresh's rounds (src/config-follow.ts). */
  readonly #follow: ConfigFollow;

  constructor(
    private config: Config,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
    private readonly version = fandnsVersion(),
    private readonly options: ServerOptions = {},
  ) {
    this.#listeners = new Listeners(log, options.certPollMs);
    this.#loops = new LoopDetector(log, options.loops?.secret, options.loops?.announce);
    this.#warm = new WarmCache(log, clock, options.cacheFileSuffix ?? '');
    // Before start() the rules only change the configuration start() builds from.
    this.#admin = new ServerRules(config, log, (c) => (this.#rt === null ? void (this.config = c) : this.#replaceKeeping(c)));
    this.#sinks = new ServerSinks(config, log, version);
    this.#follow = new ConfigFollow(log, {
      filesChanged: () => {
        if (!this.#stopping) this.#rebuild(this.config);
      },
      newAddresses: (from, fresh) => this.#newAddresses(from, fresh),
    });
    const deps = { log, clock, tap: this.#sinks.tap, dump: this.#sinks.dump, forwardTap: this.#sinks.forwardTap, endpoints: this.#listeners.endpoints, encryptedEndpoints: this.#listeners.encryptedEndpoints, pending: this.#pending, version, loops: this.#loops, checkSharing: options.checks ?? null, siblings: options.siblings ?? null };
    this.#slot = new RuntimeSlot(deps, this.#warm, (rt) => {
      this.#rt = rt;
    });
  }

  /** The current runtime (after start). */
  get runtime(): Runtime {
    if (!this.#rt) throw new Error('server not started');
    return this.#rt;
  }

  /** Addresses actually bound (with the real port when port=0 was asked for). */
  get endpoints(): readonly Endpoint[] {
    return this.#listeners.endpoints;
  }

  /** Where the DNS-over-TLS and DNS-over-HTTPS listeners are bound (tls-port=, https-port=). */
  get encryptedEndpoints(): readonly EncryptedEndpoint[] {
    return this.#listeners.encryptedEndpoints;
  }

  /** Binds every listener, then builds the pipeline (self-detection needs the bound ports). */
  async start(): Promise<void> {
    for (const w of this.config.warnings) this.log.warn(w);
    if (this.config.adminApi && this.options.adminRulesFromPrimary !== true) this.#admin.readFile();
    const onQuery = (msg: Buffer, client: Client) =>
      this.#stopping ? null : acceptQuery(msg, client, this.#dispatch, this.accept, this.config.forward.ednsPacketMax, timed);
    const timed = this.#sinks.tap !== null;
    try {
      await this.#listeners.bind(this.config.listen, onQuery, this.#sinks.dump);
      this.#slot.swap(this.config, null);
      this.#warm.load(this.#rt!);
      if (this.config.metrics) {
        const reg = createRegistry(this.#sinks.queryStats!, () => this.metricsSnapshot(), this.version);
        this.metricsRegistry = reg;
        if (this.options.metricsHttp !== false) {
          this.#http = await startMetricsServer(this.config.metrics.host, this.config.metrics.port, {
            metrics: () => reg.metrics(),
            contentType: reg.contentType,
            health: () => this.health(),
            ready: () => this.#ready,
            explain: (params) => this.explain(parseExplainRequest(params)),
            rules: this.config.adminApi ? (req, peer) => this.adminRequest(req, peer) : undefined,
          });
        }
      }
    } catch (err) {
      // Release what was bound, or its sockets would keep the process alive after the failure.
      await this.stop();
      this.#listeners.endpoints.length = 0;
      throw err;
    }
    this.#follow.follow(this.config, this.#admin.base, this.#rt?.filesRead);
    this.#ready = true;
    for (const e of this.endpoints) this.log.debug({ address: e.address, port: e.port }, 'listening (UDP and TCP)');
    this.log.info({ ...this.#listeners.describe(), metrics: this.metricsEndpoint }, 'started');
  }

  /** Where the metrics endpoint listens (`host:port`), or null. */
  get metricsEndpoint(): string | null {
    const a = this.#http?.address();
    return a && typeof a === 'object' ? `${a.address}:${a.port}` : null;
  }

  /** Per-upstream state for /health. */
  health(): HealthReport {
    return healthReport(this.#rt);
  }

  /** The /explain body for `req` (src/explain/), under the configuration in force now. */
  explain(req: ExplainRequest): Promise<Record<string, unknown>> {
    return explain(this.runtime, req, () => this.clock.now());
  }

  /** Everything /metrics reports, read at scrape time. */
  metricsSnapshot(): MetricsSnapshot {
    return metricsReport(this.runtime, this.accept, { ...this.#sinks.lost(), certificate: this.#listeners.certificate, adminRuleChanges: this.#admin.rules.changes, reloads: this.#reloads.counts, serverNameRefreshes: this.#follow.refreshCounts });
  }

  /** admin-api: answers a /rules request from `peer` (src/admin/server-rules.ts). */
  adminRequest(req: AdminRequest, peer: string): ReturnType<ServerRules['request']> {
    return this.#admin.request(req, peer);
  }

  /** admin-api in a cluster worker: makes `views`, the primary's rules, the runtime rules. */
  setAdminRules(views: readonly RuleView[]): void {
    this.#admin.replaceAll(views);
  }

  /** Another worker's health check of the server known by `key`, `times` in a row (health-check= with workers=N). */
  checkHeard(key: string, r: CheckResult, times = 1): void {
    this.#rt?.checks?.heard(key, r, times);
  }

  /** workers=N: this worker's share of the health checks changed (it covers a worker being replaced, or no longer). */
  refreshChecks(): void {
    this.#rt?.checks?.refresh();
  }

  /** workers=N: a portable copy (base64) of the cache entry under `key` if it may still answer, else null (src/process/entry-sharing.ts). */
  sharedEntry(key: string): string | null {
    return this.#rt === null ? null : sharedEntry(this.#rt, key, this.clock.now());
  }

  /** Another worker found the server known by `key` looping (dns-loop-detect): not used here either. */
  markLooped(key: string): void {
    if (this.config.forward.loopDetect) this.#loops.mark(key);
  }

  /** SIGUSR2: reopen the log file and the dumpfile (logrotate). */
  reopenLogs(): void {
    this.#sinks.reopen();
  }

  /**
   * SIGHUP: replaces the configuration (listeners stay); in-flight queries finish on the old
   * runtime. The cache starts empty (RuntimeSlot.replaceEmptied) or, with reload-keeps-cache,
   * keeps the entries the new configuration would produce the same way (src/keep/). The counters
   * go on (buildRuntime's `previous`). The new configuration's warnings are logged, as at start-up
   * (a servers-file rewritten since then may have new bad lines), and so are the option lines it
   * added and removed (config-diff.ts). admin-api's runtime rules are laid over the new configuration.
   */
  reload(config: Config): void {
    const loaded = config;
    config = this.#admin.rules.overlay(config);
    // Refused before anything changes: admin-api's tls:// host names need the new configuration's bootstrap-server=.
    checkBootstrap(config.rules, config.forward.bootstrap);
    const changes = configChanges(this.config, config);
    // The runtime first: a configuration it cannot be built from leaves the running one whole
    // (admin-api's base, the log's filters and level, the certificate, the file watch).
    // log-debug added or removed: the level follows, already for the build's own debug lines (a
    // level set otherwise, by FANDNS_LOG_LEVEL or a test, stays).
    const level = this.log.level;
    if (config.log.debug !== this.config.log.debug) this.log.level = opsLevel(config.log);
    try {
      if (config.cache.reloadKeepsCache) this.#replaceKeeping(config, true);
      else this.#replaceEmptied(config, true);
    } catch (err) {
      this.log.level = level;
      throw err;
    }
    this.#admin.loaded(loaded);
    this.#sinks.reload(config);
    this.#listeners.reload(config.listen);
    this.#follow.follow(config, loaded, this.#rt?.filesRead);
    for (const w of config.warnings) this.log.warn(w);
    this.#reloads.applied();
    this.log.info(changesForLog(changes), 'configuration reloaded');
  }

  /**
   * SIGHUP: reads the configuration again with `read` and applies it (reload). One that cannot be
   * read or built is refused: logged with why (file:line for a syntax error), counted, and the
   * running configuration stays. True when applied; false, reading nothing, once stop() began.
   */
  reloadFrom(read: () => Config): boolean {
    if (this.#stopping) return false;
    try {
      this.reload(read());
      return true;
    } catch (err) {
      const why = (err as Error).message;
      this.#reloads.refused(why);
      this.log.error({ err: why }, 'reload rejected; keeping the running configuration');
      return false;
    }
  }

  /** Replaces the runtime with one for `config`, its cache emptied (see reload and RuntimeSlot). */
  #replaceEmptied(config: Config, loopRound = false): void {
    this.#slot.replaceEmptied(config, loopRound);
    this.config = config;
  }

  /** Replaces the runtime with one for `config` keeping the entries it would produce the same way (reload-keeps-cache). */
  #replaceKeeping(config: Config, loopRound = false): void {
    // The configuration is the server's only once its runtime is built: an admin-api rule the
    // routing refuses (checkBootstrap) leaves both as they were.
    this.#slot.replaceKeeping(config, loopRound);
    this.config = config;
  }

  /**
   * Puts `config` in force as a watched file's change does: the cache kept, unless clear-on-reload
   * empties it; with reload-keeps-cache, the entries `config` would produce the same way.
   */
  #rebuild(config: Config): void {
    if (config.cache.reloadKeepsCache) this.#replaceKeeping(config);
    else if (config.cache.clearOnReload) this.#replaceEmptied(config);
    else {
      this.#slot.swap(config, this.#rt?.store ?? null);
      this.config = config;
    }
  }

  /**
   * server-name-refresh: `fresh`, the configuration `from` with new addresses for its servers'
   * host names, put in force (admin-api's rules laid over it); dropped if a reload replaced `from`.
   */
  #newAddresses(from: Config, fresh: Config): void {
    if (this.#stopping || this.#admin.base !== from) return;
    // The loaded configuration changes only once the runtime is built (a rebuild that throws leaves both).
    this.#rebuild(this.#admin.rules.overlay(fresh));
    this.#admin.loaded(fresh);
    this.#follow.follow(this.config, fresh, this.#rt?.filesRead);
  }

  /** A statistics summary (SIGUSR1): memory, cache and per-upstream counters, never the entries. */
  stats(): Record<string, unknown> {
    return statsReport(this.runtime, this.accept, this.#reloads.counts);
  }

  /**
   * Stops accepting queries (no new TCP connections; new datagrams and frames are ignored), lets
   * those in flight finish (at most `drainMs`) and sends their replies, then closes the listening
   * and upstream sockets and the metrics endpoint, and flushes the query log.
   */
  async stop(drainMs = 2000): Promise<void> {
    this.#ready = false;
    this.#stopping = true;
    this.#rt?.checks?.stop();
    this.#follow.stop();
    this.#warm.finish();
    const closing = this.#listeners.stopAccepting();
    const deadline = performance.now() + drainMs;
    while (this.#pending.n > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // Queries still waiting fail now (SERVFAIL, not silence); one turn lets their replies go out.
    this.#slot.closeUpstreams();
    await new Promise((r) => setTimeout(r, 20));
    // UDP sockets close only now: the replies to the queries that drained leave through them.
    closing.push(...this.#listeners.close());
    await Promise.all(closing);
    for (const e of this.endpoints) this.log.debug({ address: e.address, port: e.port }, 'stopped listening');
    if (this.#http) {
      const http = this.#http;
      this.#http = null;
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
    if (this.#rt !== null) this.#warm.save(this.#rt);
    await this.#sinks.close();
  }

  readonly #dispatch = (q: Query): Dispatched | typeof LATER => (this.#rt ? this.#rt.dispatch(q) : null);
}
