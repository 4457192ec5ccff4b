/**
 * The floor for "CPU per forwarded query": a bare Node UDP relay. It receives a query, gives it
 * the next 16-bit ID, sends it on one connected socket to the upstream, and sends the reply back
 * to the client under the client's ID; nothing else (no parsing, no cache, no checks). A cache
 * miss costs fandns these four datagrams plus its own work, so the difference to this relay is
 * fandns's own work. Same socket setup as src/listen/udp.ts.
 *
 *   node dist/bench/relay-server.js <port> <upstream port>
 */
import { createSocket } from 'node:dgram';

const literalLookup = (address: string, _o: unknown, cb: (e: Error | null, a: string, f: number) => void) =>
  cb(null, address, 4);

/** Starts the relay on 127.0.0.1#port, forwarding to 127.0.0.1#upstreamPort. */
export function startRelay(port: number, upstreamPort: number): void {
  const opts = { type: 'udp4' as const, lookup: literalLookup as never, recvBufferSize: 2 * 1024 * 1024 };
  const front = createSocket(opts);
  const back = createSocket(opts);
  // Who asked, by relay ID: client port, address and original ID.
  const ports = new Int32Array(65536).fill(-1);
  const ids = new Uint16Array(65536);
  const addresses: string[] = new Array<string>(65536).fill('');
  let next = 0;
  let connected = false;
  front.on('message', (msg, rinfo) => {
    if (msg.length < 12 || !connected) return;
    const id = next;
    next = (next + 1) & 0xffff;
    ports[id] = rinfo.port;
    addresses[id] = rinfo.address;
    ids[id] = (msg[0]! << 8) | msg[1]!;
    msg[0] = id >>> 8;
    msg[1] = id & 0xff;
    back.send(msg);
  });
  back.on('message', (msg) => {
    if (msg.length < 12) return;
    const id = (msg[0]! << 8) | msg[1]!;
    const p = ports[id]!;
    if (p < 0) return;
    ports[id] = -1;
    msg[0] = ids[id]! >>> 8;
    msg[1] = ids[id]! & 0xff;
    front.send(msg, p, addresses[id]);
  });
  front.on('error', () => {});
  back.on('error', () => {});
  back.connect(upstreamPort, '127.0.0.1', () => {
    connected = true;
  });
  front.bind({ address: '127.0.0.1', port });
  const exit = () => front.close(() => back.close(() => process.exit(0)));
  process.once('SIGTERM', exit);
  process.once('SIGINT', exit);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [port, upstream] = process.argv.slice(2).map(Number);
  const ok = (n: number | undefined): n is number => Number.isInteger(n) && n! > 0 && n! <= 65535;
  if (!ok(port) || !ok(upstream)) {
    process.stderr.write('usage: relay-server.js <port> <upstream port>\n');
    process.exit(2);
  }
  startRelay(port, upstream);
}
