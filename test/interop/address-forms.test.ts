/**
 * Every `address=` form (reference §1.3) answered by fandns and by a real dnsmasq 2.90 from the
 * same config lines, compared answer section by answer section: IPv4, IPv6, both families, several
 * lines for one domain, `#` (null addresses), empty (NXDOMAIN), with `local=` (NODATA for other
 * types), `/#/` (every name), and the one domain-rule table deciding between a more specific
 * `server=` and a less specific `address=` in both directions, and domains written in Unicode
 * (matched as their A-labels, as dnsmasq built with IDN does).
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { query, type Reply } from '../helpers/dns-client.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { skipUnless } from '../helpers/tools.js';

/** An upstream that tags A, AAAA and TXT answers with its number; other types get NODATA. */
function tagged(n: number): Promise<FakeUpstream> {
  return FakeUpstream.start((q) => {
    if (q.type === 'A') return { answers: [rr.a(q.name, `10.0.${n}.1`)] };
    if (q.type === 'AAAA') return { answers: [rr.aaaa(q.name, `fd00::${n}:1`)] };
    if (q.type === 'TXT') return { answers: [rr.txt(q.name, `up${n}`)] };
    return { authorities: [rr.soa('test', 60)] };
  });
}

/** What is compared: RCODE, AA, and the answer records (sorted: dnsmasq lists repeated address= lines in reverse). */
function view(r: Reply) {
  const data = (d: unknown) => (typeof d === 'string' ? d : Array.isArray(d) ? d.map(String).join('') : JSON.stringify(d));
  return {
    rcode: r.rcode,
    aa: r.aa,
    answer: (r.packet.answers ?? []).map((a) => `${a.name.toLowerCase()} ${a.type} ${data((a as { data?: unknown }).data)}`).sort(),
  };
}

/** Starts fandns and dnsmasq on `conf` and checks `cases` ([name, type, expected answer data or rcode]). */
function compare(title: string, conf: (up1: FakeUpstream, up2: FakeUpstream) => string, cases: [string, string, string][]) {
  describe(title, { skip: skipUnless('dnsmasq') }, () => {
    let up1: FakeUpstream, up2: FakeUpstream, proxy: TestProxy, dnsmasq: RunningDnsmasq;
    before(async () => {
      up1 = await tagged(1);
      up2 = await tagged(2);
      proxy = await startProxy(conf(up1, up2));
      dnsmasq = await startDnsmasq(conf(up1, up2));
    });
    after(async () => {
      await proxy?.stop();
      await dnsmasq?.stop();
      await Promise.all([up1?.close(), up2?.close()]);
    });
    for (const [name, type, expect] of cases) {
      it(`${name} ${type} → ${expect}`, async () => {
        const mine = view(await proxy.query(name, { type }));
        const ref = view(await query(dnsmasq.port, name, { type }));
        const shown = /^[A-Z]+$/.test(expect) ? mine.rcode : mine.answer.map((a) => a.split(' ').slice(2).join(' ')).join(',');
        assert.equal(shown, expect, `fandns: ${JSON.stringify(mine)}`);
        assert.deepEqual(mine, ref, 'fandns and dnsmasq differ');
      });
    }
  });
}

compare('address= forms: fandns and dnsmasq give the same answers', (up1, up2) => [
  `server=${up2.spec}`,
  'address=/zz/9.9.9.9',
  `server=/a.zz/${up1.spec}`,
  'address=/v6.test/2001:db8::99',
  'address=/both.test/192.0.2.8',
  'address=/both.test/2001:db8::8',
  'address=/multi.test/192.0.2.11',
  'address=/multi.test/192.0.2.12',
  'address=/null.test/#',
  'address=/nx.test/',
  'address=/ex.test/192.0.2.7',
  'local=/ex.test/',
  `server=/both2.test/${up1.spec}`,
  'address=/both2.test/192.0.2.9',
].join('\n'), [
  ['zz', 'A', '9.9.9.9'],
  ['b.zz', 'A', '9.9.9.9'],
  ['zz', 'AAAA', 'fd00::2:1'],
  ['a.zz', 'A', '10.0.1.1'],
  ['x.a.zz', 'AAAA', 'fd00::1:1'],
  ['v6.test', 'AAAA', '2001:db8::99'],
  ['www.v6.test', 'AAAA', '2001:db8::99'],
  ['v6.test', 'A', '10.0.2.1'],
  ['both.test', 'A', '192.0.2.8'],
  ['both.test', 'AAAA', '2001:db8::8'],
  ['both.test', 'TXT', 'up2'],
  ['multi.test', 'A', '192.0.2.11,192.0.2.12'],
  ['null.test', 'A', '0.0.0.0'],
  ['null.test', 'AAAA', '::'],
  ['null.test', 'TXT', 'up2'],
  ['nx.test', 'A', 'NXDOMAIN'],
  ['www.nx.test', 'AAAA', 'NXDOMAIN'],
  ['nx.test', 'TXT', 'NXDOMAIN'],
  ['ex.test', 'A', '192.0.2.7'],
  ['ex.test', 'TXT', 'NOERROR'],
  ['nope.ex.test', 'AAAA', 'NOERROR'],
  ['both2.test', 'A', '192.0.2.9'],
  ['both2.test', 'TXT', 'up1'],
]);

compare('address=/#/: every A not routed more specifically', (_up1, up2) => [
  `server=${up2.spec}`,
  'address=/#/192.0.2.100',
  'server=/exempt.test/#',
].join('\n'), [
  ['any.test', 'A', '192.0.2.100'],
  ['deep.any.test', 'A', '192.0.2.100'],
  ['any.test', 'AAAA', 'fd00::2:1'],
  ['exempt.test', 'A', '10.0.2.1'],
  ['www.exempt.test', 'A', '10.0.2.1'],
]);

compare('internationalized domains in address= and server=: matched as the A-labels clients send', (up1, up2) => [
  `server=${up2.spec}`,
  'address=/ü.test/192.0.2.44',
  `server=/é.test/${up1.spec}`,
  `server=/Bücher.Example/${up1.spec}`,
].join('\n'), [
  ['xn--tda.test', 'A', '192.0.2.44'],
  ['www.xn--tda.test', 'A', '192.0.2.44'],
  ['a.xn--9ca.test', 'A', '10.0.1.1'],
  ['shop.xn--bcher-kva.example', 'A', '10.0.1.1'],
  ['plain.test', 'A', '10.0.2.1'],
]);
