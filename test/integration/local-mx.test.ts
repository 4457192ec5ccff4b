/**
 * MX records for local machines on the wire: mx-target, localmx and selfmx over hosts files
 * (addn-hosts, hostsdir, expand-hosts) and host-record, this machine's host name (os.hostname())
 * with its preference-0 record, mx-host without a target, a cname= alias to a local machine, and
 * names that do not count (address=, upstream names). All answered locally with AA and local-ttl.
 */
import { after, before, describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FakeUpstream, rr } from '../helpers/fake-upstream.js';
import { TempTree } from '../helpers/config.js';
import { startProxy, type TestProxy } from '../helpers/proxy.js';
import { machineName } from '../../src/local/mx-records.js';

const HOST = machineName();

/** Starts a proxy with the MX lines, over hosts files and one upstream. */
function rig(mxLines: string) {
  const ctx: { proxy?: TestProxy; up?: FakeUpstream; tree?: TempTree } = {};
  before(async () => {
    ctx.tree = new TempTree('fandns-mx-');
    ctx.tree.write('hosts/a', '10.0.0.5 hostA hostA.lan\n10.0.0.6 hostB\n');
    ctx.tree.write('dir/b', '10.0.0.30 indir\n');
    ctx.up = await FakeUpstream.start((q) => (q.name === 'far.test' && q.type === 'A' ? { answers: [rr.a(q.name, '192.0.2.1')] } : { rcode: 'NXDOMAIN' }));
    ctx.proxy = await startProxy([
      `server=${ctx.up.spec}`, `addn-hosts=${ctx.tree.path('hosts')}`, `hostsdir=${ctx.tree.path('dir')}`, 'expand-hosts', 'domain=lan',
      'host-record=hr.lan,10.0.0.7', 'address=/adr.lan/10.0.0.8', 'cname=cn.lan,hostb', 'local-ttl=7', mxLines,
    ].join('\n'));
  });
  after(async () => {
    await ctx.proxy?.stop();
    await ctx.up?.close();
    ctx.tree?.remove();
  });
  /** The MX answer for `name` as `owner pref target` lines, plus the status and AA. */
  return async (name: string): Promise<string> => {
    const r = await ctx.proxy!.query(name, { type: 'MX' });
    const lines = (r.packet.answers ?? []).map((a) => {
      const d = (a as { data: unknown }).data;
      const ttl = (a as { ttl: number }).ttl;
      return typeof d === 'string' ? `${a.name} ${a.type} ${d}` : `${a.name} ${(d as { preference: number }).preference} ${(d as { exchange: string }).exchange} ttl=${ttl}`;
    });
    return `${r.rcode}${r.aa ? ' aa' : ''} ${lines.join(' | ')}`.trim();
  };
}

describe('localmx with mx-target', () => {
  const mx = rig('localmx\nmx-target=mx.t');
  for (const [name, want] of [
    ['hostA', 'NOERROR aa hostA 1 mx.t ttl=7'],
    ['hostA.lan', 'NOERROR aa hostA.lan 1 mx.t ttl=7'],
    ['hostB.lan', 'NOERROR aa hostB.lan 1 mx.t ttl=7'],
    ['indir', 'NOERROR aa indir 1 mx.t ttl=7'],
    ['hr.lan', 'NOERROR aa hr.lan 1 mx.t ttl=7'],
    ['cn.lan', 'NOERROR aa cn.lan CNAME hostb | hostb 1 mx.t ttl=7'],
    ['adr.lan', 'NOERROR aa'],
    ['far.test', 'NXDOMAIN'],
  ] as const) {
    it(`${name}: ${want}`, async () => assert.equal(await mx(name), want));
  }
  it('the host name: MX 0 mx.t', { skip: HOST === null }, async () => assert.equal(await mx(HOST!), `NOERROR aa ${HOST} 0 mx.t ttl=7`));
});

describe('selfmx', () => {
  const mx = rig('selfmx');
  for (const [name, want] of [
    ['hostA', 'NOERROR aa hostA 1 hosta ttl=7'],
    ['hostB.lan', 'NOERROR aa hostB.lan 1 hostb.lan ttl=7'],
    ['hr.lan', 'NOERROR aa hr.lan 1 hr.lan ttl=7'],
    ['adr.lan', 'NOERROR aa'],
  ] as const) {
    it(`${name}: ${want}`, async () => assert.equal(await mx(name), want));
  }
});

describe('mx-host without a target', { skip: HOST === null }, () => {
  const mx = rig('mx-host=example.com\nmx-host=ex2.com,mail.ex2.com,5');
  it('points at the host name; the host name itself gets none', async () => {
    assert.equal(await mx('example.com'), `NOERROR aa example.com 1 ${HOST} ttl=7`);
    assert.equal(await mx('ex2.com'), 'NOERROR aa ex2.com 5 mail.ex2.com ttl=7');
    assert.equal(await mx('hostA'), 'NOERROR aa', 'no localmx: a local name has no MX');
  });
});
