/**
 * The alias= stage (DNS doctoring) with a fake next: which replies it rewrites (upstream and
 * coalesced NOERROR/NXDOMAIN, not TC, not local, cache or SERVFAIL ones), the order of its lines
 * (the last matching line decides, once), and the flags of a rewritten reply (no AA, no AD).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { aliasMap, createDoctor } from '../../../src/handlers/doctor.js';
import { parseConfigText } from '../../../src/config/load.js';
import { DROP, Reply, type Outcome } from '../../../src/pipeline/types.js';
import { answerData } from '../../helpers/dns-client.js';
import { decode, makeQuery, upstreamReply, type ReplySpec } from '../../helpers/wire.js';
import { rr } from '../../helpers/fake-upstream.js';

const aliases = (lines: string) => parseConfigText(`no-resolv\n${lines}`).filters.aliases;

/** The map of `lines` applied to a dotted address: the new one, or '-' when none matches. */
function mapped(lines: string, addr: string): string {
  const n = addr.split('.').reduce((x, p) => x * 256 + Number(p), 0);
  const out = aliasMap(aliases(lines))(n);
  return out < 0 ? '-' : [24, 16, 8, 0].map((s) => (out >>> s) & 0xff).join('.');
}

const AA = 0x0400;
const AD = 0x0020;

/** The stage of `lines` over an upstream answering `spec`; `make` may turn the reply into another kind. */
function ask(lines: string, spec: ReplySpec, make: (r: Reply) => Outcome = (r) => r): { out: Reply; upstream: Reply } {
  const stage = createDoctor(aliases(lines));
  let upstream: Reply | undefined;
  const out = stage.handle(makeQuery('x.test'), (q) => make((upstream = upstreamReply(q, spec))));
  assert.ok(out instanceof Reply && upstream);
  return { out, upstream };
}

describe('aliasMap', () => {
  it('replaces the masked bits, keeps the others', () => {
    assert.equal(mapped('alias=1.2.3.0,6.7.8.0,255.255.255.0', '1.2.3.56'), '6.7.8.56');
    assert.equal(mapped('alias=1.2.3.0,6.7.8.0,255.255.255.0', '1.2.4.56'), '-');
    assert.equal(mapped('alias=1.2.3.4,5.6.7.8', '1.2.3.4'), '5.6.7.8');
    assert.equal(mapped('alias=1.2.3.4,5.6.7.8', '1.2.3.5'), '-');
    assert.equal(mapped('alias=1.2.3.4,5.6.7.8,255.0.255.0', '1.2.3.4'), '5.2.7.4');
  });

  it('rewrites a range only inside it, ends included', () => {
    const line = 'alias=192.168.0.10-192.168.0.40,10.0.0.0,255.255.255.0';
    assert.deepEqual(['192.168.0.9', '192.168.0.10', '192.168.0.25', '192.168.0.40', '192.168.0.41'].map((a) => mapped(line, a)),
      ['-', '10.0.0.10', '10.0.0.25', '10.0.0.40', '-']);
    assert.equal(mapped('alias=192.168.0.10-192.168.0.40,10.9.8.7,255.255.0.0', '192.168.0.25'), '10.9.0.25');
  });

  it('lets the last matching line decide, and never maps a result again (as dnsmasq 2.90)', () => {
    assert.equal(mapped('alias=10.1.1.1,20.0.0.1\nalias=10.1.1.0,30.0.0.0,255.255.255.0', '10.1.1.1'), '30.0.0.1');
    assert.equal(mapped('alias=10.1.1.0,30.0.0.0,255.255.255.0\nalias=10.1.1.1,20.0.0.1', '10.1.1.1'), '20.0.0.1');
    assert.equal(mapped('alias=10.1.1.1,20.0.0.1\nalias=20.0.0.1,40.0.0.1', '10.1.1.1'), '20.0.0.1');
  });

  it('works on addresses above 2^31', () => {
    assert.equal(mapped('alias=200.0.0.0,250.1.1.0,255.255.255.0', '200.0.0.9'), '250.1.1.9');
    assert.equal(mapped('alias=128.0.0.0-255.255.255.255,1.0.0.0,0.0.0.0', '255.1.2.3'), '255.1.2.3');
  });
});

describe('the alias= stage', () => {
  const LINE = 'alias=1.2.3.0,6.7.8.0,255.255.255.0';

  it('rewrites an upstream answer in place, clears AA and AD, and keeps the layout', () => {
    const { out, upstream } = ask(LINE, { answers: [rr.a('x.test', '1.2.3.56', 77), rr.a('x.test', '9.9.9.9')], flags: AA | AD });
    assert.deepEqual(answerData(decode(out.wire)), ['6.7.8.56', '9.9.9.9']);
    assert.equal(out.wire, upstream.wire, 'the upstream bytes themselves');
    assert.equal(out.layout, upstream.layout);
    assert.equal((decode(out.wire).answers?.[0] as { ttl?: number } | undefined)?.ttl, 77);
    assert.equal(out.wire.readUInt16BE(2) & (AA | AD), 0);
    assert.equal(out.source, 'upstream');
  });

  it('returns a reply without a matching address as it is, flags included', () => {
    const { out, upstream } = ask(LINE, { answers: [rr.a('x.test', '1.2.4.56')], flags: AA });
    assert.equal(out, upstream);
    assert.equal(out.wire.readUInt16BE(2) & AA, AA);
  });

  it('rewrites NXDOMAIN replies (a CNAME chain into a missing name) and coalesced ones', () => {
    const nx = ask(LINE, { rcode: 'NXDOMAIN', answers: [rr.cname('x.test', 'y.test'), rr.a('y.test', '1.2.3.9')] }).out;
    assert.deepEqual(answerData(decode(nx.wire)), ['y.test', '6.7.8.9']);
    const coalesced = ask(LINE, { answers: [rr.a('x.test', '1.2.3.9')] }, (r) => new Reply(r.wire, 'coalesced', true, -1, -1, r.upstream)).out;
    assert.deepEqual(answerData(decode(coalesced.wire)), ['6.7.8.9']);
  });

  it('copies a reply whose bytes it does not own', () => {
    const { out, upstream } = ask(LINE, { answers: [rr.a('x.test', '1.2.3.9')] }, (r) => new Reply(r.wire, 'upstream', false, -1, -1, r.upstream, r.layout));
    assert.notEqual(out.wire, upstream.wire);
    assert.deepEqual(answerData(decode(upstream.wire)), ['1.2.3.9']);
    assert.deepEqual(answerData(decode(out.wire)), ['6.7.8.9']);
  });

  it('leaves SERVFAIL, truncated, local and cached replies alone, and DROP', () => {
    const spec = { answers: [rr.a('x.test', '1.2.3.9')] };
    assert.deepEqual(answerData(decode(ask(LINE, { ...spec, rcode: 'SERVFAIL' }).out.wire)), ['1.2.3.9']);
    assert.deepEqual(answerData(decode(ask(LINE, { ...spec, flags: 0x0200 }).out.wire)), ['1.2.3.9']);
    for (const source of ['local', 'cache', 'stale'] as const) {
      const r = ask(LINE, spec, (u) => new Reply(u.wire, source, true, -1, -1, null)).out;
      assert.deepEqual(answerData(decode(r.wire)), ['1.2.3.9'], source);
    }
    assert.equal(createDoctor(aliases(LINE)).handle(makeQuery('x.test'), () => DROP), DROP);
  });

  it('waits for an asynchronous next', async () => {
    const stage = createDoctor(aliases(LINE));
    const out = await stage.handle(makeQuery('x.test'), (q) => Promise.resolve(upstreamReply(q, { answers: [rr.a('x.test', '1.2.3.4')] })));
    assert.ok(out instanceof Reply);
    assert.deepEqual(answerData(decode(out.wire)), ['6.7.8.4']);
  });
});
