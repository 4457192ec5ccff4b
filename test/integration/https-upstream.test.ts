/**
 * DNS over HTTPS to upstreams (RFC 8484) on the wire: a scripted HTTP/2 server on 127.0.0.1 with
 * the test CA's certificate for `dns.fandns.test` and 127.0.0.1. fandns asks an `https://` server
 * over HTTPS only, caches its answers like any other, routes a domain to it beside clear-text
 * servers, passes its answers on without the server's padding, and tells why it failed: the client
 * gets SERVFAIL (or the next server's answer) and the log names the HTTP status or the
 * certificate. Health checks, /explain and the metrics see it as an HTTPS server.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeDohUpstream, type DohScript } from '../helpers/fake-doh-upstream.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { memoryLog } from '../helpers/memory-log.js';
import { startProxy } from '../helpers/proxy.js';
import { answer } from '../helpers/scripts.js';
import { fixtureNotAfter, TLS_FIXTURE } from '../helpers/stunnel.js';
import { waitFor } from '../helpers/wait.js';

const CA = TLS_FIXTURE('ca.pem');
const answerA: DohScript = (q) => ({ answers: [rr.a(q.name, '192.0.2.53', 60)] });

type Proxy = Awaited<ReturnType<typeof startProxy>>;

/** Runs `body` with a DoH upstream on `script` and a proxy on `conf(url)`, `url` the server's https:// address. */
async function withDoh(script: DohScript, conf: (url: string) => string[], body: (p: Proxy, doh: FakeDohUpstream, log: ReturnType<typeof memoryLog>) => Promise<void>): Promise<void> {
  const doh = await FakeDohUpstream.start(script);
  const log = memoryLog('info');
  const p = await startProxy([`tls-ca-file=${CA}`, ...conf(`https://127.0.0.1:${doh.port}/dns-query`)].join('\n'), log.log);
  try {
    await body(p, doh, log);
  } finally {
    await p.stop();
    await doh.close();
  }
}

const addressOf = async (p: Proxy, name: string, opts: { edns?: number } = {}) => {
  const r = await p.query(name, opts);
  return [r.rcode, (r.packet.answers ?? []).map((a) => (a as { data: unknown }).data)];
};

describe('server=https://', () => {
  it('asks over HTTPS, checking the configured name, and answers the next asker from the cache', () =>
    withDoh(answerA, (url) => [`server=${url},dns.fandns.test`], async (p, doh) => {
      assert.deepEqual(await addressOf(p, 'www.example.com'), ['NOERROR', ['192.0.2.53']]);
      assert.deepEqual(await addressOf(p, 'www.example.com'), ['NOERROR', ['192.0.2.53']]);
      assert.deepEqual(doh.requests.map((r) => [r.method, r.path, r.id]), [['POST', '/dns-query', 0]]);
      assert.deepEqual(doh.connections, ['dns.fandns.test']);
    }));

  it('checks the address when no name is given, and sends no SNI', () =>
    withDoh(answerA, (url) => [`server=${url}`], async (p, doh) => {
      assert.deepEqual(await addressOf(p, 'www.example.com'), ['NOERROR', ['192.0.2.53']]);
      assert.deepEqual(doh.connections, [null]);
    }));

  it('keeps one connection for many queries at once', () =>
    withDoh(answerA, (url) => [`server=${url},dns.fandns.test`], async (p, doh) => {
      const got = await Promise.all(Array.from({ length: 40 }, (_, i) => addressOf(p, `host${i}.example.com`)));
      assert.ok(got.every(([rcode]) => rcode === 'NOERROR'), JSON.stringify(got));
      assert.equal(doh.queries.length, 40);
      assert.equal(doh.connections.length, 1);
    }));

  it('sends only the names of its rule over HTTPS; /explain and the query log name the URL', async () => {
    const plain = await FakeUpstream.start(answer('192.0.2.1'));
    try {
      await withDoh(answerA, (url) => [`server=${plain.spec}`, `server=/service.consul/${url},dns.fandns.test`], async (p, doh) => {
        assert.deepEqual(await addressOf(p, 'web.service.consul'), ['NOERROR', ['192.0.2.53']]);
        assert.deepEqual(await addressOf(p, 'www.example.com'), ['NOERROR', ['192.0.2.1']]);
        assert.deepEqual(doh.queries.map((q) => q.name), ['web.service.consul']);
        assert.deepEqual(plain.queries.map((q) => [q.name, q.proto]), [['www.example.com', 'udp']]);
        const route = (await p.server.explain({ name: 'web.service.consul', qtype: 1, resolve: false }))['route'] as Record<string, unknown>;
        assert.equal(route['transport'], 'https');
        assert.match(JSON.stringify(route['servers']), new RegExp(`https://127\\.0\\.0\\.1:${doh.port}/dns-query`));
        const tls = p.server.metricsSnapshot().upstreams.find((u) => u.label.startsWith('https://'))!.tls;
        assert.deepEqual(tls, { full: 1, resumed: 0, failed: 0, notAfter: fixtureNotAfter('server.pem') }, 'handshakes, and the certificate\'s expiry');
      });
    } finally {
      await plain.close();
    }
  });

  it('passes an answer on without the padding the server added for the encrypted hop', () =>
    withDoh((q) => ({ ...answerA(q), ednsOptions: [{ code: 12, data: Buffer.alloc(300) }] }), (url) => [`server=${url},dns.fandns.test`], async (p) => {
      const r = await p.query('www.example.com', { edns: 1232 });
      assert.equal(r.rcode, 'NOERROR');
      const opt = (r.packet.additionals ?? []).find((a) => a.type === 'OPT') as { options?: { code: number }[] } | undefined;
      assert.ok(opt !== undefined, 'the client asked with EDNS');
      assert.deepEqual((opt.options ?? []).map((o) => o.code), []);
      assert.ok(r.raw.length < 200, `${r.raw.length} octets`);
    }));

  for (const [what, script, conf, why] of [
    ['an HTTP error status', (() => ({ status: 503 })) as DohScript, (url: string) => [`server=${url},dns.fandns.test`], /HTTP status 503/],
    ['a certificate for another name', answerA, (url: string) => [`server=${url},other.fandns.test`], /altnames/],
    ['a path the server does not serve', (() => ({ status: 404 })) as DohScript, (url: string) => [`server=${url.replace('/dns-query', '/nope')},dns.fandns.test`], /HTTP status 404/],
  ] as const) {
    it(`answers SERVFAIL over ${what}, and the log says why the server is down`, () =>
      withDoh(script, conf, async (p, _doh, log) => {
        for (let i = 0; i < 3; i++) assert.equal((await p.query(`name${i}.example.com`)).rcode, 'SERVFAIL');
        const down = log.lines().find((l) => l.msg.startsWith('upstream is down'));
        assert.ok(down, JSON.stringify(log.lines()));
        assert.match(down.msg, why);
        assert.match(String(down['upstream']), /^https:\/\/127\.0\.0\.1:\d+\//);
      }));
  }

  it('a failing HTTPS server leaves the answer to the next server', async () => {
    const plain = await FakeUpstream.start(answer('192.0.2.1'));
    try {
      await withDoh(() => ({ status: 502 }), (url) => [`server=${url},dns.fandns.test`, `server=${plain.spec}`, 'strict-order'], async (p, doh) => {
        assert.deepEqual(await addressOf(p, 'www.example.com'), ['NOERROR', ['192.0.2.1']]);
        assert.equal(doh.queries.length, 1);
      });
    } finally {
      await plain.close();
    }
  });

  it('health checks go over HTTPS', () =>
    withDoh(answerA, (url) => [`server=${url},dns.fandns.test`, 'health-check=.,NS', 'health-check-interval=100'], async (_p, doh) => {
      await waitFor(() => doh.queries.some((q) => q.type === 'NS'), 'a health check');
      assert.ok(doh.queries.every((q) => q.proto === 'https'));
    }));
});
