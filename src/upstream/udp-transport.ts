/**
 * UDP exchanges with one upstream server. Queries leave from a pool of connect()ed sockets, each
 * on its own OS-chosen ephemeral port and replaced after a number of queries or seconds, with a
 * CSPRNG ID unique on its socket (RFC 5452 §9.2–9.3). A reply is accepted only when it arrives
 * from the server's address and port (the connected socket and rinfo both check), carries an ID
 * we are waiting for on that socket, is a response, and echoes our question (case-insensitive);
 * anything else is dropped and counted while we keep waiting.
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { HEADER_SIZE } from '../wire/constants.js';
import { answersQuery } from '../wire/reply-match.js';
import { random16 } from './random.js';
import { watch, type Sweepable } from './sweeper.js';

/** What a send ends with: the reply bytes, or why there is none. */
export type UdpResult = Buffer | 'timeout' | 'network';

/** Receives the result of one send, exactly once. */
export type ResultCallback = (r: UdpResult) => void;

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
const MAX_USES = 2000;
const MAX_AGE_MS = 60_000;
/** Sync lookup: the address is always a literal, so skip dns.lookup's nextTick per send (node-performance §6). */
const literalLookup = (address: string, _o: unknown, cb: (e: Error | null, a: string, f: number) => void) =>
  cb(null, address, address.includes(':') ? 6 : 4);

/** One connected socket and the queries waiting on it. */
class PooledSocket implements Sweepable {
  readonly pending = new Map<number, Pending>();
  readonly socket: Socket;
  uses = 0;
  readonly born = Date.now();
  retired = false;
  ready: boolean = false;
  readonly #queue: Buffer[] = [];

  constructor(target: UdpTarget, counters: UdpCounters, private readonly onDrained: (s: PooledSocket) => void) {
    const s = createSocket({ type: target.family === 6 ? 'udp6' : 'udp4', lookup: literalLookup as never });
    this.socket = s;
    s.on('message', (msg, rinfo) => {
      if (rinfo.port !== target.port || msg.length < HEADER_SIZE) {
        counters.unmatched++;
        return;
      }
      const id = (msg[0]! << 8) | msg[1]!;
      const p = this.pending.get(id);
      if (!p) {
        counters.unmatched++;
        return;
      }
      if (!answersQuery(msg, p.query, p.qEnd)) {
        counters.mismatched++;
        return;
      }
      this.pending.delete(id);
      p.done(msg);
      if (this.retired && this.pending.size === 0) onDrained(this);
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      // ICMP port unreachable on a connected socket: the server is not listening. Fail fast.
      if (err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') {
        this.failAll('network');
      }
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

  failAll(reason: 'network'): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.done(reason);
    }
  }

  /** Times out what is due; true while queries remain (the sweeper keeps watching). */
  sweep(now: number): boolean {
    for (const [id, p] of this.pending) {
      if (p.deadline > now) continue;
      this.pending.delete(id);
      p.done('timeout');
    }
    if (this.retired && this.pending.size === 0) this.onDrained(this);
    return this.pending.size > 0;
  }

  close(): void {
    this.failAll('network');
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}

/** UDP transport to one server. */
export class UdpTransport {
  readonly counters: UdpCounters = { unmatched: 0, mismatched: 0 };
  readonly #target: UdpTarget;
  readonly #pool: (PooledSocket | null)[];
  readonly #retired = new Set<PooledSocket>();

  constructor(target: UdpTarget) {
    this.#target = target;
    // A fixed source port allows one socket only.
    this.#pool = new Array<PooledSocket | null>(target.sourcePort !== null ? 1 : POOL_SIZE).fill(null);
  }

  /**
   * Sends `query` (bytes [12, qEnd) are its question) under a fresh ID and calls `done` with the
   * matching reply, or 'timeout' after `timeoutMs`, or 'network'. The caller's buffer is not
   * modified.
   */
  send(query: Buffer, qEnd: number, timeoutMs: number, done: ResultCallback): void {
    const sock = this.#socket();
    let id = random16();
    while (sock.pending.has(id)) id = random16();
    const wire = Buffer.allocUnsafe(query.length);
    query.copy(wire);
    wire[0] = id >>> 8;
    wire[1] = id & 0xff;
    sock.pending.set(id, { query: wire, qEnd, done, deadline: performance.now() + timeoutMs });
    if (sock.pending.size === 1) watch(sock);
    sock.send(wire);
  }

  /** Number of queries waiting for a reply. */
  get inFlight(): number {
    let n = 0;
    for (const s of this.#pool) n += s?.pending.size ?? 0;
    for (const s of this.#retired) n += s.pending.size;
    return n;
  }

  /** Closes every socket; waiting queries resolve as 'network'. */
  close(): void {
    for (const s of this.#pool) s?.close();
    for (const s of this.#retired) s.close();
    this.#pool.fill(null);
    this.#retired.clear();
  }

  /** Picks a random pool slot, replacing its socket when it has served long enough. */
  #socket(): PooledSocket {
    const slot = random16() % this.#pool.length;
    let s = this.#pool[slot];
    if (s && (s.uses >= MAX_USES || Date.now() - s.born > MAX_AGE_MS)) {
      s.retired = true;
      if (s.pending.size === 0) s.close();
      else this.#retired.add(s);
      s = null;
    }
    if (!s) {
      s = new PooledSocket(this.#target, this.counters, (d) => this.#drained(d));
      this.#pool[slot] = s;
    }
    s.uses++;
    return s;
  }

  #drained(s: PooledSocket): void {
    this.#retired.delete(s);
    s.close();
  }
}
