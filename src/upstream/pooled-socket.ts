/**
 * One connect()ed UDP socket of an upstream's pool (see udp-transport.ts): bound to its source
 * port (the OS's choice, one of min-port..max-port, or a fixed port shared with SO_REUSEADDR),
 * connected to the server, queueing what is sent before it is ready. Replies and failures go to
 * its owner, the transport, which keeps the waiting queries.
 */
import { Buffer } from 'node:buffer';
import { createSocket, type Socket } from 'node:dgram';
import { literalLookup } from '../util/literal-lookup.js';
import { DumpKind, type PacketDump } from '../log/packet-dump.js';
import { random16 } from './random.js';

/** Where and how to send. */
export interface UdpTarget {
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
  readonly sourceAddress: string | null;
  readonly sourcePort: number | null;
}

/** How source ports are chosen for every upstream (query-port, min-port, max-port). */
export interface SourcePorts {
  /**
   * query-port: N > 0 sends every query from port N (upstreams without a port of their own share
   * it), 0 from one OS-chosen port per upstream; null (the default) from the rotating pool.
   */
  readonly queryPort: number | null;
  /** min-port/max-port: the range the pool's random ports come from; null: the OS's ephemeral range. */
  readonly range: { readonly min: number; readonly max: number } | null;
}

/** The fixed source port for `target` under `ports`: the server's own, else query-port N > 0, else null. */
export function fixedSourcePort(target: Pick<UdpTarget, 'sourcePort'>, ports: SourcePorts): number | null {
  return target.sourcePort ?? (ports.queryPort !== null && ports.queryPort > 0 ? ports.queryPort : null);
}

/**
 * The ports a new socket for `target` tries, by attempt: the fixed one; `range` (min-port..max-port)
 * one after another from a random one (so a crowded range is searched, not sampled); 0 with a
 * source address; else null (connect binds).
 */
export function portsToTry(target: UdpTarget, fixed: number | null, range: SourcePorts['range']): (attempt: number) => number | null {
  if (fixed !== null) return (attempt) => (attempt === 0 ? fixed : null);
  if (range !== null) {
    const size = range.max - range.min + 1;
    const start = random16() % size;
    return (attempt) => (attempt < size ? range.min + ((start + attempt) % size) : null);
  }
  const any = target.sourceAddress !== null ? 0 : null;
  return (attempt) => (attempt === 0 ? any : null);
}

/** Most ports of min-port..max-port a socket tries (one after another from a random one) before it gives up. */
export const RANGE_TRIES = 256;

/** What a socket reports to: its transport. */
export interface SocketOwner {
  /** A datagram from the server's address arrived on `sock` from port `port`. */
  reply(sock: PooledSocket, msg: Buffer, port: number): void;
  /** `sock` failed (ICMP unreachable, or its bind): its waiting queries fail now. */
  failSocket(sock: PooledSocket): void;
  /** dumpfile=: where the datagrams sent and received are copied, or null. */
  readonly dump: PacketDump | null;
}

/** One connected socket; its waiting queries are in the transport's table. */
export class PooledSocket {
  /** The socket in use (a bind that failed at once is replaced before the constructor returns). */
  socket!: Socket;
  uses = 0;
  /** Queries sent from this socket and still waiting. */
  waiting = 0;
  /** performance.now() ms when it was opened. */
  readonly born: number;
  retired = false;
  ready: boolean = false;
  /** True once binding failed: the transport replaces it on the next send. */
  broken = false;
  readonly #queue: Buffer[] = [];
  /** Its local address and port (dumpfile=): the family's unspecified address until connected. */
  #local: { address: string; port: number };

  /** Its local address and port (dumpfile=, dnstap): the family's unspecified address and port 0 until connected. */
  get local(): { readonly address: string; readonly port: number } {
    return this.#local;
  }

  /**
   * @param port the source port to bind for a try (0: the OS's choice), or null to let connect()
   *   bind; after EADDRINUSE (a port of the range in use) the next try, on a fresh socket, up to
   *   RANGE_TRIES
   * @param shared bind with SO_REUSEADDR: a query-port every upstream's socket binds (each is
   *   connected to its own server, so the kernel tells their replies apart)
   */
  constructor(
    private readonly target: UdpTarget,
    private readonly owner: SocketOwner,
    now: number,
    private readonly port: (attempt: number) => number | null,
    private readonly shared: boolean,
  ) {
    this.born = now;
    this.#local = { address: target.family === 6 ? '::' : '0.0.0.0', port: 0 };
    this.#open(0);
  }

  /**
   * Makes `socket` a new socket bound and connected to the target, sending what queued meanwhile
   * once ready. A bind error may be emitted before bind() returns (the lookup of a literal is
   * synchronous), so `socket` is set first and a retry replaces it in turn.
   */
  #open(attempt: number): void {
    const { target, owner } = this;
    const s = createSocket({ type: target.family === 6 ? 'udp6' : 'udp4', lookup: literalLookup as never, reuseAddr: this.shared });
    this.socket = s;
    s.on('message', (msg, rinfo) => {
      const d = owner.dump;
      if (d !== null) d.packet(DumpKind.UP_REPLY, msg, rinfo.address, rinfo.port, this.#local.address, this.#local.port);
      owner.reply(this, msg, rinfo.port);
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      // ICMP port unreachable on a connected socket: the server is not listening. Fail fast.
      if (err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') return owner.failSocket(this);
      if (this.ready) return;
      // The bind failed: another port on a fresh socket, or give up (its queries fail now).
      s.close();
      if (err.code === 'EADDRINUSE' && attempt + 1 < RANGE_TRIES && this.port(attempt + 1) !== null) return this.#open(attempt + 1);
      this.broken = true;
      owner.failSocket(this);
    });
    const connect = () =>
      s.connect(target.port, target.address, () => {
        this.ready = true;
        this.#local = s.address();
        for (const q of this.#queue.splice(0)) this.send(q);
      });
    // exclusive: in a cluster worker a non-exclusive bind would share one socket (and its replies)
    // with the other workers through the primary; connect() alone binds exclusively already.
    const p = this.port(attempt);
    if (p === null) connect();
    else s.bind({ address: target.sourceAddress ?? undefined, port: p, exclusive: true }, connect);
  }

  send(wire: Buffer): void {
    if (!this.ready) return void this.#queue.push(wire);
    this.socket.send(wire);
    const d = this.owner.dump;
    if (d !== null) d.packet(DumpKind.UP_QUERY, wire, this.#local.address, this.#local.port, this.target.address, this.target.port);
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
