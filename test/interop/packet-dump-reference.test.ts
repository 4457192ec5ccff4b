/**
 * dumpfile= read by peers nobody here wrote, with dnsmasq 2.90 as the reference: the real `fandns`
 * process and a real dnsmasq, each with its own dumpfile and dumpmask=0xf, forward the same dig
 * queries to one upstream. tcpdump reads fandns's file as raw IP with every UDP checksum correct,
 * dnspython decodes every message, and the messages of a forwarded query (client query, upstream
 * query, upstream reply, reply) are the same as in dnsmasq's file. dnsmasq writes its own address
 * as 0.0.0.0; fandns writes its addresses.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dig } from '../helpers/dig.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startCli } from '../helpers/cli-process.js';
import { startDnsmasq } from '../helpers/dnsmasq.js';
import { hasDnspython, run, skipUnless, SYSTEM_PYTHON } from '../helpers/tools.js';

const READER = fileURLToPath(new URL('../../../test/interop/fixtures/pcap_dns.py', import.meta.url));

interface Dumped {
  readonly sport: number;
  readonly dport: number;
  readonly qr: boolean;
  readonly rcode: string;
  readonly question: string[];
  readonly answer: string[];
}

async function decode(path: string): Promise<Dumped[]> {
  const r = await run(SYSTEM_PYTHON, [READER, path]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Dumped[];
}

/** What is compared: direction (query or reply), question and answer data. */
const shape = (d: Dumped) => `${d.qr ? 'reply' : 'query'} ${d.question.join()} ${d.rcode} [${d.answer.join(', ')}]`;

const skip = skipUnless('dig', 'dnsmasq', 'tcpdump') || (hasDnspython() ? false : 'dnspython is not installed');

describe('dumpfile: fandns (CLI) and dnsmasq, read by tcpdump and dnspython', { skip }, () => {
  let dir: string;
  let up: FakeUpstream;
  const mine = () => join(dir, 'fandns.pcap');
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-dump-ref-'));
    up = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '10.1.2.3', 0)] }));
    const lines = (file: string) => `server=${up.spec}\ndumpfile=${file}\ndumpmask=0xf`;
    const conf = join(dir, 'fandns.conf');
    writeFileSync(conf, `no-resolv\nno-hosts\nlisten-address=127.0.0.1\n${lines(mine())}\n`);
    const fandns = await startCli(['-C', conf, '--port', '0']);
    const dnsmasq = await startDnsmasq(lines(join(dir, 'dnsmasq.pcap')));
    try {
      for (const port of [fandns.port, dnsmasq.port]) {
        for (const name of ['one.dump.test', 'two.dump.test']) await dig(port, [name, 'A', '+tries=1', '+time=3', '+nocookie']);
      }
    } finally {
      await fandns.stop();
      await dnsmasq.stop();
    }
  });
  after(async () => {
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tcpdump reads fandns\'s file as raw IP, with correct UDP checksums and real addresses', async () => {
    const r = await run('tcpdump', ['-r', mine(), '-n', '-vv']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /link-type RAW/);
    const sums = r.stdout.match(/\[udp sum ok\]/g) ?? [];
    assert.ok(sums.length >= 8, r.stdout);
    assert.doesNotMatch(r.stdout, /bad udp cksum|0\.0\.0\.0/);
  });

  it('holds the same DNS messages as dnsmasq\'s for the forwarded queries', async () => {
    const [m, ref] = [await decode(mine()), await decode(join(dir, 'dnsmasq.pcap'))];
    const want = ['one', 'two'].flatMap((n) => [
      `query ${n}.dump.test. IN A NOERROR []`, `query ${n}.dump.test. IN A NOERROR []`,
      `reply ${n}.dump.test. IN A NOERROR [10.1.2.3]`, `reply ${n}.dump.test. IN A NOERROR [10.1.2.3]`]);
    // The helpers' readiness probes (version.bind to dnsmasq, ready.invalid to fandns) are left out.
    const ours = (s: string) => s.includes('dump.test');
    assert.deepEqual(ref.map(shape).filter(ours), want, 'dnsmasq');
    assert.deepEqual(m.map(shape).filter(ours), want, 'fandns');
    assert.ok(m.some((d) => d.dport === up.port) && m.some((d) => d.sport === up.port));
  });
});
