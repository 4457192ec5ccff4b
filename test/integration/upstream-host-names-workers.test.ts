/**
 * A DNS-over-TLS server named by host name under workers=2, through the real command: each worker
 * looks the name up through bootstrap-server= on its own, both answer over it, and the primary's
 * /health shows the addresses the workers found; SIGHUP keeps them, with no new lookup.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { FakeUpstream, freePort, rr, type TlsIdentity } from '../helpers/fake-upstream.js';
import { askAcrossWorkers, startCluster, stopCluster, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { TLS_FIXTURE } from '../helpers/stunnel.js';

const NAME = 'dns.fandns.test';
const SIGNED: TlsIdentity = { cert: readFileSync(TLS_FIXTURE('server.pem')), key: readFileSync(TLS_FIXTURE('server.key')) };

describe('server=tls://<host name> with workers=2 (CLI process)', () => {
  let dot: FakeUpstream;
  let boot: FakeUpstream;
  let cli: CliProcess;
  let workers: number[];
  let port: number;
  let metrics: string;
  before(async () => {
    dot = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.7', 300)] }), 0, SIGNED);
    boot = await FakeUpstream.start((q) => ({ answers: q.type === 'A' && q.name.toLowerCase() === NAME ? [rr.a(q.name, '127.0.0.1', 300)] : [] }));
    port = await freePort();
    metrics = `127.0.0.1:${await freePort()}`;
    ({ cli, workers } = await startCluster(['--workers=2', `--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts',
      `--bootstrap-server=${boot.spec}`, `--server=tls://${NAME}#${dot.port}`, `--tls-ca-file=${TLS_FIXTURE('ca.pem')}`, `--metrics-address=${metrics}`]));
  });
  after(async () => {
    await stopCluster(cli, workers);
    await dot?.close();
    await boot?.close();
  });

  it('answers over the named server from both workers, each having looked the name up', async () => {
    assert.deepEqual(await askAcrossWorkers(port, 8, (i) => `w${i}.example.com`), Array(8).fill('NOERROR'));
    const found = await waitForLog(cli, (r) => r['msg'] === 'upstream host name looked up through bootstrap-server', 2);
    assert.deepEqual(new Set(found.map((r) => r['pid'])), new Set(workers));
    assert.ok(found.every((r) => r['host'] === NAME && JSON.stringify(r['addresses']) === '["127.0.0.1"]'));
    const health = (await (await fetch(`http://${metrics}/health`)).json()) as { upstreams: { server: string; addresses?: string[] }[] };
    assert.deepEqual(health.upstreams.find((u) => u.server === `tls://${NAME}#${dot.port}`)?.addresses, ['127.0.0.1']);
  });

  it('keeps the addresses across SIGHUP: no new lookup', async () => {
    const asked = boot.queries.length;
    process.kill(cli.pid, 'SIGHUP');
    await waitForLog(cli, (r) => r['msg'] === 'configuration reloaded', 2);
    assert.deepEqual(await askAcrossWorkers(port, 8, (i) => `h${i}.example.com`), Array(8).fill('NOERROR'));
    assert.equal(boot.queries.length, asked);
  });
});
