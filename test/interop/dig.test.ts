/**
 * dig (BIND 9) as the client: dig → fandns → a real dnsmasq upstream. UDP and TCP, with and
 * without a DNS cookie, letter case, truncation of a big answer for a client without EDNS and
 * dig's own TCP retry, and the DO bit.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { dig, digText, parseEveryResponse, withoutTtl, type DigResult } from '../helpers/dig.js';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { BIG_TXT, MULTI_COUNT, chainForSuite } from '../helpers/interop-chain.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { skipUnless } from '../helpers/tools.js';

/** The answer dnsmasq serves for web.service.consul A, without TTL. */
const WEB_A = 'web.service.consul. IN A 10.1.0.1';

const multiAddresses = Array.from({ length: MULTI_COUNT }, (_, i) => `10.2.0.${i + 1}`).sort();

function assertClean(r: DigResult): void {
  assert.deepEqual(r.warnings, [], r.text);
}

describe('dig → fandns → dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  const chain = chainForSuite();
  const q = (...args: string[]) => dig(chain().proxy.port, args);

  it('answers an A query over UDP', async () => {
    const r = await q('web.service.consul', 'A');
    assert.equal(r.status, 'NOERROR', r.text);
    assert.equal(r.protocol, 'UDP');
    for (const f of ['qr', 'rd', 'ra']) assert.ok(r.flags.includes(f), `flag ${f}: ${r.text}`);
    assert.ok(!r.flags.includes('tc'), r.text);
    assert.deepEqual(r.answer.map(withoutTtl), [WEB_A]);
    assert.ok(r.answer[0]!.ttl <= 30, 'TTL never above the upstream TTL');
    assertClean(r);
  });

  it('answers the same over TCP (+tcp)', async () => {
    const r = await q('+tcp', 'web.service.consul', 'A');
    assert.equal(r.status, 'NOERROR', r.text);
    assert.equal(r.protocol, 'TCP');
    assert.deepEqual(r.answer.map(withoutTtl), [WEB_A]);
    assertClean(r);
  });

  it('works with dig’s default cookie and with +nocookie', async () => {
    const withCookie = await q('web.service.consul', 'A');
    const without = await q('+nocookie', 'web.service.consul', 'A');
    for (const r of [withCookie, without]) {
      assert.equal(r.status, 'NOERROR', r.text);
      assert.ok(r.edns, `an OPT record comes back to an EDNS client: ${r.text}`);
      assert.deepEqual(r.answer.map(withoutTtl), [WEB_A]);
      assertClean(r);
    }
    assert.equal(without.edns!.cookie, null, 'no cookie invented for a client that sent none');
  });

  it('echoes a mixed-case question exactly', async () => {
    const r = await q('WeB.SeRvIcE.CoNsUl', 'A');
    assert.equal(r.status, 'NOERROR', r.text);
    assert.equal(r.question?.name, 'WeB.SeRvIcE.CoNsUl.');
    assert.deepEqual(r.answer.map(withoutTtl), [WEB_A]);
    assertClean(r);
  });

  it('sets TC on a UDP answer too big for a client without EDNS (+noedns +ignore)', async () => {
    for (const [name, type] of [['multi.test', 'A'], ['big.test', 'TXT']] as const) {
      const r = await q('+noedns', '+ignore', name, type);
      assert.ok(r.flags.includes('tc'), `${name}: TC expected: ${r.text}`);
      assert.equal(r.protocol, 'UDP');
      assert.equal(r.edns, null, 'no OPT for a client that sent none');
      assert.equal(r.question?.name, `${name}.`);
    }
  });

  it('dig retries the truncated answer over TCP and gets every A record', async () => {
    const r = await q('+noedns', 'multi.test', 'A');
    assert.ok(r.retriedOverTcp, `dig should have seen TC and retried: ${r.text}`);
    assert.equal(r.protocol, 'TCP');
    assert.equal(r.status, 'NOERROR');
    assert.ok(!r.flags.includes('tc'), r.text);
    assert.deepEqual(r.answer.map((a) => a.data).sort(), multiAddresses);
    assert.ok(r.answer.every((a) => a.type === 'A' && a.name === 'multi.test.'));
  });

  it('dig retries a big TXT answer over TCP and gets all its strings', async () => {
    const r = await q('+noedns', 'big.test', 'TXT');
    assert.ok(r.retriedOverTcp, r.text);
    assert.equal(r.protocol, 'TCP');
    assert.equal(r.answer.length, 1, r.text);
    assert.equal(r.answer[0]!.data, BIG_TXT.map((t) => `"${t}"`).join(' '));
  });

  it('fits the multi-A answer in one UDP reply when dig advertises 1232 bytes', async () => {
    const r = await q('+bufsize=1232', 'multi.test', 'A');
    assert.equal(r.protocol, 'UDP');
    assert.ok(!r.retriedOverTcp && !r.flags.includes('tc'), r.text);
    assert.equal(r.answer.length, MULTI_COUNT);
  });

  it('answers several queries on one kept-open TCP connection (+tcp +keepopen)', async () => {
    const text = await digText(chain().proxy.port, ['+tcp', '+keepopen', 'web.service.consul', 'A', '_web._tcp.service.consul', 'SRV', 'multi.test', 'A', 'nope.service.consul', 'A']);
    const rs = parseEveryResponse(text);
    assert.equal(rs.length, 4, text);
    assert.deepEqual(rs.map((r) => r.question?.name), ['web.service.consul.', '_web._tcp.service.consul.', 'multi.test.', 'nope.service.consul.']);
    assert.deepEqual(rs.map((r) => r.status), ['NOERROR', 'NOERROR', 'NOERROR', 'NXDOMAIN']);
    assert.deepEqual(rs.map((r) => r.answer.length), [1, 1, MULTI_COUNT, 0]);
    assert.ok(rs.every((r) => r.protocol === 'TCP'));
  });

  // RFC 6891 §7: a responder MUST include an OPT in its response to a request that had one. dig
  // reads an error without OPT as "this server has no EDNS" and says to retry with +noedns.
  it('error replies to EDNS queries (NOTIMP, FORMERR) carry an OPT record', async () => {
    for (const args of [['+opcode=status', 'web.service.consul'], ['+header-only', 'web.service.consul']]) {
      const r = await q(...args);
      assert.notEqual(r.edns, null, `OPT expected (${args.join(' ')}): ${r.text}`);
      assertClean(r);
    }
  });

  it('+dnssec: the DO bit comes back in the OPT record; without it, it does not', async () => {
    const withDo = await q('+dnssec', 'web.service.consul', 'A');
    assert.equal(withDo.status, 'NOERROR', withDo.text);
    assert.ok(withDo.edns?.flags.includes('do'), `DO echoed: ${withDo.text}`);
    assert.deepEqual(withDo.answer.map(withoutTtl), [WEB_A]);
    const plain = await q('web.service.consul', 'A');
    assert.ok(plain.edns && !plain.edns.flags.includes('do'), plain.text);
  });
});

/** RFC 7873 option code of a DNS COOKIE. */
const COOKIE = 10;

/** An upstream that, like BIND, echoes the client cookie and adds an 8-byte server cookie. */
function cookieUpstream(): Promise<FakeUpstream> {
  return FakeUpstream.start((q) => {
    const opt = (q.packet.additionals ?? []).find((a) => a.type === 'OPT') as { options?: { code: number; data: Buffer }[] } | undefined;
    const client = opt?.options?.find((o) => o.code === COOKIE)?.data.subarray(0, 8);
    const options = client ? [{ code: COOKIE, data: Buffer.concat([client, Buffer.from('fandns!!')]) }] : [];
    const additionals = opt ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options } as never] : [];
    return {
      raw: dnsPacket.encode({
        type: 'response',
        id: q.packet.id ?? 0,
        flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
        questions: q.packet.questions ?? [],
        answers: [rr.a(q.name, '192.0.2.53', 60)],
        additionals,
      }),
    };
  });
}

describe('dig cookies through fandns to a cookie-aware upstream', { skip: skipUnless('dig') }, () => {
  let up: FakeUpstream;
  let proxy: TestProxy;
  before(async () => {
    up = await cookieUpstream();
    proxy = await startProxy(`server=${up.spec}\n`);
  });
  after(async () => {
    await proxy?.stop();
    await up?.close();
  });

  it('dig accepts the cookie that comes back (no mismatch warning)', async () => {
    const r = await dig(proxy.port, ['cookie.test', 'A']);
    assert.equal(r.status, 'NOERROR', r.text);
    assert.deepEqual(r.answer.map(withoutTtl), ['cookie.test. IN A 192.0.2.53']);
    assert.ok(r.edns?.cookie, `a cookie comes back: ${r.text}`);
    assert.match(r.edns.cookie, /\(good\)/, r.text);
    assertClean(r);
  });

  it('+nocookie gets the answer and no cookie', async () => {
    const r = await dig(proxy.port, ['+nocookie', 'nocookie.test', 'A']);
    assert.equal(r.status, 'NOERROR', r.text);
    assert.equal(r.edns?.cookie ?? null, null, r.text);
    assertClean(r);
  });
});
