/**
 * bogus-nxdomain, ignore-address and stop-dns-rebind with dig as the client and dnsmasq 2.90 as
 * the reference: the real `fandns` process and a real dnsmasq get the same config and the same
 * scripted upstream, and must give the same status, answer types, EDE 15 and OPT presence. Every
 * question uses a name of its own, so dnsmasq's cache (it keeps a bogus NXDOMAIN) plays no part.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { DigResult } from '../helpers/dig.js';
import { rr, type FakeAnswer, type SeenQuery } from '../helpers/fake-upstream.js';
import { digBoth, pairsOverFakeUpstream } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';

const HIJACK = '10.9.9.9';
const REAL = '198.18.0.10';

/** The upstream: what it answers depends on the first label's prefix. */
function script(q: SeenQuery): FakeAnswer {
  const kind = q.name.split('-')[0];
  const a = (addr: string, v6 = '2001:db8::bad') => (q.type === 'AAAA' ? [rr.aaaa(q.name, v6)] : [rr.a(q.name, addr)]);
  switch (kind) {
    case 'hijack': return { answers: a(HIJACK) };
    case 'cname': return { answers: [rr.cname(q.name, `lander.${q.name}`), rr.a(`lander.${q.name}`, HIJACK)] };
    case 'good': return { answers: a(REAL, '2001:db8::1') };
    case 'gone': return { rcode: 'NXDOMAIN' };
    case 'lan': return { answers: a('192.168.1.20', 'fd00::20') };
    case 'race': return { answers: a(HIJACK), also: [{ answers: a(REAL), delayMs: 150 }] };
    default: return { rcode: 'REFUSED' };
  }
}

/** What is compared: status, the answer's types in order, EDE 15, and whether there is an OPT. */
function shape(r: DigResult): string {
  const ede = /; EDE: 15 \(Blocked\)/.test(r.text) ? ' ede15' : '';
  return `${r.status} [${r.answer.map((a) => a.type === 'A' || a.type === 'AAAA' ? `${a.type}=${a.data}` : a.type).join(',')}]${ede}${r.edns ? ' opt' : ''}`;
}

describe('bogus-nxdomain, ignore-address, stop-dns-rebind: fandns (CLI) and dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  const pairs = pairsOverFakeUpstream(script, [
    ['bogus', (server) => `server=${server}\nbogus-nxdomain=10.9.9.0/24\nbogus-nxdomain=2001:db8::bad`],
    ['ignore', (server) => `server=${server}\nignore-address=${HIJACK}`],
    ['rebind', (server) => `server=${server}\nstop-dns-rebind`],
  ]);

  for (const [what, i, args, want] of [
    ['bogus-nxdomain: an A in the range', 0, ['-t', 'A', 'hijack-1.test'], 'NXDOMAIN [] ede15 opt'],
    ['bogus-nxdomain: without EDNS', 0, ['-t', 'A', 'hijack-2.test', '+noedns'], 'NXDOMAIN []'],
    ['bogus-nxdomain: an AAAA that is listed', 0, ['-t', 'AAAA', 'hijack-3.test'], 'NXDOMAIN [] ede15 opt'],
    ['bogus-nxdomain: through a CNAME', 0, ['-t', 'A', 'cname-4.test'], 'NXDOMAIN [] ede15 opt'],
    ['bogus-nxdomain: a real answer', 0, ['-t', 'A', 'good-5.test'], `NOERROR [A=${REAL}] opt`],
    ['bogus-nxdomain: a real NXDOMAIN', 0, ['-t', 'A', 'gone-6.test'], 'NXDOMAIN [] opt'],
    ['ignore-address: the forged reply first, then the real one', 1, ['-t', 'A', 'race-7.test'], `NOERROR [A=${REAL}] opt`],
    ['ignore-address: a real answer', 1, ['-t', 'A', 'good-8.test'], `NOERROR [A=${REAL}] opt`],
    ['stop-dns-rebind: a private address', 2, ['-t', 'A', 'lan-9.test'], 'NOERROR [] ede15 opt'],
    ['stop-dns-rebind: a private IPv6 address', 2, ['-t', 'AAAA', 'lan-10.test'], 'NOERROR [] ede15 opt'],
    ['stop-dns-rebind: a public address', 2, ['-t', 'A', 'good-11.test'], `NOERROR [A=${REAL}] opt`],
  ] as const) {
    it(`${what}: ${want}`, async () => {
      const [mine, ref] = await digBoth(pairs[i]!, args, shape);
      assert.equal(ref, want, 'dnsmasq');
      assert.equal(mine, want, 'fandns');
    });
  }
});
