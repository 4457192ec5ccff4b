/**
 * fandns_upstream_responses_total{upstream,rcode}: every reply an upstream sends is counted by its
 * RCODE, against what the scripted servers answered: errors a client never sees as such (a
 * REFUSED fandns turned into SERVFAIL, a SERVFAIL), and the late replies of an all-servers group
 * (the server that was not first is still counted).
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr, type FakeAnswer } from '../helpers/fake-upstream.js';
import { promSample } from '../helpers/prom-text.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { waitFor } from '../helpers/wait.js';

/** NOERROR with an address, or the RCODE the name's first label asks for (`servfail-1.test`). */
function byName(name: string): FakeAnswer {
  const label = name.split('.')[0]!.replace(/-\d+$/, '').toUpperCase();
  if (label === 'SERVFAIL' || label === 'REFUSED' || label === 'NXDOMAIN') return { rcode: label, authorities: label === 'NXDOMAIN' ? [rr.soa('test', 30)] : [] };
  return { answers: [rr.a(name, '192.0.2.10', 60)] };
}

describe('fandns_upstream_responses_total', () => {
  let plain: FakeUpstream;
  let fast: FakeUpstream;
  let slow: FakeUpstream;
  let proxy: TestProxy;
  before(async () => {
    plain = await FakeUpstream.start((q) => byName(q.name));
    fast = await FakeUpstream.start((q) => ({ answers: [rr.a(q.name, '192.0.2.20', 60)] }));
    slow = await FakeUpstream.start(() => ({ rcode: 'NXDOMAIN', authorities: [rr.soa('svc.test', 30)], delayMs: 50 }));
    proxy = await startProxy(`server=${plain.spec}\nserver=/svc.test/${fast.spec}\nserver=/svc.test/${slow.spec}\nall-servers=/svc.test/\n`
      + 'metrics-address=127.0.0.1:0\n');
  });
  after(async () => {
    await proxy.stop();
    for (const u of [plain, fast, slow]) await u.close();
  });

  const metrics = async () => (await fetch(`http://${proxy.server.metricsEndpoint}/metrics`)).text();
  const count = (text: string, up: FakeUpstream, rcode: string) => promSample(text, `fandns_upstream_responses_total{upstream="${up.spec}",rcode="${rcode}"}`) ?? 0;

  it('counts each server\'s replies by RCODE, as the server sent them', async () => {
    const names = ['ok-1.test', 'ok-2.test', 'nxdomain-1.test', 'servfail-1.test', 'refused-1.test', 'refused-2.test'];
    for (const n of names) await proxy.query(n);
    const sent = (rcode: string) => plain.queries.filter((q) => (q.name.split('.')[0]!.replace(/-\d+$/, '').toUpperCase() === rcode)
      || (rcode === 'NOERROR' && q.name.startsWith('ok-'))).length;
    const text = await metrics();
    for (const rcode of ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED']) {
      assert.ok(sent(rcode) > 0, `the server answered ${rcode}`);
      assert.equal(count(text, plain, rcode), sent(rcode), rcode);
    }
  });

  it('counts the late reply of the all-servers member that was not first', async () => {
    const r = await proxy.query('web.svc.test');
    assert.equal(r.rcode, 'NOERROR', 'the positive answer wins');
    await waitFor(() => slow.queries.length === 1, 'the slow server to be asked');
    let text = '';
    for (let i = 0; i < 50 && count(text, slow, 'NXDOMAIN') === 0; i++) {
      text = await metrics();
      if (count(text, slow, 'NXDOMAIN') === 0) await new Promise((res) => setTimeout(res, 20));
    }
    assert.equal(count(text, fast, 'NOERROR'), 1);
    assert.equal(count(text, slow, 'NXDOMAIN'), 1, 'its NXDOMAIN came after the answer was sent, and is counted');
  });
});
