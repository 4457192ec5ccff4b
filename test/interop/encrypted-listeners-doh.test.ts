/**
 * fandns's own DNS-over-HTTPS listener (https-port=, RFC 8484) asked by clients nobody here wrote:
 * kdig (POST and GET over HTTP/2), dig (POST and GET) and curl (GET and POST, over HTTP/1.1 and
 * HTTP/2, with the test CA and --resolve for dns.fandns.test). Replies are application/dns-message
 * with a cache-control max-age equal to the upstream's TTL (the negative TTL for NXDOMAIN), and
 * padded to 468 octets when they carry EDNS; requests that are not DNS queries get 400, 403, 404,
 * 405 (with allow), 413 or 415 with a text reason. A forwarded NXDOMAIN whose SOA TTL is above its
 * MINIMUM gets max-age at most the MINIMUM (RFC 8484 §5.1).
 * DNS over TLS: encrypted-listeners.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { dig, kdig, withoutTtl, type DigResult } from '../helpers/dig.js';
import { answerData, buildQuery, toReply } from '../helpers/dns-client.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { TLS_FIXTURE } from '../helpers/stunnel.js';
import { run, skipUnless, which } from '../helpers/tools.js';

const CA = TLS_FIXTURE('ca.pem');
const HOST = 'dns.fandns.test';
const ADDR = '192.0.2.84';
const TTL = 120;
/** The negative TTL: the SOA TTL of nx.* NXDOMAIN replies, the SOA MINIMUM of nxmin.* ones (RFC 2308). */
const NEG_TTL = 45;

/** A skip reason when `tool` is missing or its help does not list `option` (a build without it). */
function skipWithout(tool: string, option: string): false | string {
  const path = which(tool);
  if (path === null) return `${tool} not installed`;
  const h = spawnSync(path, ['-h'], { encoding: 'utf8', timeout: 10_000 });
  return `${h.stdout}${h.stderr}`.includes(option) ? false : `${tool} has no ${option}`;
}

/** What curl got: the status, the HTTP version, the headers (lower-case names) and the body. */
interface CurlReply {
  readonly status: number;
  readonly version: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  readonly text: string;
}

describe('DNS over HTTPS listener (https-port=) with real clients', () => {
  let upstream: FakeUpstream;
  let proxy: TestProxy;
  let port: number;
  let dir: string;

  before(async () => {
    upstream = await FakeUpstream.start((q) => q.name.startsWith('nx.')
      ? { rcode: 'NXDOMAIN', authorities: [rr.soa('doh.test', 300, NEG_TTL)] }
      : q.name.startsWith('nxmin.')
      ? { rcode: 'NXDOMAIN', authorities: [rr.soa('doh.test', NEG_TTL, 300)] }
      : { answers: q.type === 'A' ? [rr.a(q.name, ADDR, TTL)] : [] });
    proxy = await startProxy([
      `server=${upstream.spec}`, 'https-port=0', `tls-cert-file=${TLS_FIXTURE('server.pem')}`, `tls-key-file=${TLS_FIXTURE('server.key')}`, '',
    ].join('\n'));
    const https = proxy.server.encryptedEndpoints.filter((e) => e.protocol === 'https');
    assert.equal(https.length, 1, JSON.stringify(proxy.server.encryptedEndpoints));
    assert.equal(proxy.server.encryptedEndpoints.length, 1, 'no tls-port, no DoT listener');
    port = https[0]!.port;
    assert.ok(port > 0 && port !== proxy.port, `https port ${port}`);
    dir = mkdtempSync(join(tmpdir(), 'fandns-doh-'));
  });

  after(async () => {
    await proxy?.stop();
    await upstream?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** NOERROR with the upstream's A record for `name` and a TTL not above the upstream's. */
  const answered = (r: DigResult, name: string): void => {
    assert.equal(r.status, 'NOERROR', r.text);
    assert.deepEqual(r.answer.map(withoutTtl), [`${name}. IN A ${ADDR}`], r.text);
    assert.ok(r.answer[0]!.ttl <= TTL && r.answer[0]!.ttl >= TTL - 10, r.text);
  };

  for (const [method, flag] of [['POST', '+https'], ['GET', '+https-get']] as const) {
    it(`kdig ${flag}: HTTP/2 ${method}, forwarded then cached, padded`, { skip: skipWithout('kdig', '+[no]https') }, async () => {
      const name = `${method.toLowerCase()}.kdig.doh.test`;
      for (const round of ['forwarded', 'cached']) {
        const r = await kdig(port, [flag, `+tls-ca=${CA}`, `+tls-hostname=${HOST}`, '-t', 'A', name]);
        answered(r, name);
        assert.match(r.text, new RegExp(`;; HTTP session \\(HTTP/2-${method}\\)-\\(${HOST}/dns-query\\)-\\(status: 200\\)`), r.text);
        assert.match(r.text, /;; PADDING: \d+ B/, `${round}: ${r.text}`);
        assert.match(r.text, /;; Received 468 B/, `${round}: ${r.text}`);
      }
      assert.equal(upstream.count(name, 'A'), 1, 'the repeat came from the cache');
    });

    it(`dig ${flag}: ${method}, forwarded then cached, padded`, { skip: skipWithout('dig', '+[no]https') }, async () => {
      const name = `${method.toLowerCase()}.dig.doh.test`;
      for (const round of ['forwarded', 'cached']) {
        const r = await dig(port, [flag, `+tls-ca=${CA}`, `+tls-hostname=${HOST}`, '-t', 'A', name]);
        answered(r, name);
        assert.match(r.text, new RegExp(`;; SERVER: 127\\.0\\.0\\.1#${port}\\(127\\.0\\.0\\.1\\) \\(HTTPS${method === 'GET' ? '-GET' : ''}\\)`), r.text);
        assert.match(r.text, /; PAD: \(\d+ bytes\)/, `${round}: ${r.text}`);
        assert.match(r.text, /;; MSG SIZE\s+rcvd: 468\b/, `${round}: ${r.text}`);
      }
      assert.equal(upstream.count(name, 'A'), 1, 'the repeat came from the cache');
    });
  }

  it('kdig +https with a hostname the certificate lacks fails', { skip: skipWithout('kdig', '+[no]https') }, async () => {
    const r = await run('kdig', ['@127.0.0.1', '-p', String(port), '+time=2', '+retry=0', '+https', `+tls-ca=${CA}`, '+tls-hostname=wrong.example', 'wrong.kdig.doh.test']);
    assert.notEqual(r.code, 0, `kdig accepted the certificate for wrong.example: ${r.stdout}${r.stderr}`);
    assert.match(`${r.stdout}${r.stderr}`, /certificate/i);
    assert.equal(upstream.count('wrong.kdig.doh.test'), 0);
  });

  /** Runs curl against https://dns.fandns.test:PORT`path` (resolved to 127.0.0.1, trusting only the test CA). */
  const curl = async (path: string, args: readonly string[] = []): Promise<CurlReply> => {
    const bodyFile = join(dir, 'body');
    rmSync(bodyFile, { force: true });
    const r = await run('curl', [
      '-sS', '--max-time', '5', '--cacert', CA, '--resolve', `${HOST}:${port}:127.0.0.1`,
      '-D', '-', '-o', bodyFile, '-w', '\n%{http_code} %{http_version}\n', ...args, `https://${HOST}:${port}${path}`,
    ]);
    assert.equal(r.code, 0, `curl exited ${r.code}: ${r.stderr}`);
    const lines = r.stdout.trimEnd().split(/\r?\n/);
    const [status, version] = lines.pop()!.split(' ');
    const headers = new Map<string, string>();
    for (const l of lines) {
      const m = /^([\w-]+):\s*(.*)$/.exec(l);
      if (m) headers.set(m[1]!.toLowerCase(), m[2]!.trim());
    }
    return { status: Number(status), version: version!, headers, body: readFileSync(bodyFile), text: r.stdout };
  };

  const b64url = (msg: Buffer): string => msg.toString('base64url');

  for (const [http, opt] of [['1.1', '--http1.1'], ['2', '--http2']] as const) {
    it(`curl ${opt}: GET and POST, dns-message with max-age from the TTL`, { skip: skipUnless('curl') }, async () => {
      const name = `h${http.replace('.', '')}.curl.doh.test`;
      const get = await curl(`/dns-query?dns=${b64url(buildQuery(name, { id: 0 }))}`, [opt, '-H', 'accept: application/dns-message']);
      assert.equal(get.status, 200, get.text);
      assert.equal(get.version, http, get.text);
      assert.equal(get.headers.get('content-type'), 'application/dns-message', get.text);
      assert.equal(get.headers.get('cache-control'), `max-age=${TTL}`, get.text);
      assert.equal(Number(get.headers.get('content-length')), get.body.length, get.text);
      const reply = toReply(get.body);
      assert.equal(reply.packet.id, 0);
      assert.equal(reply.rcode, 'NOERROR');
      assert.deepEqual(answerData(reply.packet), [ADDR]);
      assert.equal(reply.packet.answers?.[0]?.name, name);
      assert.ok(get.body.length < 468, 'no OPT in the query, none to pad in the reply');

      // The same query as a POST with EDNS: from the cache, max-age the TTL left, padded.
      const file = join(dir, 'query');
      writeFileSync(file, buildQuery(name, { id: 0, edns: 1232 }));
      const post = await curl('/dns-query', [opt, '-H', 'content-type: application/dns-message', '--data-binary', `@${file}`]);
      assert.equal(post.status, 200, post.text);
      assert.equal(post.headers.get('content-type'), 'application/dns-message', post.text);
      const left = Number(/^max-age=(\d+)$/.exec(post.headers.get('cache-control') ?? '')?.[1]);
      assert.ok(left <= TTL && left >= TTL - 10, post.text);
      assert.equal(post.body.length, 468, 'an EDNS reply is padded');
      const cached = toReply(post.body).packet.answers?.[0] as { ttl?: number } | undefined;
      assert.equal(cached?.ttl, left, 'max-age is the answer’s TTL');
      assert.equal(upstream.count(name, 'A'), 1, 'the POST came from the cache');
    });
  }

  /** The max-age of a GET for `name` (over HTTP/2), checking the reply is NXDOMAIN. */
  const negativeMaxAge = async (name: string): Promise<number> => {
    const r = await curl(`/dns-query?dns=${b64url(buildQuery(name, { id: 0 }))}`, ['--http2']);
    assert.equal(r.status, 200, r.text);
    assert.equal(toReply(r.body).rcode, 'NXDOMAIN', r.text);
    const m = /^max-age=(\d+)$/.exec(r.headers.get('cache-control') ?? '');
    assert.ok(m, r.text);
    return Number(m[1]);
  };

  it('curl: NXDOMAIN gets the SOA’s TTL as max-age, forwarded and cached', { skip: skipUnless('curl') }, async () => {
    assert.equal(await negativeMaxAge('nx.curl.doh.test'), NEG_TTL);
    const again = await negativeMaxAge('nx.curl.doh.test');
    assert.ok(again <= NEG_TTL && again >= NEG_TTL - 10, `cached: max-age=${again}`);
    assert.equal(upstream.count('nx.curl.doh.test'), 1, 'the repeat came from the cache');
  });

  // RFC 8484 §5.1: with no answer and an SOA in the authority section, the freshness lifetime
  // "MUST NOT be greater than the MINIMUM field from that SOA record". An upstream that does not
  // lower the SOA's TTL to its MINIMUM (RFC 2308 §3 asks it to) shows whether fandns applies it.
  it('curl: NXDOMAIN whose SOA TTL is above its MINIMUM: max-age at most the MINIMUM', { skip: skipUnless('curl') }, async () => {
    const first = await negativeMaxAge('nxmin.curl.doh.test');
    const again = await negativeMaxAge('nxmin.curl.doh.test');
    assert.ok(first <= NEG_TTL, `forwarded: max-age=${first}, SOA MINIMUM ${NEG_TTL}`);
    assert.ok(again <= NEG_TTL, `cached: max-age=${again}, SOA MINIMUM ${NEG_TTL}`);
  });

  it('curl: requests that are not DNS queries get 404, 405, 415, 400, 413, 403', { skip: skipUnless('curl') }, async () => {
    const query = b64url(buildQuery('err.curl.doh.test', { id: 0 }));
    const big = join(dir, 'big');
    writeFileSync(big, Buffer.alloc(70_000));
    const qr = Buffer.alloc(12);
    qr[2] = 0x80; // a header with QR set: a response, which fandns does not answer
    const cases: [string, string, readonly string[], number, RegExp][] = [
      ['GET elsewhere', `/resolve?dns=${query}`, [], 404, /not found: DNS over HTTPS is at \/dns-query/],
      ['PUT', `/dns-query?dns=${query}`, ['-X', 'PUT'], 405, /only GET and POST/],
      ['POST text/plain', '/dns-query', ['-H', 'content-type: text/plain', '--data-binary', 'hello'], 415, /a POST must be application\/dns-message/],
      ['GET without dns', '/dns-query', [], 400, /needs the dns parameter/],
      ['GET with bad base64url', '/dns-query?dns=a+b/c', [], 400, /not base64url/],
      ['GET of 3 octets', `/dns-query?dns=${b64url(Buffer.alloc(3))}`, [], 400, /not a DNS message/],
      ['POST over 65535 octets', '/dns-query', ['-H', 'content-type: application/dns-message', '--data-binary', `@${big}`], 413, /at most 65535/],
      ['GET of a response', `/dns-query?dns=${b64url(qr)}`, [], 403, /no answer/],
    ];
    for (const opt of ['--http1.1', '--http2']) {
      for (const [what, path, args, status, body] of cases) {
        const r = await curl(path, [opt, ...args]);
        assert.equal(r.status, status, `${opt} ${what}: ${r.text}`);
        assert.match(r.headers.get('content-type') ?? '', /^text\/plain/, `${opt} ${what}: ${r.text}`);
        assert.match(r.body.toString(), body, `${opt} ${what}`);
        if (status === 405) assert.equal(r.headers.get('allow'), 'GET, POST', `${opt} ${what}: ${r.text}`);
      }
    }
    assert.equal(upstream.count('err.curl.doh.test'), 0, 'none of them was forwarded');
  });
});
