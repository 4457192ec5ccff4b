/**
 * Query-log filter options (`log-queries-domain`, `log-queries-exclude`, `log-queries-sample`):
 * parsing into LogConfig.filter, and the errors, each naming file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { assertConfigError } from '../../helpers/config.js';

const filter = (text: string) => parseConfigText(`no-resolv\n${text}`, 'log.conf').log.filter;

describe('query-log filter options', () => {
  it('are off by default: every query is logged', () => {
    assert.equal(filter('log-queries'), null);
  });

  it('collect domains to log and to skip, in either form, several per line', () => {
    const f = filter('log-queries-domain=/Service.Consul/lan/\nlog-queries-exclude=health.service.consul\nlog-queries-exclude="/x.lan/"');
    assert.deepEqual(f, {
      sampleEvery: 1,
      domains: [
        { domain: 'service.consul', log: true },
        { domain: 'lan', log: true },
        { domain: 'health.service.consul', log: false },
        { domain: 'x.lan', log: false },
      ],
    });
  });

  it('take a sample rate alone', () => {
    assert.deepEqual(filter('log-queries-sample=100'), { sampleEvery: 100, domains: [] });
  });

  it('refuse a domain named twice, by either option, naming the first line', () => {
    assertConfigError(() => filter('log-queries-domain=/a.lan/\nlog-queries-exclude=/b.lan/A.lan/'), 'FANDNS_CONFIG_REPEATED', 'log.conf:3', /a\.lan is already a log-queries-domain domain \(log\.conf:2\)/);
    assertConfigError(() => filter('log-queries-exclude=a.lan\nlog-queries-exclude=a.lan'), 'FANDNS_CONFIG_REPEATED', 'log.conf:3');
  });

  it('refuse bad domains and bad rates', () => {
    assertConfigError(() => filter('log-queries-domain=/a.lan/x'), 'FANDNS_CONFIG_VALUE', 'log.conf:2', /nothing may follow/);
    assertConfigError(() => filter('log-queries-domain=a.lan/b.lan'), 'FANDNS_CONFIG_VALUE', 'log.conf:2', /give a domain/);
    assertConfigError(() => filter('log-queries-exclude=/*.lan/'), 'FANDNS_CONFIG_VALUE', 'log.conf:2');
    assertConfigError(() => filter('log-queries-exclude='), 'FANDNS_CONFIG_SYNTAX', 'log.conf:2', /needs a value/);
    assertConfigError(() => filter('log-queries-sample=0'), 'FANDNS_CONFIG_VALUE', 'log.conf:2');
    assertConfigError(() => filter('log-queries-sample=ten'), 'FANDNS_CONFIG_VALUE', 'log.conf:2');
    assertConfigError(() => filter('log-queries-sample=2\nlog-queries-sample=3'), 'FANDNS_CONFIG_REPEATED', 'log.conf:3');
  });
});
