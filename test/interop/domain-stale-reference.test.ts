/**
 * Serve-stale per domain as an operator runs it: a config file with `use-stale-cache=/d/N` and
 * `no-stale-cache=/d/`, the fandns command, dnsmasq 2.90 as the upstream (its host-record answers
 * with local-ttl=1), dig as the client. Once dnsmasq is stopped (the upstream goes silent), dig
 * gets the expired answer (TTL 30) under the domains with serve-stale on and SERVFAIL under the one
 * with it off, and /metrics counts each stale answer under its rule. dnsmasq itself refuses the
 * domain form (README "Differences from dnsmasq": verified here).
 */
import { describe, it, after, before } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli, type CliProcess } from '../helpers/cli-process.js';
import { dig } from '../helpers/dig.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { freePort } from '../helpers/fake-upstream.js';
import { promSample } from '../helpers/prom-text.js';
import { run, skipUnless } from '../helpers/tools.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STALE_LINES = 'use-stale-cache=/service.consul/600\nno-stale-cache=/pay.example.com/\nstale-client-timeout=/service.consul/100';

describe('serve-stale per domain: fandns (CLI) behind dnsmasq 2.90, asked with dig', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  let dir: string;
  let upstream: RunningDnsmasq | null = null;
  let fandns: CliProcess;
  let metrics: string;
  const ask = (name: string) => dig(fandns.port, [name, 'A', '+tries=1', '+time=3', '+nocookie']);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-domain-stale-'));
    upstream = await startDnsmasq(['local-ttl=1', 'host-record=web.service.consul,10.0.0.5', 'host-record=www.example.com,10.0.0.6', 'host-record=pay.example.com,10.0.0.7'].join('\n'));
    metrics = `127.0.0.1:${await freePort()}`;
    const file = join(dir, 'fandns.conf');
    writeFileSync(file, [
      'no-resolv', 'no-hosts', 'listen-address=127.0.0.1', `metrics-address=${metrics}`,
      `server=${upstream.spec}`, `server=/service.consul/${upstream.spec}`,
      'use-stale-cache', 'stale-client-timeout=300', 'upstream-timeout=200', 'query-timeout=800', STALE_LINES, '',
    ].join('\n'));
    fandns = await startCli(['-C', file, '--port', '0']);
  });
  after(async () => {
    await fandns?.stop();
    await upstream?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the last answer (TTL 30) where serve-stale is on and SERVFAIL where no-stale-cache turns it off', async () => {
    for (const name of ['web.service.consul', 'www.example.com', 'pay.example.com']) {
      const r = await ask(name);
      assert.equal(r.status, 'NOERROR', r.text);
      assert.equal(r.answer[0]?.ttl, 1, 'dnsmasq\'s local-ttl, passed on');
    }
    await sleep(2300); // the 1 s TTLs run out (the cache clock counts whole seconds)
    await upstream!.stop();
    upstream = null;
    const [web, www, pay] = await Promise.all(['web.service.consul', 'www.example.com', 'pay.example.com'].map(ask));
    assert.equal(web!.status, 'NOERROR', web!.text);
    assert.deepEqual(web!.answer.map((r) => [r.ttl, r.data]), [[30, '10.0.0.5']]);
    assert.equal(www!.status, 'NOERROR', www!.text);
    assert.deepEqual(www!.answer.map((r) => [r.ttl, r.data]), [[30, '10.0.0.6']]);
    assert.equal(pay!.status, 'SERVFAIL', pay!.text);
    const text = await (await fetch(`http://${metrics}/metrics`)).text();
    assert.equal(promSample(text, 'fandns_cache_stale_total{rule="service.consul"}'), 1);
    assert.equal(promSample(text, 'fandns_cache_stale_total{rule="."}'), 1);
  });

  it('dnsmasq 2.90 refuses the domain forms that fandns --test accepts', async () => {
    const file = join(dir, 'check.conf');
    writeFileSync(file, 'no-resolv\nuse-stale-cache=/service.consul/600\n');
    const d = await run('dnsmasq', ['--test', `--conf-file=${file}`]);
    assert.notEqual(d.code, 0);
    assert.match(d.stderr, /error at line 2/);
    writeFileSync(file, `no-resolv\nno-hosts\n${STALE_LINES}\n`);
    const f = await runCli(['--test', '-C', file]);
    assert.equal(f.code, 0, f.stderr);
  });
});
