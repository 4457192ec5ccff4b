/**
 * tls-port= and https-port= on the wire: a proxy started in-process answers DNS over TLS (RFC
 * 7858: framed queries, several on one connection) and DNS over HTTPS (RFC 8484: GET and POST,
 * HTTP/2 and HTTP/1.1) from its cache and its upstream, pads EDNS replies to 468-octet blocks,
 * gives HTTP errors for requests that are not DNS queries, logs and counts both protocols, and
 * on reload, or when the files are renewed, presents a new certificate to new connections
 * (keeping the old one when the files cannot be read), with its expiry in /metrics. A missing
 * certificate stops the start with the option's file:line.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { copyFileSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { FandnsServer } from '../../src/server.js';
import { answerData, buildQuery, toReply, udpExchange } from '../helpers/dns-client.js';
import { dohRequest, dotConnect } from '../helpers/encrypted-client.js';
import { fixtureNotAfter, TLS_FIXTURE } from '../helpers/stunnel.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { memoryLog } from '../helpers/memory-log.js';
import { startProxy, TEST_PREAMBLE, type TestProxy } from '../helpers/proxy.js';
import { promSample } from '../helpers/prom-text.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const FILES = `tls-cert-file=${TLS_FIXTURE('server.pem')}\ntls-key-file=${TLS_FIXTURE('server.key')}\n`;
const portOf = (p: TestProxy, protocol: 'tls' | 'https'): number => p.server.encryptedEndpoints.find((e) => e.protocol === protocol)!.port;
const addresses = (raw: Buffer): string[] => answerData(dnsPacket.decode(raw));

describe('tls-port and https-port', () => {
  let up: FakeUpstream;
  let proxy: TestProxy;
  let dot: number;
  let doh: number;
  before(async () => {
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.7', 120)] }));
    proxy = await startProxy(`server=${up.spec}\ntls-port=0\nhttps-port=0\n${FILES}metrics-address=127.0.0.1:0\n`);
    dot = portOf(proxy, 'tls');
    doh = portOf(proxy, 'https');
  });
  after(async () => {
    await proxy.stop();
    await up.close();
  });

  it('binds both beside plain DNS, on the listen address', () => {
    assert.deepEqual(proxy.server.encryptedEndpoints.map((e) => [e.protocol, e.address]), [['tls', '127.0.0.1'], ['https', '127.0.0.1']]);
    assert.ok(dot > 0 && doh > 0 && dot !== doh && dot !== proxy.port);
  });

  it('DNS over TLS: several queries on one connection, forwarded once and then from the cache', async () => {
    const c = await dotConnect(dot);
    try {
      assert.equal(c.cert.subject.CN, 'dns.fandns.test');
      const [a, b] = await c.exchange([buildQuery('one.dot.test', { id: 11 }), buildQuery('two.dot.test', { id: 12 })]);
      const byId = new Map([a!, b!].map((r) => [r.readUInt16BE(0), r]));
      assert.deepEqual(addresses(byId.get(11)!), ['192.0.2.7']);
      assert.equal(dnsPacket.decode(byId.get(12)!).questions?.[0]?.name, 'two.dot.test');
      const [again] = await c.exchange([buildQuery('one.dot.test', { id: 13 })]);
      assert.deepEqual([again!.readUInt16BE(0), addresses(again!)], [13, ['192.0.2.7']]);
      assert.equal(up.queries.filter((q) => q.name === 'one.dot.test').length, 1);
    } finally {
      c.close();
    }
  });

  it('DNS over TLS: a reply with EDNS is padded to 468 octets, one without is not', async () => {
    const c = await dotConnect(dot);
    try {
      const [padded, plain] = await c.exchange([buildQuery('pad.dot.test', { id: 1, edns: 1232 }), buildQuery('pad.dot.test', { id: 2 })]);
      const [withEdns, without] = padded!.readUInt16BE(0) === 1 ? [padded!, plain!] : [plain!, padded!];
      assert.equal(withEdns.length, 468);
      assert.ok(without.length < 100, `${without.length}`);
      assert.deepEqual(addresses(withEdns), ['192.0.2.7']);
    } finally {
      c.close();
    }
  });

  it('DNS over HTTPS: GET and POST over HTTP/2, POST over HTTP/1.1, max-age at most the TTL', async () => {
    const q = buildQuery('web.doh.test', { id: 0 });
    const got = await dohRequest({ port: doh, path: `/dns-query?dns=${q.toString('base64url')}` });
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'application/dns-message');
    assert.equal(got.headers['cache-control'], 'max-age=120');
    assert.deepEqual([got.body.readUInt16BE(0), addresses(got.body)], [0, ['192.0.2.7']]);
    for (const http1 of [false, true]) {
      const posted = await dohRequest({ port: doh, method: 'POST', contentType: 'application/dns-message', body: buildQuery('web.doh.test', { id: 77, edns: 1232 }), http1 });
      assert.equal(posted.status, 200);
      assert.equal(posted.body.readUInt16BE(0), 77);
      assert.equal(posted.body.length, 468, 'an EDNS reply is padded');
      assert.match(String(posted.headers['cache-control']), /^max-age=(1[01]\d|120)$/);
    }
    assert.equal(up.queries.filter((x) => x.name === 'web.doh.test').length, 1, 'the later ones came from the cache');
  });

  it('DNS over HTTPS: other requests get their HTTP status and no DNS answer', async () => {
    const q = buildQuery('err.doh.test');
    const cases: [Parameters<typeof dohRequest>[0], number][] = [
      [{ port: doh, path: `/resolve?dns=${q.toString('base64url')}` }, 404],
      [{ port: doh, method: 'PUT', contentType: 'application/dns-message', body: q }, 405],
      [{ port: doh, method: 'POST', contentType: 'application/json', body: q }, 415],
      [{ port: doh, path: '/dns-query' }, 400],
      [{ port: doh, path: '/dns-query?dns=%%%' }, 400],
      [{ port: doh, method: 'POST', contentType: 'application/dns-message', body: Buffer.alloc(5) }, 400],
      [{ port: doh, method: 'POST', contentType: 'application/dns-message', body: Buffer.alloc(70_000) }, 413],
      [{ port: doh, method: 'POST', contentType: 'application/dns-message', body: Buffer.alloc(70_000), http1: true }, 413],
    ];
    for (const [req, status] of cases) {
      const r = await dohRequest(req);
      assert.equal(r.status, status, JSON.stringify({ ...req, body: req.body?.length }));
      assert.match(String(r.headers['content-type']), /^text\/plain/);
    }
    assert.equal(up.queries.filter((x) => x.name === 'err.doh.test').length, 0);
    const malformed = await dohRequest({ port: doh, method: 'POST', contentType: 'application/dns-message', body: Buffer.from('000001000001000000000000ff', 'hex') });
    assert.equal(malformed.status, 200, 'a query fandns can answer with an error gets that error');
    assert.equal(toReply(malformed.body).rcode, 'FORMERR');
    const response = Buffer.from(buildQuery('qr.doh.test'));
    response[2]! |= 0x80;
    const dropped = await dohRequest({ port: doh, method: 'POST', contentType: 'application/dns-message', body: response });
    assert.deepEqual([dropped.status, dropped.body.toString()], [403, 'no answer for this client or query\n'], 'a message fandns does not answer (here a response, QR set)');
  });

  it('counts both protocols in fandns_requests_total, and plain DNS still answers', async () => {
    const text = await (await fetch(`http://${proxy.server.metricsEndpoint}/metrics`)).text();
    assert.ok((promSample(text, 'fandns_requests_total{type="A",proto="tls"}') ?? 0) >= 5);
    assert.ok((promSample(text, 'fandns_requests_total{type="A",proto="https"}') ?? 0) >= 3);
    assert.deepEqual(addresses(await udpExchange(buildQuery('plain.test'), proxy.port)), ['192.0.2.7']);
  });

  it('reports when the certificate it presents expires, by file', async () => {
    const text = await (await fetch(`http://${proxy.server.metricsEndpoint}/metrics`)).text();
    assert.equal(promSample(text, `fandns_tls_certificate_expiry_timestamp_seconds{file="${TLS_FIXTURE('server.pem')}"}`), fixtureNotAfter('server.pem'));
    const plain = await startProxy(`server=${up.spec}\nmetrics-address=127.0.0.1:0\n`);
    try {
      const none = await (await fetch(`http://${plain.server.metricsEndpoint}/metrics`)).text();
      assert.doesNotMatch(none, /^fandns_tls_certificate_expiry_timestamp_seconds\{/m, 'no encrypted listeners, no sample');
    } finally {
      await plain.stop();
    }
  });
});

describe('tls-port and https-port: the certificate', () => {
  it('a reload presents the files\' new certificate to new connections; files that cannot be read keep the old one', () => withTempDir('tls-reload', async (dir) => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    copyFileSync(TLS_FIXTURE('server.pem'), cert);
    copyFileSync(TLS_FIXTURE('server.key'), key);
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.8', 60)] }));
    const mem = memoryLog('info');
    const conf = `${TEST_PREAMBLE}server=${up.spec}\ntls-port=0\nhttps-port=0\ntls-cert-file=${cert}\ntls-key-file=${key}\n`;
    const server = new FandnsServer(parseConfigText(conf, 'test.conf'), mem.log);
    await server.start();
    try {
      const dot = server.encryptedEndpoints[0]!.port;
      const first = await dotConnect(dot);
      const fingerprint = first.cert.fingerprint256;
      const expiry = () => server.metricsSnapshot().certificate;
      assert.deepEqual(expiry(), { file: cert, notAfter: fixtureNotAfter('server.pem') });
      copyFileSync(TLS_FIXTURE('self-signed.pem'), cert);
      copyFileSync(TLS_FIXTURE('self-signed.key'), key);
      assert.equal(server.reloadFrom(() => parseConfigText(conf, 'test.conf')), true);
      assert.ok(mem.lines().some((l) => l.msg === 'TLS certificate reloaded'));
      assert.deepEqual(expiry(), { file: cert, notAfter: fixtureNotAfter('self-signed.pem') }, 'the metric follows the certificate presented');
      const second = await dotConnect(dot, null);
      assert.notEqual(second.cert.fingerprint256, fingerprint);
      assert.equal(second.cert.fingerprint256, new (await import('node:crypto')).X509Certificate(readFileSync(TLS_FIXTURE('self-signed.pem'))).fingerprint256);
      const [old] = await first.exchange([buildQuery('still.test', { id: 3 })]);
      assert.deepEqual(addresses(old!), ['192.0.2.8'], 'a connection opened before goes on');
      second.close();
      first.close();
      rmSync(key);
      assert.equal(server.reloadFrom(() => parseConfigText(conf, 'test.conf')), true, 'the rest of the configuration reloads');
      const warning = mem.lines().find((l) => l.msg === 'keeping the TLS certificate in use');
      assert.match(String(warning?.['err']), /test\.conf:9: cannot read tls-key-file .*ENOENT/);
      const third = await dotConnect(dot, null);
      assert.equal(third.cert.fingerprint256, second.cert.fingerprint256);
      assert.deepEqual(expiry(), { file: cert, notAfter: fixtureNotAfter('self-signed.pem') }, 'and stays with it');
      third.close();
    } finally {
      await server.stop();
      await up.close();
    }
  }));

  it('takes up a renewed certificate without a SIGHUP: new connections and the expiry metric get it', () => withTempDir('tls-renew', async (dir) => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    copyFileSync(TLS_FIXTURE('server.pem'), cert);
    copyFileSync(TLS_FIXTURE('server.key'), key);
    const mem = memoryLog('info');
    const conf = `${TEST_PREAMBLE}tls-port=0\ntls-cert-file=${cert}\ntls-key-file=${key}\n`;
    const server = new FandnsServer(parseConfigText(conf, 'test.conf'), mem.log, undefined, undefined, { certPollMs: 50 });
    await server.start();
    try {
      const dot = server.encryptedEndpoints[0]!.port;
      // certbot's way: new files, then the names moved onto them.
      copyFileSync(TLS_FIXTURE('self-signed.pem'), join(dir, 'cert2.pem'));
      copyFileSync(TLS_FIXTURE('self-signed.key'), join(dir, 'key2.pem'));
      renameSync(join(dir, 'key2.pem'), key);
      renameSync(join(dir, 'cert2.pem'), cert);
      await waitFor(() => mem.lines().some((l) => l.msg === 'TLS certificate renewed: new connections get it'), 'the renewal to be taken up');
      const renewed = mem.lines().find((l) => l.msg === 'TLS certificate renewed: new connections get it')!;
      assert.equal(renewed['notAfter'], new Date(fixtureNotAfter('self-signed.pem') * 1000).toISOString());
      assert.deepEqual(server.metricsSnapshot().certificate, { file: cert, notAfter: fixtureNotAfter('self-signed.pem') });
      const c = await dotConnect(dot, null);
      assert.equal(c.cert.fingerprint256, new X509Certificate(readFileSync(TLS_FIXTURE('self-signed.pem'))).fingerprint256);
      c.close();
    } finally {
      await server.stop();
    }
  }));

  it('stop closes open connections; a certificate that cannot be read stops the start with its line, nothing left bound', async () => {
    const p = await startProxy(`tls-port=0\n${FILES}`);
    const c = await dotConnect(p.server.encryptedEndpoints[0]!.port);
    await p.stop();
    await c.closed;
    const conf = `${TEST_PREAMBLE}tls-port=0\ntls-cert-file=/nonexistent/cert.pem\ntls-key-file=${TLS_FIXTURE('server.key')}\n`;
    const server = new FandnsServer(parseConfigText(conf, 'bad.conf'), memoryLog().log);
    await assert.rejects(server.start(), (err: unknown) => err instanceof ConfigError && /^bad\.conf:6: cannot read tls-cert-file "\/nonexistent\/cert.pem": ENOENT/.test(err.message));
    assert.deepEqual(server.encryptedEndpoints, []);
  });
});
