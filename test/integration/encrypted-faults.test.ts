/**
 * The encrypted listeners against clients that misbehave: bytes that are not TLS, plain HTTP on
 * the HTTPS port, a handshake never finished, a DoH request abandoned halfway, more connections
 * than allowed (on the DoH port, idle HTTP/2 sessions make room for new ones, busy ones do not).
 * Each is dropped or refused without a crash, and fandns goes on answering others.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as h2Connect, type ClientHttp2Session } from 'node:http2';
import dnsPacket from 'dns-packet';
import { answerData, buildQuery } from '../helpers/dns-client.js';
import { dohRequest, dotConnect, TEST_CA, TEST_NAME } from '../helpers/encrypted-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { memoryLog, type MemoryLog } from '../helpers/memory-log.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { TLS_FIXTURE } from '../helpers/stunnel.js';

/** Opens a plain TCP connection to 127.0.0.1:port. */
const tcpOpen = (port: number): Promise<Socket> => new Promise((resolve, reject) => {
  const s = netConnect({ host: '127.0.0.1', port }, () => resolve(s));
  s.once('error', reject);
});

/** Writes `bytes`, then resolves with what came back once the server closed the connection (bounded by `ms`). */
function untilClosed(s: Socket, bytes: Buffer | string | null, ms = 15_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    const t = setTimeout(() => reject(new Error(`the server kept the connection open for ${ms} ms`)), ms);
    s.on('data', (d: Buffer) => got.push(d));
    s.on('error', () => {});
    s.once('close', () => {
      clearTimeout(t);
      resolve(Buffer.concat(got));
    });
    if (bytes !== null) s.write(bytes);
  });
}

/** POSTs a query for `name` on `session`; resolves with the body of a 200 reply, rejects when there is none. */
function post(session: ClientHttp2Session, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': '/dns-query', 'content-type': 'application/dns-message' });
    const chunks: Buffer[] = [];
    let status = 0;
    stream.on('response', (h) => (status = Number(h[':status'])));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('close', () => (status === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`no reply (status ${status}, stream code ${stream.rstCode})`))));
    stream.on('error', () => {});
    stream.end(buildQuery(name));
  });
}

/** An HTTP/2 session to the DoH port; `closed` settles when the server ends it, `goaway` says whether it said GOAWAY first. */
function dohSession(port: number): { session: ClientHttp2Session; closed: Promise<void>; goaway: () => boolean } {
  const session = h2Connect(`https://127.0.0.1:${port}`, { ca: TEST_CA, servername: TEST_NAME });
  session.on('error', () => {});
  let goaway = false;
  session.once('goaway', () => (goaway = true));
  return { session, closed: new Promise((r) => session.once('close', () => r())), goaway: () => goaway };
}

describe('encrypted listeners: misbehaving clients', () => {
  let up: FakeUpstream;
  let proxy: TestProxy;
  let mem: MemoryLog;
  let dot: number;
  let doh: number;
  /** A DoT and a DoH query still answered. */
  const stillAnswers = async (name: string): Promise<void> => {
    const c = await dotConnect(dot);
    const [r] = await c.exchange([buildQuery(name)]);
    c.close();
    assert.deepEqual(answerData(dnsPacket.decode(r!)), ['192.0.2.9']);
    const h = await dohRequest({ port: doh, method: 'POST', contentType: 'application/dns-message', body: buildQuery(name) });
    assert.deepEqual([h.status, answerData(dnsPacket.decode(h.body))], [200, ['192.0.2.9']]);
  };
  before(async () => {
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.9', 60)], delayMs: q.name.startsWith('slow') ? 700 : 0 }));
    mem = memoryLog('warn');
    proxy = await startProxy(`server=${up.spec}\ntls-port=0\nhttps-port=0\nmax-tcp-connections=2\ntls-cert-file=${TLS_FIXTURE('server.pem')}\ntls-key-file=${TLS_FIXTURE('server.key')}\n`, mem.log);
    dot = proxy.server.encryptedEndpoints.find((e) => e.protocol === 'tls')!.port;
    doh = proxy.server.encryptedEndpoints.find((e) => e.protocol === 'https')!.port;
  });
  after(async () => {
    await proxy.stop();
    await up.close();
  });

  it('bytes that are not TLS: a DNS frame in clear text on either port is not answered, the connection ends', async () => {
    for (const port of [dot, doh]) {
      const q = buildQuery('clear.test');
      const frame = Buffer.concat([Buffer.from([0, q.length]), q]);
      const back = await untilClosed(await tcpOpen(port), frame);
      assert.ok(back.length === 0 || back[0] === 0x15, 'nothing, or a TLS alert');
    }
    await stillAnswers('after-clear.test');
  });

  it('plain HTTP on the HTTPS port gets no DNS answer', async () => {
    const back = await untilClosed(await tcpOpen(doh), 'GET /dns-query?dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.ok(!back.includes('application/dns-message'));
  });

  it('a connection that never starts its handshake is closed (within the 5 s frame time)', async () => {
    for (const port of [dot, doh]) await untilClosed(await tcpOpen(port), null);
    await stillAnswers('after-idle.test');
  });

  it('a DoH POST abandoned halfway, and a stream reset, leave the session and the server working', async () => {
    const session = h2Connect(`https://127.0.0.1:${doh}`, { ca: TEST_CA, servername: TEST_NAME });
    session.on('error', () => {});
    const half = session.request({ ':method': 'POST', ':path': '/dns-query', 'content-type': 'application/dns-message' });
    half.on('error', () => {});
    half.write(buildQuery('half.test').subarray(0, 10));
    const closed = new Promise<void>((r) => half.once('close', () => r()));
    half.close();
    await closed;
    const q = buildQuery('whole.test', { id: 5 });
    const stream = session.request({ ':method': 'POST', ':path': '/dns-query', 'content-type': 'application/dns-message' });
    const body = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', reject);
      stream.end(q);
    });
    session.close();
    assert.deepEqual(answerData(dnsPacket.decode(body)), ['192.0.2.9']);
    assert.equal(up.queries.some((x) => x.name === 'half.test'), false);
  });

  it('more connections than allowed: the DoT listener keeps at most twice max-tcp-connections, and still serves after', async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => tcpOpen(dot)));
    const extra = await tcpOpen(dot).catch(() => null);
    if (extra !== null) await untilClosed(extra, null, 2000);
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    await stillAnswers('after-flood.test');
  });

  it('DoH at max-tcp-connections: the session idle the longest makes room for a new one', { timeout: 15_000 }, async () => {
    const [a, b] = [dohSession(doh), dohSession(doh)];
    assert.deepEqual(answerData(dnsPacket.decode(await post(a.session, 'idle-a.test'))), ['192.0.2.9']);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(answerData(dnsPacket.decode(await post(b.session, 'idle-b.test'))), ['192.0.2.9']);
    const c = dohSession(doh);
    assert.deepEqual(answerData(dnsPacket.decode(await post(c.session, 'new-c.test'))), ['192.0.2.9'], 'the new session is served');
    // The oldest idle one was closed to make room: at once, not by the 10 s idle timeout.
    const idleTimeout = new Promise((_, reject) => setTimeout(() => reject(new Error('not closed to make room')), 5000).unref());
    await Promise.race([a.closed, idleTimeout]);
    assert.equal(a.goaway(), true, 'told GOAWAY first');
    assert.deepEqual(answerData(dnsPacket.decode(await post(b.session, 'still-b.test'))), ['192.0.2.9'], 'the other one goes on');
    b.session.close();
    c.session.close();
    await Promise.all([b.closed, c.closed]);
  });

  it('DoH at max-tcp-connections with every session busy: the new one is closed, the busy ones answered', { timeout: 15_000 }, async () => {
    const [a, b] = [dohSession(doh), dohSession(doh)];
    const slow = [post(a.session, 'slow-a.test'), post(b.session, 'slow-b.test')];
    await new Promise((r) => setTimeout(r, 250)); // both requests are in progress at fandns (the server answers them after 700 ms, well within upstream-timeout's 1500)
    const c = dohSession(doh);
    await assert.rejects(post(c.session, 'refused-c.test'), 'no room for a third connection');
    await c.closed;
    for (const body of await Promise.all(slow)) assert.deepEqual(answerData(dnsPacket.decode(body)), ['192.0.2.9']);
    a.session.close();
    b.session.close();
    await Promise.all([a.closed, b.closed]);
    await stillAnswers('after-busy.test');
  });

  it('logged no error', () => {
    assert.deepEqual(mem.errors(), []);
  });
});
