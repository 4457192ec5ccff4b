/**
 * dnsmasq as the reference for hosts files: the same `addn-hosts=` files given to the real fandns
 * process and to a real dnsmasq. An address on several lines (and in two spellings) gets one PTR,
 * to the first line's first name; every name gets its address; a block list of 20,000 names on
 * 0.0.0.0 answers each name and gives 0.0.0.0 one PTR. Names and data must agree, TTLs aside.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerData, query } from '../helpers/dns-client.js';
import type { CliProcess } from '../helpers/cli-process.js';
import type { RunningDnsmasq } from '../helpers/dnsmasq.js';
import { startReferencePair } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';

const BLOCKED = 20_000;

const HOSTS = [
  '192.0.2.9 first.test',
  '192.0.2.9 second.test alias2.test',
  '2001:db8::7 six.test',
  '2001:db8:0:0::7 six-again.test',
  '',
].join('\n');

/** What a reply says, TTLs aside: rcode and the answer records as `name TYPE data`. */
async function ask(port: number, name: string, type: string): Promise<string> {
  const r = await query(port, name, { type });
  const names = (r.packet.answers ?? []).map((a) => `${a.name.toLowerCase()} ${a.type}`);
  const data = answerData(r.packet);
  return `${r.rcode} ${names.map((n, i) => `${n} ${data[i]}`).join(', ')}`;
}

describe('hosts files: fandns (CLI) and dnsmasq agree', { skip: skipUnless('dnsmasq') }, () => {
  let fandns: CliProcess;
  let dnsmasq: RunningDnsmasq;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fandns-hosts-ref-'));
    chmodSync(dir, 0o755); // dnsmasq reads hosts files after dropping to nobody
    const hosts = join(dir, 'hosts');
    const block = join(dir, 'block.hosts');
    writeFileSync(hosts, HOSTS);
    let text = '# a block list\n';
    for (let i = 0; i < BLOCKED; i++) text += `0.0.0.0 ads${i}.tracker.example\n`;
    writeFileSync(block, text);
    ({ fandns, dnsmasq } = await startReferencePair(`addn-hosts=${hosts}\naddn-hosts=${block}\nlocal-ttl=60`, dir, 'fandns', { readyTimeoutMs: 15_000 }));
  });
  after(async () => {
    await fandns?.stop();
    await dnsmasq?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, string][] = [
    ['9.2.0.192.in-addr.arpa', 'PTR'],
    ['first.test', 'A'],
    ['second.test', 'A'],
    ['alias2.test', 'A'],
    [`7.0.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.ip6.arpa`, 'PTR'],
    ['six-again.test', 'AAAA'],
    ['0.0.0.0.in-addr.arpa', 'PTR'],
    ['ads0.tracker.example', 'A'],
    [`ads${BLOCKED - 1}.tracker.example`, 'A'],
    ['ads12345.tracker.example', 'A'],
  ];

  for (const [name, type] of cases) {
    it(`${name} ${type}`, async () => {
      const [f, d] = await Promise.all([ask(fandns.port, name, type), ask(dnsmasq.port, name, type)]);
      assert.equal(f, d);
    });
  }

  it('gives the address on two lines one PTR, to the first name', async () => {
    assert.equal(await ask(fandns.port, '9.2.0.192.in-addr.arpa', 'PTR'), 'NOERROR 9.2.0.192.in-addr.arpa PTR first.test');
    assert.equal(await ask(fandns.port, '0.0.0.0.in-addr.arpa', 'PTR'), 'NOERROR 0.0.0.0.in-addr.arpa PTR ads0.tracker.example');
  });
});
