/**
 * tls-port= and https-port= with workers=2, through the real command: new DNS-over-TLS
 * connections and DNS-over-HTTPS requests are spread over both workers (cluster round-robin, as
 * for TCP), and a SIGHUP after the certificate files were replaced makes every worker present
 * the new certificate.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logRecords, startCluster, stopCluster, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { answerData, buildQuery } from '../helpers/dns-client.js';
import { dohRequest, dotConnect } from '../helpers/encrypted-client.js';
import { TLS_FIXTURE } from '../helpers/stunnel.js';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import dnsPacket from 'dns-packet';

const withMsg = (msg: string) => (r: Record<string, unknown>) => r['msg'] === msg;

/** Opens `n` DoT connections one after another, one query each; returns their certificates' fingerprints. */
async function dotRound(port: number, n: number, prefix: string, ca: Buffer | null | undefined = undefined): Promise<string[]> {
  const prints: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await dotConnect(port, ca);
    try {
      const [reply] = await c.exchange([buildQuery(`${prefix}-${i}.test`, { id: i })], 8000);
      assert.deepEqual(answerData(dnsPacket.decode(reply!)), ['10.0.0.9']);
      prints.push(c.cert.fingerprint256);
    } finally {
      c.close();
    }
  }
  return prints;
}

describe('tls-port and https-port with workers=2 (CLI process)', () => {
  let up: FakeUpstream;
  let cli: CliProcess;
  let dir: string;
  let workers: number[];
  let dot: number;
  let doh: number;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-tls-workers-'));
    copyFileSync(TLS_FIXTURE('server.pem'), join(dir, 'cert.pem'));
    copyFileSync(TLS_FIXTURE('server.key'), join(dir, 'key.pem'));
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.9', 300)] }));
    dot = await freePort();
    doh = await freePort();
    ({ cli, workers } = await startCluster(['--workers=2', `--port=${await freePort()}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', '--user=root',
      `--server=${up.spec}`, '--log-queries', `--tls-port=${dot}`, `--https-port=${doh}`,
      `--tls-cert-file=${join(dir, 'cert.pem')}`, `--tls-key-file=${join(dir, 'key.pem')}`]));
  });
  after(async () => {
    await stopCluster(cli, workers);
    await up?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('spreads DoT connections and DoH requests over both workers', async () => {
    await dotRound(dot, 8, 'dot');
    for (let i = 0; i < 8; i++) {
      const r = await dohRequest({ port: doh, method: 'POST', contentType: 'application/dns-message', body: buildQuery(`doh-${i}.test`), http1: true });
      assert.equal(r.status, 200);
    }
    const records = await waitForLog(cli, (r) => r['msg'] === 'query' && (r['proto'] === 'tls' || r['proto'] === 'https'), 16);
    for (const proto of ['tls', 'https']) {
      const pids = new Set(records.filter((r) => r['proto'] === proto).map((r) => r['pid']));
      assert.deepEqual([...pids].sort(), [...workers].sort(), `${proto} in both workers`);
    }
  });

  it('a SIGHUP after the files were replaced: every worker presents the new certificate', async () => {
    copyFileSync(TLS_FIXTURE('self-signed.pem'), join(dir, 'cert.pem'));
    copyFileSync(TLS_FIXTURE('self-signed.key'), join(dir, 'key.pem'));
    process.kill(cli.pid, 'SIGHUP');
    await waitForLog(cli, withMsg('TLS certificate reloaded'), 2);
    const expected = new X509Certificate(readFileSync(TLS_FIXTURE('self-signed.pem'))).fingerprint256;
    assert.deepEqual(new Set(await dotRound(dot, 6, 'after', null)), new Set([expected]));
    const reloaded = logRecords(cli).filter(withMsg('TLS certificate reloaded')).map((r) => r['pid']);
    assert.deepEqual([...new Set(reloaded)].sort(), [...workers].sort());
  });
});
