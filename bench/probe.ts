/**
 * A tiny DNS client for readiness checks and sanity checks: sends one A query over UDP to
 * 127.0.0.1 and returns the reply's RCODE and answer count (not a general-purpose resolver).
 */
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** What came back. */
export interface ProbeReply {
  readonly rcode: number;
  readonly answers: number;
}

/** Wire query for `name` (RD set, no EDNS). */
export function queryBytes(id: number, name: string, qtype = 1): Buffer {
  const labels = name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')]));
  const head = Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  return Buffer.concat([head, ...labels, Buffer.from([0, qtype >> 8, qtype & 0xff, 0, 1])]);
}

/** One query (type `qtype`, A by default), or null after `timeoutMs`. */
export function probe(port: number, name: string, timeoutMs = 300, qtype = 1): Promise<ProbeReply | null> {
  const id = randomInt(0, 0x10000);
  const sock = createSocket('udp4');
  return new Promise((resolve) => {
    const done = (r: ProbeReply | null) => {
      clearTimeout(timer);
      sock.close();
      resolve(r);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    sock.on('error', () => done(null));
    sock.on('message', (m) => {
      if (m.length >= 12 && m.readUInt16BE(0) === id) done({ rcode: m[3]! & 0x0f, answers: m.readUInt16BE(6) });
    });
    sock.send(queryBytes(id, name, qtype), port, '127.0.0.1');
  });
}

/** Probes until an answer arrives; throws after `deadlineMs`. */
export async function waitReady(port: number, name: string, deadlineMs = 10_000): Promise<ProbeReply> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const r = await probe(port, name);
    if (r) return r;
    await sleep(50);
  }
  throw new Error(`no DNS answer on 127.0.0.1#${port} within ${deadlineMs} ms`);
}
