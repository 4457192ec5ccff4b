/**
 * How a check reply is judged, how checks of a down server back off, how a worker follows the
 * results another worker heard, and how it takes up or drops servers when its share changes.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import dnsPacket from 'dns-packet';
import { HealthChecks, judgeCheck, nextCheckDelay } from '../../../src/upstream/health-check.js';
import { Upstream } from '../../../src/upstream/upstream.js';
import type { UdpResult } from '../../../src/upstream/udp-transport.js';

const RCODES: Record<string, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

/** A reply to `consul.service.consul A` with this RCODE. */
function reply(rcode: string): Buffer {
  const r = dnsPacket.encode({ type: 'response', id: 1, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'consul.service.consul' }] });
  r[3] = (r[3]! & 0xf0) | RCODES[rcode]!;
  return r;
}

describe('judgeCheck', () => {
  it('is good for NOERROR and NXDOMAIN, a failure for other RCODEs, no reply and malformed replies', () => {
    assert.deepEqual(judgeCheck(reply('NOERROR')), { ok: true, result: 'NOERROR' });
    assert.deepEqual(judgeCheck(reply('NXDOMAIN')), { ok: true, result: 'NXDOMAIN' });
    assert.deepEqual(judgeCheck(reply('SERVFAIL')), { ok: false, result: 'SERVFAIL' });
    assert.deepEqual(judgeCheck(reply('REFUSED')), { ok: false, result: 'REFUSED' });
    assert.deepEqual(judgeCheck(reply('NOTIMP')), { ok: false, result: 'NOTIMP' });
    assert.deepEqual(judgeCheck('timeout'), { ok: false, result: 'timeout' });
    assert.deepEqual(judgeCheck('network'), { ok: false, result: 'network' });
    const cut = reply('NOERROR');
    cut[7] = 1; // claims an answer record that is not there
    assert.deepEqual(judgeCheck(cut), { ok: false, result: 'malformed' });
  });
});

describe('nextCheckDelay', () => {
  it('keeps the interval while the server is up or the check was good', () => {
    assert.equal(nextCheckDelay(5000, 5000, false, true), 5000);
    assert.equal(nextCheckDelay(5000, 20_000, true, false), 5000);
  });

  it('doubles while a down server fails, up to 8 intervals and at most 30 s, never below the interval', () => {
    const seq = (interval: number): number[] => {
      const out: number[] = [];
      let d = interval;
      for (let i = 0; i < 6; i++) out.push((d = nextCheckDelay(interval, d, false, false)));
      return out;
    };
    assert.deepEqual(seq(5000), [10_000, 20_000, 30_000, 30_000, 30_000, 30_000]);
    assert.deepEqual(seq(50), [100, 200, 400, 400, 400, 400]);
    assert.deepEqual(seq(60_000), [60_000, 60_000, 60_000, 60_000, 60_000, 60_000]);
  });
});

describe('HealthChecks.heard', () => {
  const spec = { address: '127.0.0.1', family: 4 as const, port: 8600, sourceAddress: null, sourcePort: null, device: null, origin: { file: 't', line: 1 } };
  const rule = { domain: 'service.consul', name: 'consul.service.consul', qtype: 1, origin: { file: 't', line: 2 } };
  /** A server this process does not check (another worker does), with fall 3 and rise 2. */
  const listening = () => {
    const upstream = new Upstream(spec);
    const checks = new HealthChecks([{ upstream, rule, key: 'k' }], { checks: [rule], intervalMs: 60_000, rise: 2, fall: 3 }, 1000,
      { mine: () => false, announce: () => assert.fail('a check was made') });
    checks.start();
    return { upstream, checks };
  };
  const failed = { ok: false, result: 'SERVFAIL' };

  it('counts a run of results heard at once as that many checks in a row', () => {
    const { upstream, checks } = listening();
    checks.heard('k', failed, 2);
    assert.equal(upstream.health.up, true, 'two failures are short of fall');
    checks.heard('k', failed);
    assert.equal(upstream.health.up, false);
    checks.heard('k', { ok: true, result: 'NOERROR' }, 2);
    assert.equal(upstream.health.up, true, 'rise good results bring it back');
    checks.stop();
  });

  it('takes a whole run from a worker that started late, and ignores other servers and a stopped set', () => {
    const { upstream, checks } = listening();
    checks.heard('other', failed, 3);
    assert.equal(upstream.health.up, true);
    checks.heard('k', failed, 3);
    assert.equal(upstream.health.up, false);
    assert.deepEqual(upstream.health.lastCheck, failed);
    assert.equal(upstream.stats.checksFailed, 0, 'heard results are not this process\'s checks');
    checks.stop();
    const after = listening();
    after.checks.stop();
    after.checks.heard('k', failed, 3);
    assert.equal(after.upstream.health.up, true);
  });
});

describe('HealthChecks.refresh (a worker\'s share of the checks changed)', () => {
  const spec = { address: '127.0.0.1', family: 4 as const, port: 8601, sourceAddress: null, sourcePort: null, device: null, origin: { file: 't', line: 1 } };
  const rule = { domain: 'service.consul', name: 'consul.service.consul', qtype: 1, origin: { file: 't', line: 2 } };
  const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

  it('starts checking a server that became its own at once, and stops one that is no longer, a check in flight unheard', async () => {
    const upstream = new Upstream(spec);
    /** The checks sent, each waiting for the test to answer it. */
    const sent: ((r: UdpResult) => void)[] = [];
    upstream.check = (_q, _e, _t, done) => void sent.push(done);
    let mine = false;
    const announced: string[] = [];
    const checks = new HealthChecks([{ upstream, rule, key: 'k' }], { checks: [rule], intervalMs: 20, rise: 1, fall: 1 }, 1000,
      { mine: () => mine, announce: (_k, r) => void announced.push(r.result) });
    checks.start();
    await tick(60);
    assert.equal(sent.length, 0, 'another worker checks it');

    mine = true;
    checks.refresh();
    await tick();
    assert.equal(sent.length, 1, 'checked at once');
    checks.refresh();
    await tick();
    assert.equal(sent.length, 1, 'a refresh that changes nothing sends nothing');

    mine = false;
    checks.refresh();
    sent[0]!(reply('SERVFAIL'));
    await tick(60);
    assert.equal(sent.length, 1, 'no check follows');
    assert.deepEqual(announced, [], 'the check in flight ended unheard');
    assert.equal(upstream.health.up, true);

    mine = true;
    checks.refresh();
    await tick();
    assert.equal(sent.length, 2);
    sent[1]!(reply('SERVFAIL'));
    assert.deepEqual(announced, ['SERVFAIL']);
    assert.equal(upstream.health.up, false);
    await tick(60);
    assert.equal(sent.length, 3, 'the next check follows the interval, in one chain');
    checks.stop();
    checks.refresh();
    sent[2]!(reply('NOERROR'));
    await tick(60);
    assert.equal(sent.length, 3, 'a stopped set stays stopped');
  });
});
