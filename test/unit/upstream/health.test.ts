/**
 * The health state machine: passive failures mark a server down; an unchecked server comes back
 * on any reply and gets probes; a checked one (health-check=) falls after `fall` failed checks,
 * rises after `rise` good ones, gets no probes, and is not brought back by replies to queries.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { FAILURES_TO_DOWN, Health } from '../../../src/upstream/health.js';

const OK = { ok: true, result: 'NOERROR' };
const FAIL = { ok: false, result: 'SERVFAIL' };

/** A Health that records its flips as `up: why` / `down: why`. */
function recorded(): { h: Health; flips: string[] } {
  const flips: string[] = [];
  const h = new Health((up, why) => flips.push(`${up ? 'up' : 'down'}: ${why}`));
  return { h, flips };
}

describe('Health', () => {
  it('unchecked: goes down after consecutive failures and comes back on any reply, saying why', () => {
    const { h, flips } = recorded();
    for (let i = 0; i < FAILURES_TO_DOWN; i++) h.failure(0, 'timeout');
    assert.equal(h.up, false);
    assert.equal(h.probeDue(10_000), true, 'a down unchecked server gets probes');
    h.success(1);
    assert.equal(h.up, true);
    assert.deepEqual(flips, ['down: 3 queries in a row failed (last: timeout)', 'up: it answered a query']);
  });

  it('unchecked: ignores check results', () => {
    const { h, flips } = recorded();
    for (let i = 0; i < 5; i++) h.check(FAIL);
    assert.equal(h.up, true);
    assert.deepEqual([flips, h.lastCheck], [[], null]);
  });

  it('checked: falls after `fall` failed checks in a row, a good check in between resets the count', () => {
    const { h, flips } = recorded();
    h.setChecked({ rise: 2, fall: 3 });
    h.check(FAIL);
    h.check(FAIL);
    h.check(OK);
    h.check(FAIL);
    h.check(FAIL);
    assert.equal(h.up, true, 'never three failures in a row');
    h.check(FAIL);
    assert.equal(h.up, false);
    assert.deepEqual(flips, ['down: 3 health checks in a row failed (last: SERVFAIL)']);
    assert.deepEqual(h.lastCheck, FAIL);
  });

  it('checked: rises after `rise` good checks in a row, not on replies to queries, and gets no probes', () => {
    const { h, flips } = recorded();
    h.setChecked({ rise: 2, fall: 1 });
    h.check({ ok: false, result: 'timeout' });
    assert.equal(h.up, false);
    h.success(1);
    assert.equal(h.up, false, 'a reply to a query does not bring a checked server back');
    assert.equal(h.probeDue(1e9), false, 'checks replace probes');
    h.check(OK);
    h.check(FAIL);
    h.check(OK);
    assert.equal(h.up, false, 'one good check is not enough');
    h.check({ ok: true, result: 'NXDOMAIN' });
    assert.equal(h.up, true);
    assert.deepEqual(flips, ['down: 1 health checks in a row failed (last: timeout)', 'up: 2 health checks in a row were good (last: NXDOMAIN)']);
  });

  it('checked: passive failures still mark it down, and then it needs `rise` fresh good checks', () => {
    const { h, flips } = recorded();
    h.setChecked({ rise: 2, fall: 3 });
    h.check(OK);
    h.check(OK);
    for (let i = 0; i < FAILURES_TO_DOWN; i++) h.failure(0, 'network');
    assert.equal(h.up, false);
    h.check(OK);
    assert.equal(h.up, false, 'the good checks before the failures do not count');
    h.check(OK);
    assert.equal(h.up, true);
    assert.equal(h.consecutiveFailures, 0, 'coming back clears the passive count');
    assert.deepEqual(flips, ['down: 3 queries in a row failed (last: network)', 'up: 2 health checks in a row were good (last: NOERROR)']);
  });

  it('carries the check counts and last result through snapshot and resume', () => {
    const a = new Health();
    a.setChecked({ rise: 3, fall: 2 });
    a.check(FAIL);
    a.check(FAIL);
    a.check(OK);
    const b = new Health();
    b.resume(a.snapshot());
    b.setChecked({ rise: 3, fall: 2 });
    assert.deepEqual([b.up, b.checkOks, b.checkFails, b.lastCheck], [false, 1, 0, OK]);
    b.check(OK);
    b.check(OK);
    assert.equal(b.up, true, 'the count goes on in the new runtime');
  });
});
