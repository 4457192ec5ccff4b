/**
 * admin-api under workers=2 through the real command: a PUT on the primary reroutes the domain
 * in both workers (queries over TCP, spread round-robin, all go to the new server, and both
 * workers answer some); a worker killed by PID is replaced by one that routes the same way; the
 * change is logged once and counted once in the summed /metrics; DELETE gives the configured
 * server back; bad requests, and a tls:// host name the configuration cannot look up, get a single
 * process's answers.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { answerData, query } from '../helpers/dns-client.js';
import { logRecords, startCluster, stopCluster, waitForLog, type CliProcess } from '../helpers/cli-process.js';
import { isAlive, waitGone } from '../helpers/proc.js';
import { promSample } from '../helpers/prom-text.js';
import { AdminRequestError, parseAdminRequest } from '../../src/admin/rules-request.js';

const withMsg = (msg: string) => (r: Record<string, unknown>) => r['msg'] === msg;

/** An upstream that answers every A question with `address`. */
const answering = (address: string): Promise<FakeUpstream> =>
  FakeUpstream.start((q) => ({ answers: q.type === 'A' ? [rr.a(q.name, address, 60)] : [] }));

/** The message a single process answers `method path body` with (parseAdminRequest's refusal). */
function singleProcessRefusal(method: string, path: string, body: string | null): { status: number; error: string } {
  try {
    parseAdminRequest(method, path, body);
  } catch (err) {
    if (err instanceof AdminRequestError) return { status: err.status, error: err.message };
    throw err;
  }
  throw new Error('accepted');
}

describe('admin-api with workers=2 (CLI process)', () => {
  const ups: FakeUpstream[] = [];
  let cli: CliProcess;
  let port: number;
  let base: string;
  let workers: number[];

  /** The A answers (or the rcode) of `n` queries under service.consul, each on its own TCP connection, with their log records' worker PIDs. */
  async function consul(prefix: string, n: number): Promise<{ answers: Set<string>; pids: Set<number> }> {
    const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}.service.consul`);
    const replies = await Promise.all(names.map((name) => query(port, name, { tcp: true, timeoutMs: 8000 })));
    const answers = new Set(replies.map((r) => (r.rcode === 'NOERROR' ? answerData(r.packet).join(',') : r.rcode)));
    const wanted = new Set(names);
    const records = await waitForLog(cli, (r) => r['msg'] === 'query' && wanted.has(String(r['qname'])), n);
    return { answers, pids: new Set(records.map((r) => r['pid'] as number)) };
  }

  const metricsValue = async (series: string) => promSample(await (await fetch(`${base}/metrics`)).text(), series);

  before(async () => {
    for (const a of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) ups.push(await answering(a));
    port = await freePort();
    const metrics = `127.0.0.1:${await freePort()}`;
    base = `http://${metrics}`;
    ({ cli, workers } = await startCluster(['--workers=2', `--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', '--user=root',
      `--server=${ups[0]!.spec}`, `--server=/service.consul/${ups[1]!.spec}`, `--metrics-address=${metrics}`, '--admin-api', '--log-queries']));
  });
  after(async () => {
    await stopCluster(cli, workers);
    for (const u of ups) await u.close();
  });

  it('starts without the old "not supported" warning', () => {
    assert.ok(!logRecords(cli).some((r) => /admin-api/.test(String(r['msg']))), cli.stderr());
  });

  it('PUT reroutes the domain in every worker; the change is logged and counted once', async () => {
    assert.deepEqual([...(await consul('before', 4)).answers], ['192.0.2.2']);
    const res = await fetch(`${base}/rules/service.consul`, { method: 'PUT', body: JSON.stringify({ servers: [ups[2]!.spec] }) });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(((await res.json()) as { servers: string[] }).servers, [ups[2]!.spec]);
    const after = await consul('moved', 30);
    assert.deepEqual([...after.answers], ['192.0.2.3']);
    assert.deepEqual([...after.pids].sort(), [...workers].sort(), 'both workers answered some');
    const listed = (await (await fetch(`${base}/rules`)).json()) as { rules: { domain: string; by: string }[] };
    assert.deepEqual(listed.rules.map((r) => [r.domain, r.by]), [['service.consul', '127.0.0.1']]);
    const logged = logRecords(cli).filter(withMsg('admin-api: runtime rule set'));
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!['pid'], cli.pid, 'the primary logs it');
    assert.equal(logged[0]!['admin'], '127.0.0.1');
    assert.equal(await metricsValue('fandns_admin_rule_changes_total'), 1);
  });

  it('a worker killed by PID is replaced by one that routes by the runtime rule', async () => {
    const [victim, survivor] = workers as [number, number];
    process.kill(victim, 'SIGKILL');
    const [replaced] = await waitForLog(cli, withMsg('worker replaced'), 1, 15_000);
    const fresh = replaced!['workerPid'] as number;
    assert.ok(fresh !== victim && fresh !== survivor && isAlive(fresh));
    assert.ok(await waitGone(victim));
    workers = [survivor, fresh];
    const after = await consul('replaced', 30);
    assert.deepEqual([...after.answers], ['192.0.2.3']);
    assert.ok(after.pids.has(fresh), 'the new worker answered some');
    const health = (await (await fetch(`${base}/health`)).json()) as { workers: { pid: number }[] };
    assert.deepEqual(health.workers.map((w) => w.pid).sort(), [...workers].sort());
    assert.equal(await metricsValue('fandns_admin_rule_changes_total'), 1, 'not counted again by the new worker');
  });

  it('DELETE gives the configured server back in every worker', async () => {
    const res = await fetch(`${base}/rules/service.consul`, { method: 'DELETE' });
    assert.equal(res.status, 200, await res.clone().text());
    const after = await consul('restored', 30);
    assert.deepEqual([...after.answers], ['192.0.2.2']);
    assert.equal(after.pids.size, 2);
    assert.deepEqual(((await (await fetch(`${base}/rules`)).json()) as { rules: unknown[] }).rules, []);
    assert.equal(logRecords(cli).filter(withMsg('admin-api: runtime rule removed')).length, 1);
    assert.equal(await metricsValue('fandns_admin_rule_changes_total'), 2);
  });

  it('answers bad requests as a single process does', async () => {
    const cases: [string, string, string | null][] = [
      ['PUT', '/rules/service.consul', '{"servers":[]}'],
      ['PUT', '/rules/service.consul', '{"servers":["not an address"]}'],
      ['PUT', '/rules/*.consul', '{"servers":["127.0.0.1"]}'],
      ['POST', '/rules', null],
    ];
    for (const [method, path, body] of cases) {
      const res = await fetch(`${base}${path}`, body === null ? { method } : { method, body });
      assert.deepEqual({ status: res.status, ...((await res.json()) as { error: string }) }, singleProcessRefusal(method, path, body), `${method} ${path}`);
    }
    const missing = await fetch(`${base}/rules/service.consul`, { method: 'DELETE' });
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'no runtime rule for service.consul' });
    assert.equal(await metricsValue('fandns_admin_rule_changes_total'), 2);
  });

  it('refuses a tls:// host name without bootstrap-server= with 400 and the reason a single process gives; no worker changes', async () => {
    const res = await fetch(`${base}/rules/service.consul`, { method: 'PUT', body: JSON.stringify({ servers: ['tls://dns.fandns.test#853'] }) });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'admin-api: server tls://dns.fandns.test is named by a host name: add bootstrap-server=ADDR, a server to look it up with' });
    assert.deepEqual(((await (await fetch(`${base}/rules`)).json()) as { rules: unknown[] }).rules, []);
    assert.deepEqual([...(await consul('refused', 8)).answers], ['192.0.2.2'], 'the configured server still answers');
    assert.equal(await metricsValue('fandns_admin_rule_changes_total'), 2);
  });
});
