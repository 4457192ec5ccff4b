/**
 * The AD bit of upstream answers (RFC 4035 §3.2.3, RFC 6840 §5.8). fandns does not validate, so by
 * default, as dnsmasq does, it clears AD in every forwarded answer: a client that trusts its local
 * resolver (glibc's trust-ad) must not take an upstream's word, carried over a path nobody secured,
 * for data fandns vouches for. `proxy-dnssec` says the upstreams validate and the path is trusted:
 * AD is passed on to clients that asked (AD or DO), cached answers keeping it. A reload that
 * changes the option drops what the cache holds (reload-keeps-cache).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { parseConfigText } from '../../src/config/load.js';
import { FakeUpstream, rr, type Script } from '../helpers/fake-upstream.js';
import { startProxy, TEST_PREAMBLE } from '../helpers/proxy.js';
import { withUpstreams } from '../helpers/scenario.js';
import type { Reply } from '../helpers/dns-client.js';

const CONF = 'upstream-timeout=500\nquery-timeout=3000';

/** A signed-looking answer with AD set, as a validating upstream gives it. */
const validated: Script = (q) => ({
  ad: true,
  answers: [rr.a(q.name, '10.0.0.1', 60), { type: 'RRSIG', name: q.name, ttl: 60, data: {
    typeCovered: 'A', algorithm: 13, labels: 2, originalTTL: 60, expiration: 2_000_000_000, inception: 1_600_000_000,
    keyTag: 1, signersName: 'test.', signature: Buffer.alloc(64, 1),
  } } as dnsPacket.Answer],
});

const ad = (r: Reply): boolean => (r.raw[3]! & 0x20) !== 0;
const types = (r: Reply): string[] => (r.packet.answers ?? []).map((a) => a.type);
const DO = { edns: 1232, dnssecOk: true, ad: true } as const;

describe('AD from upstreams without proxy-dnssec (the default)', () => {
  it('is cleared for AD and DO clients, forwarded and from the cache; the RRSIG still reaches the DO client', () =>
    withUpstreams([validated], CONF, async ({ ups: [up], proxy }) => {
      const first = await proxy.query('a.sec.test', DO);
      assert.equal(first.rcode, 'NOERROR');
      assert.equal(ad(first), false, 'forwarded: AD cleared');
      assert.deepEqual(types(first), ['A', 'RRSIG']);
      const hit = await proxy.query('a.sec.test', DO);
      assert.equal(up!.count('a.sec.test'), 1, 'the second answer came from the cache');
      assert.equal(ad(hit), false, 'cached: AD cleared');
      assert.equal(ad(await proxy.query('b.sec.test', { ad: true })), false, 'AD client');
    }));

  it('is cleared in an error answer passed on, and over TCP', () =>
    withUpstreams([() => ({ ad: true, rcode: 'NXDOMAIN', authorities: [rr.soa('test', 30)] })], `${CONF}\nforce-tcp`, async ({ proxy }) => {
      const r = await proxy.query('gone.sec.test', DO);
      assert.equal(r.rcode, 'NXDOMAIN');
      assert.equal(ad(r), false);
    }));

  it('is cleared when merge-answers builds one reply from several', async () => {
    const a = await FakeUpstream.start((q) => ({ ad: true, answers: [rr.a(q.name, '10.0.0.1', 60)] }));
    const b = await FakeUpstream.start((q) => ({ ad: true, answers: [rr.a(q.name, '10.0.0.2', 60)] }));
    const p = await startProxy(`${CONF}\nserver=/sec.test/${a.spec}\nserver=/sec.test/${b.spec}\nmerge-answers=/sec.test/`);
    try {
      const r = await p.query('m.sec.test', DO);
      assert.deepEqual((r.packet.answers ?? []).filter((x) => x.type === 'A').map((x) => (x as { data: string }).data).sort(), ['10.0.0.1', '10.0.0.2'], 'merged');
      assert.equal(ad(r), false);
    } finally {
      await p.stop();
      await a.close();
      await b.close();
    }
  });
});

describe('proxy-dnssec', () => {
  it('passes AD on to clients that asked, forwarded and from the cache', () =>
    withUpstreams([validated], `${CONF}\nproxy-dnssec`, async ({ ups: [up], proxy }) => {
      assert.equal(ad(await proxy.query('a.sec.test', DO)), true, 'forwarded');
      assert.equal(ad(await proxy.query('a.sec.test', DO)), true, 'cached (dnsmasq clears it on a cache hit)');
      assert.equal(up!.count('a.sec.test'), 1);
      assert.equal(ad(await proxy.query('a.sec.test', { ad: true })), true, 'AD client');
      assert.equal(ad(await proxy.query('a.sec.test')), false, 'a client that asked for neither (RFC 6840 §5.8)');
    }));

  it('a reload that turns it off drops the cached answers that carry AD (reload-keeps-cache)', async () => {
    const up = await FakeUpstream.start(validated);
    const conf = (extra: string) => `server=${up.spec}\nreload-keeps-cache\n${extra}\n`;
    const p = await startProxy(conf('proxy-dnssec'));
    try {
      assert.equal(ad(await p.query('r.sec.test', DO)), true);
      p.server.reload(parseConfigText(TEST_PREAMBLE + conf('')));
      const after = await p.query('r.sec.test', DO);
      assert.equal(ad(after), false, 'no AD after the reload');
      assert.equal(up.count('r.sec.test'), 2, 'the entry was dropped and asked again');
    } finally {
      await p.stop();
      await up.close();
    }
  });
});
