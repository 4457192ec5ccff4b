/**
 * The directive table: every option fandns understands, one row each, with its dnsmasq short
 * letter, whether it takes a value, how repeats behave and what it does to the builder. This is
 * "what options exist" in one file; the CLI and `--help` are generated from it, and a test checks
 * that conf/fandns.conf documents each row.
 */
import { ConfigError, type Origin } from '../errors.js';
import { asWritten, int, MAX_TTL, unquoted, type ArgKind, type Directive } from './directive-kit.js';
import { scopedTtl, scopeOf } from './domain-cache-ttl.js';
import { scopedPolicy } from './domain-policy.js';
import { applyNoStaleCache, applyStaleClientTimeout, applyUseStaleCache } from './domain-stale.js';
import { EDNS_DIRECTIVES } from './edns-directives.js';
import { readTlsCa } from './tls-upstream.js';
import { FILTER_DIRECTIVES } from './filter-directives.js';
import { LOCAL_DATA_DIRECTIVES } from './local-data-directives.js';
import { QUERY_LOG_FILTER_DIRECTIVES } from './query-log-filter.js';
import { PACKET_DUMP_DIRECTIVES } from './packet-dump.js';
import { DNSTAP_DIRECTIVES } from './dnstap.js';
import { TLS_SERVICE_DIRECTIVES } from './tls-service.js';
import { HEALTH_CHECK_DIRECTIVES } from './health-check.js';
import { parseRevServer } from './reverse.js';
import { parseAddress, parseServer } from './server-spec.js';
import { absolutePath, parseAccount, parseHostPort, parseIp } from './values.js';
import { DEFAULTS } from './builder.js';
import { parseLogFacility } from './log-facility.js';
import { parseFastRetry, parsePortLimit } from './fast-retry.js';
import { typeFromName } from '../wire/constants.js';

export type { ArgKind, Directive };

/** Most worker processes (`workers=`); far beyond any useful number of cores. */
const MAX_WORKERS = 256;
const v = asWritten;
const u = unquoted;

/** Every directive fandns implements. */
export const DIRECTIVES: readonly Directive[] = [
  // ---- files
  { name: 'conf-file', short: 'C', arg: 'value', repeat: 'list', hint: '<path>', special: true,
    describe: 'Read options from this file (on the command line: instead of the default file).', apply: () => {} },
  { name: 'conf-dir', short: '7', arg: 'value', repeat: 'list', hint: '<dir>[,.ext|*.ext…]', special: true,
    describe: 'Read every file in a directory, skipping .ext suffixes or keeping only *.ext ones.', apply: () => {} },
  { name: 'conf-script', arg: 'value', repeat: 'list', hint: '<command> [<arg>…]', special: true,
    describe: 'Run this command (through /bin/sh) at every load of the configuration and read what it prints as a config file; a failure is a config error.', apply: () => {} },
  // ---- listening
  { name: 'port', short: 'p', arg: 'value', repeat: 'single', hint: '<port>',
    describe: 'Port to answer DNS on, UDP and TCP (default 53).',
    apply: (b, val, o) => { b.port = int('port', 0, 65535)(val, o); } },
  { name: 'listen-address', short: 'a', arg: 'value', repeat: 'list', hint: '<ip>[,<ip>…]',
    describe: 'Address to listen on (repeatable; default 127.0.0.1 only).',
    apply: (b, val, o) => { for (const a of u(val).split(',')) b.listenAddresses.push(parseIp(a.trim(), o, 'listen-address')); } },
  { name: 'interface', short: 'i', arg: 'value', repeat: 'list', hint: '<name>[,<name>…]',
    describe: 'Listen on the addresses of this network interface (and on loopback); a trailing * matches a prefix.',
    apply: (b, val) => { b.interfaces.push(...u(val).split(',').map((x) => x.trim()).filter(Boolean)); } },
  { name: 'except-interface', short: 'I', arg: 'value', repeat: 'list', hint: '<name>[,<name>…]',
    describe: 'Never listen on the addresses of this interface.',
    apply: (b, val) => { b.exceptInterfaces.push(...u(val).split(',').map((x) => x.trim()).filter(Boolean)); } },
  { name: 'bind-interfaces', short: 'z', arg: 'flag', repeat: 'single',
    describe: 'Accepted: fandns always binds each listening address on its own.', apply: () => {} },
  { name: 'bind-dynamic', arg: 'flag', repeat: 'single',
    describe: 'Accepted: addresses are looked up at start-up and on SIGHUP.', apply: () => {} },
  { name: 'local-service', arg: 'optional', repeat: 'single', hint: '[=net]',
    describe: 'Answer only clients on directly connected subnets (and loopback); others are ignored.',
    apply: (b, val, o) => {
      if (val !== null && val !== 'net') throw new ConfigError('FANDNS_CONFIG_VALUE', o, `local-service takes no value or "net", got "${val}"`);
      b.localService = true;
    } },
  { name: 'max-tcp-connections', arg: 'value', repeat: 'single', hint: '<n>',
    describe: 'Most TCP client connections open at once (default 100).',
    apply: (b, val, o) => { b.maxTcpConnections = int('max-tcp-connections', 1, 100000)(val, o); } },
  ...TLS_SERVICE_DIRECTIVES,
  // ---- routing
  { name: 'server', short: 'S', arg: 'value', repeat: 'list', hint: '[/<domain>/]<ip>[#<port>][@<source>] | [/<domain>/]tls://<host>[#<port>][@<source>][,<tls-name>] | [/<domain>/]https://<host>[:<port>][/<path>][@<source>][,<tls-name>]',
    describe: 'Upstream server, for every name or only for the given domains; fandns: tls:// asks it over DNS over TLS (port 853 unless given), https:// over DNS over HTTPS (port 443, path /dns-query unless given), its certificate checked for <tls-name>, else for <host>: an address, or a host name looked up through bootstrap-server=.',
    apply: (b, val, o) => { b.addRules(parseServer(u(val), o, 'server')); } },
  { name: 'local', arg: 'value', repeat: 'list', hint: '/<domain>/[<ip>]',
    describe: 'Synonym of server; /domain/ alone means answer from local data only.',
    apply: (b, val, o) => { b.addRules(parseServer(u(val), o, 'local')); } },
  { name: 'address', short: 'A', arg: 'value', repeat: 'list', hint: '/<domain>/[<ip>|#]',
    describe: 'Answer A (IPv4) or AAAA (IPv6) for a domain and its subdomains locally.',
    apply: (b, val, o) => { b.addRules(parseAddress(u(val), o)); } },
  { name: 'rev-server', arg: 'value', repeat: 'list', hint: '<ip>[/<prefix>][,<server>]',
    describe: 'Server for reverse lookups of an address range.',
    apply: (b, val, o) => { b.addRules(parseRevServer(u(val), o)); } },
  { name: 'resolv-file', short: 'r', arg: 'optional', repeat: 'list', hint: '<path>',
    describe: 'Read upstream servers from this file instead of /etc/resolv.conf (empty: none).',
    apply: (b, val) => {
      if (b.resolvFiles === null) b.resolvFiles = [];
      const path = u(val);
      if (path) b.resolvFiles.push(path);
    } },
  { name: 'servers-file', arg: 'value', repeat: 'single', hint: '<path>',
    describe: 'Read server= and rev-server= lines from this file after the config (re-read on SIGHUP); a bad line or a missing file is a warning.',
    apply: (b, val, o) => { b.serversFile = { value: u(val), origin: o }; } },
  { name: 'no-resolv', short: 'R', arg: 'flag', repeat: 'single',
    describe: 'Do not read resolv.conf for upstream servers.', apply: (b) => { b.noResolv = true; } },
  { name: 'no-poll', short: 'n', arg: 'flag', repeat: 'single',
    describe: 'Do not watch resolv-file for changes (re-read on SIGHUP only).', apply: (b) => { b.noPoll = true; } },
  // ---- upstream policy
  { name: 'strict-order', short: 'o', arg: 'optional', repeat: 'single', scoped: true, bareIsFlag: true, hint: '[=/<domain>/…]',
    describe: 'Try servers in config order; the next one on timeout, SERVFAIL or REFUSED; =/domain/ for the servers of rules under it only.',
    apply: scopedPolicy('strict-order', (b) => { b.strictOrder = true; }) },
  { name: 'all-servers', arg: 'optional', repeat: 'single', scoped: true, bareIsFlag: true, hint: '[=/<domain>/…]',
    describe: 'Send every query to all servers of its group and take the best answer; =/domain/ for the servers of rules under it only.',
    apply: scopedPolicy('all-servers', (b) => { b.allServers = true; }) },
  { name: 'merge-answers', arg: 'value', repeat: 'list', hint: '/<domain>/[<domain>/…]',
    describe: 'fandns: ask every server of the groups of rules under the domains, wait for all, and answer with the union of their records.',
    apply: scopedPolicy('merge-answers', null) },
  { name: 'force-tcp', arg: 'optional', repeat: 'list', hint: '[=/<domain>/…]',
    describe: 'fandns: forward over TCP instead of UDP first; =/domain/ for the servers of rules under it only (Consul without enable_truncate trims UDP answers without TC).',
    apply: (b, v, o) => {
      if (v === null) b.forceTcp = true;
      else for (const d of scopeOf(v, o, 'force-tcp')) b.forceTcpDomains.add(d);
    } },
  { name: 'do-0x20-encode', arg: 'flag', repeat: 'single',
    describe: 'fandns: dnsmasq 2.91\'s option. Send the letters of each query name over UDP in random case and take only replies that echo it (0x20 encoding); a server that does not echo it gets names as asked.',
    apply: (b) => { b.do0x20 = true; } },
  { name: 'no-0x20-encode', arg: 'flag', repeat: 'single',
    describe: 'fandns: dnsmasq 2.91\'s option. No 0x20 encoding (the default); wins over do-0x20-encode.',
    apply: (b) => { b.no0x20 = true; } },
  { name: 'proxy-dnssec', arg: 'flag', repeat: 'single',
    describe: 'Pass the AD bit of upstream answers on to clients (who asked with AD or DO): the upstreams validate and the path to them is trusted. Without it AD is cleared, as in dnsmasq.',
    apply: (b) => { b.proxyDnssec = true; } },
  { name: 'tls-ca-file', arg: 'value', repeat: 'single', hint: '<path>',
    describe: 'fandns: check tls:// and https:// servers\' certificates against the CA certificates (PEM) in this file instead of Node\'s bundled CA list.',
    apply: (b, val, o) => { b.tlsCa = readTlsCa(u(val), o); } },
  { name: 'bootstrap-server', arg: 'value', repeat: 'list', hint: '[tls://|https://]<ip>[#<port>][@<source>]',
    describe: 'fandns: a server (by address) that looks up the host names tls:// and https:// servers are named by, when a connection to them opens; several are asked as server= lines are.',
    apply: (b, val, o) => { b.bootstrap.add(u(val), o); } },
  { name: 'server-name-refresh', arg: 'value', repeat: 'single', hint: '<seconds>',
    describe: 'fandns: look the host names of clear-text servers (server=/consul/consul.internal#8600) up again every this many seconds while running, and forward to the new addresses when they change. Default: only when the configuration loads (start, SIGHUP).',
    apply: (b, val, o) => { b.serverNameRefreshSec = int('server-name-refresh', 1, 86_400)(val, o); } },
  { name: 'query-port', short: 'Q', arg: 'value', repeat: 'single', hint: '<port>',
    describe: 'Send every upstream query from this UDP source port (servers without @addr#port of their own share it); 0: one OS-chosen port per server. Default: a rotating pool of random ports.',
    apply: (b, val, o) => { b.queryPort = { value: int('query-port', 0, 65535)(val, o), origin: o }; } },
  { name: 'min-port', arg: 'value', repeat: 'single', hint: '<port>',
    describe: 'Lowest random source port for upstream queries (with max-port: default 1024; neither: the OS\'s ephemeral range).',
    apply: (b, val, o) => { b.minPort = { value: int('min-port', 0, 65535)(val, o), origin: o }; } },
  { name: 'max-port', arg: 'value', repeat: 'single', hint: '<port>',
    describe: 'Highest random source port for upstream queries (with min-port: default 65535).',
    apply: (b, val, o) => { b.maxPort = { value: int('max-port', 0, 65535)(val, o), origin: o }; } },
  { name: 'fast-dns-retry', arg: 'optional', repeat: 'single', hint: '[=<ms>[,<ms>]]',
    describe: 'Send a UDP query again while its reply has not come: after the first delay (default 1000 ms), then doubling, for the retry time (default 10000 ms), within each attempt.',
    apply: (b, val, o) => { b.fastRetry = { value: parseFastRetry(val === null ? null : u(val), o), origin: o }; } },
  { name: 'port-limit', arg: 'value', repeat: 'single', hint: '<#ports>',
    describe: 'Most source ports the copies (fast-dns-retry) of one query to one server leave from (default 1, at most 8).',
    apply: (b, val, o) => { b.portLimit = { value: parsePortLimit(u(val), o), origin: o }; } },
  { name: 'dns-loop-detect', arg: 'flag', repeat: 'single',
    describe: 'Send each default server a TXT probe (<hex>.test) at start and on each reload; a server whose probe comes back to fandns as a query is not used.',
    apply: (b) => { b.loopDetect = true; } },
  ...HEALTH_CHECK_DIRECTIVES,
  { name: 'dns-forward-max', short: '0', arg: 'value', repeat: 'single', hint: '<n>',
    describe: 'Most concurrent forwarded queries per server group (default 150); excess gets REFUSED.',
    apply: (b, val, o) => { b.forwardMax = int('dns-forward-max', 1, 10_000_000)(val, o); } },
  { name: 'max-inflight', arg: 'value', repeat: 'single', hint: '<n>',
    describe: 'fandns: most clients waiting on upstreams at once, coalesced ones included (default 10000); excess gets REFUSED.',
    apply: (b, val, o) => { b.maxInflight = int('max-inflight', 1, 10_000_000)(val, o); } },
  { name: 'edns-packet-max', short: 'P', arg: 'value', repeat: 'single', hint: '<bytes>',
    describe: 'Largest EDNS UDP payload sent or accepted (default 1232).',
    apply: (b, val, o) => { b.ednsPacketMax = int('edns-packet-max', 512, 65535)(val, o); } },
  { name: 'upstream-timeout', arg: 'value', repeat: 'single', hint: '<ms>',
    describe: 'fandns: how long one attempt at one upstream may take (default 1500 ms).',
    apply: (b, val, o) => { b.upstreamTimeoutMs = int('upstream-timeout', 50, 60_000)(val, o); } },
  { name: 'query-timeout', arg: 'value', repeat: 'single', hint: '<ms>',
    describe: 'fandns: longest time a forwarded query may take before SERVFAIL (default 4000 ms).',
    apply: (b, val, o) => { b.queryTimeoutMs = int('query-timeout', 100, 120_000)(val, o); } },
  // ---- cache
  { name: 'cache-size', short: 'c', arg: 'value', repeat: 'single', hint: '<entries>',
    describe: 'Cache size in entries, one per name/type/class/DO/CD (default 10000; 0 disables caching).',
    apply: (b, val, o) => { b.cacheSize = int('cache-size', 0, 10_000_000)(val, o); } },
  { name: 'cache-max-bytes', arg: 'value', repeat: 'single', hint: '<bytes>',
    describe: 'fandns: byte bound on the cache, keys and entries counted (default 268435456).',
    apply: (b, val, o) => { b.cacheMaxBytes = int('cache-max-bytes', 65_536, 64 * 1024 ** 3)(val, o); } },
  { name: 'clear-on-reload', arg: 'flag', repeat: 'single',
    describe: 'Empty the cache when a changed resolv-file is re-read too (a SIGHUP always empties it).',
    apply: (b) => { b.clearOnReload = true; } },
  { name: 'min-cache-ttl', arg: 'value', repeat: 'single', scoped: true, hint: '[/<domain>/…]<seconds>',
    describe: 'Cache records for at least this long, even with TTL 0 (no silent cap at 3600); /domain/ for names under it only.',
    apply: scopedTtl('minTtl', (b, n, o) => { b.minCacheTtl = { value: n, origin: o }; }) },
  { name: 'max-cache-ttl', arg: 'value', repeat: 'single', scoped: true, hint: '[/<domain>/…]<seconds>',
    describe: 'Cache records for at most this long; /domain/ for names under it only (0 there: do not cache them).',
    apply: scopedTtl('maxTtl', (b, n, o) => { b.maxCacheTtl = { value: n, origin: o }; }) },
  { name: 'max-ttl', arg: 'value', repeat: 'single', hint: '<seconds>',
    describe: 'Largest TTL sent to clients (answers from the cache and forwarded answers).',
    apply: (b, val, o) => { b.clientMaxTtl = int('max-ttl', 1, MAX_TTL)(val, o); } },
  { name: 'neg-ttl', arg: 'value', repeat: 'single', scoped: true, hint: '[/<domain>/…]<seconds>',
    describe: 'Cache time for negative answers that carry no SOA record; /domain/ for names under it only.',
    apply: scopedTtl('negTtl', (b, n) => { b.negTtl = n; }) },
  { name: 'no-negcache', short: 'N', arg: 'optional', repeat: 'single', scoped: true, bareIsFlag: true, hint: '[=/<domain>/…]',
    describe: 'Do not cache negative answers (NXDOMAIN, NODATA); =/domain/ for names under it only.',
    apply: (b, val, o) => {
      if (val === null) b.noNegcache = true;
      else b.domainTtls.set(scopeOf(val, o, 'no-negcache'), 'noNegcache', true, o);
    } },
  { name: 'local-ttl', short: 'T', arg: 'value', repeat: 'single', hint: '<seconds>',
    describe: 'TTL of locally synthesized answers (address=, hosts, cname=…; default 0).',
    apply: (b, val, o) => { b.localTtl = int('local-ttl', 0, MAX_TTL)(val, o); } },
  { name: 'use-stale-cache', arg: 'optional', repeat: 'single', scoped: true, hint: '[=[/<domain>/…]<max-seconds>]',
    describe: 'Serve expired answers (TTL 30) when upstreams fail or are slow, for up to max-seconds past expiry (default 86400; 0: no limit); /domain/ for names under it only.',
    apply: applyUseStaleCache },
  { name: 'no-stale-cache', arg: 'value', repeat: 'list', hint: '/<domain>/[<domain>/…]',
    describe: 'fandns: never serve expired answers for names under these domains, whatever use-stale-cache says for their parents or globally.',
    apply: applyNoStaleCache },
  { name: 'prefetch', arg: 'flag', repeat: 'single',
    describe: 'fandns: a cache hit in the last tenth of an answer\'s lifetime also refreshes it in the background, so steadily asked names never wait on the upstream.',
    apply: (b) => { b.prefetch = true; } },
  { name: 'reload-keeps-cache', arg: 'flag', repeat: 'single',
    describe: 'fandns: a SIGHUP (or a resolv-file or hostsdir change) keeps the cached answers the new configuration would give the same way, instead of emptying the cache.',
    apply: (b) => { b.reloadKeepsCache = true; } },
  { name: 'cache-file', arg: 'value', repeat: 'single', hint: '<path>',
    describe: 'fandns: write the cache to this file on a clean stop, and load what is still valid from it at start (with workers: one file per worker, <path>.N).',
    apply: (b, val, o) => {
      b.cacheFile = absolutePath(u(val), o, 'cache-file');
    } },
  { name: 'stale-client-timeout', arg: 'value', repeat: 'single', scoped: true, hint: '[/<domain>/…]<ms>',
    describe: 'fandns: with use-stale-cache, how long a client waits for a refresh before it gets the stale answer (default 1800); /domain/ for names under it only.',
    apply: applyStaleClientTimeout },
  { name: 'no-rotate', arg: 'flag', repeat: 'single',
    describe: 'fandns: keep cached multi-record answers in upstream order instead of rotating them on each hit.',
    apply: (b) => { b.noRotate = true; } },
  { name: 'no-round-robin', arg: 'flag', repeat: 'single',
    describe: 'dnsmasq name for no-rotate.', apply: (b) => { b.noRotate = true; } },
  { name: 'cache-rr', arg: 'value', repeat: 'list', hint: '<type>[,<type>…]',
    describe: 'Accepted for dnsmasq compatibility: fandns caches every record type already.',
    apply: (_b, val, o) => {
      for (const t of v(val).split(',')) {
        if (t.trim().toUpperCase() !== 'ANY' && typeFromName(t.trim()) === undefined && !/^\d+$/.test(t.trim())) {
          throw new ConfigError('FANDNS_CONFIG_VALUE', o, `cache-rr: unknown record type "${t}"`);
        }
      }
    } },
  ...LOCAL_DATA_DIRECTIVES,
  ...FILTER_DIRECTIVES,
  ...EDNS_DIRECTIVES,
  // ---- logging and metrics
  { name: 'log-queries', short: 'q', arg: 'optional', repeat: 'list', hint: '[=extra]',
    describe: 'Log every query (JSON lines, asynchronously); =extra adds the DNS ID, EDNS details and reply size.',
    apply: (b, val) => { b.logQueries = val === 'extra' || b.logQueries === 'extra' ? 'extra' : 'on'; } },
  { name: 'log-facility', short: '8', arg: 'value', repeat: 'single', hint: '<path>|-',
    describe: 'Log destination: a file path (must contain "/"), or "-" for stderr (default stderr).',
    apply: (b, val, o) => { b.logTarget = parseLogFacility(v(val), o, b.warnings); } },
  { name: 'log-async', arg: 'optional', repeat: 'single', hint: '[=<lines>]',
    describe: 'Most query-log lines waiting while a write is under way; more are dropped and counted (bare: 5; default 10000).',
    apply: (b, val, o) => { b.logAsync = val === null ? DEFAULTS.logAsyncFlag : int('log-async', 1, 10_000_000)(val, o); } },
  ...QUERY_LOG_FILTER_DIRECTIVES,
  ...PACKET_DUMP_DIRECTIVES,
  ...DNSTAP_DIRECTIVES,
  { name: 'log-debug', arg: 'flag', repeat: 'single',
    describe: 'Log debugging information: each listening address, the upstream servers of each configuration, and each forwarded query its servers gave no answer to.',
    apply: (b) => { b.logDebug = true; } },
  { name: 'metrics-address', arg: 'value', repeat: 'single', hint: '<ip>:<port>',
    describe: 'fandns: serve Prometheus /metrics, /health, /ready and /explain over HTTP here (off by default).',
    apply: (b, val, o) => { b.metrics = parseHostPort(v(val), o, 'metrics-address'); } },
  { name: 'admin-api', arg: 'flag', repeat: 'single',
    describe: 'fandns: also serve GET/PUT/DELETE /rules on metrics-address, to add or remove server=/domain/ rules at run time (off by default; keep metrics-address on loopback).',
    apply: (b, _val, o) => { b.adminApi = o; } },
  { name: 'admin-rules-file', arg: 'value', repeat: 'single', hint: '<path>',
    describe: 'fandns: with admin-api, keep the runtime rules in this file (written after each change) and lay them over the configuration again at start.',
    apply: (b, val, o) => {
      b.adminRulesFile = absolutePath(u(val), o, 'admin-rules-file');
    } },
  // ---- process
  { name: 'user', short: 'u', arg: 'value', repeat: 'single', hint: '<user>',
    describe: 'When started as root, switch to this user once every socket is bound (default nobody; root keeps root).',
    apply: (b, val, o) => { b.user = parseAccount(u(val), o, 'user'); } },
  { name: 'group', short: 'g', arg: 'value', repeat: 'single', hint: '<group>',
    describe: "When started as root, switch to this group once every socket is bound (default: the user's group).",
    apply: (b, val, o) => { b.group = parseAccount(u(val), o, 'group'); } },
  { name: 'workers', arg: 'value', repeat: 'single', hint: '<n>',
    describe: 'fandns: processes answering queries on the same sockets, each with its own cache (default 1; 0 or 1: one process).',
    apply: (b, val, o) => { b.workers = int('workers', 0, MAX_WORKERS)(val, o); } },
  { name: 'pid-file', short: 'x', arg: 'optional', repeat: 'single', hint: '[=<path>]',
    describe: 'Write the process ID here at start (the cluster primary\'s with workers), removed on exit; no path: no file (the default).',
    apply: (b, val) => { b.pidFile = u(val) || null; } },
  // accepted for compatibility: fandns always stays in the foreground
  { name: 'keep-in-foreground', short: 'k', arg: 'flag', repeat: 'single',
    describe: 'Accepted for dnsmasq compatibility; fandns never daemonizes.', apply: () => {} },
  { name: 'no-daemon', short: 'd', arg: 'flag', repeat: 'single',
    describe: 'Accepted for dnsmasq compatibility; fandns never daemonizes.', apply: () => {} },
];

const byName = new Map(DIRECTIVES.map((d) => [d.name, d]));

/** Looks a directive up by its long name. */
export function findDirective(name: string): Directive | undefined {
  return byName.get(name);
}

/** Throws unless the value's presence fits the directive's ArgKind (reference §6.8 messages). */
export function checkArg(d: Directive, value: string | null, origin: Origin): void {
  if (d.arg === 'flag' && value !== null) {
    throw new ConfigError('FANDNS_CONFIG_SYNTAX', origin, `${d.name} takes no value (extraneous parameter "${value}")`);
  }
  if (d.arg === 'value' && (value === null || value === '')) {
    throw new ConfigError('FANDNS_CONFIG_SYNTAX', origin, `${d.name} needs a value (missing parameter)`);
  }
}
