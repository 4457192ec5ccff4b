/** The bench's command line: defaults, --rounds, and the errors for bad values. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { MAX_ROUNDS, parseOptions, USAGE } from '../../../bench/options.js';

describe('bench options', () => {
  it('defaults to one round of everything', () => {
    const o = parseOptions([]);
    assert.equal(o.rounds, 1);
    assert.equal(o.scenarios, null);
    assert.equal(o.servers, null);
  });

  it('reads --rounds in both spellings, with the other options', () => {
    assert.equal(parseOptions(['--rounds', '3']).rounds, 3);
    const o = parseOptions(['--rounds=5', '--scenarios', 'hit,miss', '--servers=fandns,dnsmasq']);
    assert.equal(o.rounds, 5);
    assert.deepEqual(o.scenarios, ['hit', 'miss']);
    assert.deepEqual(o.servers, ['fandns', 'dnsmasq']);
  });

  it('refuses a round count that is not a whole number from 1 to the limit', () => {
    for (const bad of ['0', '-1', '2.5', 'x', String(MAX_ROUNDS + 1)]) {
      assert.throws(() => parseOptions(['--rounds', bad]), /--rounds needs an integer from 1 to 20/, bad);
    }
    assert.throws(() => parseOptions(['--rounds']), /--rounds needs a value/);
  });

  it('lists --rounds in the usage text', () => {
    assert.match(USAGE, /--rounds\s+run each scenario N times \(1-20\)/);
  });
});
