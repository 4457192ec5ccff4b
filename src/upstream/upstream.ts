/**
 * One upstream server: its transports, health and counters. `exchange` is one attempt: UDP, and
 * on a truncated reply the same query over TCP (RFC 7766 §5: TC means retry over TCP), then
 * structural validation of the reply. A `tls://` server is asked over TLS only (RFC 7858 §3.1:
 * no fallback to clear text), with queries padded to 128-octet blocks (RFC 8467 §4.1).
 */
import { performance } from 'node:perf_hooks';
import type { TlsCa, UpstreamSpec } from '../config/types.js';
import { isTruncated } from '../wire/header.js';
import { scanMessage } from '../wire/layout.js';
import { unpadded } from '../wire/edns-padding.js';
import { someAnswerAddress } from '../wire/answer-addresses.js';
import { ecsMismatch } from '../wire/ecs.js';
import { RCode } from '../wire/constants.js';
import type { AddressRanges } from '../util/address-ranges.js';
import { Health, type HealthState } from './health.js';
import type { ExchangeResult } from './outcome.js';
import { TcpTransport, tcpDialer, type StreamTransport } from './tcp-transport.js';
import { DohTransport } from './doh-transport.js';
import { tlsDialer, type TlsHandshakes } from './tls-dial.js';
import { NO_BOOTSTRAP, type HostLookup } from './host-lookup.js';
import { streamProtocol, type ForwardTap } from './forward-tap.js';
import { upstreamLabel, urlHost } from './upstream-label.js';
import { RTT_BOUNDS, upstreamStats, type UpstreamStats } from './upstream-stats.js';
import { DEFAULT_SENDING, fixedSourcePort, UdpTransport, type ReplyFilter, type UdpResult, type UdpSending } from './udp-transport.js';

/**
 * What a reload carries over of a server named again: its counters (the same object, counted in on)
 * and its health state (a copy). Plain data, so a runtime never keeps the one before it alive.
 */
export interface CarriedUpstream {
  readonly stats: UpstreamStats;
  readonly health: HealthState;
  readonly looped: boolean;
  /**
   * Hands over the UDP transport of a server with a fixed source port (null otherwise): a new
   * socket on the same addresses would take the replies the old runtime still waits for, or fail
   * to bind. Only a transport on `port` is handed over; the server it came from then leaves it
   * open when it closes.
   */
  readonly takeUdp: (port: number) => UdpTransport | null;
}

export { upstreamLabel } from './upstream-label.js';

/**
 * The stream transport a server is asked over when UDP is not used: DNS over HTTPS for an
 * https:// server (ALPN h2), over TLS for a tls:// one, else TCP.
 */
function streamTransport(spec: UpstreamSpec, tlsCa: TlsCa | null, counts: TlsHandshakes, hosts: HostLookup | null): StreamTransport {
  const tls = spec.tls;
  if (tls === undefined) return new TcpTransport(tcpDialer(spec));
  if (tls.path === null) return new TcpTransport(tlsDialer(spec, tls, tlsCa, counts, [], hosts), true);
  const host = tls.name ?? urlHost(spec.address);
  return new DohTransport(tlsDialer(spec, tls, tlsCa, counts, ['h2'], hosts), `https://${host}:${spec.port}`, tls.path);
}

/** How an Upstream is built, besides its spec (every field has a default). */
export interface UpstreamOptions {
  /** ignore-address ranges: a NOERROR reply with an answer address in one is dropped. */
  readonly ignored?: AddressRanges | null | undefined;
  /** How UDP queries are sent: source ports (query-port, min-port, max-port), copies (fast-dns-retry, port-limit). */
  readonly ports?: UdpSending | undefined;
  /** Drop a reply whose ECS option does not answer the query's (add-subnet; RFC 7871 §7.3). */
  readonly checkEcs?: boolean | undefined;
  /** The CAs a tls:// server's certificate must chain to (tls-ca-file=), null: Node's bundled list. */
  readonly tlsCa?: TlsCa | null | undefined;
  /** Told of what the operator should know about this server that is not a health change (a warning). */
  readonly notice?: ((u: Upstream, message: string) => void) | undefined;
  /** Looks up the host name a tls:// or https:// server is named by (bootstrap-server=). */
  readonly hosts?: HostLookup | null | undefined;
  /** Told of each exchange, query and reply (dnstap-messages=forwarder), or null. */
  readonly tap?: ForwardTap | null | undefined;
}

/** An upstream server shared by every group that lists it. */
export class Upstream {
  /** How logs, metrics and /health name it (upstream-label.ts); the registry lengthens it when another server has the same one. */
  label: string;
  readonly udp: UdpTransport;
  /** TCP, or for a tls:// server TLS, for an https:// server HTTPS: the only transport it is asked over. */
  readonly tcp: StreamTransport;
  /** True for a tls:// or https:// server: every exchange and health check goes over `tcp`, which speaks TLS (or HTTPS). */
  readonly overTls: boolean;
  readonly health: Health;
  readonly stats: UpstreamStats;
  /**
   * dns-loop-detect found that this server sends our queries back to us: no group uses it (its
   * registry's setLooped keeps the groups in step). Carried over by a reload.
   */
  looped = false;
  /** The host names this server's address was looked up from (clear-text rules naming one; the registry adds those of later rules). */
  readonly hostNames: string[];

  readonly #ignored: AddressRanges | null;
  /** Looks up the server's host name (a server named so), or null. */
  readonly #hosts: HostLookup | null;
  /** True once a reload took this server's UDP transport (see CarriedUpstream.takeUdp). */
  #udpTaken = false;
  readonly #checkEcs: boolean;
  /** Drops a matched reply while the query waits on (ignore-address, ECS mismatch), or null: none configured. */
  readonly #filter: ReplyFilter | null;
  /** Told of each exchange (dnstap-messages=forwarder), or null. */
  readonly #tap: ForwardTap | null;

  /**
   * @param onHealthChange told when the server goes down or comes back
   * @param prev what a reload carries over of the same server: its counters go on here, its health is taken over
   */
  constructor(
    readonly spec: UpstreamSpec,
    onHealthChange: (u: Upstream, up: boolean, why: string) => void = () => {},
    prev: CarriedUpstream | null = null,
    options: UpstreamOptions = {},
  ) {
    const { ignored = null, ports = DEFAULT_SENDING, checkEcs = false, tlsCa = null, notice = () => {}, hosts = null } = options;
    this.#tap = options.tap ?? null;
    this.label = upstreamLabel(spec);
    this.hostNames = spec.hostName === undefined ? [] : [spec.hostName];
    this.#hosts = spec.lookup === undefined ? null : hosts;
    this.#ignored = ignored !== null && !ignored.empty ? ignored : null;
    this.#checkEcs = checkEcs;
    this.#filter = this.#ignored !== null || checkEcs ? (msg, query, qEnd) => this.#drops(msg, query, qEnd) : null;
    const fixed = fixedSourcePort(spec, ports);
    const kept = prev !== null && fixed !== null ? prev.takeUdp(fixed) : null;
    kept?.setIgnore(this.#filter);
    kept?.setCopies(ports);
    const onNoCase = () => notice(this, 'upstream does not echo the case of query names: do-0x20-encode is off for it');
    // A kept transport must tell this server, not the one before (which would keep that runtime alive).
    kept?.setOnNoCase(onNoCase);
    this.udp = kept ?? new UdpTransport(spec, this.#filter, ports, onNoCase);
    this.overTls = spec.tls !== undefined;
    this.stats = prev?.stats ?? upstreamStats();
    this.tcp = streamTransport(spec, tlsCa, this.stats.tls, hosts);
    this.health = new Health((up, why) => onHealthChange(this, up, why));
    if (prev) {
      this.health.resume(prev.health);
      this.looped = prev.looped;
    }
  }

  /** A server named by host name: the addresses its name was last looked up to (none yet: empty); any other: null. */
  get hostAddresses(): string[] | null {
    const lookup = this.spec.lookup;
    if (lookup === undefined) return null;
    return (this.#hosts ?? NO_BOOTSTRAP).known(this.spec.address, lookup);
  }

  /** What a reload carries over of this server (see CarriedUpstream). */
  carry(): CarriedUpstream {
    return {
      stats: this.stats,
      health: this.health.snapshot(),
      looped: this.looped,
      takeUdp: (port) => {
        if (this.udp.fixedPort !== port || this.#udpTaken) return null;
        this.#udpTaken = true;
        return this.udp;
      },
    };
  }

  /**
   * One attempt within `timeoutMs`: UDP, then TCP if truncated; `done` is called exactly once.
   * `wanted`, when given and false by the time a UDP reply arrives (a race already decided), makes
   * that reply only counted for RTT and health, not parsed: the result is a 'late' failure. `t0`
   * is performance.now() when the caller has just read it. With fast-dns-retry the UDP query may
   * go out several times within `timeoutMs`; a reply to any copy is the attempt's reply. With `tcp`
   * (force-tcp) the attempt is made over TCP only; a tls:// server's, over TLS only.
   */
  exchange(
    query: Buffer, qEnd: number, timeoutMs: number, done: (r: ExchangeResult) => void,
    wanted: (() => boolean) | null = null, tcp = false, t0 = performance.now(),
  ): void {
    this.stats.queries++;
    if (tcp || this.overTls) return this.#overTcp(query, qEnd, timeoutMs, t0, done);
    this.udp.send(query, qEnd, timeoutMs, (r, copies, from) => {
      if (this.#tap !== null) this.#tap(this.spec, 'udp', query, qEnd, typeof r === 'string' ? null : r, t0, from === null ? null : from.local);
      let resentAt = -1;
      if (copies !== null && copies.sent > 0) {
        this.stats.resent += copies.sent;
        resentAt = copies.resentAt;
      }
      if (typeof r === 'string') return done(this.#result(r, t0, false));
      if (!isTruncated(r)) return done(wanted !== null && !wanted() ? this.#late(r, t0, resentAt) : this.#result(r, t0, false, resentAt));
      this.stats.tcpRetries++;
      this.#overTcp(query, qEnd, Math.max(1, timeoutMs - (performance.now() - t0)), t0, done);
    }, t0, wanted);
  }

  /** The exchange over TCP (or TLS), within `timeoutMs` (after a truncated UDP reply, under force-tcp, to a tls:// server). */
  #overTcp(query: Buffer, qEnd: number, timeoutMs: number, t0: number, done: (r: ExchangeResult) => void): void {
    const sentAt = this.#tap === null ? t0 : performance.now();
    this.tcp.send(query, qEnd, timeoutMs, (t, local) => {
      if (this.#tap !== null) this.#tap(this.spec, streamProtocol(this.spec), query, qEnd, typeof t === 'string' ? null : t, sentAt, local ?? null);
      if (typeof t !== 'string' && this.#filter !== null && this.#filter(t, query, qEnd)) {
        this.#counted(t, performance.now() - t0, true);
        return done({ kind: 'failure', reason: 'ignored', server: this.label });
      }
      done(this.#result(t, t0, true));
    });
  }

  /**
   * One query over the transport health checks use (UDP, or TLS for a tls:// server), without
   * counters or health: the caller judges the result.
   */
  check(query: Buffer, qEnd: number, timeoutMs: number, done: (r: UdpResult) => void, t0: number): void {
    if (this.overTls) this.tcp.send(query, qEnd, timeoutMs, done);
    else this.udp.send(query, qEnd, timeoutMs, done, t0);
  }

  /**
   * True (and counted) for a reply to drop while waiting for another: one with an ignore-address
   * address, or one whose ECS option does not answer the query's (RFC 7871 §7.3: "MUST be dropped").
   */
  #drops(msg: Buffer, query: Buffer, qEnd: number): boolean {
    if (this.#ignores(msg)) return true;
    if (!this.#checkEcs || !ecsMismatch(msg, query, qEnd)) return false;
    this.stats.ecsMismatch++;
    return true;
  }

  /** True (and counted) for a NOERROR reply with an ignore-address address in its answer section. */
  #ignores(msg: Buffer): boolean {
    const ranges = this.#ignored;
    if (ranges === null || (msg[3]! & 0x0f) !== RCode.NOERROR) return false;
    const layout = scanMessage(msg);
    if (layout === null || !someAnswerAddress(msg, layout, ranges.has)) return false;
    this.stats.ignored++;
    return true;
  }

  /** Counts a reply nobody waits for any more (RTT, health) without parsing it; `resentAt` as in #result. */
  #late(r: Buffer, t0: number, resentAt: number): ExchangeResult {
    this.#counted(r, performance.now() - (resentAt < 0 ? t0 : resentAt), resentAt < 0);
    return { kind: 'failure', reason: 'late', server: this.label };
  }

  /**
   * Counters and health for a reply that arrived `rtt` ms after the query (or its latest copy)
   * left. `sample` false: the query had been sent more than once, so which copy this answers is
   * unknown and the smoothed RTT is left alone (Karn's algorithm, RFC 6298 §3); the histogram
   * counts the time since the latest copy.
   */
  #counted(r: Buffer, rtt: number, sample: boolean): void {
    this.stats.answers++;
    this.stats.rttTotalMs += rtt;
    let b = 0;
    while (b < RTT_BOUNDS.length && rtt / 1000 > RTT_BOUNDS[b]!) b++;
    this.stats.rttBuckets[b]!++;
    this.stats.rcodes[r[3]! & 0x0f]!++;
    this.health.success(sample ? rtt : Number.NaN);
  }

  /**
   * Validates a reply and updates health and counters. `resentAt`: performance.now() when the
   * latest copy of the UDP query left (fast-dns-retry), -1 when it was sent once.
   */
  #result(r: UdpResult, t0: number, viaTcp: boolean, resentAt = -1): ExchangeResult {
    const now = performance.now();
    if (typeof r === 'string') {
      this.stats.failures++;
      if (r === 'timeout') this.stats.timeouts++;
      const detail = this.overTls && r === 'network' ? this.tcp.lastError : null;
      this.health.failure(now, detail === null ? r : `${r}: ${detail}`);
      return { kind: 'failure', reason: r, server: this.label };
    }
    let layout = scanMessage(r);
    // An encrypted server's padding is for that hop only: the reply is passed on without it.
    const bare = this.overTls && layout !== null ? unpadded(r, layout.opt) : null;
    if (bare !== null) {
      r = bare;
      layout = scanMessage(r);
    }
    if (!layout) {
      this.stats.failures++;
      this.stats.malformed++;
      this.health.failure(now, 'malformed');
      return { kind: 'failure', reason: 'malformed', server: this.label };
    }
    this.#counted(r, now - (resentAt < 0 ? t0 : resentAt), resentAt < 0);
    const rcode = r[3]! & 0x0f;
    // Bytes after the last record are not part of the message; an OPT added for the client must follow the records.
    const end = layout.records.at(-1)?.end ?? layout.qEnd;
    const wire = end < r.length ? r.subarray(0, end) : r;
    return { kind: 'answer', wire, layout, rcode, server: this.label, viaTcp };
  }

  /** Closes sockets (not a UDP transport a reload took over). */
  close(): void {
    if (!this.#udpTaken) this.udp.close();
    this.tcp.close();
  }
}
