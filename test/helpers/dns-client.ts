/**
 * A small DNS client for tests: builds queries with dns-packet, sends them over UDP or TCP to
 * 127.0.0.1 and returns the raw reply plus its decoding. Every call has a timeout.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import * as dnsPacket from 'dns-packet';

export type Packet = dnsPacket.Packet;
export type Answer = dnsPacket.Answer;

/** How to build a query. */
export interface QueryOptions {
  readonly type?: string;
  /** Question class mnemonic (default IN). */
  readonly qclass?: 'IN' | 'CH' | 'HS' | 'ANY';
  readonly id?: number;
  /** Add an OPT record with this UDP size (default: no EDNS). */
  readonly edns?: number;
  readonly dnssecOk?: boolean;
  readonly cd?: boolean;
  readonly rd?: boolean;
  readonly ad?: boolean;
  /** Raw EDNS options to carry (e.g. a cookie). */
  readonly ednsOptions?: { code: number; data: Buffer }[];
}

/** Encodes a query for `name`. */
export function buildQuery(name: string, opts: QueryOptions = {}): Buffer {
  let flags = opts.rd === false ? 0 : dnsPacket.RECURSION_DESIRED;
  if (opts.cd) flags |= dnsPacket.CHECKING_DISABLED;
  if (opts.ad) flags |= dnsPacket.AUTHENTIC_DATA;
  const additionals: dnsPacket.Answer[] = [];
  if (opts.edns !== undefined) {
    additionals.push({
      type: 'OPT',
      name: '.',
      udpPayloadSize: opts.edns,
      flags: opts.dnssecOk ? dnsPacket.DNSSEC_OK : 0,
      options: (opts.ednsOptions ?? []) as never,
    } as never);
  }
  return dnsPacket.encode({
    type: 'query',
    id: opts.id ?? Math.floor(Math.random() * 65536),
    flags,
    questions: [{ type: (opts.type ?? 'A') as never, name, class: opts.qclass ?? 'IN' }],
    additionals,
  });
}

/** A reply: the bytes, their decoding, and the RCODE and flags read from the header. */
export interface Reply {
  readonly raw: Buffer;
  readonly packet: Packet;
  /** RCODE mnemonic: NOERROR, NXDOMAIN, SERVFAIL, REFUSED, FORMERR, NOTIMP… */
  readonly rcode: string;
  readonly aa: boolean;
  readonly tc: boolean;
  readonly ra: boolean;
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** Wraps raw reply bytes. */
export function toReply(raw: Buffer): Reply {
  return {
    raw,
    packet: dnsPacket.decode(raw),
    rcode: RCODES[raw[3]! & 0x0f] ?? `RCODE${raw[3]! & 0x0f}`,
    aa: (raw[2]! & 0x04) !== 0,
    tc: (raw[2]! & 0x02) !== 0,
    ra: (raw[3]! & 0x80) !== 0,
  };
}

/** Sends raw bytes over UDP and waits for one datagram back (rejects on timeout). */
export function udpExchange(raw: Buffer, port: number, timeoutMs = 3000, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const t = setTimeout(() => {
      s.close();
      reject(new Error(`udp timeout after ${timeoutMs} ms`));
    }, timeoutMs);
    s.on('message', (m, from) => {
      // A datagram from elsewhere (a process that took this ephemeral port's last owner for a
      // server, such as the bench's readiness probe) is not the reply.
      if (from.port !== port) return;
      clearTimeout(t);
      s.close();
      resolve(m);
    });
    s.send(raw, port, host);
  });
}

/** True when this host has an IPv6 loopback to bind (some containers do not). */
export function hasV6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp6');
    s.once('error', () => resolve(false));
    s.bind(0, '::1', () => s.close(() => resolve(true)));
  });
}

/** Sends raw bytes over TCP (framed) and waits for one framed reply. */
export async function tcpExchange(raw: Buffer, port: number, timeoutMs = 3000, host = '127.0.0.1'): Promise<Buffer> {
  const [reply] = await tcpPipeline([raw], port, timeoutMs, host);
  return reply!;
}

/** Queries `name` on 127.0.0.1:port and decodes the reply. */
export async function query(port: number, name: string, opts: QueryOptions & { tcp?: boolean; timeoutMs?: number } = {}): Promise<Reply> {
  const q = buildQuery(name, opts);
  const raw = opts.tcp ? await tcpExchange(q, port, opts.timeoutMs) : await udpExchange(q, port, opts.timeoutMs);
  return toReply(raw);
}

/** The answer records' data as strings, e.g. ['10.0.0.1'] for A. */
export function answerData(p: Packet): string[] {
  return (p.answers ?? []).map((a) => {
    const d = (a as { data?: unknown }).data;
    if (typeof d === 'string') return d;
    if (Buffer.isBuffer(d)) return d.toString();
    if (Array.isArray(d)) return d.map((x) => (Buffer.isBuffer(x) ? x.toString() : String(x))).join('');
    return JSON.stringify(d);
  });
}

/**
 * Sends many queries from one UDP socket at once and collects the replies by ID. Resolves when
 * every query has a reply or after `timeoutMs` (with what arrived).
 */
export function udpBurst(queries: Buffer[], port: number, timeoutMs = 5000): Promise<Map<number, Buffer>> {
  return new Promise((resolve) => {
    // A big receive buffer: a thousand replies arriving at once overflow the default one.
    const s = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    const got = new Map<number, Buffer>();
    const done = () => {
      clearTimeout(t);
      s.close();
      resolve(got);
    };
    const t = setTimeout(done, timeoutMs);
    s.on('message', (m, from) => {
      if (from.port !== port || m.length < 2) return; // not from the server asked (see udpExchange)
      got.set(m.readUInt16BE(0), m);
      if (got.size === queries.length) done();
    });
    s.bind(0, '127.0.0.1', () => {
      for (const q of queries) s.send(q, port, '127.0.0.1');
    });
  });
}

/**
 * Sends several raw queries on one TCP connection in a single write (pipelined, RFC 7766 §6.2.1.1)
 * and collects `raws.length` framed replies in the order they arrive.
 */
export function tcpPipeline(raws: readonly Buffer[], port: number, timeoutMs = 3000, host = '127.0.0.1'): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    const replies: Buffer[] = [];
    let buf = Buffer.alloc(0);
    const t = setTimeout(() => {
      sock.destroy();
      reject(new Error(`tcp pipeline timeout after ${timeoutMs} ms with ${replies.length}/${raws.length} replies`));
    }, timeoutMs);
    sock.on('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        replies.push(Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (replies.length >= raws.length) {
        clearTimeout(t);
        sock.destroy();
        resolve(replies);
      }
    });
    sock.write(Buffer.concat(raws.flatMap((raw) => [Buffer.from([raw.length >> 8, raw.length & 0xff]), raw])));
  });
}

/** The OPT pseudo-record of a decoded message, if any. */
export function optOf(p: Packet): (Answer & { udpPayloadSize?: number; flags?: number; options?: { code: number; data: Buffer }[] }) | undefined {
  return (p.additionals ?? []).find((a) => a.type === 'OPT') as never;
}
