/**
 * TCP exchanges with one upstream (RFC 1035 §4.2.2 framing, RFC 7766 §6.2 connection reuse and
 * pipelining): one persistent connection per server, many queries in flight on it, matched by ID
 * and question. Idle connections close after a while; a query that fails because a reused
 * connection had been closed by the server is retried once on a fresh one. The same framing runs
 * over TLS (RFC 7858 §3.3) with a TLS dialer (tls-dial.ts).
 */
import { connect, type Socket } from 'node:net';
import { HEADER_SIZE } from '../wire/constants.js';
import { answersQuery } from '../wire/reply-match.js';
import { random16 } from './random.js';
import { frame, FrameReader } from '../wire/tcp-frames.js';
import { MAX_WAITING, type ResultCallback, type UdpResult, type UdpTarget } from './udp-transport.js';

interface Pending {
  readonly query: Buffer;
  readonly qEnd: number;
  readonly resolve: (r: UdpResult) => void;
  readonly timer: NodeJS.Timeout;
}

const IDLE_MS = 10_000;

/** Opens a stream connection to the server (plain TCP, or TLS: tls-dial.ts). */
export type Dialer = () => Socket;

/** The plain TCP dialer for `target` (from its source address, if it has one). */
export function tcpDialer(target: UdpTarget): Dialer {
  const opts = { host: target.address, port: target.port, family: target.family, noDelay: true } as const;
  return target.sourceAddress !== null ? () => connect({ ...opts, localAddress: target.sourceAddress! }) : () => connect(opts);
}

/** One framed connection. */
class TcpConnection {
  readonly pending = new Map<number, Pending>();
  readonly socket: Socket;
  closed = false;
  /** Replies received so far; > 0 means the connection has been reused. */
  answered = 0;
  readonly #frames = new FrameReader();
  #idle: NodeJS.Timeout | null = null;

  constructor(dial: Dialer, private readonly onClose: (c: TcpConnection) => void, onError: (err: Error) => void) {
    this.socket = dial();
    this.socket.on('data', (d) => this.#data(d));
    this.socket.on('error', (err) => {
      onError(err);
      this.close();
    });
    this.socket.on('close', () => this.close());
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
        this.#maybeIdle();
      }, timeoutMs);
      this.pending.set(id, { query: framed.subarray(2), qEnd, resolve, timer });
      this.socket.write(framed);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.#idle) clearTimeout(this.#idle);
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.resolve('network');
    }
    this.socket.destroy();
    this.onClose(this);
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
    p.resolve(msg);
    this.#maybeIdle();
  }

  #maybeIdle(): void {
    if (this.pending.size === 0 && !this.closed && !this.#idle) {
      this.#idle = setTimeout(() => this.close(), IDLE_MS);
      this.#idle.unref();
    }
  }
}

/** TCP (or TLS) transport to one server. */
export class TcpTransport {
  #conn: TcpConnection | null = null;
  /** Why the latest connection failed (a TLS certificate error, a refused connect…), until a reply comes. */
  lastError: string | null = null;
  readonly #dial: Dialer;

  /** @param dial opens a connection: tcpDialer(target), or tlsDialer (tls-dial.ts) */
  constructor(dial: Dialer) {
    this.#dial = dial;
  }

  /** Sends over the shared connection (opening one if needed); same contract as UdpTransport.send. */
  send(query: Buffer, qEnd: number, timeoutMs: number, done: ResultCallback): void {
    void this.#send(query, qEnd, timeoutMs).then(done);
  }

  async #send(query: Buffer, qEnd: number, timeoutMs: number): Promise<UdpResult> {
    const conn = this.#connection();
    const reused = conn.answered > 0;
    const started = Date.now();
    let r = await conn.send(query, qEnd, timeoutMs);
    if (r === 'network' && reused) {
      const left = timeoutMs - (Date.now() - started);
      if (left > 0) r = await this.#connection().send(query, qEnd, left);
    }
    if (typeof r !== 'string') this.lastError = null;
    return r;
  }

  /** Closes the connection; waiting queries resolve as 'network'. */
  close(): void {
    this.#conn?.close();
  }

  #connection(): TcpConnection {
    if (!this.#conn || this.#conn.closed) {
      this.#conn = new TcpConnection(this.#dial, (c) => {
        if (this.#conn === c) this.#conn = null;
      }, (err) => {
        this.lastError = err.message;
      });
    }
    return this.#conn;
  }
}
