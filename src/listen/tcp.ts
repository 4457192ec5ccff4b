/**
 * TCP listener, also DNS over TLS's inside TLS (tls.ts): RFC 1035 §4.2.2 framing, and RFC 7766
 * §6.2's many queries per connection, answered as they complete. Protections against slow or
 * idle clients (RFC 7766 §6.2.3):
 * - at most `maxConnections` at once; when full, the connection idle the longest (with nothing in
 *   flight) is closed to make room, so idle or slow-loris connections cannot lock others out;
 * - an idle connection closes after `idleMs`;
 * - a started frame must arrive whole within `frameMs` (a client trickling bytes is cut off);
 * - at most `maxInFlightPerConnection` queries in flight per connection (reading pauses beyond).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LATER, type Dispatched } from '../pipeline/dispatch.js';
import type { Client, Protocol } from '../pipeline/query.js';
import type { DatagramHandler } from './udp.js';
import { frame, FrameReader } from '../wire/tcp-frames.js';
import { padReply } from '../wire/edns-padding.js';

/** TCP limits. */
export interface TcpOptions {
  readonly maxConnections: number;
  readonly idleMs: number;
  readonly frameMs: number;
  readonly maxInFlightPerConnection: number;
}

/** Default TCP limits (idle 10 s as CoreDNS does; 5 s to finish a frame; 32 in flight). */
export const TCP_DEFAULTS: TcpOptions = { maxConnections: 100, idleMs: 10_000, frameMs: 5_000, maxInFlightPerConnection: 32 };

/** A listening TCP server and its open connections. */
export interface TcpListener {
  readonly server: Server;
  /** Connections closed to make room for new ones, or cut off for being too slow. */
  readonly counters: { evicted: number; slow: number; refused: number };
  /** Stops accepting; resolves once closed (after destroyConnections, or when clients leave). */
  close(): Promise<void>;
  /** Ends every open connection now. */
  destroyConnections(): void;
}

/** One client connection's state. */
class Connection {
  lastActivity = performance.now();
  inFlight = 0;
  readonly #frames = new FrameReader();
  #frameTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly sock: Socket,
    private readonly onQuery: DatagramHandler,
    private readonly opts: TcpOptions,
    private readonly onSlow: () => void,
    localAddress: string,
    private readonly protocol: Protocol,
  ) {
    const client: Client = { address: sock.remoteAddress ?? '', port: sock.remotePort ?? 0, protocol, localAddress, localPort: sock.localPort ?? 0, reply: this.#write };
    sock.setNoDelay(true);
    sock.setTimeout(opts.idleMs, () => sock.destroy());
    sock.on('error', () => sock.destroy());
    sock.on('close', () => this.#clearFrameTimer());
    sock.on('data', (d: Buffer) => this.#data(d, client));
  }

  readonly #write = (out: Dispatched): void => {
    this.inFlight--;
    this.lastActivity = performance.now();
    const sock = this.sock;
    // Over TLS a reply with EDNS is padded (RFC 7830, RFC 8467 §4.1), so its length does not tell the name.
    if (out !== null && !sock.destroyed) sock.write(frame(this.protocol === 'tls' ? padReply(out) : out));
    if (sock.isPaused() && this.inFlight < this.opts.maxInFlightPerConnection) sock.resume();
  };

  #data(d: Buffer, client: Client): void {
    this.#frames.push(d, (msg) => {
      this.inFlight++;
      this.lastActivity = performance.now();
      const r = this.onQuery(msg, client);
      if (r !== LATER) this.#write(r);
    });
    if (!this.#frames.partial) this.#clearFrameTimer();
    else if (!this.#frameTimer) {
      this.#frameTimer = setTimeout(() => {
        this.onSlow();
        this.sock.destroy();
      }, this.opts.frameMs);
    }
    if (this.inFlight >= this.opts.maxInFlightPerConnection) this.sock.pause();
  }

  #clearFrameTimer(): void {
    if (this.#frameTimer) {
      clearTimeout(this.#frameTimer);
      this.#frameTimer = null;
    }
  }
}

/** A client connection as the admission rule sees it. */
export interface Occupant {
  /** Queries (or requests) in progress on it. */
  readonly inFlight: number;
  /** performance.now() of its latest activity. */
  readonly lastActivity: number;
}

/**
 * The admission rule of every listener with connections (RFC 7766 §6.2.3): with `max` of `open`
 * taken, the one idle the longest (nothing in flight) leaves, handed to `close` and counted as
 * evicted, to make room; when every one is busy there is no room (false, counted as refused).
 */
export function makeRoom<T extends Occupant>(open: Set<T>, max: number, counters: { evicted: number; refused: number }, close: (victim: T) => void): boolean {
  if (open.size < max) return true;
  let victim: T | null = null;
  for (const c of open) if (c.inFlight === 0 && (victim === null || c.lastActivity < victim.lastActivity)) victim = c;
  if (victim === null) {
    counters.refused++;
    return false;
  }
  counters.evicted++;
  open.delete(victim);
  close(victim);
  return true;
}

/** Starts a TCP DNS server on address:port. Resolves once listening. */
export function listenTcp(address: string, port: number, onQuery: DatagramHandler, opts: TcpOptions = TCP_DEFAULTS): Promise<TcpListener> {
  return listenStreams(createServer(), 'connection', 'tcp', address, port, onQuery, opts);
}

/**
 * Serves length-framed DNS on `server`'s streams (plain TCP, or TLS once `event` says a handshake
 * is done) at address:port under the limits above. Resolves once listening.
 */
export function listenStreams(
  server: Server,
  event: 'connection' | 'secureConnection',
  protocol: Protocol,
  address: string,
  port: number,
  onQuery: DatagramHandler,
  opts: TcpOptions,
): Promise<TcpListener> {
  const open = new Set<Connection>();
  const counters = { evicted: 0, slow: 0, refused: 0 };
  server.on(event, (sock: Socket) => {
    if (!makeRoom(open, opts.maxConnections, counters, (victim) => victim.sock.destroy())) return void sock.destroy();
    const conn = new Connection(sock, onQuery, opts, () => counters.slow++, address, protocol);
    open.add(conn);
    sock.once('close', () => open.delete(conn));
  });
  return listening(server, address, port, {
    server,
    counters,
    close: () => new Promise<void>((r) => server.close(() => r())),
    destroyConnections: () => {
      for (const c of open) c.sock.destroy();
    },
  });
}

/** Resolves with `value` once `server` listens on address:port (backlog 128); later errors are ignored. */
export function listening<T>(server: Server, address: string, port: number, value: T): Promise<T> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port, backlog: 128 }, () => {
      server.off('error', reject);
      server.on('error', () => {});
      resolve(value);
    });
  });
}
