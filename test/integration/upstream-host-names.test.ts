/**
 * tls:// and https:// servers named by host name, on the wire: a scripted bootstrap server on
 * 127.0.0.1 (bootstrap-server=) answers for `dns.fandns.test`, the name the test CA's certificate
 * carries, and fandns connects to the addresses it gives. The certificate is checked for the name,
 * which goes as SNI; each of several addresses is tried in turn; a server that moved is followed
 * once its TTL ran out; a bootstrap server that is down leaves the last addresses in use, or, with
 * none yet, gives the client SERVFAIL and the log the reason, and is never a hang.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { FakeDohUpstream } from '../helpers/fake-doh-upstream.js';
import { FakeUpstream, rr, type Script, type SeenQuery, type TlsIdentity } from '../helpers/fake-upstream.js';
import { memoryLog, type MemoryLog } from '../helpers/memory-log.js';
import { startProxy, TEST_PREAMBLE, type TestProxy } from '../helpers/proxy.js';
import { parseConfigText } from '../../src/config/load.js';
import { answer } from '../helpers/scripts.js';
import { TLS_FIXTURE } from '../helpers/stunnel.js';
import { sleep, waitFor } from '../helpers/wait.js';

const CA = TLS_FIXTURE('ca.pem');
const SIGNED: TlsIdentity = { cert: readFileSync(TLS_FIXTURE('server.pem')), key: readFileSync(TLS_FIXTURE('server.key')) };
const NAME = 'dns.fandns.test';

/** A bootstrap script: `addresses` (A records, TTL `ttl`) for NAME, no AAAA, NXDOMAIN for anything else. */
const hostAt = (addresses: string[], ttl = 300): Script => (q: SeenQuery) => {
  if (q.name.toLowerCase() !== NAME) return { rcode: 'NXDOMAIN' };
  return { answers: q.type === 'A' ? addresses.map((a) => rr.a(q.name, a, ttl)) : [] };
};

interface Lab {
  readonly p: TestProxy;
  readonly dot: FakeUpstream;
  readonly boot: FakeUpstream;
  readonly log: MemoryLog;
}

/** Runs `body` with a DoT server, a bootstrap server on `script` and a proxy on `conf(dotPort, bootSpec)`. */
async function withLab(script: Script, conf: (dotPort: number, boot: string) => string[], body: (lab: Lab) => Promise<void>): Promise<void> {
  const dot = await FakeUpstream.start(answer('192.0.2.53'), 0, SIGNED);
  const boot = await FakeUpstream.start(script);
  const log = memoryLog('info');
  try {
    const p = await startProxy([`tls-ca-file=${CA}`, ...conf(dot.port, boot.spec)].join('\n'), log.log);
    try {
      await body({ p, dot, boot, log });
    } finally {
      await p.stop();
    }
  } finally {
    await dot.close();
    await boot.close();
  }
}

const addressOf = async (p: TestProxy, name: string) => {
  const r = await p.query(name);
  return [r.rcode, (r.packet.answers ?? []).map((a) => (a as { data: unknown }).data)];
};

/** Asks `name` until the answer is NOERROR (every 200 ms, for at most `ms`). */
async function answeredWithin(p: TestProxy, name: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if ((await p.query(name)).rcode === 'NOERROR') return;
    if (Date.now() > end) assert.fail(`${name}: no answer within ${ms} ms`);
    await sleep(200);
  }
}

describe('server=tls://<host name> with bootstrap-server=', () => {
  it('looks the name up through the bootstrap server, checks the certificate for it and sends it as SNI', () =>
    withLab(hostAt(['127.0.0.1']), (port, boot) => [`bootstrap-server=${boot}`, `server=tls://${NAME}#${port}`], async ({ p, dot, boot, log }) => {
      assert.deepEqual(await addressOf(p, 'www.example.com'), ['NOERROR', ['192.0.2.53']]);
      assert.deepEqual(await addressOf(p, 'other.example.com'), ['NOERROR', ['192.0.2.53']]);
      assert.deepEqual(dot.tlsAccepted, [{ servername: NAME, resumed: false }], 'one connection, SNI the host name');
      assert.deepEqual(boot.queries.map((q) => `${q.name.toLowerCase()} ${q.type}`).sort(), [`${NAME} A`, `${NAME} AAAA`]);
      assert.ok(!boot.queries.some((q) => q.name.toLowerCase().endsWith('example.com')), 'the bootstrap server gets no client query');
      const found = log.lines().find((l) => l.msg === 'upstream host name looked up through bootstrap-server');
      assert.deepEqual([found?.['host'], found?.['addresses']], [NAME, ['127.0.0.1']]);
      assert.deepEqual(p.server.runtime.registry.upstreams().map((u) => u.label).sort(), [boot.spec, `tls://${NAME}#${dot.port}`].sort(), 'the bootstrap server is counted as a server too');
      const health = p.server.health().upstreams.map((u) => [u.server, u.addresses]);
      assert.deepEqual(health.sort(), [[boot.spec, undefined], [`tls://${NAME}#${dot.port}`, ['127.0.0.1']]].sort(), '/health shows the addresses of a named server');
      assert.deepEqual(p.server.metricsSnapshot().bootstrapLookups, { ok: 1, failed: 0 }, 'fandns_bootstrap_lookups_total');
    }));

  it('tries each address in turn until one connects', () =>
    withLab(hostAt(['127.0.0.2', '127.0.0.1']), (port, boot) => [`bootstrap-server=${boot}`, `server=tls://${NAME}#${port}`], async ({ p }) => {
      assert.deepEqual(await addressOf(p, 'www.example.com'), ['NOERROR', ['192.0.2.53']]);
    }));

  it('refuses a certificate that does not carry the name, whatever address the name has', () =>
    withLab((q) => ({ answers: q.type === 'A' ? [rr.a(q.name, '127.0.0.1')] : [] }), (port, boot) => [`bootstrap-server=${boot}`, `server=tls://other.fandns.test#${port}`], async ({ p, dot, log }) => {
      for (const n of ['a', 'b', 'c']) assert.equal((await p.query(`${n}.example.com`)).rcode, 'SERVFAIL');
      assert.equal(dot.queries.length, 0);
      const down = log.lines().find((l) => l.msg.startsWith('upstream is down'));
      assert.match(down?.msg ?? '', /other\.fandns\.test/, JSON.stringify(down));
    }));

  it('follows a server that moved once the TTL of its old address ran out', () =>
    withLab(hostAt(['127.0.0.2'], 1), (port, boot) => [`bootstrap-server=${boot}`, `server=tls://${NAME}#${port}`], async ({ p, boot }) => {
      assert.equal((await p.query('www.example.com')).rcode, 'SERVFAIL', 'nothing listens on 127.0.0.2');
      boot.setScript(hostAt(['127.0.0.1'], 300));
      await answeredWithin(p, 'www.example.com', 8000);
    }));

  it('with the bootstrap server silent, gives SERVFAIL and says why, and answers once it is back', () =>
    withLab(() => ({ drop: true }), (port, boot) => [`bootstrap-server=${boot}`, `server=tls://${NAME}#${port}`, 'upstream-timeout=300', 'query-timeout=1000'], async ({ p, boot, log }) => {
      assert.equal((await p.query('www.example.com')).rcode, 'SERVFAIL');
      await waitFor(() => log.lines().some((l) => l.msg.startsWith('cannot look up upstream host name')), 'the lookup failure line');
      const failed = log.lines().find((l) => l.msg.startsWith('cannot look up upstream host name'));
      assert.deepEqual([failed?.msg, failed?.['host'], failed?.['err']], ['cannot look up upstream host name: its server cannot be reached', NAME, `bootstrap: no answer for ${NAME}`]);
      const failedBefore = p.server.metricsSnapshot().bootstrapLookups.failed;
      assert.ok(failedBefore >= 1, 'counted as failed');
      boot.setScript(hostAt(['127.0.0.1']));
      await answeredWithin(p, 'www.example.com', 8000);
      assert.equal(p.server.metricsSnapshot().bootstrapLookups.ok, 1, 'and as ok once it answered');
    }));

  it('goes on with the addresses found last when the bootstrap server stops answering', () =>
    withLab(hostAt(['127.0.0.1'], 1), (port, boot) => [`bootstrap-server=${boot}`, `server=tls://${NAME}#${port}`, 'upstream-timeout=300', 'no-negcache', 'cache-size=0'], async ({ p, dot, boot }) => {
      dot.maxPerConnection = 1; // each query needs a new connection, so a new lookup once the TTL ran out
      assert.equal((await p.query('a.example.com')).rcode, 'NOERROR');
      boot.setScript(() => ({ drop: true }));
      await sleep(1100);
      assert.equal((await p.query('b.example.com')).rcode, 'NOERROR');
      assert.ok(dot.connectionQueries.length >= 2, 'a second connection');
      assert.ok(boot.queries.length > 2, 'the name was asked again');
    }));

  it('keeps the addresses found across a reload, which then needs no lookup', () =>
    withLab(hostAt(['127.0.0.1']), (port, boot) => [`bootstrap-server=${boot}`, `server=tls://${NAME}#${port}`], async ({ p, dot, boot }) => {
      assert.equal((await p.query('a.example.com')).rcode, 'NOERROR');
      const asked = boot.queries.length;
      boot.setScript(() => ({ drop: true }));
      p.server.reload(p.config);
      assert.equal((await p.query('b.example.com')).rcode, 'NOERROR');
      assert.equal(dot.connectionQueries.length, 2, 'the new runtime opened a connection of its own');
      assert.equal(boot.queries.length, asked, 'without asking the bootstrap server');
      assert.deepEqual(p.server.metricsSnapshot().bootstrapLookups, { ok: 1, failed: 0 }, 'the count goes on across the reload');
    }));
});

describe('server=https://<host name> with bootstrap-server=', () => {
  it('looks the name up, and asks with it as SNI and as the :authority', async () => {
    const doh = await FakeDohUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.80', 60)] }));
    const boot = await FakeUpstream.start(hostAt(['127.0.0.1']));
    try {
      const p = await startProxy([`tls-ca-file=${CA}`, `bootstrap-server=${boot.spec}`, `server=https://${NAME}:${doh.port}/dns-query`].join('\n'));
      try {
        assert.deepEqual(await addressOf(p, 'www.example.com'), ['NOERROR', ['192.0.2.80']]);
        assert.deepEqual(doh.connections, [NAME]);
        assert.equal(doh.requests[0]?.authority, `${NAME}:${doh.port}`);
      } finally {
        await p.stop();
      }
    } finally {
      await doh.close();
      await boot.close();
    }
  });
});

describe('admin-api rules with a tls:// host name', () => {
  /** A proxy with admin-api (and `extra` lines) and the DoT server; `body` gets the rules URL. */
  async function withAdmin(extra: (boot: string) => string[], body: (p: TestProxy, rules: string, dot: FakeUpstream, boot: FakeUpstream) => Promise<void>): Promise<void> {
    const dot = await FakeUpstream.start(answer('192.0.2.53'), 0, SIGNED);
    const boot = await FakeUpstream.start(hostAt(['127.0.0.1']));
    try {
      const p = await startProxy([`tls-ca-file=${CA}`, 'metrics-address=127.0.0.1:0', 'admin-api', ...extra(boot.spec)].join('\n'));
      try {
        await body(p, `http://${p.server.metricsEndpoint}/rules`, dot, boot);
      } finally {
        await p.stop();
      }
    } finally {
      await dot.close();
      await boot.close();
    }
  }
  const put = (rules: string, domain: string, servers: string[]) => fetch(`${rules}/${domain}`, { method: 'PUT', body: JSON.stringify({ servers }) });

  it('are refused with 400 when the configuration has no bootstrap-server=, and nothing changes', () =>
    withAdmin(() => [], async (p, rules, dot) => {
      const res = await put(rules, 'dot.test', [`tls://${NAME}#${dot.port}`]);
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { error: `admin-api: server tls://${NAME} is named by a host name: add bootstrap-server=ADDR, a server to look it up with` });
      assert.deepEqual(await (await fetch(rules)).json(), { rules: [] });
      assert.equal((await p.query('a.dot.test')).rcode, 'REFUSED', 'no server for it, as before');
    }));

  it('work with bootstrap-server=; a SIGHUP to a configuration without it is refused, keeping everything', () =>
    withAdmin((boot) => [`bootstrap-server=${boot}`], async (p, rules, dot) => {
      assert.equal((await put(rules, 'dot.test', [`tls://${NAME}#${dot.port}`])).status, 200);
      assert.deepEqual(await addressOf(p, 'a.dot.test'), ['NOERROR', ['192.0.2.53']]);
      const without = parseConfigText(`${TEST_PREAMBLE}tls-ca-file=${CA}\nmetrics-address=127.0.0.1:0\nadmin-api`, 'next.conf');
      assert.equal(p.server.reloadFrom(() => without), false);
      assert.equal(p.server.runtime.config.forward.bootstrap.length, 1, 'the running configuration stays');
      assert.deepEqual(await addressOf(p, 'b.dot.test'), ['NOERROR', ['192.0.2.53']]);
    }));
});
