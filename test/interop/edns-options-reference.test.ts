/**
 * add-subnet, strip-subnet, add-cpe-id, strip-mac and add-mac against dnsmasq 2.90: the real
 * `fandns` process and a real dnsmasq get the same config lines and the same recording upstream
 * (which echoes the ECS option it was sent, scope 24 for names starting "scoped", else 0). For
 * each case both are asked with dig in turn, and what each sent upstream (UDP size and options)
 * and what dig got back (status, answer, OPT, ECS option) are compared. They agree except where
 * fandns differs on purpose (README "Differences from dnsmasq"): the ECS option in replies, a
 * client's own ECS kept by add-subnet, caching of scope-0 answers, and strip-* without EDNS.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import * as dnsPacket from 'dns-packet';
import { dig } from '../helpers/dig.js';
import { optOf } from '../helpers/dns-client.js';
import { FakeUpstream, rr, type FakeAnswer, type SeenQuery } from '../helpers/fake-upstream.js';
import { pairsOverFakeUpstream, type ReferencePair } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';

/** Every upstream the pairs use: one, recording both servers' queries in the order they come. */
const ups: FakeUpstream[] = [];

/** The upstream script: one A record, and the ECS option echoed with scope 24 or 0. */
function script(q: SeenQuery): FakeAnswer {
  const answers = [rr.a(q.name, '198.18.0.1')];
  const ecs = optOf(q.packet)?.options?.find((o) => o.code === 8)?.data;
  if (!ecs) return { answers };
  const echo = Buffer.from(ecs);
  echo[3] = q.name.startsWith('scoped') ? 24 : 0;
  return { answers, ednsOptions: [{ code: 8, data: echo }] };
}

/** What one upstream query carried: "udp=N code=hex …", or "no-edns". */
function sentShape(p: dnsPacket.Packet): string {
  const o = optOf(p);
  if (!o) return 'no-edns';
  return [`udp=${o.udpPayloadSize}`, ...(o.options ?? []).map((x) => `${x.code}=${x.data.toString('hex')}`)].join(' ');
}

/** Asks `server` on `port` with dig; returns what went upstream meanwhile and what dig got. */
async function observe(port: number, args: readonly string[]): Promise<string> {
  const up = ups[0]!;
  const before = up.queries.length;
  let got: string;
  try {
    const r = await dig(port, [...args, '+tries=1', '+time=2']);
    const ecs = /; CLIENT-SUBNET: (\S+)/.exec(r.text)?.[1];
    got = `${r.status} [${r.answer.map((a) => a.data).join(',')}]${r.edns ? ' opt' : ''}${ecs ? ` ecs=${ecs}` : ''}`;
  } catch {
    got = 'no reply';
  }
  const sent = up.queries.slice(before).map((q) => sentShape(q.packet));
  return `sent: ${sent.join(' | ') || 'nothing'} => ${got}`;
}

/** [fandns, dnsmasq] for one dig invocation per server. */
async function both(pair: ReferencePair, args: readonly string[]): Promise<[string, string]> {
  return [await observe(pair.fandns.port, args), await observe(pair.dnsmasq.port, args)];
}

const COOKIE = '0102030405060708';
const OWN = '1.2.3.0/24';

describe('EDNS options in forwarded queries: fandns (CLI) and dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  const pairs = pairsOverFakeUpstream(script, [
    ['client', (server) => `server=${server}\nadd-subnet=24,96`],
    ['replace', (server) => `server=${server}\nadd-subnet=24\nstrip-subnet`],
    ['strip', (server) => `server=${server}\nstrip-subnet`],
    ['fixed', (server) => `server=${server}\nadd-subnet=198.51.100.7/20`],
    ['bare', (server) => `server=${server}\nadd-subnet`],
    ['cpe', (server) => `server=${server}\nadd-cpe-id=site-7\nstrip-mac`],
    ['mac', (server) => `server=${server}\nadd-mac\nadd-mac=text`],
  ], (up) => ups.push(up));
  const SUBNET = '8=000118007f0000';

  /** [what, pair, dig args, fandns, dnsmasq (omitted: the same as fandns)]. */
  const cases: [string, number, string[], string, string?][] = [
    ['add-subnet, a client with a cookie: ECS after the cookie; the reply\'s ECS passed on by dnsmasq only', 0, ['c1.test', `+cookie=${COOKIE}`],
      `sent: udp=1232 10=${COOKIE} ${SUBNET} => NOERROR [198.18.0.1] opt`,
      `sent: udp=1232 10=${COOKIE} ${SUBNET} => NOERROR [198.18.0.1] opt ecs=127.0.0.0/24/0`],
    ['add-subnet, a client without EDNS: an OPT of 512 bytes upstream, none back', 0, ['c2.test', '+noedns'],
      `sent: udp=512 ${SUBNET} => NOERROR [198.18.0.1]`],
    ['add-subnet, a client\'s own ECS: kept by both; dnsmasq then discards the echo', 0, ['c3.test', '+nocookie', `+subnet=${OWN}`],
      'sent: udp=1232 8=00011800010203 => NOERROR [198.18.0.1] opt ecs=1.2.3.0/24/0',
      'sent: udp=1232 8=00011800010203 => no reply'],
    ['strip-subnet with add-subnet: replaced; the client gets its own back from fandns', 1, ['r1.test', '+nocookie', `+subnet=${OWN}`],
      `sent: udp=1232 ${SUBNET} => NOERROR [198.18.0.1] opt ecs=1.2.3.0/24/0`,
      `sent: udp=1232 ${SUBNET} => NOERROR [198.18.0.1] opt ecs=127.0.0.0/24/0`],
    ['strip-subnet: removed; fandns echoes the client\'s with scope 0', 2, ['s1.test', '+nocookie', `+subnet=${OWN}`],
      'sent: udp=1232 => NOERROR [198.18.0.1] opt ecs=1.2.3.0/24/0',
      'sent: udp=1232 => NOERROR [198.18.0.1] opt'],
    ['strip-subnet, a client without EDNS: dnsmasq adds an empty OPT', 2, ['s2.test', '+noedns'],
      'sent: no-edns => NOERROR [198.18.0.1]',
      'sent: udp=512 => NOERROR [198.18.0.1]'],
    ['add-subnet with a fixed address: 198.51.96.0/20', 3, ['f1.test', '+noedns'],
      'sent: udp=512 8=00011400c63360 => NOERROR [198.18.0.1]'],
    ['bare add-subnet: ECS without address', 4, ['b1.test', '+nocookie'],
      'sent: udp=1232 8=00010000 => NOERROR [198.18.0.1] opt',
      'sent: udp=1232 8=00010000 => NOERROR [198.18.0.1] opt ecs=0.0.0.0/0/0'],
    ['add-cpe-id and strip-mac: the client\'s CPE id replaced, its MAC options removed', 5,
      ['p1.test', '+nocookie', '+ednsopt=65001:aabbccddeeff', '+ednsopt=65073:41414141', '+ednsopt=65074:7878'],
      `sent: udp=1232 65074=${Buffer.from('site-7').toString('hex')} => NOERROR [198.18.0.1] opt`],
    ['add-cpe-id, a client without EDNS: an OPT of 512 bytes', 5, ['p2.test', '+noedns'],
      `sent: udp=512 65074=${Buffer.from('site-7').toString('hex')} => NOERROR [198.18.0.1]`],
    ['add-mac for a loopback client: no neighbour entry, nothing added', 6, ['m1.test', '+noedns'],
      'sent: no-edns => NOERROR [198.18.0.1]'],
  ];
  for (const [what, i, args, mine, ref = mine] of cases) {
    it(what, async () => {
      const [f, d] = await both(pairs[i]!, args);
      assert.equal(d, ref, 'dnsmasq');
      assert.equal(f, mine, 'fandns');
    });
  }

  /** How many upstream queries two identical questions make, [fandns, dnsmasq]. */
  const twice = async (pair: ReferencePair, name: string): Promise<[number, number]> => {
    const count = async (port: number) => {
      const before = ups[0]!.queries.length;
      for (let k = 0; k < 2; k++) await dig(port, [name, '+noedns', '+tries=1', '+time=2']);
      return ups[0]!.queries.length - before;
    };
    return [await count(pair.fandns.port), await count(pair.dnsmasq.port)];
  };

  it('client subnet, an answer of scope 0: fandns caches it (valid for everyone), dnsmasq asks again', async () => {
    assert.deepEqual(await twice(pairs[0]!, 'global-cache.test'), [1, 2]);
  });
  it('client subnet, an answer of scope 24: neither caches it', async () => {
    assert.deepEqual(await twice(pairs[0]!, 'scoped-cache.test'), [2, 2]);
  });
  it('fixed subnet, an answer of scope 24: both cache it', async () => {
    assert.deepEqual(await twice(pairs[3]!, 'scoped-fixed.test'), [1, 1]);
  });
});
