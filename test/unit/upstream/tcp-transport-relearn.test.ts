/**
 * The per-connection query limit a TCP transport learns from a server that closes connections
 * early holds for a while (five minutes; here shortened), then connections get 100 queries again:
 * a server whose limit was raised (or one whose reset lost answers and so taught too low a
 * limit) is found out, and one that still closes early teaches its limit anew, losing no answer.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { TcpTransport, tcpDialer } from '../../../src/upstream/tcp-transport.js';
import type { UdpResult } from '../../../src/upstream/udp-transport.js';
import { FakeUpstream } from '../../helpers/fake-upstream.js';
import { answer } from '../../helpers/scripts.js';
import { makeQuery } from '../../helpers/wire.js';
import { sleep } from '../../helpers/wait.js';

const RELEARN_MS = 300;

/** Sends `n` distinct queries at once; resolves with the results. */
function burst(t: TcpTransport, tag: string, n: number): Promise<UdpResult[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => {
    const q = makeQuery(`${tag}${i}.example.com`);
    return new Promise<UdpResult>((resolve) => t.send(q.msg, q.p.qEnd, 3000, resolve));
  }));
}

const failures = (rs: UdpResult[]) => rs.filter((r) => typeof r === 'string');

describe('TcpTransport learned per-connection limit', () => {
  it('holds for a while, then tries 100 again and learns anew', async () => {
    const up = await FakeUpstream.start(answer('192.0.2.9'));
    up.maxPerConnection = 10;
    const t = new TcpTransport(tcpDialer({ address: '127.0.0.1', port: up.port, family: 4, sourceAddress: null, sourcePort: null }), false, RELEARN_MS);
    try {
      assert.equal(t.perConnection, 100);
      assert.deepEqual(failures(await burst(t, 'a', 40)), []);
      assert.equal(t.perConnection, 10, 'learned from the server’s early close');

      await sleep(RELEARN_MS + 50);
      up.maxPerConnection = 50; // the server now answers more on a connection
      const before = up.connectionQueries.length;
      assert.deepEqual(failures(await burst(t, 'b', 40)), []);
      assert.equal(t.perConnection, 100, 'the lapsed limit was not learned again: no connection was closed early');
      assert.ok(up.connectionQueries.length <= before + 1, `one connection carried all 40: ${JSON.stringify(up.connectionQueries.slice(before))}`);

      assert.deepEqual(failures(await burst(t, 'c', 120)), [], 'a new early close loses no answer');
      assert.equal(t.perConnection, 50, 'and teaches the new limit');
    } finally {
      t.close();
      await up.close();
    }
  });

  it('does not lapse before its time', async () => {
    const up = await FakeUpstream.start(answer('192.0.2.9'));
    up.maxPerConnection = 10;
    const t = new TcpTransport(tcpDialer({ address: '127.0.0.1', port: up.port, family: 4, sourceAddress: null, sourcePort: null }), false, 60_000);
    try {
      assert.deepEqual(failures(await burst(t, 'a', 40)), []);
      up.maxPerConnection = 50;
      const before = up.connectionQueries.length;
      assert.deepEqual(failures(await burst(t, 'b', 40)), []);
      assert.ok(up.connectionQueries.length >= before + 3 && up.connectionQueries.every((n) => n <= 10), JSON.stringify(up.connectionQueries));
      assert.equal(t.perConnection, 10);
    } finally {
      t.close();
      await up.close();
    }
  });
});
