/**
 * Overload: the real fandns process (CLI), whose only upstream takes 300 ms to answer, gets far
 * more distinct queries at once than dns-forward-max (150) lets it forward: bursts of 3,000 UDP
 * queries in rounds, and (when installed) dnsperf with up to 2,000 outstanding. Every query must
 * be answered (REFUSED beyond the cap is fine) or lost in a kernel socket buffer (counted by the
 * kernel), never ignored by fandns; memory stays bounded; answers are right again once the load
 * stops. The figures are printed as test diagnostics.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { answerData, query } from '../helpers/dns-client.js';
import { ECHO_ADDRESS, startEchoUpstream, type EchoUpstream } from '../helpers/echo-upstream.js';
import { emptyTally, rssOf, sampleRss, scrape, udpRounds } from '../helpers/load.js';
import { run, skipUnless } from '../helpers/tools.js';
import { udpStats } from '../helpers/udp-stats.js';
import { sleep } from '../helpers/wait.js';

const UPSTREAM_DELAY_MS = 300;
/**
 * Peak RSS may exceed the idle RSS by at most this much. What overload can hold is bounded by
 * design: 150 forwarded queries (dns-forward-max), the 2 MB listening socket buffer, and a cache
 * entry (~200 bytes) per answered name, a few MB in all; the rest is V8 heap that a GC has not
 * reclaimed yet. A queue growing with the offered load (100,000 queries here) would pass this.
 */
const RSS_GROWTH_LIMIT = 96 * 1024 * 1024;

const MB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const isEcho = (m: Buffer) => m.length >= 4 && [...m.subarray(m.length - 4)].join('.') === ECHO_ADDRESS;

describe('overload against a slow upstream (CLI process)', () => {
  let dir: string;
  let echo: EchoUpstream;
  let p: CliProcess;
  let metrics: string;
  let idleRss = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-overload-'));
    echo = await startEchoUpstream(UPSTREAM_DELAY_MS);
    const conf = join(dir, 'overload.conf');
    writeFileSync(conf, [
      'no-resolv', 'no-hosts', 'listen-address=127.0.0.1', 'port=0', `server=${echo.spec}`,
      'dns-forward-max=150', 'upstream-timeout=2000', 'query-timeout=3000', 'metrics-address=127.0.0.1:0', '',
    ].join('\n'));
    p = await startCli(['-C', conf]);
    metrics = /"metrics":"([^"]+)"/.exec(p.stderr())![1]!;
    // Warm up (JIT, sockets, metrics) before taking the idle figure.
    const warm = await Promise.all(Array.from({ length: 20 }, (_, i) => query(p.port, `warm${i}.load.test`)));
    for (const r of warm) assert.deepEqual(answerData(r.packet), [ECHO_ADDRESS]);
    await scrape(metrics);
    idleRss = rssOf(p.pid) ?? 0;
  });

  after(async () => {
    const exit = await p?.stop();
    await echo?.close();
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(exit, { code: 0, signal: null });
  });

  /** Waits until nothing is in flight, then checks fandns answered every query it received. */
  async function settledCounts(): Promise<{ requests: number; responses: number; refused: number; other: number }> {
    for (let i = 0; i < 100; i++) {
      const m = await scrape(metrics);
      if (m('fandns_inflight_queries') === 0 && echo.pending() === 0) {
        const responses = m('fandns_responses_total');
        const refused = m('fandns_responses_total', 'rcode="REFUSED"');
        return { requests: m('fandns_requests_total'), responses, refused, other: responses - refused - m('fandns_responses_total', 'rcode="NOERROR"') };
      }
      await sleep(50);
    }
    throw new Error('fandns still had queries in flight 5 s after the load');
  }

  /** After the load: 100 fresh names at once (within the cap) all get the right answer. */
  async function answersResume(tag: string): Promise<void> {
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => query(p.port, `after-${tag}-${i}.load.test`, { timeoutMs: 5000 })));
    assert.deepEqual(replies.filter((r) => r.rcode !== 'NOERROR' || answerData(r.packet)[0] !== ECHO_ADDRESS).length, 0, 'every answer right after the load');
  }

  it('answers every UDP query of 12 bursts of 3,000 (REFUSED beyond dns-forward-max), with bounded memory', async (t: TestContext) => {
    const kernel0 = udpStats();
    const rss = sampleRss(p.pid);
    const tally = await udpRounds(p.port, {
      rounds: 12,
      perRound: 3000,
      waitMs: 4000,
      name: (round, i) => `b${round}-${i}.load.test`,
      check: isEcho,
    }, emptyTally());
    const counts = await settledCounts();
    const peak = rss.stop();
    const kernel1 = udpStats();
    const dropped = kernel0 && kernel1 ? kernel1.rcvbufErrors - kernel0.rcvbufErrors : 0;
    const refused = tally.rcodes.get(5) ?? 0;
    t.diagnostic(`sent ${tally.sent}, answered ${tally.answered} (NOERROR ${tally.rcodes.get(0) ?? 0}, REFUSED ${refused}), kernel buffer drops ${dropped}; fandns requests ${counts.requests}, responses ${counts.responses}; RSS idle ${MB(idleRss)}, peak ${MB(peak)}`);
    assert.equal(tally.wrong, 0, 'no wrong answer');
    assert.deepEqual([...tally.rcodes.keys()].filter((rc) => rc !== 0 && rc !== 5), [], 'only NOERROR and REFUSED');
    assert.ok(refused > 0, 'the load was above capacity');
    assert.ok(tally.answered + dropped >= tally.sent, `every query answered or dropped by a kernel buffer: ${tally.sent - tally.answered} missing, ${dropped} dropped`);
    assert.equal(counts.responses, counts.requests, 'fandns answered every query it read');
    assert.equal(counts.other, 0);
    assert.ok(peak - idleRss < RSS_GROWTH_LIMIT, `RSS grew by ${MB(peak - idleRss)}`);
    await answersResume('bursts');
  });

  it('answers dnsperf offering up to 20,000 queries/s with 2,000 outstanding, with bounded memory', { skip: skipUnless('dnsperf') }, async (t: TestContext) => {
    const data = join(dir, 'queries.txt');
    writeFileSync(data, Array.from({ length: 40_000 }, (_, i) => `p${i}.load.test A`).join('\n') + '\n');
    const kernel0 = udpStats();
    const before = await settledCounts();
    const rss = sampleRss(p.pid);
    const r = await run('dnsperf', ['-s', '127.0.0.1', '-p', String(p.port), '-d', data, '-l', '2', '-q', '2000', '-Q', '20000', '-t', '4', '-n', '1'], 30_000);
    const counts = await settledCounts();
    const peak = rss.stop();
    const kernel1 = udpStats();
    assert.equal(r.code, 0, r.stderr);
    const num = (re: RegExp) => Number(re.exec(r.stdout)?.[1] ?? NaN);
    const sent = num(/Queries sent:\s+(\d+)/);
    const completed = num(/Queries completed:\s+(\d+)/);
    const lost = num(/Queries lost:\s+(\d+)/);
    const codes = /Response codes:\s+(.*)/.exec(r.stdout)?.[1] ?? '';
    const dropped = kernel0 && kernel1 ? kernel1.rcvbufErrors - kernel0.rcvbufErrors : 0;
    t.diagnostic(`dnsperf sent ${sent}, completed ${completed}, lost ${lost}; ${codes}; kernel buffer drops ${dropped}; RSS idle ${MB(idleRss)}, peak ${MB(peak)}`);
    assert.ok(sent > 0 && completed > 0, r.stdout);
    assert.deepEqual(codes.split(', ').map((c) => c.split(' ')[0]).filter((c) => c !== 'NOERROR' && c !== 'REFUSED'), [], 'only NOERROR and REFUSED');
    assert.ok(lost <= dropped, `every lost query was dropped by a kernel buffer: lost ${lost}, dropped ${dropped}`);
    assert.equal(counts.responses - before.responses, counts.requests - before.requests, 'fandns answered every query it read');
    assert.ok(peak - idleRss < RSS_GROWTH_LIMIT, `RSS grew by ${MB(peak - idleRss)}`);
    await answersResume('dnsperf');
  });
});
