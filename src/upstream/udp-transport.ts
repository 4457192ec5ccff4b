/**
 * UDP exchanges with one upstream server. Queries leave from a pool of connect()ed sockets
 * (socket-pool.ts), each on its own random port (the OS's choice, or one of min-port..max-port)
 * and replaced after a number of queries or seconds, with a CSPRNG ID unique among this server's
 * waiting queries (RFC 5452 §9.2–9.3). A fixed source port (`server=…@addr#port`,
 * query-port=N) means one socket, never replaced (a second socket with the same addresses would
 * take its replies); query-port=0 one socket on an OS-chosen port. A reply is accepted only when
 * it arrives from the server's address and port (the connected socket and rinfo both
 * check), on the socket its query left from, carries an ID we are waiting for, is a response, and
 * echoes our question (case-insensitive); anything else is dropped and counted while we keep
 * waiting. So is a reply the owner's `ignore` test rejects (ignore-address, an ECS mismatch), and,
 * under do-0x20-encode, one that echoes the name in another case (case-encoding.ts).
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { HEADER_SIZE } from '../wire/constants.js';
import { answersQuery } from '../wire/reply-match.js';
import { random16 } from './random.js';
import { IdTable } from './id-table.js';
import { unwatch, watch, type Sweepable } from './sweeper.js';
import { Copies, type FastRetry, type SentCopies } from './fast-retry.js';
import { CaseEncoding } from './case-encoding.js';
import type { PacketDump } from '../log/packet-dump.js';
import type { LocalEnd } from './forward-tap.js';
import { fixedSourcePort, type PooledSocket, type SocketOwner, type SourcePorts, type UdpTarget } from './pooled-socket.js';
import { SocketPool } from './socket-pool.js';

export { fixedSourcePort, type SentCopies, type SourcePorts, type UdpTarget };

/** What a send ends with: the reply bytes, or why there is none. */
export type UdpResult = Buffer | 'timeout' | 'network';

/**
 * Receives the result of one send, exactly once; a stream transport (TCP, TLS, HTTPS) adds the
 * local end of the connection it was last sent on (dnstap), or null when none was made.
 */
export type ResultCallback = (r: UdpResult, local?: LocalEnd | null) => void;

/**
 * Receives the result of one UDP send, exactly once, with its copies (null: it was never to be
 * sent again) and the socket the reply came on, or the query left from (null: it never left).
 */
export type UdpCallback = (r: UdpResult, copies: SentCopies | null, from: PooledSocket | null) => void;

/** Judges a reply that matched its query (`query`, its question ending at `qEnd`): true drops it. */
export type ReplyFilter = (reply: Buffer, query: Buffer, qEnd: number) => boolean;

/** Counters a transport keeps for metrics and the spoofing tests. */
export interface UdpCounters {
  /** Datagrams that matched no waiting ID, or came from elsewhere. */
  unmatched: number;
  /** Datagrams with a waiting ID but a different question, or not a response to a QUERY. */
  mismatched: number;
}

interface Pending {
  readonly query: Buffer;
  readonly qEnd: number;
  readonly done: UdpCallback;
  /** performance.now() ms after which the query has timed out. */
  readonly deadline: number;
  /** The socket it left from; its reply must arrive there (or on one of `copies.sockets`). */
  readonly sock: PooledSocket;
  /** Its copies under fast-dns-retry, or null: sent once (the option is off, or the attempt too short). */
  readonly copies: Copies | null;
}

/** How UDP queries to every upstream are sent: their source ports, and copies of unanswered ones. */
export interface UdpSending extends SourcePorts {
  /** fast-dns-retry: when copies of a query still waiting are sent; null: every query is sent once. */
  readonly retry: FastRetry | null;
  /** port-limit: most sockets (source ports) the copies of one query to one server leave from. */
  readonly portLimit: number;
  /** do-0x20-encode: the letters of each query name go out in random case, and replies must echo it. */
  readonly encode0x20?: boolean;
  /** dumpfile=: where every datagram sent to or received from a server is copied (pooled-socket.ts). */
  readonly dump?: PacketDump | null;
}

/** The default: a pool of OS-chosen ports; every query sent once. */
export const DEFAULT_SENDING: UdpSending = { queryPort: null, range: null, retry: null, portLimit: 1 };

/**
 * Most queries waiting on one server: IDs are unique per server, so past this the search for a free
 * ID would slow down (and at 65,536 never end). dns-forward-max may allow more; the excess fails.
 */
export const MAX_WAITING = 60_000;

/** UDP transport to one server. */
export class UdpTransport implements Sweepable, SocketOwner {
  readonly counters: UdpCounters = { unmatched: 0, mismatched: 0 };
  sweepSlot = -1;
  readonly #target: UdpTarget;
  readonly #pool: SocketPool;
  /** Waiting queries by ID: IDs are unique across this server's sockets. */
  readonly #pending = new IdTable<Pending>();

  #ignore: ReplyFilter | null;
  /** The fixed source port (the server's own, else query-port), or null. */
  readonly #fixedPort: number | null;
  /** fast-dns-retry, or null. */
  #retry: FastRetry | null;
  /** port-limit. */
  #portLimit: number;
  /** do-0x20-encode. */
  readonly #case: CaseEncoding;
  /** dumpfile=: read by the pool's sockets. */
  dump: PacketDump | null;

  /**
   * @param ignore when given, a matching reply that `ignore` accepts is dropped and the query waits on (ignore-address, ECS mismatch)
   * @param ports how source ports are chosen (query-port, min-port, max-port), copies sent (fast-dns-retry, port-limit) and names cased (do-0x20-encode)
   * @param onNoCase called once if the server turns out not to echo the case of names (do-0x20-encode stops for it)
   */
  constructor(target: UdpTarget, ignore: ReplyFilter | null = null, ports: UdpSending = DEFAULT_SENDING, onNoCase: (() => void) | null = null) {
    this.#target = target;
    this.#case = new CaseEncoding(ports.encode0x20 === true, onNoCase);
    this.dump = ports.dump ?? null;
    this.#ignore = ignore;
    this.#retry = ports.retry;
    this.#portLimit = ports.portLimit;
    this.#fixedPort = fixedSourcePort(target, ports);
    this.#pool = new SocketPool(target, this, this.#fixedPort, this.#fixedPort !== null || ports.queryPort === 0, ports.range);
  }

  /** The fixed source port of this transport's one socket, or null: a reload hands such a transport on (see Upstream). */
  get fixedPort(): number | null {
    return this.#fixedPort;
  }

  /** Replaces the ignore-address test (a reload that hands this transport to a new Upstream). */
  setIgnore(ignore: ReplyFilter | null): void {
    this.#ignore = ignore;
  }

  /** Replaces what is told when the server turns out not to echo case (a reload that hands this transport on). */
  setOnNoCase(onNoCase: (() => void) | null): void {
    this.#case.setOnNoCase(onNoCase);
  }

  /**
   * Takes fast-dns-retry, port-limit, do-0x20-encode and the dumpfile from `sending` (a reload
   * that hands this transport on); queries waiting keep their schedule.
   */
  setCopies(sending: UdpSending): void {
    this.#retry = sending.retry;
    this.#portLimit = sending.portLimit;
    this.#case.set(sending.encode0x20 === true);
    this.dump = sending.dump ?? null;
  }

  /**
   * Sends `query` (bytes [12, qEnd) are its question) under a fresh ID and calls `done` with the
   * matching reply, or 'timeout' after `timeoutMs`, or 'network' (also at once when MAX_WAITING
   * queries are already waiting on this server). With fast-dns-retry, copies of the same bytes
   * (same ID) follow while no reply has come and `wanted` (if given) says true, and a reply to
   * any copy settles it. The caller's buffer is not modified. `now` is performance.now() when the
   * caller has just read it.
   */
  send(query: Buffer, qEnd: number, timeoutMs: number, done: UdpCallback, now = performance.now(), wanted: (() => boolean) | null = null): void {
    if (this.#pending.size >= MAX_WAITING) {
      queueMicrotask(() => done('network', null, null));
      return;
    }
    const sock = this.#pool.pick(now);
    let id = random16();
    while (this.#pending.has(id)) id = random16();
    const wire = Buffer.allocUnsafe(query.length);
    wire.set(query);
    if (this.#case.on) this.#case.mix(wire, qEnd);
    wire[0] = id >>> 8;
    wire[1] = id & 0xff;
    const deadline = now + timeoutMs;
    const copies = this.#retry === null ? null : Copies.plan(this.#retry, sock, now, deadline, wanted);
    this.#pending.add(id, { query: wire, qEnd, done, deadline, sock, copies });
    sock.waiting++;
    if (this.#pending.size === 1) watch(this);
    sock.send(wire);
  }

  /** A datagram arrived on `sock` from source port `port`: settles the query it answers, if any. */
  reply(sock: PooledSocket, msg: Buffer, port: number): void {
    if (port !== this.#target.port || msg.length < HEADER_SIZE) {
      this.counters.unmatched++;
      return;
    }
    const id = (msg[0]! << 8) | msg[1]!;
    const p = this.#pending.get(id);
    if (p === undefined || (p.sock !== sock && (p.copies === null || !p.copies.sockets.includes(sock)))) {
      this.counters.unmatched++;
      return;
    }
    if (!answersQuery(msg, p.query, p.qEnd)) {
      this.counters.mismatched++;
      return;
    }
    if (this.#case.on && this.#case.drops(msg, p.query, p.qEnd)) {
      this.counters.mismatched++;
      return;
    }
    if (this.#ignore !== null && this.#ignore(msg, p.query, p.qEnd)) return;
    this.#settle(id, p);
    p.done(msg, p.copies, sock);
  }

  /** Fails every query waiting on `sock` with 'network' (ICMP unreachable, or closing). */
  failSocket(sock: PooledSocket): void {
    this.#failEach((p) => p.sock === sock || (p.copies !== null && p.copies.sockets.includes(sock)), 'network');
  }

  /** Times out what is due, then sends the copies due (fast-dns-retry); true while queries remain (the sweeper keeps watching). */
  sweep(now: number): boolean {
    this.#failEach((p) => p.deadline <= now, 'timeout');
    if (this.#retry !== null) this.#resend(now);
    return this.#pending.size > 0;
  }

  /** Sends a copy of every waiting query whose copy is due at `now`, from its own socket or, under port-limit, another. */
  #resend(now: number): void {
    const t = this.#pending;
    for (let i = 0; i < t.size; i++) {
      const p = t.valueAt(i);
      const c = p.copies;
      if (c === null || c.dueAt > now) continue;
      if (c.wanted !== null && !c.wanted()) {
        c.dueAt = Number.POSITIVE_INFINITY;
        continue;
      }
      const sock = this.#copySocket(c, now);
      c.sentNow(now);
      sock.send(p.query);
    }
  }

  /**
   * The socket a copy leaves from: while fewer than port-limit sockets carried the query, another
   * of the pool (waiting on it too); after that the ones used, in turn. A fixed port has one.
   */
  #copySocket(c: Copies, now: number): PooledSocket {
    const used = c.sockets;
    const limit = Math.min(this.#portLimit, this.#pool.size);
    if (used.length < limit) {
      const s = this.#pool.otherThan(used, now);
      if (s !== null) {
        used.push(s);
        s.waiting++;
        return s;
      }
    }
    return used[(c.sent + 1) % used.length]!;
  }

  /** Number of queries waiting for a reply. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Closes every socket; waiting queries resolve as 'network'. */
  close(): void {
    this.#pool.close((s) => this.failSocket(s));
    unwatch(this);
  }

  /** Settles every waiting query `match` picks with `reason` (callbacks may add or settle others). */
  #failEach(match: (p: Pending) => boolean, reason: 'network' | 'timeout'): void {
    const t = this.#pending;
    for (let i = t.size - 1; i >= 0; i = Math.min(i - 1, t.size - 1)) {
      const p = t.valueAt(i);
      if (!match(p)) continue;
      this.#settle(t.idAt(i), p);
      p.done(reason, p.copies, p.sock);
    }
  }

  /** Removes a settled query; closes its sockets once retired and idle. */
  #settle(id: number, p: Pending): void {
    this.#pending.delete(id);
    this.#pool.release(p.sock);
    const c = p.copies;
    if (c !== null) for (let i = 1; i < c.sockets.length; i++) this.#pool.release(c.sockets[i]!);
  }
}
