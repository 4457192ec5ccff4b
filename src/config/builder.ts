/**
 * The mutable state the directive table writes into while files are read, and its conversion
 * into the read-only Config with every default filled in.
 */
import { ConfigError, formatOrigin, type Origin } from '../errors.js';
import { DomainTtlLines } from './domain-cache-ttl.js';
import { DomainPolicyLines } from './domain-policy.js';
import { LogDomainLines } from './query-log-filter.js';
import { HealthCheckLines } from './health-check.js';
import { fastRetryWarnings, type FastRetrySetting } from './fast-retry.js';
import type { AddressAlias, AddressRange, CnameRule, Config, DomainRule, EdnsConfig, InterfaceHost, LocalRecord, LogTarget, MacEncoding, MxHost, MetricsConfig, RuleAction, SynthDomain, TlsCa } from './types.js';
import { DEFAULTS } from './defaults.js';
import { DumpLines } from './packet-dump.js';
import { DnstapLines } from './dnstap.js';
import { TlsServiceLines } from './tls-service.js';
import { BootstrapLines } from './bootstrap.js';
import { checkCnames } from './local-records.js';

export { DEFAULTS } from './defaults.js';

/** A value with the line that set it, for cross-option error messages. */
export interface Setting<T> {
  readonly value: T;
  readonly origin: Origin;
}

/** Accumulates directive values. `null` means "not given": the default applies. */
export class ConfigBuilder {
  port: number | null = null;
  listenAddresses: string[] = [];
  readonly interfaces: string[] = [];
  readonly exceptInterfaces: string[] = [];
  localService = false;
  maxTcpConnections: number | null = null;
  rules: DomainRule[] = [];
  /** null: the default file; otherwise the files given (possibly none after `resolv-file=`). */
  resolvFiles: string[] | null = null;
  noResolv = false;
  noPoll = false;
  /** `servers-file=`: read by the loader once every other line is in (src/config/load.ts). */
  serversFile: Setting<string> | null = null;
  strictOrder = false;
  allServers = false;
  /** `force-tcp` bare: every group forwards over TCP. */
  forceTcp = false;
  /** `force-tcp=/d/…`: the domains whose groups forward over TCP. */
  readonly forceTcpDomains = new Set<string>();
  /** `proxy-dnssec`: upstream AD bits reach clients. */
  proxyDnssec = false;
  /** `do-0x20-encode` and `no-0x20-encode` (dnsmasq 2.91): the second wins wherever it is. */
  do0x20 = false;
  no0x20 = false;
  /** `tls-ca-file=` (fandns), read when its line is. */
  tlsCa: TlsCa | null = null;
  /** `bootstrap-server=` (fandns). */
  readonly bootstrap = new BootstrapLines();
  /** `all-servers=/d/`, `strict-order=/d/`, `merge-answers=/d/` (fandns). */
  readonly domainPolicies = new DomainPolicyLines();
  loopDetect = false;
  queryPort: Setting<number> | null = null;
  minPort: Setting<number> | null = null;
  maxPort: Setting<number> | null = null;
  fastRetry: Setting<FastRetrySetting> | null = null;
  portLimit: Setting<number> | null = null;
  /** fandns `health-check=` lines and their tuning options. */
  readonly healthChecks = new HealthCheckLines();
  forwardMax: number | null = null;
  maxInflight: number | null = null;
  ednsPacketMax: number | null = null;
  upstreamTimeoutMs: number | null = null;
  queryTimeoutMs: number | null = null;
  /** fandns `server-name-refresh=`, in seconds. */
  serverNameRefreshSec: number | null = null;
  cacheSize: number | null = null;
  cacheMaxBytes: number | null = null;
  minCacheTtl: Setting<number> | null = null;
  maxCacheTtl: Setting<number> | null = null;
  clientMaxTtl: number | null = null;
  negTtl: number | null = null;
  noNegcache = false;
  /** `min-cache-ttl=/d/N`, `use-stale-cache=/d/N` and the other domain-scoped cache settings. */
  readonly domainTtls = new DomainTtlLines();
  prefetch = false;
  reloadKeepsCache = false;
  cacheFile: string | null = null;
  /** undefined: off; null: on with the default window. */
  staleMaxSec: number | null | undefined = undefined;
  staleClientTimeoutMs: number | null = null;
  noRotate = false;
  clearOnReload = false;
  localTtl: number | null = null;
  noIdent = false;
  readonly localRecords: LocalRecord[] = [];
  readonly mxHosts: MxHost[] = [];
  mxTarget: string | null = null;
  localmx = false;
  selfmx = false;
  readonly cnames: CnameRule[] = [];
  readonly synthDomains: SynthDomain[] = [];
  readonly interfaceHosts: InterfaceHost[] = [];
  localiseQueries = false;
  noHosts = false;
  readonly addnHosts: string[] = [];
  readonly hostsDirs: string[] = [];
  expandHosts = false;
  domain: string | null = null;
  domainNeeded = false;
  bogusPriv = false;
  filterWin2k = false;
  /** filter-A, filter-AAAA, filter-rr: record types answered with NODATA (ANY: trim ANY answers). */
  readonly filterTypes = new Set<number>();
  stopDnsRebind = false;
  rebindLocalhostOk = false;
  readonly rebindDomainOk: string[] = [];
  readonly bogusNxdomain: AddressRange[] = [];
  readonly ignoreAddresses: AddressRange[] = [];
  readonly aliases: AddressAlias[] = [];
  addSubnet: EdnsConfig['addSubnet'] = null;
  stripSubnet = false;
  readonly addMac = new Set<MacEncoding>();
  stripMac = false;
  cpeId: string | null = null;
  logQueries: 'off' | 'on' | 'extra' = 'off';
  logTarget: LogTarget = { kind: 'stderr' };
  logAsync: number | null = null;
  /** `dumpfile=`, `dumpmask=`. */
  readonly dump = new DumpLines();
  /** `dnstap-file=` and the other dnstap options (fandns). */
  readonly dnstap = new DnstapLines();
  readonly tlsService = new TlsServiceLines();
  logDebug = false;
  readonly logFilter = new LogDomainLines();
  metrics: MetricsConfig | null = null;
  /** `admin-api`: where it was given, or null when off. */
  adminApi: Origin | null = null;
  /** `admin-rules-file=`, or null. */
  adminRulesFile: string | null = null;
  user: string | null = null;
  group: string | null = null;
  workers: number | null = null;
  /** `pid-file=`; null (also for `pid-file=` with no path): no pid file. */
  pidFile: string | null = null;
  readonly files: string[] = [];
  readonly warnings: string[] = [];
  /** The option lines applied, as `name` or `name=value`, in order (Config.optionText). */
  readonly applied: string[] = [];
  /** Address actions by value, so that a block list's 10^5 `address=/…/0.0.0.0` lines share one. */
  readonly #addressActions = new Map<string, RuleAction>();

  /** Adds one line's domain rules; address actions of the same family and address are shared. */
  addRules(rules: readonly DomainRule[]): void {
    for (const r of rules) {
      const a = r.action;
      if (a.kind !== 'address') {
        this.rules.push(r);
        continue;
      }
      const key = `${a.family}/${a.address}`;
      const shared = this.#addressActions.get(key);
      if (shared === undefined) this.#addressActions.set(key, a);
      this.rules.push(shared === undefined ? r : { domain: r.domain, action: shared, origin: r.origin });
    }
  }

  /** min-port..max-port as dnsmasq completes it (one alone: 1024 or 65535 for the other; 0 is unset), or null. */
  #portRange(): { min: number; max: number } | null {
    const min = this.minPort?.value ?? 0;
    const max = this.maxPort?.value ?? 0;
    if (min === 0 && max === 0) return null;
    return { min: min || 1024, max: max || 65535 };
  }

  /** Cross-option checks, each naming the lines involved. */
  validate(): void {
    const fixedSource = this.rules.find((r) => r.action.kind === 'forward' && r.action.server.sourcePort !== null);
    if (fixedSource && (this.workers ?? 1) > 1) {
      throw new ConfigError('FANDNS_CONFIG_CONFLICT', fixedSource.origin,
        `a fixed source port cannot be shared by workers=${this.workers}: give only @address, or one worker`);
    }
    const qp = this.queryPort;
    if (qp && qp.value > 0 && (this.workers ?? 1) > 1) {
      throw new ConfigError('FANDNS_CONFIG_CONFLICT', qp.origin, `query-port=${qp.value} cannot be shared by workers=${this.workers}: use query-port=0, or one worker`);
    }
    const range = this.#portRange();
    if (range && range.max < range.min) {
      throw new ConfigError('FANDNS_CONFIG_CONFLICT', (this.maxPort ?? this.minPort)!.origin, `max-port=${range.max} is below min-port=${range.min}`);
    }
    const min = this.minCacheTtl;
    const max = this.maxCacheTtl;
    if (min && max && min.value > max.value) {
      throw new ConfigError('FANDNS_CONFIG_CONFLICT', min.origin,
        `min-cache-ttl=${min.value} is above max-cache-ttl=${max.value} (${formatOrigin(max.origin)})`);
    }
  }

  /** Freezes the accumulated values into a Config, applying defaults. */
  finish(): Config {
    this.validate();
    checkCnames(this.cnames);
    this.warnings.push(...fastRetryWarnings(this.fastRetry, this.portLimit, this.upstreamTimeoutMs ?? DEFAULTS.upstreamTimeoutMs));
    const globalTtls = {
      minTtl: this.minCacheTtl?.value ?? 0,
      maxTtl: this.maxCacheTtl?.value ?? DEFAULTS.maxTtl,
      negTtl: this.negTtl,
      noNegcache: this.noNegcache,
      staleMaxSec: this.staleMaxSec === undefined ? null : (this.staleMaxSec ?? DEFAULTS.staleMaxSec),
      staleClientTimeoutMs: this.staleClientTimeoutMs ?? DEFAULTS.staleClientTimeoutMs,
    };
    const { servers: bootstrap, rules } = this.bootstrap.build(this.rules, this.serversFile?.value ?? null, this.warnings);
    const config: Config = {
      listen: {
        addresses: this.listenAddresses.length || this.interfaces.length ? [...new Set(this.listenAddresses)] : [DEFAULTS.listenAddress],
        interfaces: this.interfaces,
        exceptInterfaces: this.exceptInterfaces,
        localService: this.localService,
        port: this.port ?? DEFAULTS.port,
        maxTcpConnections: this.maxTcpConnections ?? DEFAULTS.maxTcpConnections,
        encrypted: this.tlsService.build(this.port ?? DEFAULTS.port, this.warnings),
      },
      forward: {
        policy: this.allServers ? 'all-servers' : this.strictOrder ? 'strict-order' : 'fastest',
        domainPolicies: this.domainPolicies.list(),
        forceTcp: this.forceTcp,
        forceTcpDomains: [...this.forceTcpDomains],
        tlsCa: this.tlsCa,
        bootstrap,
        serverNameRefreshMs: this.serverNameRefreshSec === null ? null : this.serverNameRefreshSec * 1000,
        encode0x20: this.do0x20 && !this.no0x20,
        proxyDnssec: this.proxyDnssec,
        forwardMax: this.forwardMax ?? DEFAULTS.forwardMax,
        maxInflight: this.maxInflight ?? DEFAULTS.maxInflight,
        ednsPacketMax: this.ednsPacketMax ?? DEFAULTS.ednsPacketMax,
        upstreamTimeoutMs: this.upstreamTimeoutMs ?? DEFAULTS.upstreamTimeoutMs,
        queryTimeoutMs: this.queryTimeoutMs ?? DEFAULTS.queryTimeoutMs,
        resolvFiles: this.noResolv ? [] : (this.resolvFiles ?? [DEFAULTS.resolvFile]),
        serversFile: this.serversFile?.value ?? null,
        noResolv: this.noResolv,
        noPoll: this.noPoll,
        loopDetect: this.loopDetect,
        queryPort: this.queryPort?.value ?? null,
        portRange: this.#portRange(),
        fastRetry: this.fastRetry?.value.retry ?? null,
        portLimit: this.portLimit?.value ?? 1,
        healthCheck: this.healthChecks.build(this.warnings),
      },
      cache: {
        size: this.cacheSize ?? DEFAULTS.cacheSize,
        maxBytes: this.cacheMaxBytes ?? DEFAULTS.cacheMaxBytes,
        ...globalTtls,
        clientMaxTtl: this.clientMaxTtl ?? 0,
        rotate: !this.noRotate,
        clearOnReload: this.clearOnReload,
        prefetch: this.prefetch,
        reloadKeepsCache: this.reloadKeepsCache,
        file: this.cacheFile,
        domainPolicies: this.domainTtls.resolve(globalTtls),
      },
      localTtl: this.localTtl ?? DEFAULTS.localTtl,
      ident: !this.noIdent,
      localRecords: this.localRecords,
      mx: { hosts: this.mxHosts, target: this.mxTarget, localmx: this.localmx, selfmx: this.selfmx },
      cnames: this.cnames,
      synthDomains: this.synthDomains,
      interfaceHosts: this.interfaceHosts,
      localiseQueries: this.localiseQueries,
      hosts: { systemHosts: !this.noHosts, extra: this.addnHosts, dirs: this.hostsDirs, expandHosts: this.expandHosts, domain: this.domain },
      filters: {
        domainNeeded: this.domainNeeded,
        bogusPriv: this.bogusPriv,
        filterWin2k: this.filterWin2k,
        types: [...this.filterTypes].sort((a, b) => a - b),
        stopDnsRebind: this.stopDnsRebind,
        rebindLocalhostOk: this.rebindLocalhostOk,
        rebindDomainOk: this.rebindDomainOk,
        bogusNxdomain: this.bogusNxdomain,
        ignoreAddresses: this.ignoreAddresses,
        aliases: this.aliases,
      },
      edns: { addSubnet: this.addSubnet, stripSubnet: this.stripSubnet, addMac: [...this.addMac], stripMac: this.stripMac, cpeId: this.cpeId },
      log: { queries: this.logQueries, target: this.logTarget, asyncBound: this.logAsync ?? DEFAULTS.logAsyncBound, debug: this.logDebug, filter: this.logFilter.build(), dump: this.dump.build(), dnstap: this.dnstap.build() },
      metrics: this.metrics,
      adminApi: this.adminApi !== null,
      adminRulesFile: this.adminRulesFile,
      process: { user: this.user ?? DEFAULTS.user, group: this.group, workers: Math.max(1, this.workers ?? DEFAULTS.workers), pidFile: this.pidFile },
      rules,
      files: this.files,
      warnings: this.warnings,
      optionText: this.applied.join('\n'),
    };
    return deepFreeze(config);
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o) && !ArrayBuffer.isView(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
