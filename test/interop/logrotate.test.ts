/**
 * The README's log rotation, done by the real logrotate (a peer nobody here wrote): a `fandns`
 * process writes its query log and its dumpfile into one folder; logrotate moves both, creates
 * empty new ones and, in postrotate, sends SIGUSR2 to the PID in fandns's pid-file. The moved
 * files keep what came before; the new log gets the lines after, and the new dumpfile gets a pcap
 * header and the packets after, which tcpdump reads.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { FakeUpstream, freePort, rr } from '../helpers/fake-upstream.js';
import { query } from '../helpers/dns-client.js';
import { skipUnless, run } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';

const skip = skipUnless('logrotate', 'tcpdump');

/** This test's query names (`*.rotate.test`, not the probes) in a query log file. */
const logged = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter((l) => l.includes('"msg":"query"'))
  .map((l) => String((JSON.parse(l) as Record<string, unknown>)['qname'])).filter(ours);

/** The names a test query asks, not the probes (`probeN.rotate.test`, `ready.invalid`). */
const ours = (name: string): boolean => name.endsWith('.rotate.test') && !name.startsWith('probe');

/** The names tcpdump finds in queries to fandns's port in a pcap file, read as DNS (it fails on a damaged file). */
async function dumpedQueries(path: string, port: number): Promise<string[]> {
  const r = await run('tcpdump', ['-r', path, '-n', '-T', 'domain', `udp dst port ${port}`]);
  assert.equal(r.code, 0, r.stderr);
  return [...r.stdout.matchAll(/ A\? (\S+)\. /g)].map((m) => m[1]!).filter(ours);
}

describe('logrotate rotates the query log and the dumpfile (fandns CLI)', { skip }, () => {
  let dir: string;
  let up: FakeUpstream;
  let fandns: CliProcess;
  let port: number;
  const file = (name: string) => join(dir, name);
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-logrotate-'));
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.9.8.7', 60)] }));
    port = await freePort();
    // --user=root: the test's folder is 0700, so as nobody fandns could not open what logrotate
    // creates (ignored when the tests do not run as root).
    fandns = await startCli([`--port=${port}`, '--listen-address=127.0.0.1', '--no-resolv', '--no-hosts', `--server=${up.spec}`, '--log-queries',
      `--log-facility=${file('fandns.log')}`, `--dumpfile=${file('fandns.pcap')}`, `--pid-file=${file('fandns.pid')}`, '--user=root'], 10_000, port);
  });
  after(async () => {
    await fandns.stop();
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves both, fandns reopens both on postrotate\'s SIGUSR2, and nothing is lost or damaged', async () => {
    const owner = process.getuid?.() === 0 ? 'root root' : '';
    // The README's stanza, with this folder's files and pid-file.
    writeFileSync(file('logrotate.conf'), [
      `${file('fandns.log')} ${file('fandns.pcap')} {`,
      '    rotate 2',
      `    create 0600 ${owner}`.trimEnd(),
      '    sharedscripts',
      '    postrotate',
      `        kill -USR2 $(cat ${file('fandns.pid')})`,
      '    endscript',
      '}',
      '',
    ].join('\n'));
    chmodSync(file('logrotate.conf'), 0o644);
    for (const name of ['before1', 'before2']) await query(port, `${name}.rotate.test`);
    await waitFor(() => logged(file('fandns.log')).length === 2, 'the first two queries in the log');
    const r = await run('logrotate', ['-f', '-s', file('logrotate.state'), file('logrotate.conf')]);
    assert.equal(r.code, 0, `logrotate: ${r.stderr}`);
    // Until fandns has reopened, a query goes to the moved files: ask until one lands in the new log.
    const probed = () => readFileSync(file('fandns.log'), 'utf8').includes('"qname":"probe');
    for (let i = 0; !probed(); i++) {
      assert.ok(i < 100, 'fandns did not reopen its log within 5 s of logrotate');
      await query(port, `probe${i}.rotate.test`);
      await new Promise((res) => setTimeout(res, 50));
    }
    for (const name of ['after1', 'after2', 'after3']) await query(port, `${name}.rotate.test`);
    assert.deepEqual(await fandns.stop(), { code: 0, signal: null });

    const before = ['before1.rotate.test', 'before2.rotate.test'];
    const afterNames = ['after1.rotate.test', 'after2.rotate.test', 'after3.rotate.test'];
    assert.deepEqual(logged(file('fandns.log.1')), before);
    assert.deepEqual(logged(file('fandns.log')), afterNames);
    assert.deepEqual(await dumpedQueries(file('fandns.pcap.1'), port), before);
    assert.deepEqual(await dumpedQueries(file('fandns.pcap'), port), afterNames);
  });
});
