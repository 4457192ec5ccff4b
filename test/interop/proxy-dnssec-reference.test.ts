/**
 * The AD bit with dig as the client and dnsmasq 2.90 as the reference: the real `fandns` process
 * and a real dnsmasq get the same config and the same scripted upstream, which sets AD on every
 * answer. Without `proxy-dnssec` both clear AD, on the first answer and on the cached repeat. With
 * it both pass AD on the first answer; on the cached repeat dnsmasq clears it and fandns keeps it
 * (README, Differences from dnsmasq). A DO query dnsmasq forwards every time (it never answers one
 * from its cache), so there both give AD on the repeat.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { DigResult } from '../helpers/dig.js';
import { rr, type FakeAnswer, type SeenQuery } from '../helpers/fake-upstream.js';
import { digBoth, pairsOverFakeUpstream } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';

/** Every answer validated, as a validating upstream marks it. */
const script = (q: SeenQuery): FakeAnswer => ({ ad: true, answers: [rr.a(q.name, '192.0.2.44', 300)] });

/** Status, AD and the address. */
const shape = (r: DigResult): string => `${r.status}${r.flags.includes('ad') ? ' ad' : ''} ${r.answer.map((a) => a.data).join(',')}`;

describe('AD from an upstream: fandns (CLI) and dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  const pairs = pairsOverFakeUpstream(script, [
    ['plain', (server) => `server=${server}`],
    ['proxy', (server) => `server=${server}\nproxy-dnssec`],
  ]);

  for (const [what, args] of [['AD query', ['+adflag']], ['DO query', ['+dnssec']]] as const) {
    it(`${what}: without proxy-dnssec both clear AD, first and cached`, async () => {
      const name = `plain-${args[0]!.slice(1)}.sec.test`;
      for (const round of ['first', 'cached']) {
        const [mine, ref] = await digBoth(pairs[0]!, [name, 'A', ...args], shape);
        assert.equal(ref, 'NOERROR 192.0.2.44', `dnsmasq, ${round}`);
        assert.equal(mine, ref, `fandns, ${round}`);
      }
    });

    it(`${what}: with proxy-dnssec both pass AD on; from the cache fandns keeps it`, async () => {
      const name = `proxy-${args[0]!.slice(1)}.sec.test`;
      const [mine, ref] = await digBoth(pairs[1]!, [name, 'A', ...args], shape);
      assert.equal(ref, 'NOERROR ad 192.0.2.44', 'dnsmasq, first');
      assert.equal(mine, ref, 'fandns, first');
      const [mineCached, refCached] = await digBoth(pairs[1]!, [name, 'A', ...args], shape);
      // dnsmasq answers a DO query from upstream every time, never from its cache.
      assert.equal(refCached, args[0] === '+dnssec' ? 'NOERROR ad 192.0.2.44' : 'NOERROR 192.0.2.44', 'dnsmasq, repeat');
      assert.equal(mineCached, 'NOERROR ad 192.0.2.44', 'fandns, cached: AD kept');
    });
  }
});
