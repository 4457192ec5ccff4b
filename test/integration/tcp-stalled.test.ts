/**
 * Upstream TCP and TLS connections that stall: one whose TLS handshake never completes is dropped
 * when a query's time runs out on it, and one that stopped answering is given up after three
 * queries time out in a row; either way the next query dials again and gets its answer (before,
 * every later query waited on the dead connection and failed).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { answer } from '../helpers/scripts.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/tls/${name}`, import.meta.url));
const TIMEOUTS = 'upstream-timeout=200\nquery-timeout=1000';

describe('stalled upstream connections', () => {
  it('a TLS handshake that never completes: the next query dials again', async () => {
    const dot = await FakeUpstream.start(answer('192.0.2.7'), 0, { cert: readFileSync(fixture('server.pem')), key: readFileSync(fixture('server.key')) });
    // The first connection is accepted and never answered; the later ones are passed to the server.
    let accepted = 0;
    const held: Socket[] = [];
    const front = createServer((c) => {
      if (accepted++ === 0) {
        held.push(c);
        c.on('error', () => {});
        return;
      }
      const back = connect(dot.port, '127.0.0.1');
      c.pipe(back).pipe(c);
      c.on('error', () => back.destroy());
      back.on('error', () => c.destroy());
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    const port = (front.address() as { port: number }).port;
    const p = await startProxy(`tls-ca-file=${fixture('ca.pem')}\nserver=tls://127.0.0.1#${port},dns.fandns.test\n${TIMEOUTS}`);
    try {
      assert.equal((await p.query('one.example.com')).rcode, 'SERVFAIL', 'the handshake never came');
      assert.equal((await p.query('two.example.com')).rcode, 'NOERROR');
      assert.equal(accepted, 2);
    } finally {
      await p.stop();
      for (const c of held) c.destroy();
      await new Promise<void>((r) => front.close(() => r()));
      await dot.close();
    }
  });

  it('a connection that stops answering (force-tcp): given up after three timeouts in a row', async () => {
    let silentPort = -1;
    const up = await FakeUpstream.start((q) => (q.source.port === silentPort ? { drop: true } : { answers: [rr.a(q.name, '192.0.2.8', 60)] }));
    const p = await startProxy(`force-tcp\nserver=${up.spec}\n${TIMEOUTS}`);
    try {
      assert.equal((await p.query('q0.example.com')).rcode, 'NOERROR');
      silentPort = up.queries[0]!.source.port;
      const rcodes = [];
      for (let i = 1; i <= 4; i++) rcodes.push((await p.query(`q${i}.example.com`)).rcode);
      assert.deepEqual(rcodes, ['SERVFAIL', 'SERVFAIL', 'SERVFAIL', 'NOERROR']);
      assert.equal(up.connectionQueries.length, 2, 'one new connection');
    } finally {
      await p.stop();
      await up.close();
    }
  });
});
