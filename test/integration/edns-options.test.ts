/**
 * add-subnet, strip-subnet, add-cpe-id, strip-mac and add-mac through the real proxy, against a
 * recording upstream that answers according to the client subnet it was sent and echoes it with a
 * scope of its choosing:
 * - the option bytes upstream sees (RFC 7871 §6), with and without the client's EDNS, over UDP and TCP;
 * - the cache: a client-derived subnet answer is kept only when its scope is 0 (valid for everyone);
 *   a fixed subnet's answers are cached as usual;
 * - coalescing: clients of different subnets never share an upstream query, clients of one do;
 * - what the client gets: no ECS option unless it sent one, and then its own (RFC 7871 §7.2.2);
 * - a reply whose ECS option does not match the query's is dropped and the real one awaited (§7.3).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { answerData, buildQuery, hasV6Loopback, optOf, toReply, udpExchange, type QueryOptions, type Reply } from '../helpers/dns-client.js';
import { rr, type FakeAnswer, type SeenQuery } from '../helpers/fake-upstream.js';
import { withUpstreams } from '../helpers/scenario.js';

type Option = { code: number; data: Buffer };

/** The EDNS options a message carries (undefined: no OPT). */
const optionsOf = (p: dnsPacket.Packet): Option[] | undefined => optOf(p)?.options;
/** "code=hex" for each option of a message's OPT, or null without one. */
const shown = (p: dnsPacket.Packet): string[] | null => optionsOf(p)?.map((o) => `${o.code}=${o.data.toString('hex')}`) ?? null;
/** The ECS OPTION-DATA a query carried, or undefined. */
const ecsOf = (q: SeenQuery): Buffer | undefined => optionsOf(q.packet)?.find((o) => o.code === 8)?.data;
/** An ECS option echoing `data` with SCOPE PREFIX-LENGTH `scope`. */
const echo = (data: Buffer, scope: number): Option => {
  const d = Buffer.from(data);
  d[3] = scope;
  return { code: 8, data: d };
};

/**
 * The upstream: an A record whose last octet is the last address octet of the subnet it was sent
 * (0 without one), and the ECS echoed with scope 24 for names starting "scoped", 0 otherwise.
 */
function bySubnet(q: SeenQuery): FakeAnswer {
  const ecs = ecsOf(q);
  const last = ecs && ecs.length > 4 ? ecs[ecs.length - 1]! : 0;
  const answers = [rr.a(q.name, `198.18.0.${last}`)];
  if (!ecs) return { answers };
  return { answers, ednsOptions: [echo(ecs, q.name.startsWith('scoped') ? 24 : 0)] };
}

/** Asks `name` over UDP from the local address `from` (127.0.0.0/8 all reaches loopback). */
function askFrom(from: string, port: number, name: string, opts: QueryOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      reject(new Error(`no reply from ${from} in 3 s`));
    }, 3000);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(toReply(m));
    });
    s.bind(0, from, () => s.send(buildQuery(name, opts), port, '127.0.0.1'));
  });
}

const COOKIE: Option = { code: 10, data: Buffer.from('0102030405060708', 'hex') };

describe('add-subnet with the client\'s address', () => {
  it('appends ECS 127.0.0.0/24 after the client\'s options, and the client gets no ECS back', () =>
    withUpstreams([bySubnet], 'add-subnet=24,96', async ({ ups: [up], proxy }) => {
      const r = await proxy.query('a.test', { edns: 1232, ednsOptions: [COOKIE] });
      assert.deepEqual(shown(up!.queries[0]!.packet), ['10=0102030405060708', '8=000118007f0000']);
      assert.deepEqual(answerData(r.packet), ['198.18.0.0']);
      assert.deepEqual(shown(r.packet), [], 'the upstream\'s ECS is not passed on (RFC 7871 §7.2.2)');
    }));

  it('adds an OPT of 512 bytes for a client without EDNS, and the client gets no OPT', () =>
    withUpstreams([bySubnet], 'add-subnet=24,96', async ({ ups: [up], proxy }) => {
      const r = await proxy.query('b.test');
      const opt = optOf(up!.queries[0]!.packet);
      assert.equal(opt?.udpPayloadSize, 512);
      assert.deepEqual(shown(up!.queries[0]!.packet), ['8=000118007f0000']);
      assert.equal(optOf(r.packet), undefined);
      assert.equal(r.rcode, 'NOERROR');
    }));

  it('adds it to queries that come over TCP too', () =>
    withUpstreams([bySubnet], 'add-subnet=24', async ({ ups: [up], proxy }) => {
      await proxy.query('tcp.test', { tcp: true });
      assert.deepEqual(shown(up!.queries[0]!.packet), ['8=000118007f0000']);
    }));

  it('caches an answer of scope 0, never one of scope 24', () =>
    withUpstreams([bySubnet], 'add-subnet=24', async ({ ups: [up], proxy }) => {
      for (let i = 0; i < 2; i++) await proxy.query('global.test');
      for (let i = 0; i < 2; i++) await proxy.query('scoped.test');
      assert.equal(up!.count('global.test'), 1, 'scope 0: valid for every client');
      assert.equal(up!.count('scoped.test'), 2, 'scope 24: this subnet\'s answer only');
    }));

  it('does not let clients of different subnets share an upstream query; clients of one subnet do', () =>
    withUpstreams([(q) => ({ ...bySubnet(q), delayMs: 200 })], 'add-subnet=32', async ({ ups: [up], proxy }) => {
      const [one, two, again] = await Promise.all([
        askFrom('127.0.0.1', proxy.port, 'scoped-race.test'),
        askFrom('127.0.0.2', proxy.port, 'scoped-race.test'),
        askFrom('127.0.0.1', proxy.port, 'scoped-race.test'),
      ]);
      assert.equal(up!.count('scoped-race.test'), 2);
      assert.deepEqual(up!.queries.map((q) => ecsOf(q)!.toString('hex')).sort(), ['000120007f000001', '000120007f000002']);
      assert.deepEqual(answerData(one!.packet), ['198.18.0.1']);
      assert.deepEqual(answerData(two!.packet), ['198.18.0.2'], '127.0.0.2 gets the answer for its own subnet');
      assert.deepEqual(answerData(again!.packet), ['198.18.0.1']);
      assert.equal(proxy.server.runtime.forward.counters.coalesced, 1);
    }));

  it('keeps a client\'s own ECS option without strip-subnet, and accepts the upstream\'s echo of it (dnsmasq drops it)', () =>
    withUpstreams([bySubnet], 'add-subnet=24', async ({ ups: [up], proxy }) => {
      const mine = { code: 8, data: Buffer.from('00011800010203', 'hex') };
      const r = await proxy.query('scoped-own.test', { edns: 1232, ednsOptions: [mine] });
      assert.deepEqual(shown(up!.queries[0]!.packet), ['8=00011800010203']);
      assert.deepEqual(answerData(r.packet), ['198.18.0.3']);
      assert.deepEqual(shown(r.packet), ['8=00011818010203'], 'its own option, with the upstream\'s scope');
      await proxy.query('scoped-own.test', { edns: 1232, ednsOptions: [mine] });
      assert.equal(up!.count('scoped-own.test'), 2, 'a scoped answer for the client\'s subnet is not cached');
    }));

  it('with strip-subnet replaces the client\'s option, and gives the client its own back', () =>
    withUpstreams([bySubnet], 'add-subnet=24\nstrip-subnet', async ({ ups: [up], proxy }) => {
      const mine = { code: 8, data: Buffer.from('000110000a09', 'hex') };
      const r = await proxy.query('scoped-replaced.test', { edns: 1232, ednsOptions: [COOKIE, mine] });
      assert.deepEqual(shown(up!.queries[0]!.packet), ['10=0102030405060708', '8=000118007f0000']);
      assert.deepEqual(shown(r.packet), ['8=000110100a09'], 'its own subnet; scope = its own prefix, as the answer was scoped');
    }));

  it('drops a reply whose ECS option is for another subnet, and answers with the real one that follows', () =>
    withUpstreams([(q) => ({
      answers: [rr.a(q.name, '203.0.113.66')], ednsOptions: [{ code: 8, data: Buffer.from('00011800cb0071', 'hex') }],
      also: [{ ...bySubnet(q), delayMs: 100 }],
    })], 'add-subnet=24\nupstream-timeout=1000', async ({ ups: [up], proxy }) => {
      const r = await proxy.query('forged.test');
      assert.deepEqual(answerData(r.packet), ['198.18.0.0']);
      assert.equal(up!.queries.length, 1);
      const [u] = proxy.server.metricsSnapshot().upstreams;
      assert.equal(u!.ecsMismatch, 1);
      assert.equal(u!.timeouts, 0);
    }));
});

describe('add-subnet for an IPv6 client', { skip: !(await hasV6Loopback()) && 'no IPv6 loopback on this host' }, () => {
  it('sends the client\'s address cut to the second prefix, in family 2', () =>
    withUpstreams([bySubnet], 'listen-address=::1\nadd-subnet=24,56', async ({ ups: [up], proxy }) => {
      const v6 = proxy.server.endpoints.find((e) => e.address === '::1')!;
      const r = toReply(await udpExchange(buildQuery('six.test'), v6.port, 3000, '::1'));
      assert.equal(r.rcode, 'NOERROR');
      assert.deepEqual(shown(up!.queries[0]!.packet), ['8=00023800' + '00'.repeat(7)]);
    }));
});

describe('add-subnet with a fixed address', () => {
  it('sends the same subnet for every client, caches scoped answers and lets clients share a query', () =>
    withUpstreams([(q) => ({ ...bySubnet(q), delayMs: 150 })], 'add-subnet=198.51.100.7/24', async ({ ups: [up], proxy }) => {
      const [one, two] = await Promise.all([askFrom('127.0.0.1', proxy.port, 'scoped-fixed.test'), askFrom('127.0.0.2', proxy.port, 'scoped-fixed.test')]);
      assert.deepEqual(shown(up!.queries[0]!.packet), ['8=00011800c63364']);
      assert.deepEqual(answerData(one!.packet), ['198.18.0.100']);
      assert.deepEqual(answerData(two!.packet), ['198.18.0.100']);
      await askFrom('127.0.0.3', proxy.port, 'scoped-fixed.test');
      assert.equal(up!.count('scoped-fixed.test'), 1, 'one upstream query, then the cache');
    }));
});

describe('strip-subnet', () => {
  it('removes the client\'s ECS option and leaves a query without EDNS as it is', () =>
    withUpstreams([bySubnet], 'strip-subnet', async ({ ups: [up], proxy }) => {
      const r = await proxy.query('strip.test', { edns: 1232, ednsOptions: [{ code: 8, data: Buffer.from('00011800010203', 'hex') }, COOKIE] });
      assert.deepEqual(shown(up!.queries[0]!.packet), ['10=0102030405060708']);
      assert.deepEqual(shown(r.packet), ['8=00011800010203'], 'its own option, scope 0: the answer did not depend on it');
      await proxy.query('plain.test');
      assert.equal(optOf(up!.queries[1]!.packet), undefined);
    }));
});

describe('add-cpe-id, strip-mac', () => {
  it('replace a client\'s CPE id, remove its MAC options, and cache as usual', () =>
    withUpstreams([bySubnet], 'add-cpe-id=site-7\nstrip-mac', async ({ ups: [up], proxy }) => {
      const theirs = [{ code: 65001, data: Buffer.from('aabbccddeeff', 'hex') }, { code: 65073, data: Buffer.from('QUJD') }, { code: 65074, data: Buffer.from('xx') }];
      await proxy.query('cpe.test', { edns: 1232, ednsOptions: [...theirs, COOKIE] });
      assert.deepEqual(shown(up!.queries[0]!.packet), ['10=0102030405060708', `65074=${Buffer.from('site-7').toString('hex')}`]);
      await proxy.query('cpe.test');
      assert.equal(up!.count('cpe.test'), 1);
      await proxy.query('cpe2.test');
      assert.equal(optOf(up!.queries[1]!.packet)?.udpPayloadSize, 512, 'a client without EDNS: an OPT of 512 bytes is added');
    }));
});

describe('add-mac', () => {
  it('adds nothing for a loopback client (no neighbour entry), as dnsmasq, and caches as usual', () =>
    withUpstreams([bySubnet], 'add-mac\nadd-mac=text', async ({ ups: [up], proxy }) => {
      await proxy.query('mac.test');
      await proxy.query('mac.test');
      assert.equal(optOf(up!.queries[0]!.packet), undefined);
      assert.equal(up!.count('mac.test'), 1);
    }));
});

describe('cname= alias of a name with a subnet-specific answer', () => {
  it('is not cached either', () =>
    withUpstreams([bySubnet], 'add-subnet=24\ncname=alias.test,scoped-target.test', async ({ ups: [up], proxy }) => {
      for (let i = 0; i < 2; i++) {
        const r = await proxy.query('alias.test');
        assert.deepEqual(answerData(r.packet), ['scoped-target.test', '198.18.0.0']);
      }
      assert.equal(up!.count('scoped-target.test'), 2);
    }));
});
