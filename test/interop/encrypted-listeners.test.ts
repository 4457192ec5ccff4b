/**
 * fandns's own DNS-over-TLS listener (tls-port=, RFC 7858) asked by clients nobody here wrote:
 * kdig (GnuTLS), dig (OpenSSL) and dnspython (Python's ssl). Each must verify the configured
 * certificate against the test CA for dns.fandns.test, get a name forwarded to a local fake
 * upstream and then the same name from the cache, and see a reply with EDNS padded to 468 octets
 * (RFC 8467 §4.1) while one without EDNS stays unpadded. A hostname the certificate does not carry
 * must fail the handshake: proof that the certificate presented is the configured one.
 * DNS over HTTPS (https-port=) is checked in encrypted-listeners-doh.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { dig, kdig, withoutTtl, type DigResult } from '../helpers/dig.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { TLS_FIXTURE } from '../helpers/stunnel.js';
import { run, skipUnless, SYSTEM_PYTHON, which } from '../helpers/tools.js';

const CA = TLS_FIXTURE('ca.pem');
const HOST = 'dns.fandns.test';
const ADDR = '192.0.2.58';
const TTL = 120;

/** The TLS options every kdig and dig call here gives. */
const TLS_ARGS = ['+tls', `+tls-ca=${CA}`, `+tls-hostname=${HOST}`];

/** A skip reason when `tool` is missing or its help does not list `option` (a build without it). */
function skipWithout(tool: string, option: string): false | string {
  const path = which(tool);
  if (path === null) return `${tool} not installed`;
  const h = spawnSync(path, ['-h'], { encoding: 'utf8', timeout: 10_000 });
  return `${h.stdout}${h.stderr}`.includes(option) ? false : `${tool} has no ${option}`;
}

/** Python's ssl and dnspython over DoT: dns.query.tls, then a raw exchange to see the reply's size, then a wrong hostname. */
const DNSPYTHON_DOT = `
import json, socket, ssl, struct, sys
import dns.message, dns.query, dns.rcode
port, ca, host, name = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
out = {}
q = dns.message.make_query(name, 'A', use_edns=0)
r = dns.query.tls(q, '127.0.0.1', port=port, ssl_context=ctx, server_hostname=host, timeout=5)
out['rcode'] = dns.rcode.to_text(r.rcode())
out['answer'] = [x.to_text() for x in r.answer]
out['options'] = [int(o.otype) for o in r.options]
with ctx.wrap_socket(socket.create_connection(('127.0.0.1', port), timeout=5), server_hostname=host) as s:
    out['version'] = s.version()
    for key, edns in (('rawEdns', 0), ('rawPlain', False)):
        w = dns.message.make_query(name, 'A', use_edns=edns).to_wire()
        s.sendall(struct.pack('!H', len(w)) + w)
        buf = b''
        while len(buf) < 2 or len(buf) < 2 + struct.unpack('!H', buf[:2])[0]:
            chunk = s.recv(4096)
            if not chunk:
                raise EOFError('connection closed')
            buf += chunk
        out[key] = len(buf) - 2
try:
    dns.query.tls(q, '127.0.0.1', port=port, ssl_context=ctx, server_hostname='wrong.example', timeout=5)
    out['wrong'] = 'answered'
except ssl.SSLCertVerificationError as e:
    out['wrong'] = type(e).__name__
print(json.dumps(out))
`;

describe('DNS over TLS listener (tls-port=) with real clients', () => {
  let upstream: FakeUpstream;
  let proxy: TestProxy;
  let port: number;

  before(async () => {
    upstream = await FakeUpstream.start((q) => ({ answers: q.type === 'A' ? [rr.a(q.name, ADDR, TTL)] : [] }));
    proxy = await startProxy([
      `server=${upstream.spec}`, 'tls-port=0', `tls-cert-file=${TLS_FIXTURE('server.pem')}`, `tls-key-file=${TLS_FIXTURE('server.key')}`, '',
    ].join('\n'));
    const tls = proxy.server.encryptedEndpoints.filter((e) => e.protocol === 'tls');
    assert.equal(tls.length, 1, JSON.stringify(proxy.server.encryptedEndpoints));
    assert.equal(tls[0]!.address, '127.0.0.1');
    port = tls[0]!.port;
    assert.ok(port > 0 && port !== proxy.port, `tls port ${port}`);
  });

  after(async () => {
    await proxy?.stop();
    await upstream?.close();
  });

  /** Checks one answer for `name`: NOERROR with the upstream's A record and a TTL not above the upstream's. */
  const answered = (r: DigResult, name: string): void => {
    assert.equal(r.status, 'NOERROR', r.text);
    assert.deepEqual(r.answer.map(withoutTtl), [`${name}. IN A ${ADDR}`], r.text);
    assert.ok(r.answer[0]!.ttl <= TTL && r.answer[0]!.ttl >= TTL - 10, r.text);
    assert.ok(r.flags.includes('qr') && r.flags.includes('ra'), r.text);
  };

  it('kdig +tls: forwarded, then from the cache, each reply padded to 468 B', { skip: skipUnless('kdig') }, async () => {
    const name = 'fwd.kdig.tls.test';
    for (const round of ['forwarded', 'cached']) {
      const r = await kdig(port, [...TLS_ARGS, '-t', 'A', name]);
      answered(r, name);
      assert.match(r.text, /;; TLS session \(TLS1\.[23]\)/, r.text);
      assert.match(r.text, new RegExp(`;; From 127\\.0\\.0\\.1@${port}\\(TCP\\)`), r.text);
      assert.ok(r.edns !== null, `${round}: OPT in the reply: ${r.text}`);
      assert.match(r.text, /;; PADDING: \d+ B/, `${round}: ${r.text}`);
      assert.match(r.text, /;; Received 468 B/, `${round}: ${r.text}`);
    }
    assert.equal(upstream.count(name, 'A'), 1, 'the repeat came from the cache');
  });

  it('kdig +tls +noedns: a reply without OPT is not padded', { skip: skipUnless('kdig') }, async () => {
    const name = 'plain.kdig.tls.test';
    const r = await kdig(port, [...TLS_ARGS, '+noedns', '+nopadding', '-t', 'A', name]);
    answered(r, name);
    assert.equal(r.edns, null, r.text);
    assert.doesNotMatch(r.text, /PADDING/, r.text);
    const size = Number(/;; Received (\d+) B/.exec(r.text)?.[1]);
    assert.ok(size > 12 && size < 468, `unpadded size ${size}: ${r.text}`);
  });

  it('kdig +tls with a hostname the certificate lacks fails the handshake', { skip: skipUnless('kdig') }, async () => {
    const name = 'wrong.kdig.tls.test';
    const r = await run('kdig', ['@127.0.0.1', '-p', String(port), '+time=2', '+retry=0', '+tls', `+tls-ca=${CA}`, '+tls-hostname=wrong.example', name]);
    assert.notEqual(r.code, 0, `kdig accepted the certificate for wrong.example: ${r.stdout}${r.stderr}`);
    assert.match(`${r.stdout}${r.stderr}`, /certificate/i);
    assert.doesNotMatch(r.stdout, /->>HEADER<<-/);
    assert.equal(upstream.count(name), 0, 'no query got through');
    // The same CA and the right hostname: the certificate is the configured one, signed by the CA.
    answered(await kdig(port, [...TLS_ARGS, name]), name);
  });

  it('dig +tls: forwarded, then cached, padded', { skip: skipWithout('dig', '+[no]tls') }, async () => {
    const name = 'fwd.dig.tls.test';
    for (const round of ['forwarded', 'cached']) {
      const r = await dig(port, [...TLS_ARGS, '-t', 'A', name]);
      answered(r, name);
      assert.match(r.text, new RegExp(`;; SERVER: 127\\.0\\.0\\.1#${port}\\(127\\.0\\.0\\.1\\) \\(TLS\\)`), r.text);
      assert.match(r.text, /; PAD: \(\d+ bytes\)/, `${round}: ${r.text}`);
      assert.match(r.text, /;; MSG SIZE\s+rcvd: 468\b/, `${round}: ${r.text}`);
    }
    assert.equal(upstream.count(name, 'A'), 1, 'the repeat came from the cache');
  });

  it('dnspython dns.query.tls and a raw ssl exchange', { skip: skipUnless('dnspython') }, async () => {
    const name = 'fwd.dnspython.tls.test';
    const r = await run(SYSTEM_PYTHON, ['-c', DNSPYTHON_DOT, String(port), CA, HOST, name], 30_000);
    assert.equal(r.code, 0, `dnspython client exited ${r.code}: ${r.stderr}`);
    const got = JSON.parse(r.stdout) as { rcode: string; answer: string[]; options: number[]; version: string; rawEdns: number; rawPlain: number; wrong: string };
    assert.equal(got.rcode, 'NOERROR', r.stdout);
    assert.equal(got.answer.length, 1, r.stdout);
    assert.match(got.answer[0]!, new RegExp(`^${name.replaceAll('.', '\\.')}\\. \\d+ IN A ${ADDR.replaceAll('.', '\\.')}$`));
    assert.ok(got.options.includes(12), `a Padding option (12) in the OPT: ${r.stdout}`);
    assert.match(got.version, /^TLSv1\.[23]$/);
    assert.equal(got.rawEdns, 468, r.stdout);
    assert.ok(got.rawPlain < 468, r.stdout);
    assert.equal(got.wrong, 'SSLCertVerificationError', r.stdout);
    assert.equal(upstream.count(name, 'A'), 1, 'one upstream query; the rest from the cache');
  });
});
