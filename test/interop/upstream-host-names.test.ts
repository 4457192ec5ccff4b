/**
 * A DNS-over-TLS server named by host name, with real peers: dnsmasq 2.90 is the bootstrap server
 * (`host-record=dns.fandns.test,127.0.0.1`) and, behind stunnel (OpenSSL), the DoT server too. The
 * real `fandns` process, with `bootstrap-server=` and `server=tls://dns.fandns.test#PORT`, looks the
 * name up through dnsmasq, connects to the front, and must give dig the answers kdig gets from the
 * front directly. A name dnsmasq does not know gives dig SERVFAIL, never a hang, and a log line
 * with dnsmasq's NXDOMAIN.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { startCli, type CliProcess } from '../helpers/cli-process.js';
import { dig, kdig } from '../helpers/dig.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { startStunnel, TLS_FIXTURE, type RunningStunnel } from '../helpers/stunnel.js';
import { skipUnless } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait.js';

const CA = TLS_FIXTURE('ca.pem');

describe('server=tls://<host name> looked up through dnsmasq', { skip: skipUnless('dig', 'kdig', 'dnsmasq', 'stunnel4') }, () => {
  let dnsmasq: RunningDnsmasq;
  let front: RunningStunnel;
  const started: CliProcess[] = [];

  const fandns = async (server: string) => {
    const p = await startCli([
      '--no-resolv', '--no-hosts', '--port=0', '--listen-address=127.0.0.1', '--upstream-timeout=500',
      `--bootstrap-server=${dnsmasq.spec}`, `--server=tls://${server}#${front.port}`, `--tls-ca-file=${CA}`,
    ]);
    started.push(p);
    return p;
  };

  before(async () => {
    dnsmasq = await startDnsmasq('local=/fandns.test/\nhost-record=dns.fandns.test,127.0.0.1\naddress=/svc.tls.test/192.0.2.71\ntxt-record=txt.tls.test,"by name"');
    front = await startStunnel(dnsmasq.port);
  });

  after(async () => {
    for (const p of started) await p.stop();
    await front?.stop();
    await dnsmasq?.stop();
  });

  const answers = (r: Awaited<ReturnType<typeof dig>>) => r.answer.map((a) => `${a.type} ${a.data}`).sort();

  it('dig through fandns gets what kdig gets from the front, and the log shows the address dnsmasq gave', async () => {
    const p = await fandns('dns.fandns.test');
    for (const [name, type] of [['svc.tls.test', 'A'], ['txt.tls.test', 'TXT']] as const) {
      const reference = await kdig(front.port, ['+tls', `+tls-ca=${CA}`, '+tls-hostname=dns.fandns.test', '-t', type, name]);
      const got = await dig(p.port, ['+tries=1', '+time=5', '-t', type, name]);
      assert.equal(reference.status, 'NOERROR', name);
      assert.equal(got.status, 'NOERROR', name);
      assert.deepEqual(answers(got), answers(reference), name);
    }
    assert.match(p.stderr(), /"host":"dns\.fandns\.test","addresses":\["127\.0\.0\.1"\],"msg":"upstream host name looked up through bootstrap-server"/);
  });

  it('a name dnsmasq does not know: SERVFAIL, and the log says NXDOMAIN', async () => {
    const p = await fandns('nowhere.fandns.test');
    const got = await dig(p.port, ['+tries=1', '+time=5', 'svc.tls.test']);
    assert.equal(got.status, 'SERVFAIL');
    await waitFor(() => /bootstrap: NXDOMAIN for nowhere\.fandns\.test/.test(p.stderr()), `the lookup failure in the log: ${p.stderr()}`);
  });
});
