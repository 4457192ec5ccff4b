/**
 * TCP exchanges with one upstream (RFC 1035 §4.2.2 framing, RFC 7766 §6.2 connection reuse and
 * pipelining): one persistent connection per server, many queries in flight on it, matched by ID
 * and question. Idle connections close after a while. A query left unanswered when the server
 * closes an established connection is sent again on a fresh one, twice at most, within its
 * timeout (RFC 7766 §6.2.1 lets a server close at any time). A connection carries at most 100
 * queries, the most dnsmasq answers on one (Unbound caps its own at 200): the next ones go on a
 * new connection while the old one drains and is closed. A server that closes a connection after
 * fewer answers while further queries were on their way gets that many (at least 10) for the
 * next five minutes, then 100 again, to learn anew. A connection not made (or its TLS handshake
 * not done) within a query's timeout is dropped, and one on which three queries in a row timed
 * out is given up: the next query dials again. The same framing runs over TLS (RFC 7858 §3.3) with a TLS dialer (tls-dial.ts), queries padded to
 * 128-octet blocks (RFC 8467 §4.1).
 */
import { connect, type Socket, type TcpNetConnectOpts } from 'node:net';
import type { UpstreamSpec } from '../config/types.js';
import { NO_BOOTSTRAP, type HostLookup } from './host-lookup.js';
import { HEADER_SIZE } from '../wire/constants.js';
import { answersQuery } from '../wire/reply-match.js';
import { random16 } from './random.js';
import { frame, FrameReader } from '../wire/tcp-frames.js';
import { padQuery } from '../wire/edns-padding.js';
import { MAX_WAITING, type ResultCallback, type UdpResult, type UdpTarget } from './udp-transport.js';
import { localEndOf } from './forward-tap.js';

interface Pending {
  readonly query: Buffer;
  readonly qEnd: number;
  readonly resolve: (r: UdpResult) => void;
  readonly timer: NodeJS.Timeout;
  /** The connection's answer count when this query left. */
  readonly answeredBefore: number;
}

const IDLE_MS = 10_000;
/**
 * The fewest queries a connection is given once a limit is learned: a close that reset the
 * connection (unread queries make the kernel send RST) can lose answers already written, so the
 * count seen may be below the server's real limit.
 */
const MIN_PER_CONNECTION = 10;
/**
 * The most queries a connection carries: dnsmasq answers 100 on one (TCP_MAX_QUERIES) and then
 * closes it, resetting it if more were sent, which can lose answers already written.
 */
const MAX_PER_CONNECTION = 100;
/**
 * Fresh connections a query is sent on after the server closed the one it waited on. Two: a close
 * that reset the connection may lose every answer, so the limit is only learned from a second one.
 */
const MAX_RETRIES = 2;
/**
 * How long a learned lower limit holds. Then connections get MAX_PER_CONNECTION again, and a server
 * that still closes sooner teaches its limit anew: one close that reset the connection and lost
 * answers, or a server restarted with another limit, does not set it for good.
 */
const RELEARN_MS = 300_000;
/** Queries timed out in a row on a connected connection before it is given up for a new one. */
const SILENT_TIMEOUTS = 3;

/** Opens a stream connection to the server (plain TCP, or TLS: tls-dial.ts). */
export type Dialer = () => Socket;

/**
 * How to connect to `target`: from its source address, if it has one, without Nagle's delay. A
 * target named by a host name (`lookup` set: a tls:// or https:// server) is looked up by `hosts`
 * at each connection, never by the system's resolver, and each of its addresses is tried in turn
 * (Node's autoSelectFamily, RFC 8305) until one connects.
 */
export function connectOptions(target: UdpTarget & Pick<UpstreamSpec, 'lookup'>, hosts: HostLookup | null = null): TcpNetConnectOpts {
  const base = { host: target.address, port: target.port, noDelay: true, ...(target.sourceAddress !== null ? { localAddress: target.sourceAddress } : {}) };
  if (target.lookup === undefined) return { ...base, family: target.family };
  return { ...base, lookup: (hosts ?? NO_BOOTSTRAP).lookup, autoSelectFamily: true, ...(target.lookup !== 0 ? { family: target.lookup } : {}) };
}

/** The plain TCP dialer for `target` (connectOptions). */
export function tcpDialer(target: UdpTarget & Pick<UpstreamSpec, 'lookup'>, hosts: HostLookup | null = null): Dialer {
  const opts = connectOptions(target, hosts);
  return () => connect(opts);
}

/** One framed connection. */
class TcpConnection {
  readonly pending = new Map<number, Pending>();
  readonly socket: Socket;
  closed = false;
  /** Replies received so far. */
  answered = 0;
  /** Queries sent on it so far. */
  sent = 0;
  /** True once no further query will be sent on it (it carried its share): it closes when drained. */
  #retired = false;
  /** True once connected (TCP) or once the TLS handshake completed. */
  established = false;
  /** True when the server (or the network) closed it, not fandns. */
  closedByPeer = false;
  readonly #frames = new FrameReader();
  #idle: NodeJS.Timeout | null = null;
  /** Queries timed out in a row, with no reply between. */
  #silent = 0;

  /**
   * @param onClose called once when it closes, with the number of queries the server answered on
   *   it if the server closed it while queries it had been sent before its last answer were still
   *   waiting (its per-connection limit), else null
   */
  constructor(dial: Dialer, private readonly onClose: (c: TcpConnection, limit: number | null) => void, onError: (err: Error) => void) {
    this.socket = dial();
    this.socket.once((this.socket as { encrypted?: boolean }).encrypted === true ? 'secureConnect' : 'connect', () => {
      this.established = true;
    });
    this.socket.on('data', (d) => this.#data(d));
    this.socket.on('error', (err) => {
      onError(err);
      this.#closed(true);
    });
    this.socket.on('close', () => this.#closed(true));
  }

  send(query: Buffer, qEnd: number, timeoutMs: number): Promise<UdpResult> {
    // IDs are unique per connection: past MAX_WAITING the search for a free one would not end.
    if (this.pending.size >= MAX_WAITING) return Promise.resolve('network');
    if (this.#idle) {
      clearTimeout(this.#idle);
      this.#idle = null;
    }
    let id = random16();
    while (this.pending.has(id)) id = random16();
    const framed = frame(query);
    framed[2] = id >>> 8;
    framed[3] = id & 0xff;
    return new Promise<UdpResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve('timeout');
        this.#timedOut();
      }, timeoutMs);
      this.pending.set(id, { query: framed.subarray(2), qEnd, resolve, timer, answeredBefore: this.answered });
      this.sent++;
      this.socket.write(framed);
    });
  }

  /** True while new queries may be sent on it: not closed, not retired. */
  get usable(): boolean {
    return !this.closed && !this.#retired;
  }

  /**
   * A query timed out on it. Not yet connected (or its TLS handshake not done) within a query's
   * time: it is closed, so the next query dials again instead of waiting on it. Connected, with
   * SILENT_TIMEOUTS in a row and no reply between: the server (or the path) stopped answering on
   * it, so it is retired and the next query gets a new connection.
   */
  #timedOut(): void {
    if (!this.established) return this.close();
    if (++this.#silent >= SILENT_TIMEOUTS) return this.retire();
    this.#maybeIdle();
  }

  /** Sends nothing more on it: it closes now if nothing is waiting, else once the last reply came. */
  retire(): void {
    this.#retired = true;
    if (this.pending.size === 0) this.close();
  }

  /** Closes it; waiting queries resolve as 'network'. */
  close(): void {
    this.#closed(false);
  }

  #closed(byPeer: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.closedByPeer = byPeer;
    if (this.#idle) clearTimeout(this.#idle);
    let limit: number | null = null;
    for (const [id, p] of this.pending) {
      if (byPeer && p.answeredBefore < this.answered) limit = Math.max(this.answered, MIN_PER_CONNECTION);
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.resolve('network');
    }
    this.socket.destroy();
    this.onClose(this, limit);
  }

  #data(d: Buffer): void {
    this.#frames.push(d, (msg) => this.#reply(msg));
  }

  #reply(msg: Buffer): void {
    if (msg.length < HEADER_SIZE) return;
    const p = this.pending.get((msg[0]! << 8) | msg[1]!);
    if (!p) return;
    if (!answersQuery(msg, p.query, p.qEnd)) return;
    this.pending.delete((msg[0]! << 8) | msg[1]!);
    clearTimeout(p.timer);
    this.answered++;
    this.#silent = 0;
    p.resolve(msg);
    this.#maybeIdle();
  }

  #maybeIdle(): void {
    if (this.pending.size === 0 && this.#retired) return this.close();
    if (this.pending.size === 0 && !this.closed && !this.#idle) {
      this.#idle = setTimeout(() => this.close(), IDLE_MS);
      this.#idle.unref();
    }
  }
}

/** A transport over a stream (TCP, TLS, HTTPS): one exchange per send, the same contract as UdpTransport.send. */
export interface StreamTransport {
  /** Sends `query` (its question ending at `qEnd`); `done` gets the reply, 'timeout' or 'network', once. */
  send(query: Buffer, qEnd: number, timeoutMs: number, done: ResultCallback): void;
  /** Closes its connections; waiting queries resolve as 'network'. */
  close(): void;
  /** Why the latest connection or exchange failed, until a reply comes. */
  readonly lastError: string | null;
}

/** TCP (or TLS) transport to one server. */
export class TcpTransport implements StreamTransport {
  #conn: TcpConnection | null = null;
  /** Most queries one connection gets: 100, or what the server answered before it closed one with queries waiting. */
  #perConnection = MAX_PER_CONNECTION;
  /** Date.now() when #perConnection was last lowered. */
  #learnedAt = 0;
  #shut = false;
  /** Every connection not yet closed: the current one and any left to drain. */
  readonly #open = new Set<TcpConnection>();
  /** Why the latest connection failed (a TLS certificate error, a refused connect…), until a reply comes. */
  lastError: string | null = null;
  readonly #dial: Dialer;
  readonly #padded: boolean;
  readonly #relearnMs: number;

  /**
   * @param dial opens a connection: tcpDialer(target), or tlsDialer (tls-dial.ts)
   * @param padded pad every query to 128-octet blocks (EDNS Padding, RFC 8467 §4.1): for TLS
   * @param relearnMs how long a learned per-connection limit holds (tests shorten it)
   */
  constructor(dial: Dialer, padded = false, relearnMs = RELEARN_MS) {
    this.#dial = dial;
    this.#padded = padded;
    this.#relearnMs = relearnMs;
  }

  /** The most queries the next connection will carry (100, or a limit learned from the server). */
  get perConnection(): number {
    return this.#perConnection;
  }

  /** Sends over the shared connection (opening one if needed); same contract as UdpTransport.send. */
  send(query: Buffer, qEnd: number, timeoutMs: number, done: ResultCallback): void {
    void this.#send(this.#padded ? padQuery(query) : query, qEnd, timeoutMs, done);
  }

  async #send(query: Buffer, qEnd: number, timeoutMs: number, done: ResultCallback): Promise<void> {
    const started = Date.now();
    let conn = this.#connection();
    let r = await conn.send(query, qEnd, timeoutMs);
    for (let retry = 0; retry < MAX_RETRIES && r === 'network' && conn.established && conn.closedByPeer && !this.#shut; retry++) {
      const left = timeoutMs - (Date.now() - started);
      if (left <= 0) break;
      conn = this.#connection();
      r = await conn.send(query, qEnd, left);
    }
    if (typeof r !== 'string') this.lastError = null;
    done(r, localEndOf(conn.socket));
  }

  /** Closes the connection; waiting queries resolve as 'network' and are not retried. */
  close(): void {
    this.#shut = true;
    for (const c of this.#open) c.close();
  }

  #connection(): TcpConnection {
    if (this.#perConnection < MAX_PER_CONNECTION && Date.now() - this.#learnedAt >= this.#relearnMs) this.#perConnection = MAX_PER_CONNECTION;
    const c = this.#conn;
    if (c !== null && c.usable && c.sent < this.#perConnection) return c;
    // A connection at the limit is left to drain, then closed (or the server closes it).
    if (c !== null && c.usable) c.retire();
    const fresh = new TcpConnection(this.#dial, (closed, limit) => {
      if (limit !== null && limit < this.#perConnection) {
        this.#perConnection = limit;
        this.#learnedAt = Date.now();
      }
      this.#open.delete(closed);
      if (this.#conn === closed) this.#conn = null;
    }, (err) => {
      this.lastError = err.message;
    });
    this.#open.add(fresh);
    this.#conn = fresh;
    return fresh;
  }
}
