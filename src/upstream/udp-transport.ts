/**
 * UDP exchanges with one upstream server. Queries leave from a pool of connect()ed sockets, each
 * on its own OS-chosen ephemeral port and replaced after a number of queries or seconds, with a
 * CSPRNG ID unique among this server's waiting queries (RFC 5452 §9.2–9.3). A reply is accepted
 * only when it arrives from the server's address and port (the connected socket and rinfo both
 * check), on the socket its query left from, carries an ID we are waiting for, is a response, and
 * echoes our question (case-insensitive); anything else is dropped and counted while we keep
 * waiting. So is a reply the owner's `ignore` test rejects (ignore-address, an ECS mismatch).
 */
import { Buffer } from 'node:buffer';
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { HEADER_SIZE } from '../wire/constants.js';
import { answersQuery } from '../wire/reply-match.js';
import { literalLookup } from '../util/literal-lookup.js';
import { random16 } from './random.js';
import { IdTable } from './id-table.js';
import { unwatch, watch, type Sweepable } from './sweeper.js';

/** What a send ends with: the reply bytes, or why there is none. */
export type UdpResult = Buffer | 'timeout' | 'network';

/** Receives the result of one send, exactly once. */
export type ResultCallback = (r: UdpResult) => void;

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
  readonly done: ResultCallback;
  /** performance.now() ms after which the query has timed out. */
  readonly deadline: number;
  /** The socket it left from; its reply must arrive there. */
  readonly sock: PooledSocket;
}

/** Where and how to send. */
export interface UdpTarget {
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
  readonly sourceAddress: string | null;
  readonly sourcePort: number | null;
}

const POOL_SIZE = 8;
/**
 * Most queries waiting on one server: IDs are unique per server, so past this the search for a free
 * ID would slow down (and at 65,536 never end). dns-forward-max may allow more; the excess fails.
 */
export const MAX_WAITING = 60_000;
const MAX_USES = 2000;
const MAX_AGE_MS = 60_000;

/** One connected socket; its waiting queries are in the transport's table. */
class PooledSocket {
  readonly socket: Socket;
  uses = 0;
  /** Queries sent from this socket and still waiting. */
  waiting = 0;
  /** performance.now() ms when it was opened. */
  readonly born: number;
  retired = false;
  ready: boolean = false;
  readonly #queue: Buffer[] = [];

  constructor(target: UdpTarget, owner: UdpTransport, now: number) {
    this.born = now;
    const s = createSocket({ type: target.family === 6 ? 'udp6' : 'udp4', lookup: literalLookup as never });
    this.socket = s;
    s.on('message', (msg, rinfo) => owner.reply(this, msg, rinfo.port));
    s.on('error', (err: NodeJS.ErrnoException) => {
      // ICMP port unreachable on a connected socket: the server is not listening. Fail fast.
      if (err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') owner.failSocket(this);
    });
    const connect = () =>
      s.connect(target.port, target.address, () => {
        this.ready = true;
        for (const q of this.#queue.splice(0)) s.send(q);
      });
    // exclusive: in a cluster worker a non-exclusive bind would share one socket (and its replies)
    // with the other workers through the primary; connect() alone binds exclusively already.
    if (target.sourceAddress !== null) s.bind({ address: target.sourceAddress, port: target.sourcePort ?? 0, exclusive: true }, connect);
    else connect();
  }

  send(wire: Buffer): void {
    if (this.ready) this.socket.send(wire);
    else this.#queue.push(wire);
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}

/** UDP transport to one server. */
export class UdpTransport implements Sweepable {
  readonly counters: UdpCounters = { unmatched: 0, mismatched: 0 };
  sweepSlot = -1;
  readonly #target: UdpTarget;
  readonly #pool: (PooledSocket | null)[];
  /** Retired sockets still waiting for replies. */
  readonly #retired: PooledSocket[] = [];
  /** Waiting queries by ID: IDs are unique across this server's sockets. */
  readonly #pending = new IdTable<Pending>();

  readonly #ignore: ReplyFilter | null;

  /** @param ignore when given, a matching reply that `ignore` accepts is dropped and the query waits on (ignore-address, ECS mismatch) */
  constructor(target: UdpTarget, ignore: ReplyFilter | null = null) {
    this.#target = target;
    this.#ignore = ignore;
    // A fixed source port allows one socket only.
    this.#pool = new Array<PooledSocket | null>(target.sourcePort !== null ? 1 : POOL_SIZE).fill(null);
  }

  /**
   * Sends `query` (bytes [12, qEnd) are its question) under a fresh ID and calls `done` with the
   * matching reply, or 'timeout' after `timeoutMs`, or 'network' (also at once when MAX_WAITING
   * queries are already waiting on this server). The caller's buffer is not modified. `now` is
   * performance.now() when the caller has just read it.
   */
  send(query: Buffer, qEnd: number, timeoutMs: number, done: ResultCallback, now = performance.now()): void {
    if (this.#pending.size >= MAX_WAITING) {
      queueMicrotask(() => done('network'));
      return;
    }
    const sock = this.#socket(now);
    let id = random16();
    while (this.#pending.has(id)) id = random16();
    const wire = Buffer.allocUnsafe(query.length);
    wire.set(query);
    wire[0] = id >>> 8;
    wire[1] = id & 0xff;
    this.#pending.add(id, { query: wire, qEnd, done, deadline: now + timeoutMs, sock });
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
    if (p === undefined || p.sock !== sock) {
      this.counters.unmatched++;
      return;
    }
    if (!answersQuery(msg, p.query, p.qEnd)) {
      this.counters.mismatched++;
      return;
    }
    if (this.#ignore !== null && this.#ignore(msg, p.query, p.qEnd)) return;
    this.#settle(id, p);
    p.done(msg);
  }

  /** Fails every query waiting on `sock` with 'network' (ICMP unreachable, or closing). */
  failSocket(sock: PooledSocket): void {
    this.#failEach((p) => p.sock === sock, 'network');
  }

  /** Times out what is due; true while queries remain (the sweeper keeps watching). */
  sweep(now: number): boolean {
    this.#failEach((p) => p.deadline <= now, 'timeout');
    return this.#pending.size > 0;
  }

  /** Number of queries waiting for a reply. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Closes every socket; waiting queries resolve as 'network'. */
  close(): void {
    for (const s of [...this.#pool, ...this.#retired]) {
      if (!s) continue;
      this.failSocket(s);
      s.close();
    }
    this.#pool.fill(null);
    this.#retired.length = 0;
    unwatch(this);
  }

  /** Settles every waiting query `match` picks with `reason` (callbacks may add or settle others). */
  #failEach(match: (p: Pending) => boolean, reason: 'network' | 'timeout'): void {
    const t = this.#pending;
    for (let i = t.size - 1; i >= 0; i = Math.min(i - 1, t.size - 1)) {
      const p = t.valueAt(i);
      if (!match(p)) continue;
      this.#settle(t.idAt(i), p);
      p.done(reason);
    }
  }

  /** Removes a settled query; closes its socket once retired and idle. */
  #settle(id: number, p: Pending): void {
    this.#pending.delete(id);
    const s = p.sock;
    if (--s.waiting === 0 && s.retired) {
      const i = this.#retired.indexOf(s);
      if (i >= 0) this.#retired.splice(i, 1);
      s.close();
    }
  }

  /** Picks a random pool slot, replacing its socket when it has served long enough. */
  #socket(now: number): PooledSocket {
    const slot = random16() % this.#pool.length;
    let s = this.#pool[slot];
    if (s && (s.uses >= MAX_USES || now - s.born > MAX_AGE_MS)) {
      s.retired = true;
      if (s.waiting === 0) s.close();
      else this.#retired.push(s);
      s = null;
    }
    if (!s) {
      s = new PooledSocket(this.#target, this, now);
      this.#pool[slot] = s;
    }
    s.uses++;
    return s;
  }
}
