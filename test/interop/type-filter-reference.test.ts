/**
 * filter-AAAA, filter-rr and filterwin2k with dig as the client and dnsmasq 2.90 as the
 * reference: the real `fandns` process and a real dnsmasq get the same config and upstream, and
 * must give the same status, answer types, EDE 17 and OPT presence wherever their designs agree
 * (README "Differences from dnsmasq" lists where they do not: fandns never forwards a filtered
 * question, and filterwin2k leaves names under a domain's own server= alone).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type * as dnsPacket from 'dns-packet';
import type { DigResult } from '../helpers/dig.js';
import { rr } from '../helpers/fake-upstream.js';
import { digBoth, pairsOverFakeUpstream } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';

/** What is compared: status, AA, the answer's types in order, EDE 17, and whether there is an OPT. */
function shape(r: DigResult): string {
  const ede = /; EDE: 17 \(Filtered\)/.test(r.text) ? ' ede17' : '';
  return `${r.status}${r.flags.includes('aa') ? ' aa' : ''} [${r.answer.map((a) => a.type).join(',')}]${ede}${r.edns ? ' opt' : ''}`;
}

describe('filter-AAAA and filter-rr: fandns (CLI) and dnsmasq', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  const pairs = pairsOverFakeUpstream((q) => ({
    answers: [
      rr.a(q.name, '192.0.2.1'), rr.aaaa(q.name, '2001:db8::1'), rr.txt(q.name, 'hello'),
      { type: 'MX', name: q.name, ttl: 300, class: 'IN', data: { preference: 10, exchange: `mx.${q.name}` } } as dnsPacket.Answer,
      { type: 'HINFO', name: q.name, ttl: 300, class: 'IN', data: { cpu: 'c', os: 'o' } } as dnsPacket.Answer,
    ].filter((a) => q.type === 'ANY' || a.type === q.type),
  }), [
    ['types', (server) => `server=${server}\nfilter-AAAA\nfilter-rr=TXT\nhost-record=printer.lan,10.0.0.7,2001:db8::7`],
    ['any', (server) => `server=${server}\nfilter-rr=ANY`],
    ['win2k', (server) => `server=${server}\nfilterwin2k\nsrv-host=_ldap._tcp.loc.test,dc.loc.test,389`],
  ]);

  for (const [what, i, args, want] of [
    ['a filtered AAAA question', 0, ['-t', 'AAAA', 'web.test'], 'NOERROR [] ede17 opt'],
    ['a filtered TXT question', 0, ['-t', 'TXT', 'web2.test'], 'NOERROR [] ede17 opt'],
    ['a filtered question without EDNS', 0, ['-t', 'AAAA', 'web3.test', '+noedns'], 'NOERROR []'],
    ['an A question', 0, ['-t', 'A', 'web4.test'], 'NOERROR [A] opt'],
    ['an ANY question, trimmed', 0, ['-t', 'ANY', 'web5.test'], 'NOERROR [A,MX,HINFO] ede17 opt'],
    ['local data of a filtered type', 0, ['-t', 'AAAA', 'printer.lan'], 'NOERROR aa [AAAA] opt'],
    ['filter-rr=ANY: an ANY question', 1, ['-t', 'ANY', 'web6.test'], 'NOERROR [A,AAAA,MX] ede17 opt'],
    ['filter-rr=ANY: a TXT question', 1, ['-t', 'TXT', 'web7.test'], 'NOERROR [TXT] opt'],
    ['filterwin2k: SOA', 2, ['-t', 'SOA', 'web8.test'], 'NOERROR aa [] opt'],
    ['filterwin2k: SRV', 2, ['-t', 'SRV', '_x._tcp.web9.test'], 'NOERROR aa [] opt'],
    ['filterwin2k: local SRV data', 2, ['-t', 'SRV', '_ldap._tcp.loc.test'], 'NOERROR aa [SRV] opt'],
    ['filterwin2k: ANY for a name with _', 2, ['-t', 'ANY', '_x.web10.test'], 'NOERROR aa [] opt'],
    ['filterwin2k: ANY for a name without', 2, ['-t', 'ANY', 'web11.test'], 'NOERROR [A,AAAA,TXT,MX,HINFO] opt'],
    ['filterwin2k: A for a name with _', 2, ['-t', 'A', '_x.web12.test'], 'NOERROR [A] opt'],
  ] as const) {
    it(`${what}: ${want}`, async () => {
      const [mine, ref] = await digBoth(pairs[i]!, args, shape);
      assert.equal(ref, want, 'dnsmasq');
      assert.equal(mine, want, 'fandns');
    });
  }
});
