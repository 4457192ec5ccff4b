/** Runtime rules laid over a configuration: replacing the same domain's server=/local= rules, keeping the rest. */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseRuleBody } from '../../../src/admin/rules-request.js';
import { RuntimeRules } from '../../../src/admin/runtime-rules.js';
import { parseConfigText } from '../../../src/config/load.js';
import { describeRule } from '../../helpers/config.js';

const config = parseConfigText([
  'server=10.9.9.9',
  'server=/svc.test/10.0.0.1',
  'server=/svc.test/10.0.0.2',
  'local=/svc.test/',
  'address=/svc.test/192.0.2.7',
  'server=/deep.svc.test/10.0.0.3',
  'server=/*.svc.test/10.0.0.4',
].join('\n'), 'a.conf');

describe('RuntimeRules', () => {
  it('leaves the configuration itself when there are none', () => {
    assert.equal(new RuntimeRules().overlay(config), config);
  });

  it('replaces the domain\'s server= and local= rules; address=, wildcards and other domains stay', () => {
    const rules = new RuntimeRules();
    rules.set(parseRuleBody('svc.test', '{"servers":["10.0.0.9#8600"]}'), '127.0.0.1', new Date(0));
    const over = rules.overlay(config);
    assert.ok(Object.isFrozen(over) && Object.isFrozen(over.rules));
    const described = over.rules.map(describeRule);
    assert.equal(described.length, 5, described.join('\n'));
    assert.ok(!described.some((d) => d.includes('10.0.0.1') || d.includes('10.0.0.2')), described.join('\n'));
    for (const kept of ['10.9.9.9', '192.0.2.7', '10.0.0.3', '10.0.0.4', '10.0.0.9']) {
      assert.ok(described.some((d) => d.includes(kept)), `${kept} in ${described.join('\n')}`);
    }
    assert.equal(over.rules.length, 5);
    assert.equal(config.rules.length, 7, 'the loaded configuration is not touched');
  });

  it('lists, shows, replaces, deletes and restores', () => {
    const rules = new RuntimeRules();
    assert.equal(rules.delete('a.test'), null);
    assert.equal(rules.set(parseRuleBody('b.test', '{"servers":["10.0.0.1"]}'), '127.0.0.1', new Date(0)), null);
    const snap = rules.snapshot();
    assert.deepEqual(rules.set(parseRuleBody('b.test', '{"servers":["10.0.0.2"]}'), '::1', new Date(1000)), ['10.0.0.1']);
    rules.set(parseRuleBody('a.test', '{"servers":["10.0.0.3"]}'), '::1', new Date(0));
    assert.deepEqual(rules.list().map((r) => r.domain), ['a.test', 'b.test']);
    assert.deepEqual(rules.get('b.test'), { domain: 'b.test', servers: ['10.0.0.2'], by: '::1', at: '1970-01-01T00:00:01.000Z' });
    assert.deepEqual(rules.delete('a.test'), ['10.0.0.3']);
    rules.restore(snap);
    assert.deepEqual(rules.list().map((r) => [r.domain, r.servers]), [['b.test', ['10.0.0.1']]]);
  });

  it('takes a whole set as list() gives it (a cluster primary\'s), parsed again; a bad one changes nothing', () => {
    const primary = new RuntimeRules();
    primary.set(parseRuleBody('svc.test', '{"servers":["10.0.0.9#8600"]}'), '127.0.0.1', new Date(0));
    primary.set(parseRuleBody('other.test', '{"servers":[""]}'), '127.0.0.2', new Date(1000));
    const worker = new RuntimeRules();
    worker.replaceAll(JSON.parse(JSON.stringify(primary.list())));
    assert.deepEqual(worker.list(), primary.list());
    // The same rules (in domain order rather than the order set: one entry per domain, so routing is the same).
    assert.deepEqual(worker.overlay(config).rules.map(describeRule).sort(), primary.overlay(config).rules.map(describeRule).sort());
    assert.equal(worker.changes, 0, 'the primary counts changes, not the workers');
    assert.throws(() => worker.replaceAll([{ domain: 'x.test', servers: ['not an address'], by: 'p', at: '' }]), /server "not an address"/);
    assert.deepEqual(worker.list(), primary.list());
    worker.replaceAll([]);
    assert.equal(worker.overlay(config), config);
  });
});
