/**
 * UDP listener: one socket per listen address. Each datagram is a query; the reply (if any) goes
 * back to its source. The receive handler is defined once (no per-packet closures on the sync
 * path), and the socket uses a literal-address lookup so sends skip dns.lookup.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { LATER, type Dispatched } from '../pipeline/dispatch.js';
import type { Client } from '../pipeline/query.js';
import { literalLookup } from '../util/literal-lookup.js';

/** Receive buffer: big enough to absorb bursts, small enough not to turn overload into seconds of latency. */
const RECV_BUFFER = 2 * 1024 * 1024;

/** Handles one datagram's bytes: returns the reply bytes (null: none), or LATER to reply through the client. */
export type DatagramHandler = (msg: Buffer, client: Client) => Dispatched | typeof LATER;

/** A UDP client: where a reply goes, through the socket its query came in on. */
class UdpClient implements Client {
  readonly protocol = 'udp';

  constructor(
    readonly sock: Socket,
    readonly address: string,
    readonly port: number,
    readonly localAddress: string,
  ) {}

  reply(out: Dispatched): void {
    if (out === null) return;
    try {
      this.sock.send(out, this.port, this.address);
    } catch {
      // The socket closed (shutdown) while this query was in flight: it gets no reply.
    }
  }
}

/** Binds a UDP socket and serves queries on it. Resolves once bound. */
export function listenUdp(address: string, port: number, onQuery: DatagramHandler): Promise<Socket> {
  const sock = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', lookup: literalLookup as never, recvBufferSize: RECV_BUFFER });
  sock.on('message', (msg, rinfo) => {
    if (rinfo.port === 0) return; // reference §0.1: never answer source port 0
    const client = new UdpClient(sock, rinfo.address, rinfo.port, address);
    const r = onQuery(msg, client);
    if (r !== LATER) client.reply(r);
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address, port, exclusive: false }, () => {
      sock.off('error', reject);
      sock.on('error', () => {}); // send errors (client gone) are not fatal
      resolve(sock);
    });
  });
}
