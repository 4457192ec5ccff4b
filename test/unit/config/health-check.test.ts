/**
 * health-check= and its tuning options: the three forms (/domain/…, /#/, none), the question's
 * type, defaults, and the errors, each naming file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { RRType } from '../../../src/wire/constants.js';
import { assertConfigError } from '../../helpers/config.js';

const parse = (text: string) => parseConfigText(`no-resolv\n${text}`, 'hc.conf');
const hc = (text: string) => parse(text).forward.healthCheck;
const checks = (text: string) => hc(text)!.checks.map((c) => [c.domain, c.name, c.qtype, c.origin.line]);

describe('health-check', () => {
  it('is off by default', () => {
    assert.equal(hc('server=127.0.0.1'), null);
  });

  it('reads /domain/name, several domains in one line, type A by default, with the defaults', () => {
    const c = hc('health-check=/service.consul/Consul.Service.Consul.');
    assert.deepEqual(c, {
      checks: [{ domain: 'service.consul', name: 'consul.service.consul', qtype: RRType.A, origin: { file: 'hc.conf', line: 2 } }],
      intervalMs: 5000, rise: 2, fall: 3,
    });
    assert.deepEqual(checks('health-check=/a.lan/b.lan/ns.a.lan,AAAA'), [['a.lan', 'ns.a.lan', RRType.AAAA, 2], ['b.lan', 'ns.a.lan', RRType.AAAA, 2]]);
  });

  it('reads /#/ and a plain name as the default servers, "." as the root, types by mnemonic or TYPEnnn', () => {
    assert.deepEqual(checks('health-check=/#/.,NS'), [[null, '', RRType.NS, 2]]);
    assert.deepEqual(checks('health-check=example.com,soa\nhealth-check=/consul/consul,TYPE6'), [[null, 'example.com', RRType.SOA, 2], ['consul', 'consul', 6, 3]]);
    assert.deepEqual(checks('health-check="/consul/consul.service.consul,SRV"'), [['consul', 'consul.service.consul', RRType.SRV, 2]]);
  });

  it('takes the tuning options', () => {
    const c = hc('health-check=x.lan\nhealth-check-interval=50\nhealth-check-rise=1\nhealth-check-fall=5')!;
    assert.deepEqual([c.intervalMs, c.rise, c.fall], [50, 1, 5]);
  });

  it('warns about tuning options set without a check (not when they keep their default), naming the line', () => {
    const c = parse('health-check-interval=1000\nhealth-check-fall=2\nhealth-check-rise=2');
    assert.equal(c.forward.healthCheck, null);
    assert.deepEqual(c.warnings, [
      'hc.conf:2: health-check-interval has no effect without a health-check= line',
      'hc.conf:3: health-check-fall has no effect without a health-check= line',
    ]);
  });

  it('refuses the same domain twice, and the default servers twice in either form', () => {
    assertConfigError(() => parse('health-check=/consul/a.consul\nhealth-check=/lan/Consul/b.consul'), 'FANDNS_CONFIG_REPEATED', 'hc.conf:3', /health-check for consul given twice \(first at hc\.conf:2\)/);
    assertConfigError(() => parse('health-check=/#/a.lan\nhealth-check=b.lan'), 'FANDNS_CONFIG_REPEATED', 'hc.conf:3', /the default servers given twice/);
  });

  it('refuses bad names, types, domains and shapes', () => {
    assertConfigError(() => parse('health-check=/consul/bad..name'), 'FANDNS_CONFIG_VALUE', 'hc.conf:2', /bad health-check name/);
    assertConfigError(() => parse('health-check=/consul/x.consul,BOGUS'), 'FANDNS_CONFIG_VALUE', 'hc.conf:2', /unknown record type "BOGUS"/);
    assertConfigError(() => parse('health-check=x.lan,ANY'), 'FANDNS_CONFIG_VALUE', 'hc.conf:2', /ANY is not a type a check can ask/);
    assertConfigError(() => parse('health-check=x.lan,TYPE252'), 'FANDNS_CONFIG_VALUE', 'hc.conf:2', /TYPE252 is not a type/);
    assertConfigError(() => parse('health-check=/*.consul/x.consul'), 'FANDNS_CONFIG_VALUE', 'hc.conf:2', /plain domain names/);
    assertConfigError(() => parse('health-check=//x.consul'), 'FANDNS_CONFIG_VALUE', 'hc.conf:2', /plain domain names/);
    assertConfigError(() => parse('health-check=/consul/'), 'FANDNS_CONFIG_VALUE', 'hc.conf:2', /give \[\/domain\/…\]name\[,type\]/);
    assertConfigError(() => parse('health-check=x.lan,A,1'), 'FANDNS_CONFIG_VALUE', 'hc.conf:2', /give \[\/domain\/…\]name\[,type\]/);
    assertConfigError(() => parse('health-check'), 'FANDNS_CONFIG_SYNTAX', 'hc.conf:2');
  });

  it('bounds the tuning options', () => {
    assertConfigError(() => parse('health-check-interval=10'), 'FANDNS_CONFIG_VALUE', 'hc.conf:2', /out of range \(50-600000\)/);
    assertConfigError(() => parse('health-check-rise=0'), 'FANDNS_CONFIG_VALUE', 'hc.conf:2', /out of range \(1-100\)/);
    assertConfigError(() => parse('health-check-fall=x'), 'FANDNS_CONFIG_VALUE', 'hc.conf:2', /whole number/);
    assertConfigError(() => parse('health-check-fall=2\nhealth-check-fall=3'), 'FANDNS_CONFIG_REPEATED', 'hc.conf:3');
  });
});
