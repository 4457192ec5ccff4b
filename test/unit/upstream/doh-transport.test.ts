/**
 * DNS over HTTPS to one upstream (RFC 8484) against a scripted HTTP/2 server with the test CA's
 * certificate: queries go as POSTs of application/dns-message with ID 0, padded to 128 octets,
 * many on one connection; the reply gets the query's ID back. Every HTTP fault fails the exchange
 * with its reason, never a crash: another status, another media type, a reply to another question
 * or over 65,535 octets, an HTTP/1.1-only server. A refused stream and a GOAWAY are sent again on
 * a fresh connection; three timeouts in a row give the connection up.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { DohTransport } from '../../../src/upstream/doh-transport.js';
import { tlsDialer, type TlsHandshakes } from '../../../src/upstream/tls-dial.js';
import type { UdpResult } from '../../../src/upstream/udp-transport.js';
import { FakeDohUpstream, type DohScript, type FakeDohOptions } from '../../helpers/fake-doh-upstream.js';
import { rr } from '../../helpers/fake-upstream.js';
import { fixtureNotAfter, TLS_FIXTURE } from '../../helpers/stunnel.js';
import { makeQuery } from '../../helpers/wire.js';
import { waitFor } from '../../helpers/wait.js';

const CA = { pem: readFileSync(TLS_FIXTURE('ca.pem'), 'utf8'), path: TLS_FIXTURE('ca.pem') };
const NAME = 'dns.fandns.test';
const answerA: DohScript = (q) => ({ answers: [rr.a(q.name, '192.0.2.80')] });

/** A transport to `up` checked for `name`, with its handshake counts. */
function transport(up: FakeDohUpstream, name: string | null = NAME, path = '/dns-query'): { t: DohTransport; counts: TlsHandshakes } {
  const counts: TlsHandshakes = { full: 0, resumed: 0, failed: 0, notAfter: 0 };
  const target = { address: '127.0.0.1', port: up.port, family: 4 as const, sourceAddress: null, sourcePort: null };
  const dial = tlsDialer(target, { name, path }, CA, counts, ['h2']);
  return { t: new DohTransport(dial, `https://${name ?? '127.0.0.1'}:${up.port}`, path), counts };
}

/** One exchange of a query for `name`: the result and the query's ID. */
function ask(t: DohTransport, name: string, timeoutMs = 3000): Promise<{ r: UdpResult; id: number }> {
  const q = makeQuery(name);
  return new Promise((resolve) => t.send(q.msg, q.p.qEnd, timeoutMs, (r) => resolve({ r, id: q.msg.readUInt16BE(0) })));
}

/** Runs `body` with a fake DoH server on `script` and a transport to it, both closed after. */
async function withDoh(script: DohScript, body: (up: FakeDohUpstream, t: DohTransport, counts: TlsHandshakes) => Promise<void>, opts: FakeDohOptions = {}): Promise<void> {
  const up = await FakeDohUpstream.start(script, opts);
  const { t, counts } = transport(up);
  try {
    await body(up, t, counts);
  } finally {
    t.close();
    await up.close();
  }
}

describe('DohTransport', () => {
  it('POSTs application/dns-message with ID 0 to the path, padded to 128 octets, and gives the reply the query\'s ID', () =>
    withDoh(answerA, async (up, t) => {
      const { r, id } = await ask(t, 'www.example.com');
      assert.ok(Buffer.isBuffer(r));
      assert.equal(r.readUInt16BE(0), id);
      assert.deepEqual(up.requests.map((q) => [q.method, q.path, q.authority, q.contentType, q.accept, q.id, q.length % 128]),
        [['POST', '/dns-query', `${NAME}:${up.port}`, 'application/dns-message', 'application/dns-message', 0, 0]]);
      assert.deepEqual(up.connections, [NAME]);
      assert.equal(t.lastError, null);
    }));

  it('carries many queries at once on one connection, beyond the server\'s stream limit', () =>
    withDoh(answerA, async (up, t, counts) => {
      const got = await Promise.all(Array.from({ length: 60 }, (_, i) => ask(t, `n${i}.example.com`)));
      assert.ok(got.every(({ r, id }) => Buffer.isBuffer(r) && r.readUInt16BE(0) === id));
      assert.equal(up.queries.length, 60);
      assert.equal(up.connections.length, 1);
      assert.deepEqual(counts, { full: 1, resumed: 0, failed: 0, notAfter: fixtureNotAfter('server.pem') });
    }, { maxConcurrentStreams: 5 }));

  for (const [what, fault, reason] of [
    ['a status other than 200', { status: 503 }, /HTTP status 503/],
    ['another media type', { contentType: 'text/html' }, /reply of type "text\/html"/],
    ['a reply to another question', { questionName: 'other.example.com' }, /does not answer the query/],
    ['a body too short for a DNS header', { body: Buffer.from('hi') }, /does not answer the query/],
    ['a reply over 65,535 octets', { body: Buffer.alloc(70_000) }, /over 65535 octets/],
  ] as const) {
    it(`fails the exchange on ${what}, saying why`, () =>
      withDoh(() => fault, async (_up, t) => {
        assert.equal((await ask(t, 'www.example.com')).r, 'network');
        assert.match(t.lastError ?? '', reason);
        // The connection stays usable.
        t.lastError = null;
      }));
  }

  it('sends a query whose stream the server refused again, and one cut by GOAWAY on a fresh connection', async () => {
    const faulted = new Set<string>();
    const once = (name: string) => !faulted.has(name) && faulted.add(name) !== undefined;
    await withDoh((q) => (q.name.startsWith('refused') && once(q.name) ? { refuse: true } : q.name.startsWith('away') && once(q.name) ? { goaway: true } : answerA(q)), async (up, t) => {
      assert.ok(Buffer.isBuffer((await ask(t, 'refused.example.com')).r));
      assert.ok(Buffer.isBuffer((await ask(t, 'away.example.com')).r));
      assert.equal(up.queries.length, 4);
      assert.equal(up.connections.length, 2, 'a new connection after the GOAWAY');
    });
  });

  it('answers a query whose connection the server dropped by sending it again', () =>
    withDoh(answerA, async (up, t) => {
      assert.ok(Buffer.isBuffer((await ask(t, 'first.example.com')).r));
      up.setScript((q) => (q.name.startsWith('cut') ? { hang: true } : answerA(q)));
      const pending = ask(t, 'cut.example.com');
      await waitFor(() => up.queries.length === 2, 'the query at the server');
      up.setScript(answerA);
      up.dropConnections();
      assert.ok(Buffer.isBuffer((await pending).r));
      assert.equal(up.connections.length, 2);
    }));

  it('times out a query the server never answers, and gives the connection up after three in a row', () =>
    withDoh((q) => (q.name.startsWith('slow') ? { hang: true } : answerA(q)), async (up, t) => {
      assert.ok(Buffer.isBuffer((await ask(t, 'first.example.com')).r));
      for (let i = 0; i < 3; i++) assert.equal((await ask(t, `slow${i}.example.com`, 150)).r, 'timeout');
      assert.equal(up.connections.length, 1);
      assert.ok(Buffer.isBuffer((await ask(t, 'next.example.com')).r));
      assert.equal(up.connections.length, 2, 'a new connection after three timeouts');
    }));

  it('fails over a server that speaks only HTTP/1.1, saying so', () =>
    withDoh(answerA, async (_up, t) => {
      assert.equal((await ask(t, 'www.example.com')).r, 'network');
      assert.match(t.lastError ?? '', /ALPN|h2|protocol/i);
    }, { http1: true }));

  it('fails a certificate for another name, saying why, and counts the failed handshake', async () => {
    const up = await FakeDohUpstream.start(answerA);
    const { t, counts } = transport(up, 'wrong.fandns.test');
    try {
      assert.equal((await ask(t, 'www.example.com')).r, 'network');
      assert.match(t.lastError ?? '', /altnames/);
      assert.equal(up.queries.length, 0);
      await waitFor(() => counts.failed === 1, 'the failed handshake counted');
    } finally {
      t.close();
      await up.close();
    }
  });

  describe('after close()', () => {
    let up: FakeDohUpstream;
    before(async () => {
      up = await FakeDohUpstream.start(() => ({ hang: true }));
    });
    after(() => up.close());

    it('answers waiting queries with network and sends nothing more', async () => {
      const { t } = transport(up);
      const waiting = ask(t, 'www.example.com');
      await waitFor(() => up.queries.length === 1, 'the query at the server');
      t.close();
      assert.equal((await waiting).r, 'network');
      assert.equal((await ask(t, 'later.example.com')).r, 'network');
      assert.equal(up.queries.length, 1);
    });
  });
});
