/**
 * The floor for "CPU per cache hit": a bare Node UDP echo server. It receives a query, sets QR and
 * sends the same bytes back; nothing else. Same socket setup as src/listen/udp.ts (sync `lookup`
 * shim, 2 MiB receive buffer; shared/reference/node-performance.md §6), so the difference to
 * fandns's cache hit is fandns's own work.
 *
 *   node dist/bench/echo-server.js <port>
 */
import { createSocket } from 'node:dgram';

const literalLookup = (address: string, _o: unknown, cb: (e: Error | null, a: string, f: number) => void) =>
  cb(null, address, 4);

/** Starts the echo server on 127.0.0.1#port. */
export function startEcho(port: number): void {
  const sock = createSocket({ type: 'udp4', lookup: literalLookup as never, recvBufferSize: 2 * 1024 * 1024 });
  sock.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    msg[2] = msg[2]! | 0x80;
    sock.send(msg, rinfo.port, rinfo.address);
  });
  sock.on('error', () => {});
  sock.bind({ address: '127.0.0.1', port });
  const exit = () => sock.close(() => process.exit(0));
  process.once('SIGTERM', exit);
  process.once('SIGINT', exit);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const port = Number(process.argv[2]);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    process.stderr.write('usage: echo-server.js <port>\n');
    process.exit(2);
  }
  startEcho(port);
}
