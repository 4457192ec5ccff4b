/**
 * mx-host, mx-target, localmx and selfmx with dig as the client and dnsmasq 2.90 as the
 * reference: the real `fandns` process and a real dnsmasq get the same config (hosts files,
 * host-record, address=, cname=) on the same machine, so the same host name, and must give the
 * same status, AA flag and MX records (TTL included). Names are compared in lower case: dnsmasq
 * writes a selfmx target as the question spelled it, fandns in lower case.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { chmodSync } from 'node:fs';
import type { DigResult } from '../helpers/dig.js';
import { TempTree } from '../helpers/config.js';
import { FakeUpstream } from '../helpers/fake-upstream.js';
import { digBoth, startReferencePair, stopReferencePairs, type ReferencePair } from '../helpers/reference-pair.js';
import { skipUnless } from '../helpers/tools.js';
import { machineName } from '../../src/local/mx-records.js';

const HOST = machineName();

/** Status, AA and the answer records (lower case, TTL kept, in sorted order: mx-host lines come in reverse in dnsmasq). */
function shape(r: DigResult): string {
  const aa = r.flags.includes('aa') ? ' aa' : '';
  const records = r.answer.map((a) => `${a.name} ${a.ttl} ${a.type} ${a.data}`.toLowerCase()).sort();
  return `${r.status}${aa} [${records.join(', ')}]`;
}

const CONFIGS: readonly (readonly [tag: string, lines: string])[] = [
  ['localmx', 'localmx'],
  ['localmx-target', 'localmx\nmx-target=mx.t'],
  ['selfmx', 'selfmx'],
  ['both', 'selfmx\nlocalmx\nmx-target=mx.t'],
  ['target-only', 'mx-target=mail.example.com'],
  ['host-only', 'mx-host=example.com\nmx-host=ex2.com,mail.ex2.com'],
  ['host-target', 'mx-host=example.com\nmx-host=ex2.com,mail.ex2.com\nmx-target=mx.t'],
  ['named', `mx-host=hosta,m.a,3\nmx-host=hosta,m.b,4\nmx-host=${HOST ?? 'nohost'},mail.x,7\nlocalmx\nmx-target=mx.t`],
];

describe('MX records for local machines: fandns (CLI) and dnsmasq', { skip: skipUnless('dig', 'dnsmasq') || (HOST === null ? 'no usable host name' : false) }, () => {
  const pairs = new Map<string, ReferencePair>();
  let tree: TempTree | undefined;
  let up: FakeUpstream | undefined;
  before(async () => {
    // dnsmasq forwards other types of a local name (fandns answers NODATA itself: a README
    // difference); an upstream answering NXDOMAIN makes both end at NODATA with AA.
    up = await FakeUpstream.start(() => ({ rcode: 'NXDOMAIN' }));
    tree = new TempTree('fandns-mx-reference-');
    // dnsmasq reads hosts files after dropping root (to nobody): the temp folder must let it in.
    chmodSync(tree.root, 0o755);
    tree.write('hosts/a', '10.0.0.5 hostA hostA.lan\n10.0.0.6 hostB\n');
    const common = [
      `server=${up.spec}`, `addn-hosts=${tree.path('hosts')}`, 'host-record=hr.lan,10.0.0.7', 'address=/adr.lan/10.0.0.8', 'cname=cn.lan,hostA',
      'expand-hosts', 'domain=lan',
    ].join('\n');
    for (const [tag, lines] of CONFIGS) pairs.set(tag, await startReferencePair(`${common}\n${lines}`, tree.root, tag));
  });
  after(async () => {
    await stopReferencePairs(...pairs.values());
    await up?.close();
    tree?.remove();
  });

  const NAMES = ['hostA', 'hostA.lan', 'hostB.lan', 'hr.lan', 'adr.lan', 'cn.lan', 'example.com', 'ex2.com'];
  for (const [tag] of CONFIGS) {
    it(`${tag}: the same MX answers for the host name and ${NAMES.join(', ')}`, async () => {
      for (const name of [HOST ?? 'nohost', ...NAMES]) {
        const [mine, ref] = await digBoth(pairs.get(tag)!, ['-t', 'MX', name], shape);
        assert.equal(mine, ref, `${tag}: ${name}`);
      }
    });
  }

  it('answers what the man page says (spot checks on dnsmasq\'s side)', async () => {
    const ask = async (tag: string, name: string) => (await digBoth(pairs.get(tag)!, ['-t', 'MX', name], shape))[1];
    assert.match(await ask('localmx-target', 'hostb.lan'), /hostb.lan. 0 mx 1 mx.t.\]/);
    assert.match(await ask('localmx-target', HOST!), new RegExp(`0 mx 0 mx.t.\\]`));
    assert.match(await ask('selfmx', 'hr.lan'), /hr.lan. 0 mx 1 hr.lan.\]/);
    assert.match(await ask('host-only', 'example.com'), new RegExp(`0 mx 1 ${HOST}.\\]`));
  });
});
