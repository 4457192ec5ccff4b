/**
 * UDP listener: one socket per listen address. Each datagram is a query; the reply (if any) goes
 * back to its source. The receive handler is defined once (no per-packet closures on the sync
 * path), and the socket uses a literal-address lookup so sends skip dns.lookup. With dumpfile=,
 * every datagram received and every reply sent is copied to the dump.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { LATER, type Dispatched } from '../pipeline/dispatch.js';
import type { Client } from '../pipeline/query.js';
import { literalLookup } from '../util/literal-lookup.js';
import { DumpKind, type PacketDump } from '../log/packet-dump.js';

/** Receive buffer: big enough to absorb bursts, small enough not to turn overload into seconds of latency. */
const RECV_BUFFER = 2 * 1024 * 1024;

/** Handles one datagram's bytes: returns the reply bytes (null: none), or LATER to reply through the client. */
export type DatagramHandler = (msg: Buffer, client: Client) => Dispatched | typeof LATER;

/** One listening socket, what its clients share. */
interface Listener {
  readonly sock: Socket;
  readonly address: string;
  /** The bound port (known once bound). */
  port: number;
  readonly dump: PacketDump | null;
}

/** A UDP client: where a reply goes, through the socket its query came in on. */
class UdpClient implements Client {
  readonly protocol = 'udp';

  constructor(
    readonly listener: Listener,
    readonly address: string,
    readonly port: number,
  ) {}

  get localAddress(): string {
    return this.listener.address;
  }

  get localPort(): number {
    return this.listener.port;
  }

  reply(out: Dispatched): void {
    if (out === null) return;
    const l = this.listener;
    try {
      l.sock.send(out, this.port, this.address);
    } catch {
      // The socket closed (shutdown) while this query was in flight: it gets no reply.
      return;
    }
    if (l.dump !== null) l.dump.packet(DumpKind.REPLY, out, l.address, l.port, this.address, this.port);
  }
}

/** Binds a UDP socket and serves queries on it, copying datagrams to `dump` if given. Resolves once bound. */
export function listenUdp(address: string, port: number, onQuery: DatagramHandler, dump: PacketDump | null = null): Promise<Socket> {
  const sock = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', lookup: literalLookup as never, recvBufferSize: RECV_BUFFER });
  const listener: Listener = { sock, address, port, dump };
  sock.on('message', (msg, rinfo) => {
    if (dump !== null) dump.packet(DumpKind.QUERY, msg, rinfo.address, rinfo.port, address, listener.port);
    if (rinfo.port === 0) return; // reference §0.1: never answer source port 0
    const client = new UdpClient(listener, rinfo.address, rinfo.port);
    const r = onQuery(msg, client);
    if (r !== LATER) client.reply(r);
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address, port, exclusive: false }, () => {
      listener.port = sock.address().port;
      sock.off('error', reject);
      sock.on('error', () => {}); // send errors (client gone) are not fatal
      resolve(sock);
    });
  });
}
