/**
 * admin-api on the wire, as an operator uses it: PUT /rules/<domain> sends the domain's names to
 * the new servers (replacing the configured ones; a more specific configured domain still wins),
 * DELETE sends them back, a SIGHUP keeps the runtime rules, cached answers of a rerouted domain
 * are not served from the old route, each change is logged with its peer and counted, and bad
 * requests get 400/404/405/413, never a crash. Without admin-api, /rules is 404.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../src/config/load.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { answerData } from '../helpers/dns-client.js';
import { memoryLog } from '../helpers/memory-log.js';
import { promSample } from '../helpers/prom-text.js';
import { startProxy, TEST_PREAMBLE, type TestProxy } from '../helpers/proxy.js';

/** An upstream answering every A question with `address` (TTL 300, so answers are cached). */
const answering = (address: string) => FakeUpstream.start((q) => ({ answers: [rr.a(q.name, address, 300)] }));

describe('admin-api: /rules', () => {
  let recursive: FakeUpstream;
  let consul: FakeUpstream;
  let deep: FakeUpstream;
  let runtime: FakeUpstream;
  let proxy: TestProxy;
  let base: string;
  let conf: string;
  const mem = memoryLog('info');
  const addr = async (name: string) => answerData((await proxy.query(name)).packet);
  const put = (domain: string, body: unknown) =>
    fetch(`${base}/rules/${domain}`, { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body) });
  const del = (domain: string) => fetch(`${base}/rules/${domain}`, { method: 'DELETE' });
  const asked = (u: FakeUpstream, name: string) => u.queries.filter((q) => q.name === name).length;

  before(async () => {
    [recursive, consul, deep, runtime] = await Promise.all([answering('192.0.2.1'), answering('10.0.0.1'), answering('10.0.0.3'), answering('10.0.0.2')]);
    conf = [
      `server=${recursive.spec}`,
      `server=/svc.test/${consul.spec}`,
      `server=/deep.svc.test/${deep.spec}`,
      'metrics-address=127.0.0.1:0',
      'admin-api',
    ].join('\n');
    proxy = await startProxy(conf, mem.log);
    base = `http://${proxy.server.metricsEndpoint}`;
  });
  after(async () => {
    await proxy.stop();
    await Promise.all([recursive, consul, deep, runtime].map((u) => u.close()));
  });

  it('starts with no runtime rules', async () => {
    const res = await fetch(`${base}/rules`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { rules: [] });
  });

  it('PUT reroutes a configured domain (replacing its servers), not a more specific configured one', async () => {
    assert.deepEqual(await addr('cached.svc.test'), ['10.0.0.1'], 'the configured server answers first');
    const res = await put('SVC.test.', { servers: [runtime.spec] });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { domain: string; servers: string[]; by: string };
    assert.equal(body.domain, 'svc.test');
    assert.deepEqual(body.servers, [runtime.spec]);
    assert.equal(body.by, '127.0.0.1');
    const before = asked(consul, 'a.svc.test');
    assert.deepEqual(await addr('a.svc.test'), ['10.0.0.2']);
    assert.equal(asked(consul, 'a.svc.test'), before, 'the configured server of the same domain is no longer asked');
    assert.deepEqual(await addr('cached.svc.test'), ['10.0.0.2'], 'an answer cached under the old route is not served');
    assert.deepEqual(await addr('x.deep.svc.test'), ['10.0.0.3'], 'the longer configured domain still wins');
    assert.deepEqual(await addr('other.example'), ['192.0.2.1'], 'other names keep the default servers');
  });

  it('lists the rule, logs the change with its peer and counts it', async () => {
    const list = (await (await fetch(`${base}/rules`)).json()) as { rules: { domain: string; servers: string[] }[] };
    assert.deepEqual(list.rules.map((r) => [r.domain, r.servers]), [['svc.test', [runtime.spec]]]);
    const one = await fetch(`${base}/rules/svc.test`);
    assert.equal(one.status, 200);
    const logged = mem.lines().find((l) => l.msg === 'admin-api: runtime rule set');
    assert.ok(logged, 'the change is logged');
    assert.equal(logged['admin'], '127.0.0.1');
    assert.equal(logged['domain'], 'svc.test');
    assert.equal(logged.level, 30, 'at info');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.equal(promSample(metrics, 'fandns_admin_rule_changes_total'), 1);
  });

  it('keeps runtime rules across a SIGHUP reload', async () => {
    proxy.server.reload(parseConfigText(TEST_PREAMBLE + conf, 'test.conf'));
    assert.deepEqual(await addr('after-hup.svc.test'), ['10.0.0.2']);
    assert.equal(asked(consul, 'after-hup.svc.test'), 0);
  });

  it('PUT adds a rule for a domain the configuration does not name; DELETE sends it back to the default', async () => {
    assert.equal((await put('new.example', { servers: [runtime.spec] })).status, 200);
    assert.deepEqual(await addr('a.new.example'), ['10.0.0.2']);
    const res = await del('new.example');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { domain: 'new.example', removed: [runtime.spec] });
    assert.deepEqual(await addr('b.new.example'), ['192.0.2.1']);
    assert.deepEqual(await addr('a.new.example'), ['192.0.2.1'], 'the answer cached under the removed rule is not served');
  });

  it('DELETE gives a configured domain its configured servers back', async () => {
    assert.equal((await del('svc.test')).status, 200);
    assert.deepEqual(await addr('back.svc.test'), ['10.0.0.1']);
    assert.deepEqual(await (await fetch(`${base}/rules`)).json(), { rules: [] });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.equal(promSample(metrics, 'fandns_admin_rule_changes_total'), 4);
  });

  it('answers bad requests with 400, 404, 405 and 413, and changes nothing', async () => {
    const cases: [Promise<Response>, number, RegExp][] = [
      [put('svc.test', 'not json'), 400, /not JSON/],
      [put('svc.test', { servers: '10.0.0.1' }), 400, /body must be/],
      [put('svc.test', { servers: [] }), 400, /DELETE/],
      [put('svc.test', { servers: [5] }), 400, /each server is a string/],
      [put('svc.test', { servers: ['not_host'] }), 400, /admin-api: bad server address "not_host"/],
      [put('svc.test', { servers: ['nothost'] }), 400, /server "nothost": give a clear-text server's address/],
      [put('svc.test', { servers: ['10.0.0.1#99999'] }), 400, /bad port "99999"/],
      [put('svc.test', { servers: ['10.0.0.1'], extra: 1 }), 400, /unknown field "extra"/],
      [put('*.svc.test', { servers: ['10.0.0.1'] }), 400, /only a plain domain/],
      [put('%E0%A4%A', { servers: ['10.0.0.1'] }), 400, /percent-encoding/],
      [put('svc.test', { servers: ['10.0.0.1'.repeat(10_000)] }), 413, /larger than/],
      [del('nothing.test'), 404, /no runtime rule for nothing\.test/],
      [fetch(`${base}/rules/nothing.test`), 404, /no runtime rule/],
      [fetch(`${base}/rules/svc.test`, { method: 'POST', body: '{}' }), 405, /POST is not allowed/],
      [fetch(`${base}/rules`, { method: 'PUT', body: '{}' }), 405, /PUT is not allowed on \/rules/],
    ];
    for (const [pending, status, pattern] of cases) {
      const res = await pending;
      const text = await res.text();
      assert.equal(res.status, status, text);
      assert.match((JSON.parse(text) as { error: string }).error, pattern);
      if (status === 405) assert.ok(res.headers.get('allow'), 'a 405 names the allowed methods');
    }
    assert.deepEqual(await (await fetch(`${base}/rules`)).json(), { rules: [] });
    assert.deepEqual(await addr('still.svc.test'), ['10.0.0.1']);
  });
});

describe('admin-api off', () => {
  it('answers 404 on /rules and changes nothing', async () => {
    const up = await answering('10.0.0.1');
    const proxy = await startProxy(`server=${up.spec}\nmetrics-address=127.0.0.1:0`);
    try {
      const base = `http://${proxy.server.metricsEndpoint}`;
      assert.equal((await fetch(`${base}/rules`)).status, 404);
      const res = await fetch(`${base}/rules/x.test`, { method: 'PUT', body: JSON.stringify({ servers: ['127.0.0.1#9'] }) });
      assert.equal(res.status, 404);
      assert.deepEqual(answerData((await proxy.query('a.x.test')).packet), ['10.0.0.1']);
    } finally {
      await proxy.stop();
      await up.close();
    }
  });
});
