/**
 * Cache poisoning by flood (RFC 5452): while fandns waits on a slow upstream, an attacker who has
 * learned the query's source port (here from the upstream's own view of it) sends forged answers
 * for the asked question with every ID 0–65535:
 * - from another port on 127.0.0.1 and from 127.0.0.2: fandns's upstream sockets are connected, so
 *   the kernel refuses every one (counted in its NoPorts) and none reaches fandns;
 * - forging the server's own address and port (the attacker can spoof the source), every ID but
 *   the right one, and the right ID with another question: each is dropped and counted.
 * The client then gets the real answer, and so does the next client, from the cache.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createSocket, type Socket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { answerData } from '../helpers/dns-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { udpStats } from '../helpers/udp-stats.js';
import { waitFor } from '../helpers/wait.js';

const NAME = 'victim.spoof.test';
const FORGED = '6.6.6.6';
const REAL = '10.0.0.1';
const ALL_IDS = 65_536;

/** A reply for `name` A with `id`, answering `ip`. */
function reply(id: number, name: string, ip: string): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: 'A', name, class: 'IN' }],
    answers: [rr.a(name, ip, 3600)],
  } as never);
}

/** A UDP socket bound to `address`. */
async function bound(address: string): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, address, () => r()));
  return s;
}

/** Sends the forged reply once with every ID in `ids`, 32 at a time, letting the receiver read between batches. */
async function flood(send: (b: Buffer) => Promise<void>, ids: Iterable<number>): Promise<number> {
  const template = reply(0, NAME, FORGED);
  let batch: Promise<void>[] = [];
  let n = 0;
  for (const id of ids) {
    const b = Buffer.from(template);
    b.writeUInt16BE(id, 0);
    batch.push(send(b));
    n++;
    if (batch.length === 32) {
      await Promise.all(batch);
      batch = [];
      // Send callbacks can run without an I/O poll in between: yield one, so the receiver reads.
      await new Promise((r) => setImmediate(r));
    }
  }
  await Promise.all(batch);
  return n;
}

/** Every ID, or every ID but `except`. */
function* ids(except = -1): Generator<number> {
  for (let id = 0; id < ALL_IDS; id++) if (id !== except) yield id;
}

const sendFrom = (s: Socket, port: number) => (b: Buffer) =>
  new Promise<void>((resolve, reject) => s.send(b, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));

describe('a flood of forged replies while a query waits on a slow upstream', () => {
  it('never reaches the client or the cache; what reaches fandns is dropped and counted', async () => {
    // The upstream holds its answer back; the test releases it once the flood is over.
    const up = await FakeUpstream.start(() => ({ drop: true }));
    const proxy = await startProxy(`server=${up.spec}\nupstream-timeout=20000\nquery-timeout=25000`);
    const sockets: Socket[] = [];
    try {
      const pending = proxy.query(NAME, { timeoutMs: 30_000 });
      await waitFor(() => up.queries.length === 1, 'the query to reach the upstream');
      const { source, packet } = up.queries[0]!;
      const port = source.port;
      const realId = packet.id!;
      const counters = proxy.server.runtime.registry.upstreams()[0]!.udp.counters;
      const before = { ...counters };
      const kernel0 = udpStats();

      for (const address of ['127.0.0.1', '127.0.0.2']) {
        const s = await bound(address);
        sockets.push(s);
        assert.equal(await flood(sendFrom(s, port), ids()), ALL_IDS);
      }
      const kernel1 = udpStats();
      assert.deepEqual({ ...counters }, before, 'none reached fandns: its upstream socket is connected to the server');
      if (kernel0 && kernel1) assert.ok(kernel1.noPorts - kernel0.noPorts >= 2 * ALL_IDS, 'the kernel refused all of them');

      const spoofed = await flood((b) => up.send(b, port), ids(realId));
      // Datagrams the kernel had no room for never reach fandns (others' drops count here too).
      const lost = () => (kernel0 && udpStats() ? udpStats()!.rcvbufErrors - kernel0.rcvbufErrors : 0);
      await waitFor(() => counters.unmatched - before.unmatched + lost() >= spoofed, 'fandns to read the spoofed flood');
      assert.ok(counters.unmatched - before.unmatched >= spoofed - lost(), 'each wrong ID counted as unmatched');
      await up.send(reply(realId, 'evil.spoof.test', FORGED), port);
      await waitFor(() => counters.mismatched > before.mismatched, 'the right ID with another question');
      assert.equal(counters.mismatched - before.mismatched, 1, 'counted as mismatched');

      await up.send(reply(realId, NAME, REAL), port);
      const r = await pending;
      assert.deepEqual(answerData(r.packet), [REAL], 'the client got the real answer');
      const again = await proxy.query(NAME);
      assert.deepEqual(answerData(again.packet), [REAL], 'and the cache holds it');
      assert.equal(up.queries.length, 1, 'the second answer came from the cache');
    } finally {
      for (const s of sockets) s.close();
      await proxy.stop();
      await up.close();
    }
  });
});
