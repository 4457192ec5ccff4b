/**
 * fast-dns-retry and port-limit in the UDP transport, driven by a fake clock (the `now` of send
 * and sweep; the real timeout ticker sees nothing due, everything being far in the future): the
 * same datagram goes out again, same ID, from the same socket; copies follow the schedule and stop
 * at the retry time; a reply to any copy settles the query; port-limit spreads copies over that
 * many sockets in turn, and a reply on any of them counts; a race that no longer wants the reply
 * stops them.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SENDING, UdpTransport, type SentCopies, type UdpResult } from '../../../src/upstream/udp-transport.js';
import { makeQuery } from '../../helpers/wire.js';

interface Seen { readonly raw: Buffer; readonly from: RemoteInfo }

/** A UDP server on 127.0.0.1 that records every datagram and answers none by itself. */
async function recorder(): Promise<{ sock: Socket; seen: Seen[]; port: number; arrived: (n: number) => Promise<void> }> {
  const sock = createSocket('udp4');
  const seen: Seen[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  sock.on('message', (raw, from) => {
    seen.push({ raw, from });
    for (const w of waiters.filter((x) => seen.length >= x.n)) w.resolve();
  });
  sock.bind(0, '127.0.0.1');
  await once(sock, 'listening');
  const arrived = (n: number) => new Promise<void>((resolve) => (seen.length >= n ? resolve() : waiters.push({ n, resolve })));
  return { sock, seen, port: sock.address().port, arrived };
}

/** The reply to a recorded query: the query with QR set, sent back to where it came from. */
function answer(sock: Socket, s: Seen): void {
  const reply = Buffer.from(s.raw);
  reply[2] = reply[2]! | 0x80;
  sock.send(reply, s.from.port, s.from.address);
}

const FAR = 1_000_000; // every fake time is this far ahead of the real clock: the real ticker never finds anything due
const target = (port: number) => ({ address: '127.0.0.1', port, family: 4 as const, sourceAddress: null, sourcePort: null });

describe('UdpTransport copies (fast-dns-retry)', () => {
  it('sends the same datagram from the same socket at first, 3×first and 7×first, none past the retry time', async () => {
    const up = await recorder();
    const t = new UdpTransport(target(up.port), null, { ...DEFAULT_SENDING, retry: { firstMs: 100, totalMs: 800 } });
    const t0 = performance.now() + FAR;
    const q = makeQuery('copy.test');
    let result: [UdpResult, SentCopies | null] | null = null;
    try {
      t.send(q.msg, q.p.qEnd, 2000, (r, c) => { result = [r, c]; }, t0);
      await up.arrived(1);
      for (const at of [99, 100, 299, 300, 699, 700, 799, 1499, 1999]) t.sweep(t0 + at);
      await up.arrived(4);
      t.sweep(t0 + 2000);
      assert.ok(result !== null, 'timed out at the deadline');
      const [r, c] = result as [UdpResult, SentCopies | null];
      assert.equal(r, 'timeout');
      assert.deepEqual([c?.sent, c?.resentAt], [3, t0 + 700]);
      assert.equal(up.seen.length, 4, 'the query and copies at 100, 300 and 700 ms; the next (1500) is past 800');
      for (const s of up.seen) {
        assert.deepEqual(s.raw, up.seen[0]!.raw, 'same bytes, same ID');
        assert.equal(s.from.port, up.seen[0]!.from.port, 'same source port');
      }
    } finally {
      t.close();
      up.sock.close();
    }
  });

  it('settles on a reply to a copy, and sends no more', async () => {
    const up = await recorder();
    const t = new UdpTransport(target(up.port), null, { ...DEFAULT_SENDING, retry: { firstMs: 100, totalMs: 10_000 } });
    const t0 = performance.now() + FAR;
    const q = makeQuery('answered.test');
    try {
      const got = new Promise<[UdpResult, SentCopies | null]>((resolve) => t.send(q.msg, q.p.qEnd, 5000, (r, c) => resolve([r, c]), t0));
      t.sweep(t0 + 100);
      await up.arrived(2);
      answer(up.sock, up.seen[1]!);
      const [r, c] = await got;
      assert.ok(Buffer.isBuffer(r));
      assert.deepEqual([c?.sent, c?.resentAt], [1, t0 + 100]);
      assert.equal(t.inFlight, 0);
      t.sweep(t0 + 300);
      t.sweep(t0 + 700);
      assert.equal(up.seen.length, 2);
    } finally {
      t.close();
      up.sock.close();
    }
  });

  it('without the option sends once, and reports no copies', async () => {
    const up = await recorder();
    const t = new UdpTransport(target(up.port));
    const t0 = performance.now() + FAR;
    const q = makeQuery('once.test');
    try {
      const got = new Promise<[UdpResult, SentCopies | null]>((resolve) => t.send(q.msg, q.p.qEnd, 1000, (r, c) => resolve([r, c]), t0));
      await up.arrived(1);
      for (const at of [100, 300, 700]) t.sweep(t0 + at);
      t.sweep(t0 + 1000);
      assert.deepEqual(await got, ['timeout', null]);
      assert.equal(up.seen.length, 1);
    } finally {
      t.close();
      up.sock.close();
    }
  });

  it('stops copies once `wanted` says the reply is no longer needed', async () => {
    const up = await recorder();
    const t = new UdpTransport(target(up.port), null, { ...DEFAULT_SENDING, retry: { firstMs: 100, totalMs: 10_000 } });
    const t0 = performance.now() + FAR;
    const q = makeQuery('race.test');
    let wanted = true;
    try {
      t.send(q.msg, q.p.qEnd, 5000, () => {}, t0, () => wanted);
      t.sweep(t0 + 100);
      await up.arrived(2);
      wanted = false;
      t.sweep(t0 + 300);
      t.sweep(t0 + 700);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(up.seen.length, 2);
    } finally {
      t.close();
      up.sock.close();
    }
  });

  it('with port-limit spreads copies over that many sockets in turn, and takes the reply on any', async () => {
    const up = await recorder();
    const t = new UdpTransport(target(up.port), null, { ...DEFAULT_SENDING, retry: { firstMs: 100, totalMs: 10_000 }, portLimit: 3 });
    const t0 = performance.now() + FAR;
    const q = makeQuery('ports.test');
    try {
      const got = new Promise<UdpResult>((resolve) => t.send(q.msg, q.p.qEnd, 5000, (r) => resolve(r), t0));
      for (const at of [100, 300, 700, 1500]) t.sweep(t0 + at);
      await up.arrived(5);
      const ports = up.seen.map((s) => s.from.port);
      assert.equal(new Set(ports).size, 3, `three source ports: ${ports.join(' ')}`);
      const per = [...new Set(ports)].map((p) => ports.filter((x) => x === p).length).sort();
      assert.deepEqual(per, [1, 2, 2], 'the query and copies 3 and 4 from the first two sockets again, in turn (new sockets send once connected, so arrival order varies)');
      assert.equal(new Set(up.seen.map((s) => s.raw.readUInt16BE(0))).size, 1, 'one ID');
      answer(up.sock, up.seen.find((s) => ports.filter((x) => x === s.from.port).length === 1)!); // to the socket only a copy left from
      assert.ok(Buffer.isBuffer(await got));
      assert.equal(t.inFlight, 0);
    } finally {
      t.close();
      up.sock.close();
    }
  });
});
