/**
 * dnspython as the client (dns.query and dns.resolver, run by the Debian python): UDP and TCP
 * queries through fandns to a real dnsmasq upstream, letter case, truncation with and without
 * dnspython's TCP fallback, DO, SRV with additional data, NXDOMAIN and NODATA.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { dnspython, dropTtl } from '../helpers/dnspython.js';
import { BIG_TXT, MULTI_COUNT, chainForSuite } from '../helpers/interop-chain.js';
import { skipUnless } from '../helpers/tools.js';

const WEB_A = 'web.service.consul. IN A 10.1.0.1';

describe('dnspython → fandns → dnsmasq', { skip: skipUnless('dnspython', 'dnsmasq') }, () => {
  const chain = chainForSuite();
  const py = (...jobs: Parameters<typeof dnspython>[1]) => dnspython(chain().proxy.port, jobs);

  it('dns.query.udp and dns.query.tcp get the A record', async () => {
    const [udp, tcp] = await py(
      { how: 'udp', name: 'web.service.consul', type: 'A' },
      { how: 'tcp', name: 'web.service.consul', type: 'A' },
    );
    for (const r of [udp!, tcp!]) {
      assert.equal(r.rcode, 'NOERROR', JSON.stringify(r));
      assert.deepEqual(r.answer.map(dropTtl), [WEB_A]);
      assert.ok(r.flags.includes('QR') && r.flags.includes('RD') && r.flags.includes('RA'), JSON.stringify(r));
      assert.equal(r.edns, false, 'no OPT back to a query without one');
    }
  });

  it('echoes the question in the client’s letter case', async () => {
    const [r] = await py({ how: 'udp', name: 'wEB.sERVICE.cONSUL', type: 'A' });
    assert.equal(r!.question, 'wEB.sERVICE.cONSUL.');
    assert.deepEqual(r!.answer.map((l) => dropTtl(l).toLowerCase()), [WEB_A.toLowerCase()]);
  });

  it('a big answer over UDP without EDNS has TC; udp_with_fallback then gets it over TCP', async () => {
    const [plain, fallback, txt] = await py(
      { how: 'udp', name: 'multi.test', type: 'A' },
      { how: 'udp_with_fallback', name: 'multi.test', type: 'A' },
      { how: 'udp_with_fallback', name: 'big.test', type: 'TXT' },
    );
    assert.ok(plain!.flags.includes('TC'), JSON.stringify(plain));
    assert.equal(fallback!.usedTcp, true);
    assert.equal(fallback!.answer.length, MULTI_COUNT);
    assert.ok(!fallback!.flags.includes('TC'));
    assert.equal(txt!.usedTcp, true);
    assert.deepEqual(txt!.answer.map(dropTtl), [`big.test. IN TXT ${BIG_TXT.map((t) => `"${t}"`).join(' ')}`]);
  });

  it('with EDNS the multi-A answer fits one UDP reply', async () => {
    const [r] = await py({ how: 'udp_with_fallback', name: 'multi.test', type: 'A', edns: true });
    assert.equal(r!.usedTcp, false, JSON.stringify(r));
    assert.equal(r!.answer.length, MULTI_COUNT);
    assert.equal(r!.edns, true);
  });

  it('DO comes back in the OPT flags', async () => {
    const [udp, tcp] = await py(
      { how: 'udp', name: 'web.service.consul', type: 'A', dnssec: true },
      { how: 'tcp', name: 'web.service.consul', type: 'A', dnssec: true },
    );
    for (const r of [udp!, tcp!]) {
      assert.ok(r.ednsFlags.includes('DO'), JSON.stringify(r));
      assert.deepEqual(r.answer.map(dropTtl), [WEB_A]);
    }
  });

  it('SRV arrives with its additional A record', async () => {
    const [r] = await py({ how: 'udp', name: '_web._tcp.service.consul', type: 'SRV', edns: true });
    assert.deepEqual(r!.answer.map(dropTtl), ['_web._tcp.service.consul. IN SRV 0 0 8080 web.service.consul.']);
    assert.deepEqual(r!.additional.map(dropTtl), [WEB_A]);
  });

  it('dns.resolver resolves over UDP and TCP', async () => {
    const [udp, tcp, srv] = await py(
      { how: 'resolver', name: 'web.service.consul', type: 'A' },
      { how: 'resolver', name: 'web.service.consul', type: 'A', tcp: true },
      { how: 'resolver', name: '_web._tcp.service.consul', type: 'SRV', edns: true },
    );
    assert.deepEqual(udp!.rrset, ['10.1.0.1'], JSON.stringify(udp));
    assert.deepEqual(tcp!.rrset, ['10.1.0.1'], JSON.stringify(tcp));
    assert.deepEqual(srv!.rrset, ['0 0 8080 web.service.consul.'], JSON.stringify(srv));
  });

  it('dns.resolver sees NXDOMAIN and NODATA from the upstream', async () => {
    const [nx, nodata] = await py(
      { how: 'resolver', name: 'nope.service.consul', type: 'A' },
      { how: 'resolver', name: 'web.service.consul', type: 'AAAA' },
    );
    assert.equal(nx!.error, 'NXDOMAIN', JSON.stringify(nx));
    assert.equal(nodata!.error, 'NoAnswer', JSON.stringify(nodata));
  });
});
