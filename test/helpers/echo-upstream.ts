/**
 * A byte-level upstream for fuzz and load tests: answers every UDP query it can walk with its own
 * header and question, NOERROR, and for class IN type A one record (owner compressed to the
 * question) with ECHO_ADDRESS, optionally after a delay. Unlike FakeUpstream it never decodes with
 * dns-packet, so odd but valid questions (unknown types and classes, EDNS options) get a reply.
 */
import { createSocket, type Socket } from 'node:dgram';

/** The address every A answer carries. */
export const ECHO_ADDRESS = '10.53.0.1';

/** A running echo upstream. */
export interface EchoUpstream {
  readonly port: number;
  /** `server=` value. */
  readonly spec: string;
  /** Datagrams received. */
  received(): number;
  /** Replies not yet sent (waiting out the delay). */
  pending(): number;
  close(): Promise<void>;
}

/** The reply to `q`, or null when its question cannot be walked. */
export function echoReply(q: Buffer): Buffer | null {
  if (q.length < 12) return null;
  let off = 12;
  while (off < q.length && q[off] !== 0) {
    if (q[off]! > 63) return null;
    off += q[off]! + 1;
  }
  const qEnd = off + 5;
  if (qEnd > q.length) return null;
  const isA = q.readUInt16BE(qEnd - 4) === 1 && q.readUInt16BE(qEnd - 2) === 1;
  const answer = isA ? Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...ECHO_ADDRESS.split('.').map(Number)]) : Buffer.alloc(0);
  const out = Buffer.concat([q.subarray(0, qEnd), answer]);
  out[2] = 0x80 | (q[2]! & 0x79);
  out[3] = 0x80;
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(isA ? 1 : 0, 6);
  out.writeUInt32BE(0, 8);
  return out;
}

/** Starts an echo upstream on 127.0.0.1 (ephemeral port) answering after `delayMs`. */
export async function startEchoUpstream(delayMs = 0): Promise<EchoUpstream> {
  const sock: Socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  let received = 0;
  let pending = 0;
  let closed = false;
  sock.on('message', (q, rinfo) => {
    received++;
    const out = echoReply(q);
    if (!out) return;
    const send = () => {
      pending--;
      if (!closed) sock.send(out, rinfo.port, rinfo.address, () => {});
    };
    pending++;
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  });
  sock.on('error', () => {});
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  return {
    port,
    spec: `127.0.0.1#${port}`,
    received: () => received,
    pending: () => pending,
    close: () => {
      closed = true;
      return new Promise<void>((r) => sock.close(() => r()));
    },
  };
}
