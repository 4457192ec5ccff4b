/**
 * TCP client limits: a slow-loris client trickling a frame is cut off; when max-tcp-connections is
 * reached the connection idle the longest makes room, so idle connections cannot lock others out;
 * a burst of queries beyond max-inflight gets REFUSED instead of queueing without bound.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { connect, type Socket } from 'node:net';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { buildQuery, toReply, udpBurst } from '../helpers/dns-client.js';
import { startProxy } from '../helpers/proxy.js';
import { listenTcp } from '../../src/listen/tcp.js';
import type { Client } from '../../src/pipeline/query.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens a TCP connection and resolves once connected. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves true when the socket is closed by the peer within `ms`. */
function closedWithin(s: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** Sends one framed query on `s` and resolves with the decoded reply. */
function ask(s: Socket, name: string) {
  return new Promise<ReturnType<typeof toReply>>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) resolve(toReply(buf.subarray(2, 2 + buf.readUInt16BE(0))));
    });
    s.once('error', reject);
    const q = buildQuery(name);
    const frame = Buffer.alloc(q.length + 2);
    frame.writeUInt16BE(q.length, 0);
    q.copy(frame, 2);
    s.write(frame);
  });
}

/** A TCP listener whose queries all get the same one-byte-echo answer (the query itself). */
async function echoListener(opts: { maxConnections: number; idleMs: number; frameMs: number }) {
  const onQuery = (msg: Buffer, _c: Client) => {
    const out = Buffer.from(msg);
    out[2] = out[2]! | 0x80;
    return out;
  };
  return listenTcp('127.0.0.1', 0, onQuery, { ...opts, maxInFlightPerConnection: 8 });
}

describe('TCP client limits', () => {
  it('cuts off a client that trickles a frame slower than the frame deadline', async () => {
    const l = await echoListener({ maxConnections: 10, idleMs: 10_000, frameMs: 300 });
    const port = (l.server.address() as { port: number }).port;
    try {
      const s = await open(port);
      const q = buildQuery('slow.test');
      s.write(Buffer.from([0, q.length, q[0]!]));
      const trickle = setInterval(() => !s.destroyed && s.write(Buffer.from([0])), 100);
      const closed = await closedWithin(s, 3000);
      clearInterval(trickle);
      assert.ok(closed, 'the trickling connection was closed');
      assert.equal(l.counters.slow, 1);
    } finally {
      l.destroyConnections();
      await l.close();
    }
  });

  it('closes the longest-idle connection to admit a new one when full', async () => {
    const l = await echoListener({ maxConnections: 3, idleMs: 10_000, frameMs: 5000 });
    const port = (l.server.address() as { port: number }).port;
    try {
      const idle = [await open(port), await open(port), await open(port)];
      const firstClosed = closedWithin(idle[0]!, 3000);
      await sleep(50);
      const fresh = await open(port);
      assert.ok(await firstClosed, 'the oldest idle connection made room');
      const r = await ask(fresh, 'new.test');
      assert.equal(r.packet.questions?.[0]?.name, 'new.test');
      assert.equal(l.counters.evicted, 1);
      for (const s of [...idle, fresh]) s.destroy();
    } finally {
      l.destroyConnections();
      await l.close();
    }
  });
});

describe('max-inflight', () => {
  it('refuses what exceeds the cap instead of queueing it, and recovers', async () => {
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 60)], delayMs: 300 }));
    const proxy = await startProxy(`server=${up.spec}\nmax-inflight=20\ndns-forward-max=1000`);
    try {
      const qs = Array.from({ length: 60 }, (_, i) => buildQuery(`n${i}.test`, { id: i }));
      const replies = [...(await udpBurst(qs, proxy.port, 5000)).values()].map(toReply);
      assert.equal(replies.length, 60, 'every query gets an answer');
      const refused = replies.filter((r) => r.rcode === 'REFUSED').length;
      assert.equal(refused, 40);
      assert.equal(replies.filter((r) => r.rcode === 'NOERROR').length, 20);
      assert.equal((await proxy.query('after.test')).rcode, 'NOERROR', 'service resumes once the load is gone');
    } finally {
      await proxy.stop();
      await up.close();
    }
  });
});

describe('local-service', () => {
  it('answers loopback clients (the only ones a test can be)', async () => {
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 60)] }));
    const proxy = await startProxy(`server=${up.spec}\nlocal-service`);
    try {
      assert.equal((await proxy.query('x.test')).rcode, 'NOERROR');
    } finally {
      await proxy.stop();
      await up.close();
    }
  });
});
