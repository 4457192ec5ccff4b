/**
 * Query log and metrics: a record per query with the right fields for each answer source; a sink
 * that never drains leaves answers unaffected and counts the drops; metrics over HTTP agree with
 * the queries sent; /health and /ready; SIGUSR2 reopens the file; SIGTERM flushes the log.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, constants as fsc, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { buildQuery, query, udpBurst } from '../helpers/dns-client.js';
import { parseConfigText } from '../../src/config/load.js';
import { startProxy, TEST_PREAMBLE, type TestProxy } from '../helpers/proxy.js';
import { startCli } from '../helpers/cli-process.js';
import { prettyFactory } from 'pino-pretty';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const records = (file: string) =>
  readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r['msg'] === 'query');

describe('query log', () => {
  let dir: string;
  let up: FakeUpstream;
  let proxy: TestProxy;
  let file: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-log-'));
    file = join(dir, 'queries.log');
    up = await FakeUpstream.start((q) => (q.name === 'slow.test' ? { answers: [rr.a(q.name, '10.0.0.2', 60)], delayMs: 150 } : { answers: [rr.a(q.name, '10.0.0.1', 60)] }));
    proxy = await startProxy(`server=${up.spec}\naddress=/local.test/192.0.2.1\nlog-queries=extra\nlog-facility=${file}\nmetrics-address=127.0.0.1:0`);
  });
  after(async () => {
    await proxy.stop();
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes one JSON line per query with client, name, type, source, rcode, answers and latency', async () => {
    await proxy.query('Fresh.test');
    await proxy.query('fresh.test');
    await proxy.query('x.local.test', { type: 'A' });
    await proxy.query('x.local.test', { type: 'A', tcp: true });
    await Promise.all([proxy.query('slow.test'), proxy.query('slow.test')]);
    await sleep(100);
    const recs = records(file);
    const by = (name: string) => recs.filter((r) => String(r['qname']).toLowerCase() === name);
    const fresh = by('fresh.test');
    assert.deepEqual(fresh.map((r) => r['source']), ['upstream', 'cache']);
    assert.equal(fresh[0]!['upstream'], up.spec);
    assert.equal(fresh[0]!['qname'], 'fresh.test', 'names are logged lower-cased');
    for (const r of recs) {
      for (const k of ['time', 'client', 'port', 'proto', 'qname', 'qtype', 'source', 'rcode', 'answers', 'latency_us', 'id', 'bytes']) assert.ok(k in r, `${k} in ${JSON.stringify(r)}`);
      assert.ok(Number.isInteger(r['latency_us']) && (r['latency_us'] as number) >= 0);
      assert.equal('upstream' in r, r['source'] === 'upstream' || r['source'] === 'coalesced', 'upstream only when one answered');
      assert.equal(r['level'], 30);
      assert.equal(r['client'], '127.0.0.1');
    }
    assert.deepEqual(by('x.local.test').map((r) => [r['source'], r['proto'], r['rcode'], r['answers']]), [['local', 'udp', 'NOERROR', 1], ['local', 'tcp', 'NOERROR', 1]]);
    assert.deepEqual(by('slow.test').map((r) => r['source']).sort(), ['coalesced', 'upstream']);
  });

  it('writes lines pino-pretty reads', () => {
    const line = readFileSync(file, 'utf8').split('\n').find((l) => l.includes('"msg":"query"'))!;
    const text = prettyFactory({ colorize: false })(line);
    assert.match(text, /INFO \(\d+\): query/);
    assert.match(text, /qname: "fresh\.test"/);
  });

  it('exposes metrics that agree with the queries sent', async () => {
    const base = `http://${proxy.server.metricsEndpoint}`;
    const before = await (await fetch(`${base}/metrics`)).text();
    const value = (text: string, line: string) => Number(text.split('\n').find((l) => l.startsWith(line))?.split(' ').pop() ?? 0);
    for (let i = 0; i < 5; i++) await proxy.query('m.test', { type: 'AAAA' });
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.equal(value(text, 'fandns_requests_total{type="AAAA",proto="udp"}') - value(before, 'fandns_requests_total{type="AAAA",proto="udp"}'), 5);
    assert.equal(value(text, 'fandns_cache_hits_total') - value(before, 'fandns_cache_hits_total'), 4);
    assert.equal(value(text, `fandns_upstream_queries_total{upstream="${up.spec}"}`) - value(before, `fandns_upstream_queries_total{upstream="${up.spec}"}`), 1);
    assert.match(text, /fandns_request_duration_seconds_bucket\{source="cache",le="\+Inf"\}/);
    assert.match(text, new RegExp(`fandns_upstream_healthy\\{upstream="${up.spec}"\\} 1`));
    const health = (await (await fetch(`${base}/health`)).json()) as { status: string; upstreams: { server: string; up: boolean }[] };
    assert.equal(health.status, 'ok');
    assert.deepEqual(health.upstreams.map((u) => [u.server, u.up]), [[up.spec, true]]);
    assert.equal((await fetch(`${base}/ready`)).status, 200);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  });

  it('gives servers at one address and port but with other source addresses series of their own', async () => {
    const servers = [`server=${up.spec}`, `server=/a.src.test/${up.spec}@127.0.0.1`, `server=/b.src.test/${up.spec}@127.0.0.2`];
    proxy.server.reload(parseConfigText(`${TEST_PREAMBLE}metrics-address=127.0.0.1:0\n${servers.join('\n')}`, 'sources.conf'));
    try {
      for (const name of ['x.a.src.test', 'x.b.src.test', 'x.c.src.test']) assert.equal((await proxy.query(name)).rcode, 'NOERROR');
      const text = await (await fetch(`http://${proxy.server.metricsEndpoint}/metrics`)).text();
      const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.slice(0, l.lastIndexOf(' ')));
      assert.deepEqual(series.filter((l, i) => series.indexOf(l) !== i), [], 'no series twice');
      const labels = [up.spec, `${up.spec}@127.0.0.1`, `${up.spec}@127.0.0.2`];
      // The first server's counter goes on from the tests before; the two new ones were asked once each.
      assert.ok(text.includes(`fandns_upstream_queries_total{upstream="${labels[0]}"} `));
      for (const l of labels.slice(1)) assert.ok(text.includes(`fandns_upstream_queries_total{upstream="${l}"} 1\n`), l);
      const health = (await (await fetch(`http://${proxy.server.metricsEndpoint}/health`)).json()) as { upstreams: { server: string }[] };
      assert.deepEqual(health.upstreams.map((u) => u.server), labels);
    } finally {
      proxy.server.reload(proxy.config);
    }
  });

  it('keeps counting through reloads: counters go on, gauges follow the new configuration', async () => {
    const scrape = async () => (await fetch(`http://${proxy.server.metricsEndpoint}/metrics`)).text();
    const value = (text: string, line: string) => Number(text.split('\n').find((l) => l.startsWith(line))?.split(' ').pop() ?? NaN);
    const upstreamQueries = `fandns_upstream_queries_total{upstream="${up.spec}"}`;
    const counters = ['fandns_cache_hits_total', 'fandns_cache_misses_total', 'fandns_cache_insertions_total', upstreamQueries, 'fandns_coalesced_total'];
    for (let i = 0; i < 3; i++) await proxy.query('reloaded.test');
    const before = await scrape();
    proxy.server.reload(proxy.config); // the same cache settings: the store is kept, emptied
    await proxy.query('again.test');
    proxy.server.reload(parseConfigText(`${TEST_PREAMBLE}server=${up.spec}\ncache-size=77`)); // a new store
    await proxy.query('reloaded.test');
    await proxy.query('reloaded.test');
    const after = await scrape();
    for (const c of counters) assert.ok(value(after, c) >= value(before, c), `${c}: ${value(before, c)} -> ${value(after, c)}`);
    assert.equal(value(after, 'fandns_cache_misses_total') - value(before, 'fandns_cache_misses_total'), 2);
    assert.equal(value(after, 'fandns_cache_hits_total') - value(before, 'fandns_cache_hits_total'), 1);
    assert.equal(value(after, 'fandns_cache_insertions_total') - value(before, 'fandns_cache_insertions_total'), 2);
    assert.equal(value(after, upstreamQueries) - value(before, upstreamQueries), 2);
    assert.equal(value(after, 'fandns_cache_entries'), 1, 'the gauge counts the new cache');
    proxy.server.reload(proxy.config);
  });
});

describe('a log sink that never drains', () => {
  it('keeps answering, bounds the queue and counts lost records', { skip: !existsSync('/usr/bin/mkfifo') && 'mkfifo not installed' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-fifo-'));
    const fifo = join(dir, 'blocked.log');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, fsc.O_RDONLY | fsc.O_NONBLOCK); // a reader that never reads
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    const proxy = await startProxy(`server=${up.spec}\nlog-queries\nlog-facility=${fifo}\nlog-async=100`);
    try {
      const total = 3000;
      let answered = 0;
      for (let round = 0; round < 6; round++) {
        const qs = Array.from({ length: total / 6 }, (_, i) => buildQuery('busy.test', { id: i }));
        answered += (await udpBurst(qs, proxy.port, 5000)).size;
      }
      assert.equal(answered, total, 'every query answered while the log is blocked');
      assert.ok(proxy.server.metricsSnapshot().queryLogLost > 0, 'drops are counted');
      assert.equal((await query(proxy.port, 'after.test')).rcode, 'NOERROR');
    } finally {
      await proxy.stop();
      await up.close();
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an operational log that never drains (CLI process)', () => {
  it('keeps answering through SIGUSR1 statistics and exits on SIGTERM', { skip: !existsSync('/usr/bin/mkfifo') && 'mkfifo not installed' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-opsfifo-'));
    const fifo = join(dir, 'ops.log');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, fsc.O_RDONLY | fsc.O_NONBLOCK); // never read
    const filler = openSync(fifo, fsc.O_WRONLY | fsc.O_NONBLOCK);
    const chunk = Buffer.alloc(4096, 0x78);
    try {
      for (;;) writeSync(filler, chunk); // fill the pipe until it would block
    } catch {
      // EAGAIN: full
    }
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    const port = await freePort();
    const cli = await startCli([`--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', '--user=root', `--server=${up.spec}`, `--log-facility=${fifo}`], 10_000, port);
    try {
      for (let i = 0; i < 5; i++) process.kill(cli.pid, 'SIGUSR1');
      await sleep(200);
      for (let i = 0; i < 3; i++) assert.equal((await query(cli.port, `q${i}.test`)).rcode, 'NOERROR', 'answers go on');
      assert.deepEqual(await cli.stop('SIGTERM', 5000), { code: 0, signal: null });
    } finally {
      await cli.stop('SIGKILL');
      await up.close();
      closeSync(filler);
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('log files and signals (CLI process)', () => {
  it('reopens the log file on SIGUSR2 and flushes every record on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fandns-rot-'));
    const file = join(dir, 'fandns.log');
    const up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.0.0.1', 300)] }));
    const port = await freePort();
    // --user=root: as root fandns would otherwise switch to nobody, who cannot create the new log
    // file in this 0700 temp dir after the rename (ignored when the tests do not run as root).
    const cli = await startCli([`--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', `--server=${up.spec}`, '--log-queries', `--log-facility=${file}`, '--user=root'], 10_000, port);
    try {
      await query(cli.port, 'before.test');
      await sleep(200);
      renameSync(file, `${file}.1`);
      process.kill(cli.pid, 'SIGUSR2');
      await sleep(200);
      const n = 200;
      const replies = await udpBurst(Array.from({ length: n }, (_, i) => buildQuery(`q${i}.after.test`, { id: i })), cli.port, 5000);
      assert.equal(replies.size, n);
      assert.deepEqual(await cli.stop(), { code: 0, signal: null });
      assert.ok(records(`${file}.1`).some((r) => r['qname'] === 'before.test'));
      const after = records(file).filter((r) => String(r['qname']).endsWith('after.test'));
      assert.equal(after.length, n, 'all records written before exit, to the new file');
    } finally {
      await cli.stop();
      await up.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
