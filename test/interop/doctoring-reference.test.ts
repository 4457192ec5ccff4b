/**
 * alias= (DNS doctoring) with dig as the client and dnsmasq 2.90 as the reference: the real
 * `fandns` process and a real dnsmasq get the same config and the same upstream (a scripted one,
 * then a dnsmasq answering a zone), and must give the same status, AA flag and records (answer,
 * authority and additional sections), on the first answer and on the cached repeat.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DigRecord, DigResult } from '../helpers/dig.js';
import { rr, type FakeAnswer, type SeenQuery } from '../helpers/fake-upstream.js';
import { startDnsmasq, type RunningDnsmasq } from '../helpers/dnsmasq.js';
import { digBoth, pairsOverFakeUpstream, startReferencePair, stopReferencePairs, type ReferencePair } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';

/** The scripted upstream: what it answers depends on the first label's prefix. */
function script(q: SeenQuery): FakeAnswer {
  const n = q.name;
  switch (n.split('-')[0]) {
    case 'one': return { aa: true, answers: [rr.a(n, '1.2.3.56', 100)] };
    case 'many': return { aa: true, answers: [rr.a(n, '1.2.3.56'), rr.a(n, '1.2.4.9'), rr.a(n, '192.168.0.20')] };
    case 'chain': return { answers: [rr.cname(n, `tgt.${n}`), rr.a(`tgt.${n}`, '1.2.3.77')] };
    case 'mx': return {
      answers: [{ type: 'MX', name: n, ttl: 100, class: 'IN', data: { preference: 10, exchange: `mail.${n}` } }],
      authorities: [{ type: 'NS', name: n, ttl: 100, class: 'IN', data: `ns.${n}` }],
      additionals: [rr.a(`mail.${n}`, '1.2.3.88'), rr.a(`ns.${n}`, '1.2.3.89')],
    };
    case 'auth': return { aa: true, answers: [rr.txt(n, 'hi')], authorities: [rr.a(`ns.${n}`, '1.2.3.90')] };
    case 'nx': return { rcode: 'NXDOMAIN', answers: [rr.cname(n, `gone.${n}`), rr.a(`gone.${n}`, '1.2.3.91')], authorities: [rr.soa('test')] };
    case 'range': return { answers: ['192.168.0.9', '192.168.0.10', '192.168.0.25', '192.168.0.40', '192.168.0.41'].map((a) => rr.a(n, a)) };
    case 'ov': return { answers: [rr.a(n, '10.1.1.1')] };
    case 'lan': return { answers: [rr.a(n, '192.168.0.20')] };
    default: return { rcode: 'REFUSED' };
  }
}

/** A record without its TTL (dnsmasq and fandns count down from the same start, but not in step). */
const rec = (r: DigRecord) => `${r.name} ${r.type} ${r.data}`;

/**
 * What is compared: status, AA, and every section's records; the A records of a set in address
 * order (fandns rotates a cached set, dnsmasq does not: a difference of its own).
 */
function shape(r: DigResult): string {
  const aa = r.flags.includes('aa') ? ' aa' : '';
  const add = r.additional.filter((x) => x.type !== 'OPT');
  const answer = r.answer.map(rec);
  const addresses = answer.filter((x) => / A /.test(x)).sort();
  const ordered = answer.map((x) => (/ A /.test(x) ? addresses.shift()! : x));
  return `${r.status}${aa} an=[${ordered.join(', ')}] ns=[${r.authority.map(rec).join(', ')}] ar=[${add.map(rec).join(', ')}]`;
}

/**
 * Asks both of `pair` and checks both against `want`; with `cached`, asks again (the second
 * answer comes from each one's cache). dnsmasq caches only some types and no NXDOMAIN behind a
 * CNAME, so those rows ask once.
 */
async function same(pair: ReferencePair, args: readonly string[], want: RegExp, cached = true): Promise<void> {
  for (const round of cached ? ['first', 'cached'] : ['first']) {
    const [mine, ref] = await digBoth(pair, args, shape);
    assert.match(ref, want, `dnsmasq, ${round}`);
    assert.equal(mine, ref, `fandns, ${round}`);
  }
}

describe('alias=: fandns (CLI) and dnsmasq over a scripted upstream', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  const pairs = pairsOverFakeUpstream(script, [
    ['subnet', (server) => `server=${server}\nalias=1.2.3.0,6.7.8.0,255.255.255.0`],
    ['range', (server) => `server=${server}\nalias=192.168.0.10-192.168.0.40,10.0.0.0,255.255.255.0`],
    ['order', (server) => `server=${server}\nalias=10.1.1.1,20.0.0.1\nalias=10.1.1.0,30.0.0.0,255.255.255.0\nalias=30.0.0.1,40.0.0.1`],
    ['rebind', (server) => `server=${server}\nstop-dns-rebind\nalias=1.2.3.0,192.168.5.0,255.255.255.0\nalias=192.168.0.0,1.1.1.0,255.255.255.0`],
    ['bogus', (server) => `server=${server}\nalias=1.2.3.0,9.9.9.0,255.255.255.0\nbogus-nxdomain=9.9.9.56`],
  ]);

  const rows: [what: string, pair: number, args: string[], want: RegExp, cached?: boolean][] = [
    ['one address, AA cleared', 0, ['one-1.test'], /^NOERROR an=\[one-1.test. A 6.7.8.56\]/],
    ['only the matching addresses of a set', 0, ['many-2.test'], /A 1.2.4.9, .* A 192.168.0.20, .* A 6.7.8.56\]/],
    ['the end of a CNAME chain', 0, ['chain-3.test'], /A 6.7.8.77\]/],
    ['MX glue in the additional section', 0, ['-t', 'MX', 'mx-4.test'], /ar=\[mail.mx-4.test. A 6.7.8.88, ns.mx-4.test. A 6.7.8.89\]/],
    ['not the authority section (AA kept)', 0, ['-t', 'TXT', 'auth-5.test'], /^NOERROR aa .*ns=\[ns.auth-5.test. A 1.2.3.90\]/, false],
    ['an NXDOMAIN reply with a CNAME chain', 0, ['nx-6.test'], /^NXDOMAIN an=\[.* A 6.7.8.91\]/, false],
    ['a range, ends included', 1, ['range-7.test'], /10.0.0.10, .*10.0.0.25, .*10.0.0.40, .*192.168.0.41, .*192.168.0.9\]/],
    ['the last matching line, never twice', 2, ['ov-8.test'], /A 30.0.0.1\]/],
    ['stop-dns-rebind after the rewrite: into private space', 3, ['one-9.test'], /^NOERROR an=\[\]/],
    ['stop-dns-rebind after the rewrite: out of it', 3, ['lan-10.test'], /A 1.1.1.20\]/],
    ['bogus-nxdomain after the rewrite', 4, ['one-11.test'], /^NXDOMAIN an=\[\]/],
  ];
  for (const [what, i, args, want, cached] of rows) {
    it(what, async () => same(pairs[i]!, args, want, cached ?? true));
  }
});

describe('alias=: fandns (CLI) and dnsmasq over a dnsmasq answering a zone', { skip: skipUnless('dig', 'dnsmasq') }, () => {
  let zone: RunningDnsmasq | undefined;
  let pair: ReferencePair | undefined;
  let dir: string | undefined;
  before(async () => {
    zone = await startDnsmasq([
      'host-record=web.zone.test,203.0.113.10', 'host-record=db.zone.test,203.0.113.11,2001:db8::11',
      'address=/wild.zone.test/198.51.100.7', 'cname=www.zone.test,web.zone.test', 'mx-host=zone.test,web.zone.test,10',
      'local=/zone.test/',
    ].join('\n'));
    dir = mkdtempSync(join(tmpdir(), 'fandns-doctoring-'));
    pair = await startReferencePair(`server=/zone.test/${zone.spec}\nalias=203.0.113.0,192.0.2.0,255.255.255.0\nalias=198.51.100.7,192.0.2.77`, dir, 'zone');
  });
  after(async () => {
    await stopReferencePairs(pair);
    await zone?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [args, want] of [
    [['web.zone.test'], /^NOERROR an=\[web.zone.test. A 192.0.2.10\]/],
    [['www.zone.test'], /A 192.0.2.10\]/],
    [['x.wild.zone.test'], /A 192.0.2.77\]/],
    [['-t', 'AAAA', 'db.zone.test'], /^NOERROR aa an=\[db.zone.test. AAAA 2001:db8::11\]/],
    [['-t', 'MX', 'zone.test'], /MX 10 web.zone.test./],
    [['nothere.zone.test'], /^NXDOMAIN an=\[\]/],
  ] as const) {
    it(`${args.join(' ')}`, async () => same(pair!, args, want));
  }
});
