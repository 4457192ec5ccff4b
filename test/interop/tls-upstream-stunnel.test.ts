/**
 * DNS over TLS to real peers: dnsmasq 2.90 answers behind stunnel (OpenSSL), the usual way to give
 * a clear-text server a DNS-over-TLS front. kdig, a DNS-over-TLS client nobody here wrote, asks
 * that front directly, as the reference; the real `fandns` process, with
 * `server=tls://127.0.0.1#PORT,dns.fandns.test` and the test CA, must give dig the same answers,
 * keep one connection for many queries, and refuse the front when the name does not match.
 * dnsmasq closes a TCP connection after 100 queries (TCP_MAX_QUERIES, verified: 100 answers, then
 * the close) while more are on their way; a burst of 400 must still get 400 answers, over TLS
 * and over plain TCP (force-tcp), without marking dnsmasq down.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { buildQuery, udpBurst } from '../helpers/dns-client.js';
import { dig, kdig } from '../helpers/dig.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { startStunnel, TLS_FIXTURE, type RunningStunnel } from '../helpers/stunnel.js';
import { skipUnless } from '../helpers/tools.js';

const CA = TLS_FIXTURE('ca.pem');

describe('server=tls:// with dnsmasq behind stunnel', { skip: skipUnless('dig', 'kdig', 'dnsmasq', 'stunnel4') }, () => {
  let dnsmasq: RunningDnsmasq;
  let front: RunningStunnel;
  let fandns: CliProcess;

  before(async () => {
    dnsmasq = await startDnsmasq('address=/svc.tls.test/192.0.2.71\nhost-record=multi.tls.test,192.0.2.72\nhost-record=multi.tls.test,192.0.2.73\ntxt-record=txt.tls.test,"over tls"');
    front = await startStunnel(dnsmasq.port);
    fandns = await startCli([
      '--no-resolv', '--no-hosts', '--port=0', '--listen-address=127.0.0.1',
      `--server=tls://127.0.0.1#${front.port},dns.fandns.test`, `--tls-ca-file=${CA}`, '--dns-forward-max=1000',
    ]);
  });

  after(async () => {
    await fandns?.stop();
    await front?.stop();
    await dnsmasq?.stop();
  });

  const answers = (r: Awaited<ReturnType<typeof dig>>) => r.answer.map((a) => `${a.type} ${a.data}`).sort();

  it('kdig over TLS to the front and dig through fandns get the same answers', async () => {
    for (const [name, type] of [['svc.tls.test', 'A'], ['multi.tls.test', 'A'], ['txt.tls.test', 'TXT']] as const) {
      const reference = await kdig(front.port, ['+tls', `+tls-ca=${CA}`, '+tls-hostname=dns.fandns.test', '-t', type, name]);
      const got = await dig(fandns.port, ['+tries=1', '+time=5', '-t', type, name]);
      assert.equal(reference.status, 'NOERROR', name);
      assert.equal(got.status, reference.status, name);
      assert.deepEqual(answers(got), answers(reference), name);
      assert.ok(got.answer.length > 0, name);
    }
  });

  it('many queries at once share one TLS connection', async () => {
    const before = (front.log().match(/accepted connection/g) ?? []).length;
    assert.ok(before > 0, 'stunnel logs each connection it accepts');
    const names = Array.from({ length: 30 }, (_, i) => `n${i}.svc.tls.test`);
    const got = await Promise.all(names.map((n) => dig(fandns.port, ['+tries=1', '+time=5', n])));
    assert.ok(got.every((r) => r.status === 'NOERROR' && r.answer[0]?.data === '192.0.2.71'));
    const after = (front.log().match(/accepted connection/g) ?? []).length;
    assert.ok(after - before <= 1, `${after - before} new TLS connections for 30 queries`);
  });

  /** Sends 400 distinct names at once to `port` (dns-forward-max=1000 lets them all through): how many answers came, how many not NOERROR. */
  const burst = async (port: number, tag: string) => {
    const queries = Array.from({ length: 400 }, (_, i) => buildQuery(`${tag}${i}.svc.tls.test`, { id: i + 1 }));
    const got = await udpBurst(queries, port, 10_000);
    return { answered: got.size, bad: [...got.values()].filter((m) => (m[3]! & 0x0f) !== 0).length };
  };

  it('400 queries at once: all answered though dnsmasq closes each connection after 100', async () => {
    assert.deepEqual(await burst(fandns.port, 'burst'), { answered: 400, bad: 0 });
    assert.doesNotMatch(fandns.stderr(), /upstream is down/);
  });

  it('the same over plain TCP (force-tcp) straight to dnsmasq', async () => {
    const tcp = await startCli(['--no-resolv', '--no-hosts', '--port=0', '--listen-address=127.0.0.1', '--force-tcp', `--server=${dnsmasq.spec}`, '--dns-forward-max=1000']);
    try {
      assert.deepEqual(await burst(tcp.port, 'plain'), { answered: 400, bad: 0 });
      assert.doesNotMatch(tcp.stderr(), /upstream is down/);
    } finally {
      await tcp.stop();
    }
  });

  it('a name the certificate does not carry: no answer through the front, SERVFAIL and a reason in the log', async () => {
    const wrong = await startCli([
      '--no-resolv', '--no-hosts', '--port=0', '--listen-address=127.0.0.1',
      `--server=tls://127.0.0.1#${front.port},wrong.fandns.test`, `--tls-ca-file=${CA}`,
    ]);
    try {
      for (let i = 0; i < 3; i++) assert.equal((await dig(wrong.port, ['+tries=1', '+time=5', `x${i}.svc.tls.test`])).status, 'SERVFAIL');
      assert.match(wrong.stderr(), /upstream is down.*altnames/);
    } finally {
      await wrong.stop();
    }
  });
});
