/**
 * A scripted DNS server on 127.0.0.1 (UDP and TCP on one port) for tests: each query is passed to
 * a script that decides the answer, or a fault: delay, silence, garbage, truncation, a wrong ID or
 * question, a reply from another port. Every received query is recorded.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import * as dnsPacket from 'dns-packet';
import { rcodeBits } from './wire.js';

/** What the script sees of one query. */
export interface SeenQuery {
  readonly name: string;
  readonly type: string;
  /** 'tls': over the TLS listener of an upstream started with a TlsIdentity; 'https': a DoH upstream's (fake-doh-upstream.ts). */
  readonly proto: 'udp' | 'tcp' | 'tls' | 'https';
  readonly packet: dnsPacket.Packet;
  readonly raw: Buffer;
  readonly at: number;
  /** Where the query came from: fandns's upstream source address and port. */
  readonly source: { readonly address: string; readonly port: number };
}

/** What the script wants sent back. */
export interface FakeAnswer {
  readonly rcode?: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'FORMERR' | 'NOTIMP';
  readonly answers?: dnsPacket.Answer[];
  readonly authorities?: dnsPacket.Answer[];
  readonly additionals?: dnsPacket.Answer[];
  readonly aa?: boolean;
  /** Set AD (authenticated data) in the reply. */
  readonly ad?: boolean;
  readonly delayMs?: number;
  /** Over UDP: reply with TC=1 and no records. Over TCP: the full answer. */
  readonly truncateUdp?: boolean;
  /** Send these bytes as the reply instead. */
  readonly raw?: Buffer;
  /** No reply at all. */
  readonly drop?: boolean;
  /** Add this to the ID (a forged reply). */
  readonly idDelta?: number;
  /** Echo this name in the question instead of the asked one. */
  readonly questionName?: string;
  /** Send the UDP reply from another socket (another source port). */
  readonly fromOtherPort?: boolean;
  /** Reply with an OPT record carrying these EDNS options (an ECS echo, say), whether or not the query had one. */
  readonly ednsOptions?: readonly { code: number; data: Buffer }[];
  /** Further replies to the same query, each built and delayed on its own (e.g. a forged one, then the real one). */
  readonly also?: readonly FakeAnswer[];
}

export type Script = (q: SeenQuery) => FakeAnswer;

/** The certificate and key a fake DNS-over-TLS upstream presents (PEM). */
export interface TlsIdentity {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

/** One TLS connection a fake upstream accepted: the SNI name it was sent and whether the session was resumed. */
export interface TlsAccepted {
  readonly servername: string | null;
  readonly resumed: boolean;
}


/** Record builders. */
export const rr = {
  a: (name: string, data: string, ttl = 300): dnsPacket.Answer => ({ type: 'A', name, ttl, class: 'IN', data }),
  aaaa: (name: string, data: string, ttl = 300): dnsPacket.Answer => ({ type: 'AAAA', name, ttl, class: 'IN', data }),
  cname: (name: string, data: string, ttl = 300): dnsPacket.Answer => ({ type: 'CNAME', name, ttl, class: 'IN', data }),
  txt: (name: string, data: string, ttl = 300): dnsPacket.Answer => ({ type: 'TXT', name, ttl, class: 'IN', data }),
  srv: (name: string, target: string, port: number, ttl = 300): dnsPacket.Answer =>
    ({ type: 'SRV', name, ttl, class: 'IN', data: { priority: 1, weight: 1, port, target } }),
  soa: (name: string, minimum = 60, ttl = 300): dnsPacket.Answer =>
    ({ type: 'SOA', name, ttl, class: 'IN', data: { mname: `ns.${name}`, rname: `hostmaster.${name}`, serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum } }),
};

/**
 * Ports for upstreams started without one: a block of PORT_BLOCK below the kernel's ephemeral range
 * (32768 and up here), picked by this process's PID, taken in turn from a random offset. Test
 * files run in parallel processes and some close an upstream and start it again on its port: with
 * kernel-chosen ports, another file's upstream (or a proxy's rotating upstream sockets) could take
 * that port in between and answer in its place (seen once: faults.test got fastest.test's answer).
 */
const PORT_BLOCK = 500;
const PORT_FIRST = 10_000 + (process.pid % 45) * PORT_BLOCK;
let portTurn = Math.floor(Math.random() * PORT_BLOCK);

/** The next port of this process's block. */
function ownPort(): number {
  return PORT_FIRST + (portTurn++ % PORT_BLOCK);
}

/** A running fake upstream. */
export class FakeUpstream {
  readonly queries: SeenQuery[] = [];
  /** With a TlsIdentity: every TLS connection that completed its handshake. */
  readonly tlsAccepted: TlsAccepted[] = [];
  /** Queries read on each TCP (or TLS) connection, in the order the connections came. */
  readonly connectionQueries: number[] = [];
  /**
   * Most queries read on one TCP connection: after answering that many the server closes it and
   * reads no more, as dnsmasq does after 100 (its TCP_MAX_QUERIES). Unlimited by default.
   */
  maxPerConnection = Number.POSITIVE_INFINITY;
  #script: Script;
  #closed = false;
  readonly #conns = new Set<TcpSocket>();
  private constructor(
    private readonly udp: Socket,
    private readonly tcp: Server,
    private readonly other: Socket,
    readonly port: number,
    script: Script,
    private readonly tls: boolean,
    /** The loopback address it listens on. */
    readonly host: string,
  ) {
    this.#script = script;
  }

  /**
   * Starts on 127.0.0.1 (UDP and TCP share the port): a port of this process's block (see
   * ownPort), or `port` (to bring a closed upstream back on the same address; rejects if that port
   * is taken). With `tls`, the TCP listener speaks DNS over TLS (RFC 7858) with that identity.
   * `host` is another loopback address to listen on instead (a server that moved, same port).
   */
  static async start(script: Script, port = 0, tls: TlsIdentity | null = null, host = '127.0.0.1'): Promise<FakeUpstream> {
    for (let attempt = 0; attempt < (port === 0 ? 50 : 1); attempt++) {
      const udp = createSocket('udp4');
      const want = port === 0 ? ownPort() : port;
      const bound = await new Promise<boolean>((r) => {
        udp.once('error', () => r(false));
        udp.bind(want, host, () => r(true));
      });
      if (!bound) {
        udp.close();
        continue;
      }
      const udpPort = udp.address().port;
      const tcp = tls === null ? createServer() : createTlsServer({ cert: tls.cert, key: tls.key });
      const ok = await new Promise<boolean>((r) => {
        tcp.once('error', () => r(false));
        tcp.listen(udpPort, host, () => r(true));
      });
      if (!ok) {
        udp.close();
        continue;
      }
      const other = createSocket('udp4');
      await new Promise<void>((r) => other.bind(0, '127.0.0.1', () => r()));
      const f = new FakeUpstream(udp, tcp, other, udpPort, script, tls !== null, host);
      f.#listen();
      return f;
    }
    throw new Error('could not bind a fake upstream');
  }

  /** `server=` value for this upstream. */
  get spec(): string {
    return `${this.host}#${this.port}`;
  }

  /**
   * Sends raw bytes from this upstream's own UDP address and port, as an off-path attacker who
   * forges the server's source address would (or to release a reply the script held back).
   */
  send(raw: Buffer, port: number, address = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) => this.udp.send(raw, port, address, (err) => (err ? reject(err) : resolve())));
  }

  /** Replaces the script. */
  setScript(s: Script): void {
    this.#script = s;
  }

  /** Queries seen for a name (case-insensitive), optionally of one type. */
  count(name: string, type?: string): number {
    return this.queries.filter((q) => q.name.toLowerCase() === name.toLowerCase() && (!type || q.type === type)).length;
  }

  /** Closes every open TCP (or TLS) connection, as a server that restarts or times clients out would. */
  dropConnections(): void {
    for (const c of this.#conns) c.destroy();
  }

  /** Stops both listeners and drops open TCP connections; replies still pending are not sent. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of this.#conns) c.destroy();
    await Promise.all([
      new Promise<void>((r) => this.udp.close(() => r())),
      new Promise<void>((r) => this.other.close(() => r())),
      new Promise<void>((r) => this.tcp.close(() => r())),
    ]);
  }

  #listen(): void {
    this.udp.on('message', (raw: Buffer, rinfo: RemoteInfo) => {
      const seen = this.#seen(raw, 'udp', rinfo.address, rinfo.port);
      if (!seen) return;
      this.#respond(seen, (out, ans) => {
        if (!this.#closed) (ans.fromOtherPort ? this.other : this.udp).send(out, rinfo.port, rinfo.address);
      });
    });
    this.tcp.on(this.tls ? 'secureConnection' : 'connection', (sock: TcpSocket) => {
      if (this.tls) {
        const t = sock as TLSSocket;
        this.tlsAccepted.push({ servername: typeof t.servername === 'string' ? t.servername : null, resumed: t.isSessionReused() });
      }
      let buf = Buffer.alloc(0);
      const slot = this.connectionQueries.push(0) - 1;
      this.#conns.add(sock);
      sock.on('close', () => this.#conns.delete(sock));
      sock.on('error', () => {});
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0) && this.connectionQueries[slot]! < this.maxPerConnection) {
          const raw = buf.subarray(2, 2 + buf.readUInt16BE(0));
          buf = buf.subarray(2 + raw.length);
          const last = ++this.connectionQueries[slot]! === this.maxPerConnection;
          const seen = this.#seen(Buffer.from(raw), this.tls ? 'tls' : 'tcp', sock.remoteAddress ?? '', sock.remotePort ?? 0);
          if (!seen) continue;
          this.#respond(seen, (out) => {
            if (sock.destroyed) return;
            const frame = Buffer.alloc(out.length + 2);
            frame.writeUInt16BE(out.length, 0);
            out.copy(frame, 2);
            sock.write(frame);
            if (last) sock.end();
          });
        }
      });
    });
  }

  #seen(raw: Buffer, proto: SeenQuery['proto'], address: string, port: number): SeenQuery | null {
    const seen = seenQuery(raw, proto, address, port);
    if (seen !== null) this.queries.push(seen);
    return seen;
  }

  #respond(q: SeenQuery, send: (out: Buffer, ans: FakeAnswer) => void): void {
    const ans = this.#script(q);
    for (const a of [ans, ...(ans.also ?? [])]) {
      if (a.drop) continue;
      const out = a.raw ?? this.#encode(q, a);
      if (a.delayMs) setTimeout(() => send(out, a), a.delayMs);
      else send(out, a);
    }
  }

  #encode(q: SeenQuery, ans: FakeAnswer): Buffer {
    return encodeFakeAnswer(q, ans);
  }
}

/** The reply a script's answer makes to `q` (its ID, question and EDNS echoed as a server would). */
export function encodeFakeAnswer(q: SeenQuery, ans: FakeAnswer): Buffer {
  const question = q.packet.questions![0]!;
  const truncated = q.proto === 'udp' && ans.truncateUdp === true;
  const opt = (q.packet.additionals ?? []).find((a) => a.type === 'OPT');
  const additionals = truncated ? [] : [...(ans.additionals ?? [])];
  if (ans.ednsOptions) additionals.push({ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options: ans.ednsOptions } as never);
  else if (opt) additionals.push({ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0 } as never);
  let flags = dnsPacket.RECURSION_AVAILABLE | ((q.packet.flags ?? 0) & dnsPacket.RECURSION_DESIRED);
  if (ans.aa) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  if (ans.ad) flags |= dnsPacket.AUTHENTIC_DATA;
  if (truncated) flags |= dnsPacket.TRUNCATED_RESPONSE;
  const out = dnsPacket.encode({
    type: 'response',
    id: ((q.packet.id ?? 0) + (ans.idDelta ?? 0)) & 0xffff,
    flags: flags | rcodeBits(ans.rcode),
    questions: [{ ...question, name: ans.questionName ?? question.name }],
    answers: truncated ? [] : (ans.answers ?? []),
    authorities: truncated ? [] : (ans.authorities ?? []),
    additionals,
  } as never);
  return out;
}

/** A query as a script sees it, or null when it does not decode or asks nothing. */
export function seenQuery(raw: Buffer, proto: SeenQuery['proto'], address: string, port: number): SeenQuery | null {
  let packet: dnsPacket.Packet;
  try {
    packet = dnsPacket.decode(raw);
  } catch {
    return null;
  }
  const q = packet.questions?.[0];
  if (!q) return null;
  return { name: q.name, type: q.type, proto, packet, raw, at: Date.now(), source: { address, port } };
}

/** Allocates a free UDP+TCP port on 127.0.0.1 (for a server started later, e.g. dnsmasq). */
export async function freePort(): Promise<number> {
  const f = await FakeUpstream.start(() => ({ drop: true }));
  const p = f.port;
  await f.close();
  return p;
}
