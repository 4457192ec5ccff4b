/**
 * The typed, fully defaulted, read-only configuration that the loader produces. Nothing outside
 * src/config/ knows dnsmasq syntax; handlers receive these shapes.
 */
import type { Origin } from '../errors.js';

/** One upstream DNS server as written in a `server=` line or found in resolv.conf. */
export interface UpstreamSpec {
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
  /** `@addr` source address, if any. */
  readonly sourceAddress: string | null;
  /** `@addr#port` fixed source port, if any. */
  readonly sourcePort: number | null;
  /** `@iface` device binding (parsed, reported as unsupported at start-up). */
  readonly device: string | null;
  /** fandns `tls://` or `https://`: the server is asked over DNS over TLS (RFC 7858) or over HTTPS (RFC 8484), never UDP. */
  readonly tls?: TlsPeer;
  /**
   * fandns: present when `address` is a host name, which only a tls:// or https:// server may have.
   * The name is looked up through bootstrap-server= each time a connection to the server opens:
   * for IPv4 and IPv6 addresses (0), or only for its @SOURCE address's family (4 or 6, also `family`).
   */
  readonly lookup?: 0 | 4 | 6;
  /** fandns: the host name a clear-text server's `address` was looked up from (config/server-names.ts), for /health and /explain. */
  readonly hostName?: string;
  readonly origin: Origin;
}

/** `tls-ca-file=`: the certificates read, and where from (for messages). */
export interface TlsCa {
  readonly pem: string;
  readonly path: string;
}

/** How a DNS-over-TLS server proves who it is. */
export interface TlsPeer {
  /**
   * The name its certificate must carry (`,NAME`), also sent as SNI; null: the certificate must
   * carry the server's IP address.
   */
  readonly name: string | null;
  /** `https://`: the path DNS-over-HTTPS requests go to (RFC 8484 §4.1); null: DNS over TLS. */
  readonly path: string | null;
}

/**
 * How a rule's domain matches a query name (reference §1.2):
 * - `suffix`: the domain and every name below it, label by label (`/d/`);
 * - `wildcard`: any name ending in the string, at any character (`/*d/`);
 * - `subdomains`: names strictly below the domain (`/*.d/`);
 * - `unqualified`: names without a dot (`//`);
 * - `default`: every name (no domain, `server=ip` or `/#/`).
 */
export type MatchKind = 'suffix' | 'wildcard' | 'subdomains' | 'unqualified' | 'default';

/** The domain part of a rule. `name` is canonical (lower-case, no trailing dot). */
export interface DomainPattern {
  readonly name: string;
  readonly match: MatchKind;
}

/** What a rule does for its domain. */
export type RuleAction =
  | { readonly kind: 'forward'; readonly server: UpstreamSpec }
  | { readonly kind: 'local-only' }
  | { readonly kind: 'use-default' }
  | { readonly kind: 'address'; readonly family: 4 | 6; readonly address: string }
  | { readonly kind: 'null-address' };

/** One entry of the domain-rule table: from `server=`, `local=`, `address=` or `rev-server=`. */
export interface DomainRule {
  readonly domain: DomainPattern;
  readonly action: RuleAction;
  readonly origin: Origin;
}

/**
 * How a server group sends a query (reference §2.1–2.3, with fandns's arbitration).
 * `merge-answers` (fandns): every server, every reply awaited, positive answers merged.
 */
export type UpstreamPolicy = 'fastest' | 'strict-order' | 'all-servers' | 'merge-answers';

/** fandns: the policy for the server groups of rules at or below a domain (`all-servers=/d/`…). */
export interface DomainPolicy {
  /** Canonical dotted name, lower case. */
  readonly domain: string;
  readonly policy: UpstreamPolicy;
  readonly origin: Origin;
}

/** Listening sockets. */
export interface ListenConfig {
  /** `listen-address` values (127.0.0.1 when neither these nor interfaces are given). */
  readonly addresses: readonly string[];
  /** `interface=` names (a trailing `*` matches a prefix); their addresses and loopback are served. */
  readonly interfaces: readonly string[];
  /** `except-interface=` names, never served. */
  readonly exceptInterfaces: readonly string[];
  /** `local-service`: answer only clients on directly connected subnets (others are ignored). */
  readonly localService: boolean;
  readonly port: number;
  readonly maxTcpConnections: number;
  /** fandns `tls-port=` / `https-port=`: DNS over TLS and over HTTPS listeners (null: none). */
  readonly encrypted: EncryptedListenConfig | null;
}

/** An option naming a file, and its line. */
export interface PathOption {
  readonly path: string;
  readonly origin: Origin;
}

/** fandns's encrypted listeners (src/config/tls-service.ts); at least one port is set. */
export interface EncryptedListenConfig {
  /** DNS over TLS (RFC 7858), or null. */
  readonly tlsPort: number | null;
  /** DNS over HTTPS (RFC 8484), or null. */
  readonly httpsPort: number | null;
  /** `tls-cert-file=`: the PEM certificate chain. */
  readonly certFile: PathOption;
  /** `tls-key-file=`: its PEM private key. */
  readonly keyFile: PathOption;
}

/** Forwarding behaviour shared by every server group. */
export interface ForwardConfig {
  /** The global policy (`all-servers`, `strict-order`, or neither: fastest). */
  readonly policy: UpstreamPolicy;
  /** fandns: policies for the groups of rules at or below a domain; the longest domain wins. */
  readonly domainPolicies: readonly DomainPolicy[];
  /** fandns `force-tcp`: every forwarded query goes over TCP (RFC 7766), not UDP first. */
  readonly forceTcp: boolean;
  /** fandns `force-tcp=/d/`: the groups of rules at or below these domains (canonical names) forward over TCP. */
  readonly forceTcpDomains: readonly string[];
  /**
   * `do-0x20-encode` (dnsmasq 2.91's option; `no-0x20-encode` wins): query names go out over UDP in
   * random case, and replies must echo it.
   */
  readonly encode0x20: boolean;
  /**
   * `proxy-dnssec`: the AD bit of upstream answers is passed on (to clients that asked with AD or
   * DO, RFC 6840 §5.8); without it AD is cleared in every forwarded answer, as dnsmasq does, since
   * fandns does not validate (RFC 4035 §3.2.3: AD only for data the server holds authentic).
   */
  readonly proxyDnssec: boolean;
  /** fandns `tls-ca-file=`: the CA certificates (PEM) DNS-over-TLS servers are checked against; null: Node's bundled list. */
  readonly tlsCa: TlsCa | null;
  /** fandns `bootstrap-server=`: the servers tls:// and https:// servers' host names are looked up with (clear-text or encrypted, by address). */
  readonly bootstrap: readonly UpstreamSpec[];
  /**
   * fandns `server-name-refresh=`: ms between lookups of the clear-text servers' host names while
   * running (src/server-name-refresh.ts), or null: looked up when the configuration loads only.
   */
  readonly serverNameRefreshMs: number | null;
  readonly forwardMax: number;
  /** `max-inflight`: most clients waiting on upstreams at once, coalesced ones included. */
  readonly maxInflight: number;
  readonly ednsPacketMax: number;
  /** How long one attempt at one upstream may take before it counts as failed. */
  readonly upstreamTimeoutMs: number;
  /** Upper bound for a whole forwarded query; past it the client gets SERVFAIL. */
  readonly queryTimeoutMs: number;
  readonly resolvFiles: readonly string[];
  /** `servers-file=`: its path (a line of it that cannot work is a warning, never fatal), or null. */
  readonly serversFile: string | null;
  readonly noResolv: boolean;
  readonly noPoll: boolean;
  /** `dns-loop-detect`: probe each default server for a forwarding loop back to fandns. */
  readonly loopDetect: boolean;
  /** `query-port`: N > 0 every upstream query from port N; 0 one OS-chosen port per server; null a rotating pool. */
  readonly queryPort: number | null;
  /** `min-port`/`max-port`: the range random source ports come from, or null for the OS's. */
  readonly portRange: { readonly min: number; readonly max: number } | null;
  /** `fast-dns-retry`: copies of a UDP query still waiting for its reply, or null: each sent once. */
  readonly fastRetry: FastRetry | null;
  /** `port-limit`: most source ports the copies of one query to one server leave from (default 1). */
  readonly portLimit: number;
  /** fandns `health-check=`: active checks of upstream servers, or null: passive health only. */
  readonly healthCheck: HealthCheckConfig | null;
}

/** fandns active health checks (`health-check=`, `health-check-interval/-rise/-fall`). */
export interface HealthCheckConfig {
  /** One question per listed domain, in config order (each domain once). */
  readonly checks: readonly HealthCheckRule[];
  /** Time between the starts of two checks of one server (while it is up). */
  readonly intervalMs: number;
  /** Consecutive good checks that bring a down server back. */
  readonly rise: number;
  /** Consecutive failed checks that mark an up server down. */
  readonly fall: number;
}

/** One `health-check=` domain and the question its servers are asked. */
export interface HealthCheckRule {
  /** Canonical domain: servers of rules at or below it get this check; null: the default servers (`/#/` or no domain). */
  readonly domain: string | null;
  /** Canonical name asked ('' is the root). */
  readonly name: string;
  readonly qtype: number;
  readonly origin: Origin;
}

/** `fast-dns-retry=<firstMs>,<totalMs>`: when copies of a UDP query still waiting are sent. */
export interface FastRetry {
  /** Wait between the first send and the first copy; each later wait is twice the one before. */
  readonly firstMs: number;
  /** No copy leaves this long (or longer) after the first send. */
  readonly totalMs: number;
}

/** The cache (reference §4, with fandns's differences: no silent caps, every type cached). */
export interface CacheConfig {
  /** Entries (`cache-size`); 0 disables caching. */
  readonly size: number;
  /** Byte bound over keys and entries (`cache-max-bytes`). */
  readonly maxBytes: number;
  readonly minTtl: number;
  readonly maxTtl: number;
  /** `max-ttl`: cap on TTLs sent to clients (0: none). */
  readonly clientMaxTtl: number;
  readonly negTtl: number | null;
  readonly noNegcache: boolean;
  /** `use-stale-cache[=N]`: seconds past expiry (0 = no limit), or null when off. */
  readonly staleMaxSec: number | null;
  readonly staleClientTimeoutMs: number;
  /** Rotate multi-record answers on each hit (`no-rotate` / `no-round-robin` turn it off). */
  readonly rotate: boolean;
  /** `clear-on-reload`: a changed resolv-file empties the cache too (a reload always does). */
  readonly clearOnReload: boolean;
  /**
   * fandns `reload-keeps-cache`: a reload (SIGHUP, resolv-file, hostsdir) keeps the entries the
   * new configuration would produce the same way instead of emptying the cache (src/keep/).
   */
  readonly reloadKeepsCache: boolean;
  /** fandns `cache-file=`: where the cache is written on a clean stop and read at start, or null. */
  readonly file: string | null;
  /** fandns `prefetch`: refresh entries hit in the last tenth of their lifetime, in the background. */
  readonly prefetch: boolean;
  /**
   * fandns: cache settings for names at or below a domain (`min-cache-ttl=/d/N`,
   * `use-stale-cache=/d/N`…), one per domain.
   */
  readonly domainPolicies: readonly DomainCachePolicy[];
}

/** The cache settings for one domain, parents' and global settings filled in. */
export interface DomainCachePolicy {
  /** Canonical dotted name, lower case. */
  readonly domain: string;
  readonly minTtl: number;
  readonly maxTtl: number;
  readonly negTtl: number | null;
  readonly noNegcache: boolean;
  /** Serve-stale window for the domain as `CacheConfig.staleMaxSec` (null: off there). */
  readonly staleMaxSec: number | null;
  readonly staleClientTimeoutMs: number;
}

/** One locally served record (host-record, txt-record, srv-host, ptr-record, mx-host, naptr-record, caa-record, dns-rr). */
export interface LocalRecord {
  /** Canonical owner name. */
  readonly name: string;
  readonly type: number;
  readonly rdata: Buffer;
  /** Own TTL, or null for local-ttl. */
  readonly ttl: number | null;
  readonly origin: Origin;
  /** True for a name-only entry (`srv-host=name`): the name exists, with no record of the type. */
  readonly placeholder?: boolean;
  /**
   * False for a record that only adds itself (caa-record, dns-rr, as dnsmasq 2.90 treats them):
   * its name does not become local, so another type there is forwarded. Absent: true.
   */
  readonly claimsName?: boolean;
}

/** One `mx-host=` line. */
export interface MxHost {
  /** Canonical owner name. */
  readonly name: string;
  /** Canonical target, or null for the default (mx-target, else this machine's host name). */
  readonly target: string | null;
  readonly preference: number;
  readonly origin: Origin;
}

/** MX records fandns serves itself (reference: dnsmasq's mx-host, mx-target, localmx, selfmx). */
export interface MxConfig {
  /** `mx-host=` lines in config order. */
  readonly hosts: readonly MxHost[];
  /** `mx-target=`: the default MX target; null: this machine's host name. */
  readonly target: string | null;
  /** `localmx`: an MX record pointing at the default target for every hosts-file and host-record name. */
  readonly localmx: boolean;
  /** `selfmx`: an MX record pointing at itself for every hosts-file and host-record name. */
  readonly selfmx: boolean;
}

/** One `cname=` alias. */
export interface CnameRule {
  readonly alias: string;
  readonly target: string;
  readonly ttl: number | null;
  readonly origin: Origin;
}

/**
 * One `synth-domain=` line: A/AAAA records for `<prefix><address>.<domain>` (the address's `.`
 * or `:` written `-`) or, when `sequential`, `<prefix><index>.<domain>`, and PTR records back,
 * for every address from `start` to `end`.
 */
export interface SynthDomain {
  /** Canonical domain (lower-case, no trailing dot). */
  readonly domain: string;
  readonly family: 4 | 6;
  /** First and last address of the range, as glibc's inet_ntop writes them. */
  readonly start: string;
  readonly end: string;
  /** Lower-cased, without a trailing `*`; '' for none. */
  readonly prefix: string;
  /** The prefix ended in `*`: names carry the address's index in the range, not the address. */
  readonly sequential: boolean;
  readonly origin: Origin;
}

/**
 * One `interface-name=` or `dynamic-host=` line: A/AAAA records for `name` from the addresses
 * `iface` has while fandns runs, and PTR records back. An interface-name takes the addresses as
 * they are; a dynamic-host (`host4`/`host6` set) keeps their network part and takes the host part
 * from `host4`/`host6`.
 */
export interface InterfaceHost {
  /** Canonical name (lower-case, no trailing dot). */
  readonly name: string;
  /** Interface name, as `ip link` shows it. */
  readonly iface: string;
  /** Use the interface's IPv4 (v4) and IPv6 (v6) addresses. */
  readonly v4: boolean;
  readonly v6: boolean;
  /** dynamic-host: the address whose host part is used, per family; null for interface-name. */
  readonly host4: string | null;
  readonly host6: string | null;
  readonly origin: Origin;
}

/** Hosts files (reference §6.7). */
export interface HostsConfig {
  /** Read /etc/hosts (false with `no-hosts`). */
  readonly systemHosts: boolean;
  /** `addn-hosts=` files or directories. */
  readonly extra: readonly string[];
  /** `hostsdir=` directories: read like addn-hosts directories, and again whenever they change. */
  readonly dirs: readonly string[];
  readonly expandHosts: boolean;
  /** `domain=`: the local domain for expand-hosts. */
  readonly domain: string | null;
}

/** An address range: every address whose leading `prefix` bits equal `address`'s. */
export interface AddressRange {
  /** An IPv4 or IPv6 literal. */
  readonly address: string;
  /** Prefix length: up to 32 for IPv4, 128 for IPv6. */
  readonly prefix: number;
}

/**
 * One `alias=` line (DNS doctoring): an upstream IPv4 address in the match is rewritten to
 * `(address & ~mask) | (replacement & mask)`. Addresses are unsigned 32-bit numbers.
 */
export interface AddressAlias {
  /** The old address, or the first of the range. */
  readonly from: number;
  /** The last address of the range; null: every address equal to `from` under `mask`. */
  readonly to: number | null;
  readonly replacement: number;
  /** The bits taken from `replacement` (default all: the address is replaced whole). */
  readonly mask: number;
  readonly origin: Origin;
}

/** Query filters (reference §6.5). */
export interface FilterConfig {
  readonly domainNeeded: boolean;
  readonly bogusPriv: boolean;
  /** `filterwin2k`: SOA, SRV, and ANY for names with `_`, answered NODATA unless a domain's own server= covers them. */
  readonly filterWin2k: boolean;
  /**
   * filter-A, filter-AAAA, filter-rr: record types fandns answers with NODATA itself, in
   * ascending order; 255 (ANY) trims the answers to ANY queries instead.
   */
  readonly types: readonly number[];
  readonly stopDnsRebind: boolean;
  readonly rebindLocalhostOk: boolean;
  /** Domains whose answers may point into private space; '' means dotless names. */
  readonly rebindDomainOk: readonly string[];
  /** `bogus-nxdomain=`: an upstream answer with an A/AAAA in one of these becomes NXDOMAIN. */
  readonly bogusNxdomain: readonly AddressRange[];
  /** `ignore-address=`: an upstream NOERROR reply with an A/AAAA in one of these is dropped, and fandns waits on. */
  readonly ignoreAddresses: readonly AddressRange[];
  /** `alias=` lines in config order (the last matching line wins, as in dnsmasq). */
  readonly aliases: readonly AddressAlias[];
}

/** What add-subnet sends for clients of one family: `[address/]prefix` in dnsmasq's syntax. */
export interface SubnetSource {
  /** SOURCE PREFIX-LENGTH (RFC 7871 §6). */
  readonly prefix: number;
  /** A fixed address sent for every client of the family, or null: the client's own address. */
  readonly address: string | null;
}

/** How add-mac carries a client's MAC: option 65001 as raw bytes, or option 65073 as base64 or `aa:bb:…` text. */
export type MacEncoding = 'raw' | 'base64' | 'text';

/** EDNS options added to or removed from forwarded queries (dnsmasq's add-subnet, add-mac, add-cpe-id, strip-*). */
export interface EdnsConfig {
  /**
   * `add-subnet`: null when off. Per client family (IPv4 clients, IPv6 clients): what to send, or
   * null for an option without address (SOURCE PREFIX-LENGTH 0: "do not use my address").
   */
  readonly addSubnet: { readonly ipv4: SubnetSource | null; readonly ipv6: SubnetSource | null } | null;
  /** `strip-subnet`: remove a client's own ECS option (with add-subnet: replace it). */
  readonly stripSubnet: boolean;
  /** `add-mac[=base64|text]`: the encodings to add (none: off). */
  readonly addMac: readonly MacEncoding[];
  /** `strip-mac`: remove a client's own MAC options (65001, 65073). */
  readonly stripMac: boolean;
  /** `add-cpe-id`: the string to send in option 65074, or null. */
  readonly cpeId: string | null;
}

/** Where logs go (`log-facility`). */
export type LogTarget = { readonly kind: 'stderr' } | { readonly kind: 'file'; readonly path: string };

/** Logging (reference §5, with an asynchronous bounded query log always). */
export interface LogConfig {
  /** `log-queries` (on) and `log-queries=extra`. */
  readonly queries: 'off' | 'on' | 'extra';
  readonly target: LogTarget;
  /** `log-async=N`: most query-log lines queued before new ones are dropped and counted. */
  readonly asyncBound: number;
  /** `log-debug`: the operational log at level debug (unless FANDNS_LOG_LEVEL says otherwise). */
  readonly debug: boolean;
  /** `log-queries-domain`, `log-queries-exclude`, `log-queries-sample`; null: log every query. */
  readonly filter: QueryLogFilterConfig | null;
  /** `dumpfile=` (and `dumpmask=`), or null: no packet dump. */
  readonly dump: PacketDumpConfig | null;
  /** fandns `dnstap-file=`, or null: no dnstap. */
  readonly dnstap: DnstapConfig | null;
}

/** Where dnstap messages go: a Frame Streams file, or a collector's Unix or TCP socket. */
export type DnstapTarget =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly address: string; readonly port: number };

/**
 * `dnstap-file=` or `dnstap-socket=`, and their options (config/dnstap.ts): client queries and
 * replies, and queries to upstream servers and their replies, as dnstap messages in a Frame
 * Streams file or stream (src/log/dnstap-log.ts).
 */
export interface DnstapConfig {
  /** Where the messages go: dnstap-file= or dnstap-socket=. */
  readonly target: DnstapTarget;
  /** The dnstap-file or dnstap-socket line (errors opening the file name it). */
  readonly origin: Origin;
  /** dnstap-messages=client: each client query and its reply (CLIENT_QUERY, CLIENT_RESPONSE). */
  readonly client: boolean;
  /** dnstap-messages=forwarder: each query sent to an upstream server and its reply (FORWARDER_QUERY, FORWARDER_RESPONSE). */
  readonly forwarder: boolean;
  /** dnstap-identity=: the identity every message carries ('' : none); null: the host's name. */
  readonly identity: string | null;
  /** dnstap-version=: the version every message carries ('' : none); null: `fandns VERSION`. */
  readonly version: string | null;
}

/** `dumpfile=` and `dumpmask=`: copies of DNS datagrams in a pcap file (src/log/packet-dump.ts). */
export interface PacketDumpConfig {
  readonly path: string;
  /** The dumpfile line (errors opening the file name it). */
  readonly origin: Origin;
  /** dnsmasq's mask bits: 0x1 client queries, 0x2 replies to clients, 0x4 upstream queries, 0x8 their replies. */
  readonly mask: number;
}

/** Which queries the query log writes (fandns). */
export interface QueryLogFilterConfig {
  /** Write one ordinary query in this many (1: all); failures are always written. */
  readonly sampleEvery: number;
  /** Listed domains: `log` true for log-queries-domain, false for log-queries-exclude. */
  readonly domains: readonly { readonly domain: string; readonly log: boolean }[];
}

/** `metrics-address=host:port`: the Prometheus and health endpoint. */
export interface MetricsConfig {
  readonly host: string;
  readonly port: number;
}

/** The process: whom to run as after binding (when started as root), and how many workers. */
export interface ProcessConfig {
  /** `user=`: the account to switch to once every socket is bound; 'root' keeps root. */
  readonly user: string;
  /** `group=`: the group to switch to, or null for the user's own group. */
  readonly group: string | null;
  /** `workers=`: processes answering queries (node:cluster); 1 means no cluster. */
  readonly workers: number;
  /** `pid-file=`: where to write the process ID (the cluster primary's with workers), or null: nowhere. */
  readonly pidFile: string | null;
}

/** The whole configuration. */
export interface Config {
  readonly listen: ListenConfig;
  readonly forward: ForwardConfig;
  readonly cache: CacheConfig;
  /** TTL of locally synthesized answers (`local-ttl`). */
  readonly localTtl: number;
  /** Answer CHAOS TXT version.bind, hits.bind and the other statistics names (false with `no-ident`). */
  readonly ident: boolean;
  readonly localRecords: readonly LocalRecord[];
  readonly mx: MxConfig;
  readonly cnames: readonly CnameRule[];
  /** `synth-domain=` lines, in config order. */
  readonly synthDomains: readonly SynthDomain[];
  /** `interface-name=` and `dynamic-host=` lines, in config order (the first names an address's PTR). */
  readonly interfaceHosts: readonly InterfaceHost[];
  /** `localise-queries`: IPv4 answers from hosts files, interface-name and dynamic-host keep the query's subnet when they can. */
  readonly localiseQueries: boolean;
  readonly hosts: HostsConfig;
  readonly filters: FilterConfig;
  /** EDNS options for forwarded queries. */
  readonly edns: EdnsConfig;
  readonly log: LogConfig;
  readonly metrics: MetricsConfig | null;
  /** fandns `admin-api`: metrics-address also serves /rules, to change server=/domain/ rules at run time. */
  readonly adminApi: boolean;
  /** fandns `admin-rules-file=`: where the runtime rules are kept across restarts (used only with admin-api), or null. */
  readonly adminRulesFile: string | null;
  readonly process: ProcessConfig;
  /** Every domain rule, in config order (command line first, then files). */
  readonly rules: readonly DomainRule[];
  /** Config files read, in order (for messages). */
  readonly files: readonly string[];
  /** Non-fatal findings, each already prefixed with `file:line: `. */
  readonly warnings: readonly string[];
  /**
   * Every option line applied, as `name` or `name=value`, one per line in the order applied
   * (command line, files with their includes, servers-file): what a reload compares (config-diff.ts).
   */
  readonly optionText: string;
  /**
   * The rules as written and the addresses their clear-text servers' host names were looked up
   * to (server-names.ts's withServerAddresses), so server-name-refresh can look them up again;
   * absent when no such server is named.
   */
  readonly serverNames?: NamedServers;
}

/** The rules before their clear-text servers' host names became addresses, and those addresses. */
export interface NamedServers {
  /** Config.rules as written: some forward to servers still named by host name. */
  readonly rules: readonly DomainRule[];
  /** Each name's addresses, by server-names.ts's nameKey. */
  readonly found: ReadonlyMap<string, readonly string[]>;
}
