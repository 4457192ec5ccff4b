/**
 * TCP connections to upstreams carry at most 100 queries each (dnsmasq's TCP_MAX_QUERIES), and an
 * upstream that closes connections after fewer while further pipelined queries are on their way
 * costs no answer: over force-tcp and over TLS every client still gets its answer (the unanswered
 * queries are asked again on a fresh connection), the server is never marked down for it, and
 * from then on no connection carries more queries than the server answers on one.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakeUpstream, type TlsIdentity } from '../helpers/fake-upstream.js';
import { memoryLog } from '../helpers/memory-log.js';
import { startProxy } from '../helpers/proxy.js';
import { answer } from '../helpers/scripts.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/tls/${name}`, import.meta.url));
const SIGNED: TlsIdentity = { cert: readFileSync(fixture('server.pem')), key: readFileSync(fixture('server.key')) };
const LIMIT = 10;

const cases: [string, TlsIdentity | null, (port: number) => string][] = [
  ['force-tcp', null, (port) => `force-tcp\nserver=127.0.0.1#${port}`],
  ['tls://', SIGNED, (port) => `tls-ca-file=${fixture('ca.pem')}\nserver=tls://127.0.0.1#${port},dns.fandns.test`],
];

describe('an upstream that closes TCP connections after a number of queries', () => {
  it('a server without a limit still gets at most 100 queries per connection, as dnsmasq answers', async () => {
    const up = await FakeUpstream.start(answer('192.0.2.9'));
    const p = await startProxy(`force-tcp\nserver=${up.spec}\ndns-forward-max=1000`);
    try {
      const got = await Promise.all(Array.from({ length: 250 }, (_, i) => p.query(`n${i}.example.com`)));
      assert.ok(got.every((r) => r.rcode === 'NOERROR'));
      assert.ok(up.connectionQueries.length >= 3 && up.connectionQueries.every((n) => n <= 100), JSON.stringify(up.connectionQueries));
    } finally {
      await p.stop();
      await up.close();
    }
  });

  for (const [what, identity, server] of cases) {
    it(`${what}: every query is answered, the server stays up, connections keep to its limit`, async () => {
      const up = await FakeUpstream.start(answer('192.0.2.9'), 0, identity);
      up.maxPerConnection = LIMIT;
      const log = memoryLog('warn');
      const p = await startProxy(server(up.port), log.log);
      try {
        const burst = async (tag: string, n: number) => {
          const got = await Promise.all(Array.from({ length: n }, (_, i) => p.query(`${tag}${i}.example.com`)));
          assert.deepEqual(got.filter((r) => r.rcode !== 'NOERROR').map((r) => r.rcode), [], `${tag}: every answer NOERROR`);
        };
        await burst('first', 6 * LIMIT);
        const learnedFrom = up.connectionQueries.length;
        await burst('second', 4 * LIMIT);
        assert.ok(up.connectionQueries.every((n) => n <= LIMIT), JSON.stringify(up.connectionQueries));
        assert.ok(up.connectionQueries.length >= learnedFrom + 4, 'the second burst used a connection per 10 queries');
        assert.equal(up.queries.length, 10 * LIMIT, 'every name asked once: none was dropped, none asked twice');
        assert.deepEqual(log.lines().filter((l) => /upstream is down/.test(l.msg)), []);
      } finally {
        await p.stop();
        await up.close();
      }
    });
  }
});
