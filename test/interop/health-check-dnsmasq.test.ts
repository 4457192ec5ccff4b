/**
 * health-check= against real peers: two dnsmasq 2.90 servers stand in for Consul agents. One knows
 * the check name; the other has no upstream for it and, like a Consul agent that lost its cluster,
 * answers it at once with an error (REFUSED: verified on the binary) while still answering other
 * names. The real `fandns` process marks that one down, says why in its log, and dig then always
 * gets the healthy server's answer, through a SIGHUP too.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { dig } from '../helpers/dig.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { skipUnless } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';

const CHECK = 'consul.service.consul';

describe('health-check with dnsmasq upstreams and dig', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  let healthy: RunningDnsmasq;
  let lost: RunningDnsmasq;
  let fandns: CliProcess;

  before(async () => {
    healthy = await startDnsmasq(`address=/${CHECK}/10.1.1.1\naddress=/web.service.consul/10.1.1.2`);
    lost = await startDnsmasq('address=/web.service.consul/10.9.9.9');
    fandns = await startCli([
      '--no-resolv', '--no-hosts', '--port=0', '--listen-address=127.0.0.1',
      `--server=/service.consul/${healthy.spec}`, `--server=/service.consul/${lost.spec}`,
      `--health-check=/service.consul/${CHECK}`, '--health-check-interval=100',
    ]);
  });

  after(async () => {
    await fandns?.stop();
    await Promise.all([healthy?.stop(), lost?.stop()]);
  });

  it('dnsmasq without an upstream for the check name answers it REFUSED at once, other names NOERROR', async () => {
    assert.equal((await dig(lost.port, ['-t', 'A', CHECK, '+tries=1', '+time=2'])).status, 'REFUSED');
    assert.equal((await dig(lost.port, ['-t', 'A', 'web.service.consul', '+tries=1', '+time=2'])).status, 'NOERROR');
  });

  it('marks that server down by its checks, logs why, and sends every query to the healthy one', async () => {
    await waitFor(() => fandns.stderr().includes(`"upstream":"${lost.spec}","msg":"upstream is down: 3 health checks in a row failed (last: REFUSED)"`),
      'the down line for the REFUSED server');
    assert.ok(!fandns.stderr().includes(`"upstream":"${healthy.spec}","msg":"upstream is down`), 'the healthy server stays up');
    for (let i = 0; i < 10; i++) {
      const r = await dig(fandns.port, ['-t', 'A', 'web.service.consul', '+tries=1', '+time=3']);
      assert.deepEqual([r.status, r.answer.map((a) => a.data)], ['NOERROR', ['10.1.1.2']], `query ${i}`);
    }
  });

  it('keeps it down through a SIGHUP', async () => {
    process.kill(fandns.pid, 'SIGHUP');
    await waitFor(() => fandns.stderr().includes('configuration reloaded'), 'the reload');
    for (let i = 0; i < 5; i++) {
      const r = await dig(fandns.port, ['-t', 'A', 'web.service.consul', '+tries=1', '+time=3']);
      assert.deepEqual(r.answer.map((a) => a.data), ['10.1.1.2'], `query ${i} after the reload`);
    }
    assert.ok(!fandns.stderr().includes(`"upstream":"${lost.spec}","msg":"upstream is up again`), 'it never came back');
  });
});
