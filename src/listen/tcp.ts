/**
 * TCP listener (RFC 1035 §4.2.2 framing; RFC 7766 §6.2 many queries per connection, answered as
 * they complete). Connections are capped (max-tcp-connections), idle ones close after a timeout,
 * a connection may have a bounded number of queries in flight (reading pauses beyond it), and a
 * frame that never completes cannot hold a connection past the idle timeout.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Dispatched } from '../pipeline/dispatch.js';
import type { Client } from '../pipeline/query.js';
import { isPromise } from '../util/thenable.js';
import type { DatagramHandler } from './udp.js';

/** TCP limits. */
export interface TcpOptions {
  readonly maxConnections: number;
  readonly idleMs: number;
  readonly maxInFlightPerConnection: number;
}

/** Default TCP limits (idle 10 s as CoreDNS and RFC 7766 §6.2.3 suggest; 32 in flight). */
export const TCP_DEFAULTS: TcpOptions = { maxConnections: 100, idleMs: 10_000, maxInFlightPerConnection: 32 };

/** A listening TCP server and its open connections. */
export interface TcpListener {
  readonly server: Server;
  /** Stops accepting; resolves once closed (after destroyConnections, or when clients leave). */
  close(): Promise<void>;
  /** Ends every open connection now. */
  destroyConnections(): void;
}

function serveConnection(sock: Socket, onQuery: DatagramHandler, opts: TcpOptions): void {
  const client: Client = { address: sock.remoteAddress ?? '', port: sock.remotePort ?? 0, protocol: 'tcp' };
  let buf: Buffer = Buffer.alloc(0);
  let inFlight = 0;
  sock.setNoDelay(true);
  sock.setTimeout(opts.idleMs, () => sock.destroy());
  sock.on('error', () => sock.destroy());
  const write = (out: Dispatched) => {
    inFlight--;
    if (out !== null && !sock.destroyed) {
      const frame = Buffer.allocUnsafe(out.length + 2);
      frame.writeUInt16BE(out.length, 0);
      out.copy(frame, 2);
      sock.write(frame);
    }
    if (sock.isPaused() && inFlight < opts.maxInFlightPerConnection) sock.resume();
  };
  sock.on('data', (d: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      const msg = Buffer.from(buf.subarray(2, 2 + len));
      buf = buf.subarray(2 + len);
      inFlight++;
      const r = onQuery(msg, client);
      if (isPromise(r)) void r.then(write);
      else write(r);
    }
    if (inFlight >= opts.maxInFlightPerConnection) sock.pause();
  });
}

/** Starts a TCP DNS server on address:port. Resolves once listening. */
export function listenTcp(address: string, port: number, onQuery: DatagramHandler, opts: TcpOptions = TCP_DEFAULTS): Promise<TcpListener> {
  const open = new Set<Socket>();
  const server = createServer((sock) => {
    open.add(sock);
    sock.once('close', () => open.delete(sock));
    serveConnection(sock, onQuery, opts);
  });
  server.maxConnections = opts.maxConnections;
  const listener: TcpListener = {
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
    destroyConnections: () => {
      for (const s of open) s.destroy();
    },
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port, backlog: 128 }, () => {
      server.off('error', reject);
      server.on('error', () => {});
      resolve(listener);
    });
  });
}
