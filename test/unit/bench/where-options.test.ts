/** The command line of `npm run bench:where`: the scenario, its default rate, and bad values refused. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { DEFAULT_RATES, parseWhereOptions, WHERE_USAGE } from '../../../bench/where-options.js';
import { SCENARIOS } from '../../../bench/scenarios.js';

describe('bench:where options', () => {
  it('needs a known scenario, and takes its default rate', () => {
    assert.throws(() => parseWhereOptions([]), /--scenario is required/);
    assert.throws(() => parseWhereOptions(['--scenario', 'nope']), /unknown scenario "nope"/);
    const o = parseWhereOptions(['--scenario', 'miss']);
    assert.equal(o.rate, 30_000);
    assert.equal(o.seconds, 5);
    assert.equal(o.servers, null);
    assert.equal(o.top, 15);
  });

  it('has a default rate for every scenario', () => {
    for (const s of SCENARIOS) assert.ok(DEFAULT_RATES[s.id]! > 0, s.id);
  });

  it('reads the other options in both spellings', () => {
    const o = parseWhereOptions(['--scenario=hit', '--rate', '50000', '--seconds=3', '--servers', 'dnsmasq,fandns', '--top=5', '--keep-samples', '/tmp/w']);
    assert.deepEqual({ ...o }, { scenario: 'hit', rate: 50_000, seconds: 3, servers: ['dnsmasq', 'fandns'], top: 5, keepSamples: '/tmp/w', help: false });
    assert.equal(parseWhereOptions(['--scenario=hit']).keepSamples, null);
  });

  it('refuses bad numbers, unknown servers and unknown options', () => {
    assert.throws(() => parseWhereOptions(['--scenario', 'hit', '--rate', '0']), /--rate needs an integer from 1/);
    assert.throws(() => parseWhereOptions(['--scenario', 'hit', '--seconds', '61']), /--seconds needs an integer from 1 to 60/);
    assert.throws(() => parseWhereOptions(['--scenario', 'hit', '--servers', 'bind']), /--servers takes fandns, dnsmasq, echo, relay/);
    assert.throws(() => parseWhereOptions(['--scenario', 'hit', '--fast']), /unknown option --fast/);
    assert.throws(() => parseWhereOptions(['--scenario']), /--scenario needs a value/);
  });

  it('answers --help without a scenario, and lists every scenario in the usage', () => {
    assert.equal(parseWhereOptions(['--help']).help, true);
    for (const s of SCENARIOS) assert.ok(WHERE_USAGE.includes(s.id), s.id);
  });
});
