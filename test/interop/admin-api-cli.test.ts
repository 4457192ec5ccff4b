/**
 * admin-api as an operator uses it: the real `fandns` command with a config file, curl-like HTTP
 * requests to /rules, and dig as the DNS client. PUT reroutes a configured domain, a SIGHUP
 * (kill -HUP) keeps the runtime rule, DELETE gives the configured servers back, and the change
 * is in the operational log with its peer (workers=2: test/integration/admin-api-workers.test.ts).
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logRecords, startCli, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { dig } from '../helpers/dig.js';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { skipUnless } from '../helpers/tools.js';

/** An upstream that answers every A question with `address`. */
const answering = (address: string): Promise<FakeUpstream> =>
  FakeUpstream.start((q) => ({ answers: q.type === 'A' ? [rr.a(q.name, address, 60)] : [] }));

describe('admin-api: fandns (CLI), HTTP and dig', { skip: skipUnless('dig') }, () => {
  const ups: FakeUpstream[] = [];
  let dir: string;
  let cli: CliProcess;
  let base: string;
  const ask = async (name: string) => {
    const r = await dig(cli.port, ['-t', 'A', name, '+tries=1', '+time=3']);
    return [r.status, ...r.answer.filter((a) => a.type === 'A').map((a) => a.data)].join(' ');
  };

  before(async () => {
    for (const a of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) ups.push(await answering(a));
    dir = mkdtempSync(join(tmpdir(), 'fandns-admin-'));
    const conf = join(dir, 'fandns.conf');
    const port = await freePort();
    const metrics = `127.0.0.1:${await freePort()}`;
    writeFileSync(conf, [
      `port=${port}`, 'listen-address=127.0.0.1', 'no-resolv', 'no-hosts', 'user=root',
      `server=${ups[0]!.spec}`, `server=/service.consul/${ups[1]!.spec}`,
      `metrics-address=${metrics}`, 'admin-api', '',
    ].join('\n'));
    cli = await startCli([`--conf-file=${conf}`, '--keep-in-foreground']);
    base = `http://${metrics}`;
  });
  after(async () => {
    await cli?.stop();
    for (const u of ups) await u.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('PUT reroutes the domain; SIGHUP keeps it; DELETE gives the configured server back', async () => {
    assert.equal(await ask('web.service.consul'), 'NOERROR 192.0.2.2');
    const res = await fetch(`${base}/rules/service.consul`, { method: 'PUT', body: JSON.stringify({ servers: [ups[2]!.spec] }) });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(await ask('web.service.consul'), 'NOERROR 192.0.2.3');
    assert.equal(await ask('other.example'), 'NOERROR 192.0.2.1');

    process.kill(cli.pid, 'SIGHUP');
    await waitForLog(cli, (r) => r['msg'] === 'configuration reloaded');
    assert.equal(await ask('api.service.consul'), 'NOERROR 192.0.2.3');

    assert.equal((await fetch(`${base}/rules/service.consul`, { method: 'DELETE' })).status, 200);
    assert.equal(await ask('db.service.consul'), 'NOERROR 192.0.2.2');
    const changes = logRecords(cli).filter((r) => typeof r['msg'] === 'string' && (r['msg'] as string).startsWith('admin-api: runtime rule'));
    assert.deepEqual(changes.map((r) => [r['msg'], r['admin'], r['domain']]), [
      ['admin-api: runtime rule set', '127.0.0.1', 'service.consul'],
      ['admin-api: runtime rule removed', '127.0.0.1', 'service.consul'],
    ]);
  });
});
