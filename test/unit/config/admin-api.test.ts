/**
 * admin-api (fandns option): off by default, a flag, quiet alone and under workers= (the
 * primary serves /rules for every worker).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';

describe('admin-api', () => {
  it('is off by default and on as a flag', () => {
    assert.equal(parseConfigText('no-resolv', 'a.conf').adminApi, false);
    const c = parseConfigText('metrics-address=127.0.0.1:9153\nadmin-api', 'a.conf');
    assert.equal(c.adminApi, true);
    assert.deepEqual(c.warnings, []);
  });

  it('refuses a value and a repeat, naming file:line', () => {
    assert.throws(() => parseConfigText('admin-api=yes', 'a.conf'), /a\.conf:1: admin-api takes no value/);
  });

  it('is quiet alone (it does nothing without metrics-address), as conf/fandns.conf examples must be, and under workers=', () => {
    assert.deepEqual(parseConfigText('no-resolv\nadmin-api', 'a.conf').warnings, []);
    assert.deepEqual(parseConfigText('metrics-address=127.0.0.1:9153\nadmin-api\nworkers=2', 'a.conf').warnings, []);
  });
});
