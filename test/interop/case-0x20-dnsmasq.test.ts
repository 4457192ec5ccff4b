/**
 * do-0x20-encode with dnsmasq 2.90 as the upstream, dig as the client, the real `fandns` process:
 * dnsmasq's query log shows the names arriving in mixed case, dnsmasq echoes that case (it copies
 * the question), so fandns takes its answers, and dig gets the records with its own question back.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { dig } from '../helpers/dig.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { skipUnless } from '../helpers/tools.js';

describe('do-0x20-encode against dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  let upstream: RunningDnsmasq;
  let fandns: CliProcess;

  before(async () => {
    upstream = await startDnsmasq('address=/case.test/192.0.2.20', { logQueries: true });
    fandns = await startCli(['--no-resolv', '--no-hosts', '--port=0', '--listen-address=127.0.0.1', `--server=${upstream.spec}`, '--do-0x20-encode']);
  });

  after(async () => {
    await fandns?.stop();
    await upstream?.stop();
  });

  it('dnsmasq sees mixed case and answers; dig gets its own question and the record', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `www${i}.somewhere.case.test`);
    for (const name of names) {
      const r = await dig(fandns.port, ['+tries=1', '+time=5', name]);
      assert.equal(r.status, 'NOERROR', name);
      assert.equal(r.question?.name, `${name}.`);
      assert.deepEqual(r.answer.map((a) => a.data), ['192.0.2.20']);
    }
    const logged = [...upstream.log().matchAll(/query\[A\] (\S+) from/g)].map((m) => m[1]!).filter((n) => n.toLowerCase().endsWith('.case.test'));
    assert.equal(logged.length, names.length, upstream.log());
    assert.ok(logged.filter((n) => n !== n.toLowerCase()).length >= names.length - 1, `mixed case upstream: ${logged.join(' ')}`);
    assert.doesNotMatch(fandns.stderr(), /does not echo the case/);
  });
});
