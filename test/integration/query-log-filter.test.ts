/**
 * The query-log filter on the wire: `log-queries-domain` and `log-queries-exclude` choose the names
 * the log writes, `log-queries-sample` writes one ordinary answer in N but every failure, metrics
 * still count every query, and a reload brings the new filter in. Each check ends with a query the
 * filter always writes and waits for its line: the log is written in order, so every line before
 * it has been written too.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, TEST_PREAMBLE, type TestProxy } from '../helpers/proxy.js';
import { waitFor } from '../helpers/wait.js';

/** The qname of every query line in `file` so far (a line still being written is left for later). */
const loggedNames = (file: string): string[] =>
  (existsSync(file) ? readFileSync(file, 'utf8') : '').split('\n').slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((r) => r['msg'] === 'query').map((r) => String(r['qname']));

describe('query-log filter', () => {
  let dir: string;
  let up: FakeUpstream;
  const proxies: TestProxy[] = [];
  let n = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-logfilter-'));
    up = await FakeUpstream.start((q) => (q.name.startsWith('fail') ? { rcode: 'SERVFAIL' } : { answers: [rr.a(q.name, '10.0.0.1', 300)] }));
  });
  after(async () => {
    for (const p of proxies) await p.stop();
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A proxy logging to its own file with `conf` added; returns it with the file. */
  const start = async (conf: string) => {
    const file = join(dir, `q${n++}.log`);
    const text = `server=${up.spec}\nlog-queries\nlog-facility=${file}\nmetrics-address=127.0.0.1:0\n${conf}`;
    const proxy = await startProxy(text);
    proxies.push(proxy);
    return { proxy, file, text };
  };

  /** Asks `names` in order, then `marker`, and waits until the marker's line is written. */
  const ask = async (proxy: TestProxy, file: string, names: string[], marker: string) => {
    for (const name of [...names, marker]) await proxy.query(name);
    await waitFor(() => loggedNames(file).includes(marker), `${marker} in the log`);
    return loggedNames(file);
  };

  it('logs only the listed domains, less the excluded ones below them; metrics count every query', async () => {
    const { proxy, file } = await start('log-queries-domain=/consul/\nlog-queries-exclude=/health.consul/');
    const names = await ask(proxy, file, ['web.consul', 'a.health.consul', 'example.com', 'WEB.consul'], 'end.consul');
    assert.deepEqual(names, ['web.consul', 'web.consul', 'end.consul']);
    const text = await (await fetch(`http://${proxy.server.metricsEndpoint}/metrics`)).text();
    assert.match(text, /^fandns_cache_hits_total 1$/m, 'the filtered-out queries were answered and counted');
  });

  it('samples ordinary answers one in N and writes every failure', async () => {
    const { proxy, file } = await start('log-queries-sample=5');
    const names = Array.from({ length: 12 }, () => 'hot.test');
    const logged = await ask(proxy, file, [...names.slice(0, 6), 'fail1.test', ...names.slice(6)], 'fail2.test');
    assert.deepEqual(logged, ['hot.test', 'hot.test', 'fail1.test', 'hot.test', 'fail2.test'], 'the 1st, 6th and 11th hot.test, and both failures');
  });

  it('takes the new filter on reload', async () => {
    const { proxy, file, text } = await start('');
    assert.deepEqual(await ask(proxy, file, ['noisy.test'], 'm1.test'), ['noisy.test', 'm1.test']);
    proxy.server.reload(parseConfigText(`${TEST_PREAMBLE}${text}\nlog-queries-exclude=noisy.test`, 'reload.conf'));
    assert.deepEqual(await ask(proxy, file, ['noisy.test', 'a.noisy.test'], 'm2.test'), ['noisy.test', 'm1.test', 'm2.test']);
    proxy.server.reload(parseConfigText(`${TEST_PREAMBLE}${text}`, 'reload.conf'));
    assert.deepEqual((await ask(proxy, file, ['noisy.test'], 'm3.test')).slice(3), ['noisy.test', 'm3.test']);
  });
});
