/**
 * DNS over TLS to upstreams (RFC 7858) on the wire: a fake server on 127.0.0.1 that speaks DNS
 * over TLS with the test CA's certificate for `dns.fandns.test` and 127.0.0.1. fandns asks a
 * `tls://` server over TLS only, checks its certificate for the configured name (sent as SNI) or
 * its address, keeps one connection for many queries and resumes the session on the next one. A
 * certificate that fails the check carries no query: the client gets SERVFAIL and the log says
 * why the server is down. Health checks go over TLS too.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakeUpstream, type TlsIdentity } from '../helpers/fake-upstream.js';
import { parseConfigText } from '../../src/config/load.js';
import { memoryLog } from '../helpers/memory-log.js';
import { startProxy, TEST_PREAMBLE } from '../helpers/proxy.js';
import { answer } from '../helpers/scripts.js';
import { waitFor } from '../helpers/wait.js';
import { fixtureNotAfter } from '../helpers/stunnel.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/tls/${name}`, import.meta.url));
const CA = fixture('ca.pem');
const SIGNED: TlsIdentity = { cert: readFileSync(fixture('server.pem')), key: readFileSync(fixture('server.key')) };
const SELF_SIGNED: TlsIdentity = { cert: readFileSync(fixture('self-signed.pem')), key: readFileSync(fixture('self-signed.key')) };

type Proxy = Awaited<ReturnType<typeof startProxy>>;

/** Runs `body` with a DoT upstream presenting `identity` and a proxy on `conf(upstream)`. */
async function withTls(identity: TlsIdentity, conf: (dot: FakeUpstream) => string[], body: (p: Proxy, dot: FakeUpstream, log: ReturnType<typeof memoryLog>) => Promise<void>): Promise<void> {
  const dot = await FakeUpstream.start(answer('192.0.2.53'), 0, identity);
  const log = memoryLog('info');
  const p = await startProxy(conf(dot).join('\n'), log.log);
  try {
    await body(p, dot, log);
  } finally {
    await p.stop();
    await dot.close();
  }
}

const addressOf = async (p: Proxy, name: string) => {
  const r = await p.query(name);
  return [r.rcode, (r.packet.answers ?? []).map((a) => (a as { data: unknown }).data)];
};

describe('server=tls://', () => {
  it('asks over TLS only, checking the address when no name is given, and sends no SNI', () =>
    withTls(SIGNED, (dot) => [`tls-ca-file=${CA}`, `server=tls://127.0.0.1#${dot.port}`], async (p, dot) => {
      assert.deepEqual(await addressOf(p, 'www.example.com'), ['NOERROR', ['192.0.2.53']]);
      assert.deepEqual(dot.queries.map((q) => q.proto), ['tls']);
      assert.deepEqual(dot.tlsAccepted, [{ servername: null, resumed: false }]);
    }));

  it('checks the configured name, sends it as SNI, and keeps one connection for many queries at once', () =>
    withTls(SIGNED, (dot) => [`tls-ca-file=${CA}`, `server=tls://127.0.0.1#${dot.port},dns.fandns.test`], async (p, dot) => {
      const names = Array.from({ length: 20 }, (_, i) => `host${i}.example.com`);
      const got = await Promise.all(names.map((n) => addressOf(p, n)));
      assert.ok(got.every(([rcode]) => rcode === 'NOERROR'), JSON.stringify(got));
      assert.equal(dot.queries.length, 20);
      assert.deepEqual(dot.tlsAccepted, [{ servername: 'dns.fandns.test', resumed: false }]);
    }));

  it('pads every query to a multiple of 128 octets (RFC 8467), with or without the client\'s EDNS; clear-text servers get the query as it was', async () => {
    const plain = await FakeUpstream.start(answer('192.0.2.1'));
    try {
      await withTls(SIGNED, (dot) => [`tls-ca-file=${CA}`, `server=${plain.spec}`, `server=/tls.test/tls://127.0.0.1#${dot.port},dns.fandns.test`], async (p, dot) => {
        const noEdns = await p.query('a.tls.test');
        assert.equal(noEdns.rcode, 'NOERROR');
        assert.ok(!(noEdns.packet.additionals ?? []).some((a) => a.type === 'OPT'), 'a client without EDNS gets no OPT back');
        assert.equal((await p.query('a-much-longer-name-than-the-first-one.tls.test', { edns: 1232 })).rcode, 'NOERROR');
        assert.equal((await p.query('www.example.com')).rcode, 'NOERROR');
        for (const q of dot.queries) {
          assert.equal(q.raw.length % 128, 0, `${q.name}: ${q.raw.length} octets`);
          const opt = (q.packet.additionals ?? []).find((a) => a.type === 'OPT') as { options?: { code: number }[] } | undefined;
          assert.ok(opt?.options?.some((o) => o.code === 12), 'a Padding option');
        }
        assert.equal(dot.queries.length, 2);
        assert.ok(!(plain.queries[0]!.packet.additionals ?? []).some((a) => a.type === 'OPT'), 'no OPT added for a clear-text server');
      });
    } finally {
      await plain.close();
    }
  });

  it('passes an answer on without the padding the server added for the TLS hop', async () => {
    const dot = await FakeUpstream.start((q) => ({ answers: [{ type: 'A', name: q.name, ttl: 60, class: 'IN', data: '192.0.2.53' }], ednsOptions: [{ code: 12, data: Buffer.alloc(300) }] }), 0, SIGNED);
    const p = await startProxy([`tls-ca-file=${CA}`, `server=tls://127.0.0.1#${dot.port},dns.fandns.test`].join('\n'));
    try {
      const r = await p.query('www.example.com', { edns: 1232 });
      assert.equal(r.rcode, 'NOERROR');
      const opt = (r.packet.additionals ?? []).find((a) => a.type === 'OPT') as { options?: { code: number }[] } | undefined;
      assert.deepEqual((opt?.options ?? []).map((o) => o.code), []);
      assert.ok(r.raw.length < 200, `${r.raw.length} octets`);
    } finally {
      await p.stop();
      await dot.close();
    }
  });

  it('resumes the TLS session when the server closed the connection', () =>
    withTls(SIGNED, (dot) => [`tls-ca-file=${CA}`, `server=tls://127.0.0.1#${dot.port},dns.fandns.test`], async (p, dot) => {
      assert.equal((await addressOf(p, 'one.example.com'))[0], 'NOERROR');
      dot.dropConnections();
      assert.equal((await addressOf(p, 'two.example.com'))[0], 'NOERROR');
      assert.equal(dot.tlsAccepted.length, 2);
      assert.equal(dot.tlsAccepted[1]!.resumed, true, 'the second handshake resumed the first session');
      const counted = p.server.metricsSnapshot().upstreams[0]!.tls;
      assert.deepEqual(counted, { full: 1, resumed: 1, failed: 0, notAfter: fixtureNotAfter('server.pem') }, 'fandns_upstream_tls_handshakes_total, and the certificate\'s expiry');
    }));

  it('sends only the names of its rule over TLS; /explain says tls', async () => {
    const plain = await FakeUpstream.start(answer('192.0.2.1'));
    try {
      await withTls(SIGNED, (dot) => [`tls-ca-file=${CA}`, `server=${plain.spec}`, `server=/service.consul/tls://127.0.0.1#${dot.port},dns.fandns.test`], async (p, dot) => {
        assert.deepEqual(await addressOf(p, 'web.service.consul'), ['NOERROR', ['192.0.2.53']]);
        assert.deepEqual(await addressOf(p, 'www.example.com'), ['NOERROR', ['192.0.2.1']]);
        assert.deepEqual(dot.queries.map((q) => q.name), ['web.service.consul']);
        assert.deepEqual(plain.queries.map((q) => [q.name, q.proto]), [['www.example.com', 'udp']]);
        const route = (await p.server.explain({ name: 'web.service.consul', qtype: 1, resolve: false }))['route'] as Record<string, unknown>;
        assert.equal(route['transport'], 'tls');
        assert.match(JSON.stringify(route['servers']), /tls:\/\/127\.0\.0\.1#/);
      });
    } finally {
      await plain.close();
    }
  });

  const refused: [string, TlsIdentity, (port: number) => string[], RegExp][] = [
    ['a certificate for another name', SIGNED, (port) => [`tls-ca-file=${CA}`, `server=tls://127.0.0.1#${port},other.fandns.test`], /altnames/],
    ['a certificate no trusted CA signed (the bundled CAs of Node)', SIGNED, (port) => [`server=tls://127.0.0.1#${port}`], /certificate/],
    ['a self-signed certificate', SELF_SIGNED, (port) => [`tls-ca-file=${CA}`, `server=tls://127.0.0.1#${port}`], /certificate/],
  ];
  for (const [what, identity, conf, why] of refused) {
    it(`refuses ${what}: no query reaches it, the client gets SERVFAIL, the log says why`, () =>
      withTls(identity, (dot) => conf(dot.port), async (p, dot, log) => {
        for (let i = 0; i < 3; i++) assert.equal((await p.query(`name${i}.example.com`)).rcode, 'SERVFAIL');
        assert.equal(dot.queries.length, 0);
        const down = log.lines().find((l) => l.msg.startsWith('upstream is down'));
        assert.ok(down, JSON.stringify(log.lines()));
        assert.match(down.msg, why);
        assert.match(String(down['upstream']), /^tls:\/\/127\.0\.0\.1#/);
        const tls = p.server.metricsSnapshot().upstreams[0]!.tls;
        assert.ok(tls !== null && tls.failed > 0 && tls.full + tls.resumed === 0, JSON.stringify(tls));
      }));
  }

  it('a reload that adds tls-ca-file= makes a refused server usable', () =>
    withTls(SIGNED, (dot) => [`server=tls://127.0.0.1#${dot.port},dns.fandns.test`], async (p, dot) => {
      assert.equal((await p.query('before.example.com')).rcode, 'SERVFAIL');
      p.server.reload(parseConfigText(`${TEST_PREAMBLE}tls-ca-file=${CA}\nserver=tls://127.0.0.1#${dot.port},dns.fandns.test`, 'test.conf'));
      assert.deepEqual(await addressOf(p, 'after.example.com'), ['NOERROR', ['192.0.2.53']]);
      assert.deepEqual(dot.queries.map((q) => q.name), ['after.example.com']);
    }));

  it('health checks go over TLS', () =>
    withTls(SIGNED, (dot) => [`tls-ca-file=${CA}`, `server=tls://127.0.0.1#${dot.port},dns.fandns.test`, 'health-check=.,NS', 'health-check-interval=100'], async (_p, dot) => {
      await waitFor(() => dot.queries.some((q) => q.type === 'NS'), 'a health check');
      assert.ok(dot.queries.every((q) => q.proto === 'tls'));
    }));
});
