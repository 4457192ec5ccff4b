/**
 * A server that never answers cannot make the UDP transport spin: IDs are unique per server, and
 * beyond MAX_WAITING waiting queries a send fails at once with 'network' instead of searching for a
 * free ID forever. The waiting ones still time out.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { MAX_WAITING, UdpTransport, type UdpResult } from '../../../src/upstream/udp-transport.js';
import { makeQuery } from '../../helpers/wire.js';

describe('UdpTransport waiting limit', () => {
  it(`fails sends beyond ${MAX_WAITING} waiting queries at once, and times out the rest`, async () => {
    const silent = createSocket('udp4'); // reads everything, answers nothing
    silent.on('message', () => {});
    silent.bind(0, '127.0.0.1');
    await once(silent, 'listening');
    const t = new UdpTransport({ address: '127.0.0.1', port: silent.address().port, family: 4, sourceAddress: null, sourcePort: null });
    try {
      const query = makeQuery('never.test');
      const q = query.msg;
      const qEnd = query.p.qEnd;
      const results = new Map<UdpResult, number>();
      let settled = 0;
      const total = MAX_WAITING + 100;
      const all = new Promise<void>((resolve) => {
        for (let i = 0; i < total; i++) {
          t.send(q, qEnd, 1500, (r) => {
            results.set(r, (results.get(r) ?? 0) + 1);
            if (++settled === total) resolve();
          });
        }
      });
      assert.equal(t.inFlight, MAX_WAITING);
      await all;
      assert.equal(results.get('network'), 100, 'the excess failed at once');
      assert.equal(results.get('timeout'), MAX_WAITING, 'the rest timed out');
      assert.equal(t.inFlight, 0);
    } finally {
      t.close();
      silent.close();
    }
  });
});
