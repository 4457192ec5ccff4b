/**
 * The seed scenario of DESIGN.md with real servers: three dnsmasq instances on loopback play the
 * Consul servers for service.consul (A and SRV with additional records), fandns has
 * `all-servers`, the three `server=/service.consul/…` lines and
 * `cname=web.example.com,web.service.consul`. `dig`-style questions get the CNAME plus the
 * records only the "Consul" servers know, and the same answer with one of them dead.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { answerData } from '../helpers/dns-client.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { skipUnless } from '../helpers/tools.js';

/** What each "Consul" dnsmasq serves (TTL 30 via local-ttl). */
const CONSUL = [
  'host-record=web.service.consul,10.1.0.1',
  'host-record=web.service.consul,10.1.0.2',
  'host-record=node1.node.dc1.consul,10.1.0.1',
  'srv-host=_web._tcp.service.consul,node1.node.dc1.consul,8080',
  'local=/consul/',
  'local-ttl=30',
].join('\n');

describe('seed scenario: cname to a service only three dnsmasq "Consul" servers know', { skip: skipUnless('dnsmasq') }, () => {
  let consul: RunningDnsmasq[];
  let proxy: TestProxy;
  before(async () => {
    consul = [await startDnsmasq(CONSUL), await startDnsmasq(CONSUL), await startDnsmasq(CONSUL)];
    proxy = await startProxy([
      'all-servers',
      'upstream-timeout=300',
      ...consul.map((c) => `server=/service.consul/${c.spec}`),
      'cname=web.example.com,web.service.consul',
      'cname=srv.example.com,_web._tcp.service.consul',
      'cache-size=0',
    ].join('\n'));
  });
  after(async () => {
    await proxy?.stop();
    await Promise.all((consul ?? []).map((c) => c.stop()));
  });

  const checkA = async () => {
    const r = await proxy.query('web.example.com');
    assert.equal(r.rcode, 'NOERROR');
    const ans = r.packet.answers ?? [];
    assert.deepEqual(ans.map((a) => a.type), ['CNAME', 'A', 'A']);
    assert.equal((ans[0] as { data: string }).data, 'web.service.consul');
    assert.deepEqual(answerData(r.packet).slice(1).sort(), ['10.1.0.1', '10.1.0.2']);
  };
  const checkSrv = async () => {
    const r = await proxy.query('srv.example.com', { type: 'SRV' });
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual((r.packet.answers ?? []).map((a) => a.type), ['CNAME', 'SRV']);
    assert.equal((r.packet.answers![1] as { data: { target: string; port: number } }).data.port, 8080);
    assert.ok((r.packet.additionals ?? []).some((a) => a.type === 'A' && a.name === 'node1.node.dc1.consul'), 'SRV additional A kept');
  };

  it('answers A with the CNAME and the A records from the Consul servers', checkA);
  it('answers SRV with the CNAME, the SRV and its additional records', checkSrv);
  it('gives the same answers with one Consul server dead', async () => {
    await consul[1]!.stop();
    await checkA();
    await checkSrv();
  });
});
