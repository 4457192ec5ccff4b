/**
 * admin-rules-file on the wire: a rule PUT over admin-api is written to the file, a restarted
 * server lays it over its configuration before the first query (GET /rules lists it, names go to
 * its server), and a DELETE is written too. Then the real command with workers=2: the primary
 * writes the file, and after a restart both workers route by the kept rule.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleView } from '../../src/admin/runtime-rules.js';
import { startCli, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { answerData, query } from '../helpers/dns-client.js';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';

/** An upstream answering every A question with `address`. */
const answering = (address: string) => FakeUpstream.start((q) => ({ answers: q.type === 'A' ? [rr.a(q.name, address, 60)] : [] }));

/** The rules kept in `file`. */
const kept = (file: string): RuleView[] => (JSON.parse(readFileSync(file, 'utf8')) as { rules: RuleView[] }).rules;

const rulesAt = async (base: string) => ((await (await fetch(`${base}/rules`)).json()) as { rules: RuleView[] }).rules;

describe('admin-rules-file', () => {
  it('keeps a PUT rule across a restart, and a DELETE too', async () => {
    const [configured, runtime] = await Promise.all([answering('10.0.0.1'), answering('10.0.0.2')]);
    const dir = mkdtempSync(join(tmpdir(), 'fandns-admin-file-'));
    const file = join(dir, 'rules.json');
    const conf = [`server=/svc.test/${configured.spec}`, 'metrics-address=127.0.0.1:0', 'admin-api', `admin-rules-file=${file}`].join('\n');
    try {
      const first = await startProxy(conf);
      const base1 = `http://${first.server.metricsEndpoint}`;
      const res = await fetch(`${base1}/rules/svc.test`, { method: 'PUT', body: JSON.stringify({ servers: [runtime.spec] }) });
      assert.equal(res.status, 200);
      assert.deepEqual(kept(file).map((r) => [r.domain, r.servers]), [['svc.test', [runtime.spec]]]);
      await first.stop();

      const second = await startProxy(conf);
      const base2 = `http://${second.server.metricsEndpoint}`;
      try {
        assert.deepEqual((await rulesAt(base2)).map((r) => [r.domain, r.servers]), [['svc.test', [runtime.spec]]]);
        assert.deepEqual(answerData((await second.query('web.svc.test')).packet), ['10.0.0.2'], 'routed by the kept rule from the first query');
        assert.equal(configured.count('web.svc.test'), 0);
        assert.equal((await fetch(`${base2}/rules/svc.test`, { method: 'DELETE' })).status, 200);
        assert.deepEqual(kept(file), []);
      } finally {
        await second.stop();
      }
    } finally {
      await Promise.all([configured.close(), runtime.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with workers=2 the primary writes it, and after a restart every worker routes by it (CLI)', async () => {
    const [configured, runtime] = await Promise.all([answering('10.0.0.1'), answering('10.0.0.2')]);
    const dir = mkdtempSync(join(tmpdir(), 'fandns-admin-file-'));
    const file = join(dir, 'rules.json');
    const port = await freePort();
    const metrics = `127.0.0.1:${await freePort()}`;
    const args = ['--workers=2', `--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', '--user=root', '--log-queries',
      `--server=/svc.test/${configured.spec}`, `--metrics-address=${metrics}`, '--admin-api', `--admin-rules-file=${file}`];
    let cli: CliProcess | undefined;
    try {
      cli = await startCli(args, 15_000);
      await waitForLog(cli, (r) => r['msg'] === 'cluster started', 1, 15_000);
      const res = await fetch(`http://${metrics}/rules/svc.test`, { method: 'PUT', body: JSON.stringify({ servers: [runtime.spec] }) });
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(kept(file).map((r) => r.domain), ['svc.test']);
      assert.deepEqual(await cli.stop('SIGTERM'), { code: 0, signal: null });

      cli = await startCli(args, 15_000);
      const [started] = await waitForLog(cli, (r) => r['msg'] === 'cluster started', 1, 15_000);
      assert.deepEqual((await rulesAt(`http://${metrics}`)).map((r) => r.domain), ['svc.test']);
      const names = Array.from({ length: 20 }, (_, i) => `w${i}.svc.test`);
      const replies = await Promise.all(names.map((n) => query(port, n, { tcp: true, timeoutMs: 8000 })));
      assert.ok(replies.every((r) => answerData(r.packet)[0] === '10.0.0.2'), 'every answer from the kept rule\'s server');
      const pids = new Set((await waitForLog(cli, (r) => r['msg'] === 'query' && names.includes(String(r['qname'])), names.length)).map((r) => r['pid']));
      assert.deepEqual([...pids].sort(), [...(started!['workers'] as number[])].sort(), 'both workers answered some');
    } finally {
      await cli?.stop('SIGTERM');
      await Promise.all([configured.close(), runtime.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
