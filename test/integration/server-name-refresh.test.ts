/**
 * server-name-refresh= through the real command: a clear-text server named by host name is looked
 * up again while fandns runs (through bootstrap-server=, a scripted server here), and when its
 * address changes the queries go to the new one without a SIGHUP, the cache kept; a failed lookup
 * keeps the addresses; a servers-file line whose name had no address at start comes in once it has
 * one; /metrics counts each lookup's result and /health names the server's host name. With workers=2 each worker follows on its own.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, freePort, rr, type Script } from '../helpers/fake-upstream.js';
import { answerData, query } from '../helpers/dns-client.js';
import { askAcrossWorkers, startCli, startCluster, stopCluster, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { TempTree } from '../helpers/config.js';
import { promSample } from '../helpers/prom-text.js';

const NAME = 'consul.fandns.test';
const LATE = 'late.fandns.test';

/** A bootstrap script: `addresses[name]` for that name's A question, NXDOMAIN for any other. */
const bootAnswers = (addresses: Record<string, string>): Script => (q) => {
  const a = addresses[q.name.toLowerCase()];
  return a !== undefined && q.type === 'A' ? { answers: [rr.a(q.name, a, 60)] } : { rcode: 'NXDOMAIN' };
};

describe('server-name-refresh= (CLI process)', () => {
  let first: FakeUpstream;
  let moved: FakeUpstream;
  let boot: FakeUpstream;
  let tree: TempTree;
  let cli: CliProcess;
  let metrics: string;

  const ask = async (name: string) => answerData((await query(cli.port, name, { timeoutMs: 5000 })).packet);
  const refreshes = async (result: string) =>
    promSample(await (await fetch(`http://${metrics}/metrics`)).text(), `fandns_server_name_refreshes_total{result="${result}"}`);

  before(async () => {
    first = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 60)] }));
    // The same server moved to another address, on the same port.
    moved = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.2', 60)] }), first.port, null, '127.0.0.2');
    boot = await FakeUpstream.start(bootAnswers({ [NAME]: '127.0.0.1' }));
    tree = new TempTree('fandns-name-refresh-');
    const servers = tree.write('servers', `server=/late.test/${LATE}#${first.port}\n`);
    metrics = `127.0.0.1:${await freePort()}`;
    cli = await startCli(['--no-resolv', '--no-hosts', '--port=0', '--listen-address=127.0.0.1', '--upstream-timeout=300',
      `--bootstrap-server=${boot.spec}`, `--server=/consul/${NAME}#${first.port}`, `--servers-file=${servers}`,
      '--server-name-refresh=1', `--metrics-address=${metrics}`, '--admin-api']);
  });
  after(async () => {
    await cli?.stop();
    for (const f of [first, moved, boot]) await f?.close();
    tree?.remove();
  });

  it('forwards to the address found at start, and the servers-file line without one is left out', async () => {
    assert.deepEqual(await ask('a.consul'), ['10.0.0.1']);
    assert.equal((await query(cli.port, 'x.late.test', { timeoutMs: 5000 })).rcode, 'REFUSED', 'no server for it yet');
    assert.match(cli.stderr(), /servers:1: cannot look up server name \\"late\.fandns\.test\\"/);
  });

  it('follows the server to its new address without a SIGHUP, keeping the cache and admin-api\'s rules', async () => {
    const put = await fetch(`http://${metrics}/rules/kv.test`, { method: 'PUT', body: JSON.stringify({ servers: [first.spec] }) });
    assert.equal(put.status, 200, await put.text());
    boot.setScript(bootAnswers({ [NAME]: '127.0.0.2' }));
    const [changed] = await waitForLog(cli, (r) => r['msg'] === 'server name looked up to new addresses' && r['host'] === NAME);
    assert.deepEqual({ addresses: changed!['addresses'], before: changed!['before'] }, { addresses: ['127.0.0.2'], before: ['127.0.0.1'] });
    assert.deepEqual(await ask('b.consul'), ['10.0.0.2'], 'a new name goes to the new address');
    assert.ok(moved.queries.some((q) => q.name === 'b.consul'));
    assert.ok(!first.queries.some((q) => q.name === 'b.consul'), 'and not to the old one');
    const asked = first.queries.length + moved.queries.length;
    assert.deepEqual(await ask('a.consul'), ['10.0.0.1'], 'the answer cached before is kept');
    assert.equal(first.queries.length + moved.queries.length, asked, 'from the cache');
    assert.deepEqual(await ask('v.kv.test'), ['10.0.0.1'], 'the runtime rule stays laid over the new configuration');
    assert.ok((await refreshes('changed'))! >= 1);
    const health = await (await fetch(`http://${metrics}/health`)).json() as { upstreams: { server: string; names?: string[] }[] };
    assert.deepEqual(health.upstreams.map((u) => [u.server, u.names ?? null]).sort(), [[first.spec, null], [`127.0.0.2#${first.port}`, [NAME]]],
      '/health: the new address with the name it came from, and the runtime rule\'s server');
  });

  it('keeps the addresses while the name cannot be looked up, and counts the failures', async () => {
    boot.setScript(() => ({ rcode: 'SERVFAIL' }));
    const [failed] = await waitForLog(cli, (r) => r['msg'] === 'cannot look up server name again; its servers keep their addresses' && r['host'] === NAME);
    assert.deepEqual(failed!['addresses'], ['127.0.0.2']);
    assert.match(String(failed!['err']), /SERVFAIL/);
    assert.deepEqual(await ask('c.consul'), ['10.0.0.2']);
    assert.ok((await refreshes('failed'))! >= 1);
  });

  it('brings in the servers-file line once its name has an address', async () => {
    boot.setScript(bootAnswers({ [NAME]: '127.0.0.2', [LATE]: '127.0.0.1' }));
    await waitForLog(cli, (r) => r['msg'] === 'server name looked up to new addresses' && r['host'] === LATE);
    assert.deepEqual(await ask('y.late.test'), ['10.0.0.1']);
    assert.ok(first.queries.some((q) => q.name === 'y.late.test'));
    assert.deepEqual(await ask('d.consul'), ['10.0.0.2'], 'the other name keeps its new address');
    assert.ok((await refreshes('unchanged'))! >= 1);
  });
});

describe('server-name-refresh= with workers=2', () => {
  it('every worker follows the server to its new address', async () => {
    const first = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 60)] }));
    const moved = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.2', 60)] }), first.port, null, '127.0.0.2');
    const boot = await FakeUpstream.start(bootAnswers({ [NAME]: '127.0.0.1' }));
    let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
    try {
      cluster = await startCluster(['--workers=2', `--port=${await freePort()}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts',
        '--upstream-timeout=300', `--bootstrap-server=${boot.spec}`, `--server=/consul/${NAME}#${first.port}`, '--server-name-refresh=1']);
      const port = cluster.cli.port;
      assert.deepEqual(await askAcrossWorkers(port, 8, (i) => `before${i}.consul`), Array(8).fill('NOERROR'));
      assert.equal(first.queries.length, 8);
      boot.setScript(bootAnswers({ [NAME]: '127.0.0.2' }));
      await waitForLog(cluster.cli, (r) => r['msg'] === 'server name looked up to new addresses', 2);
      assert.deepEqual(await askAcrossWorkers(port, 8, (i) => `after${i}.consul`), Array(8).fill('NOERROR'));
      assert.equal(moved.queries.filter((q) => q.name.startsWith('after')).length, 8, 'from both workers');
      assert.equal(first.queries.filter((q) => q.name.startsWith('after')).length, 0);
    } finally {
      await stopCluster(cluster?.cli, cluster?.workers);
      for (const f of [first, moved, boot]) await f.close();
    }
  });
});
