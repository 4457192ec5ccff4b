/**
 * server=, local= and address= lines (reference §1.1–1.3) through parseConfigText: every form of
 * the grammar becomes the expected domain rules, and every malformed form a ConfigError whose
 * message names file:line.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { parseDomainPattern, parseUpstream } from '../../../src/config/server-spec.js';
import type { ErrorCode } from '../../../src/errors.js';
import { assertConfigError, describeRule } from '../../helpers/config.js';

/** The rules of a one-line config, described as strings. */
const rulesOf = (line: string): string[] => parseConfigText(line, 'test.conf').rules.map(describeRule);

/** A table row: one config line and the rules it must produce. */
interface Row {
  readonly line: string;
  readonly rules: readonly string[];
}

/** A table row: one config line (given on line 2) and the error it must raise. */
interface ErrorRow {
  readonly line: string;
  readonly code: ErrorCode;
  readonly message: RegExp;
}

const runRows = (rows: readonly Row[]) => {
  for (const { line, rules } of rows) {
    it(line, () => assert.deepEqual(rulesOf(line), rules));
  }
};

const runErrorRows = (rows: readonly ErrorRow[]) => {
  for (const { line, code, message } of rows) {
    it(line, () => {
      assertConfigError(() => parseConfigText(`no-resolv\n${line}`, 'test.conf'), code, 'test.conf:2', message);
    });
  }
};

describe('server= forms (reference §1.1-1.2)', () => {
  runRows([
    { line: 'server=127.0.0.1', rules: ['default: fwd 127.0.0.1#53'] },
    { line: 'server=127.0.0.1#5353', rules: ['default: fwd 127.0.0.1#5353'] },
    { line: 'server=/service.consul/127.0.0.2#8600', rules: ['suffix:service.consul fwd 127.0.0.2#8600'] },
    {
      line: 'server=/one.test/two.test/127.0.0.3',
      rules: ['suffix:one.test fwd 127.0.0.3#53', 'suffix:two.test fwd 127.0.0.3#53'],
    },
    { line: 'server=/lan/', rules: ['suffix:lan local'] },
    { line: 'server=/a.lan/b.lan/', rules: ['suffix:a.lan local', 'suffix:b.lan local'] },
    { line: 'server=/x.a.test/#', rules: ['suffix:x.a.test use-default'] },
    { line: 'server=//127.0.0.4', rules: ['unqualified: fwd 127.0.0.4#53'] },
    { line: 'server=/*wild.test/127.0.0.5', rules: ['wildcard:wild.test fwd 127.0.0.5#53'] },
    { line: 'server=/*.star.test/127.0.0.6', rules: ['subdomains:star.test fwd 127.0.0.6#53'] },
    { line: 'server=/.dot.test/127.0.0.7', rules: ['suffix:dot.test fwd 127.0.0.7#53'] },
    { line: 'server=/#/127.0.0.8', rules: ['default: fwd 127.0.0.8#53'] },
    { line: 'server=/Trail.Test./127.0.0.9', rules: ['suffix:trail.test fwd 127.0.0.9#53'] },
    { line: 'server=127.0.0.1@127.0.0.5', rules: ['default: fwd 127.0.0.1#53 src=127.0.0.5'] },
    { line: 'server=127.0.0.1@127.0.0.5#40123', rules: ['default: fwd 127.0.0.1#53 src=127.0.0.5#40123'] },
    { line: 'server=127.0.0.1@lo', rules: ['default: fwd 127.0.0.1#53 dev=lo'] },
    {
      line: 'server=/d.test/127.0.0.1#5353@lo@127.0.0.6#40124',
      rules: ['suffix:d.test fwd 127.0.0.1#5353 dev=lo src=127.0.0.6#40124'],
    },
    { line: 'server=2001:db8::1', rules: ['default: fwd 2001:db8::1#53'] },
    { line: 'server=2001:db8::1#5353', rules: ['default: fwd 2001:db8::1#5353'] },
    { line: 'server=fe80::1%eth0', rules: ['default: fwd fe80::1%eth0#53'] },
    { line: 'server=/d.test/fe80::1%eth0#53@eth0', rules: ['suffix:d.test fwd fe80::1%eth0#53 dev=eth0'] },
    { line: 'server=::1@::1#40000', rules: ['default: fwd ::1#53 src=::1#40000'] },
    { line: 'server=0.0.0.0', rules: [] },
    { line: 'server=/d.test/0.0.0.0#53', rules: [] },
  ]);

  it('records the family, port and origin of each upstream', () => {
    const [rule] = parseConfigText('no-resolv\nserver=/v6.test/2001:db8::1#5353', 'f.conf').rules;
    assert.ok(rule && rule.action.kind === 'forward');
    assert.deepEqual(rule.action.server, {
      address: '2001:db8::1',
      family: 6,
      port: 5353,
      sourceAddress: null,
      sourcePort: null,
      device: null,
      origin: { file: 'f.conf', line: 2 },
    });
    assert.deepEqual(rule.origin, { file: 'f.conf', line: 2 });
  });

  it('keeps rules in config order', () => {
    const c = parseConfigText('server=127.0.0.1\nserver=/b.test/127.0.0.2\nserver=127.0.0.3', 'o.conf');
    assert.deepEqual(c.rules.map((r) => r.origin.line), [1, 2, 3]);
  });
});

describe('server= errors', () => {
  runErrorRows([
    { line: 'server=127.0.0.1#abc', code: 'FANDNS_CONFIG_VALUE', message: /bad port/ },
    { line: 'server=127.0.0.1#65536', code: 'FANDNS_CONFIG_VALUE', message: /bad port/ },
    { line: 'server=127.0.0.1#53#x', code: 'FANDNS_CONFIG_VALUE', message: /bad port/ },
    { line: 'server=127.0.0.1#', code: 'FANDNS_CONFIG_VALUE', message: /bad port/ },
    { line: 'server=127.0.0.1@127.0.0.5#x', code: 'FANDNS_CONFIG_VALUE', message: /bad source port/ },
    { line: 'server=127.0.0.1@::1', code: 'FANDNS_CONFIG_VALUE', message: /cannot use IPv4 server address with IPv6 source/ },
    { line: 'server=::1@127.0.0.1', code: 'FANDNS_CONFIG_VALUE', message: /cannot use IPv6 server address with IPv4 source/ },
    { line: 'server=127.0.0.1@lo@eth0', code: 'FANDNS_CONFIG_VALUE', message: /interface given twice/ },
    { line: 'server=127.0.0.1@', code: 'FANDNS_CONFIG_VALUE', message: /bad source/ },
    { line: 'server=local_host', code: 'FANDNS_CONFIG_VALUE', message: /bad server address "local_host": an IPv4 or IPv6 address, or a host name, is required/ },
    { line: 'server=/x.test/10.0.0.300', code: 'FANDNS_CONFIG_VALUE', message: /bad server address "10\.0\.0\.300"/ },
    { line: 'server=1.2.3.4 extra', code: 'FANDNS_CONFIG_VALUE', message: /bad server address/ },
    { line: 'server=1.2.3', code: 'FANDNS_CONFIG_VALUE', message: /bad server address/ },
    { line: 'server=/unclosed.test', code: 'FANDNS_CONFIG_VALUE', message: /missing closing "\/"/ },
    { line: 'server=/a..b/127.0.0.1', code: 'FANDNS_CONFIG_VALUE', message: /bad domain/ },
    { line: `server=/${'x'.repeat(64)}.test/127.0.0.1`, code: 'FANDNS_CONFIG_VALUE', message: /bad domain/ },
    { line: 'server=/*/127.0.0.1', code: 'FANDNS_CONFIG_VALUE', message: /bad wildcard/ },
    { line: 'server', code: 'FANDNS_CONFIG_SYNTAX', message: /needs a value/ },
    { line: 'server=', code: 'FANDNS_CONFIG_SYNTAX', message: /needs a value/ },
  ]);
});

describe('local= (a synonym of server=)', () => {
  runRows([
    { line: 'local=/lan/', rules: ['suffix:lan local'] },
    { line: 'local=/local.test/127.0.0.1#5353', rules: ['suffix:local.test fwd 127.0.0.1#5353'] },
    { line: 'local=/x.test/#', rules: ['suffix:x.test use-default'] },
    { line: 'local=127.0.0.1', rules: ['default: fwd 127.0.0.1#53'] },
  ]);
});

describe('address= (reference §1.3)', () => {
  runRows([
    { line: 'address=/addr.test/192.0.2.1', rules: ['suffix:addr.test addr4 192.0.2.1'] },
    { line: 'address=/v6.test/2001:db8::8', rules: ['suffix:v6.test addr6 2001:db8::8'] },
    { line: 'address=/zero.test/#', rules: ['suffix:zero.test null'] },
    { line: 'address=/empty.test/', rules: ['suffix:empty.test local'] },
    { line: 'address=/#/192.0.2.9', rules: ['default: addr4 192.0.2.9'] },
    { line: 'address=/a.test/b.test/192.0.2.2', rules: ['suffix:a.test addr4 192.0.2.2', 'suffix:b.test addr4 192.0.2.2'] },
    { line: 'address=/*.ads.test/0.0.0.0', rules: ['subdomains:ads.test addr4 0.0.0.0'] },
  ]);
});

describe('address= errors', () => {
  runErrorRows([
    { line: 'address=/x.test/1.2.3', code: 'FANDNS_CONFIG_VALUE', message: /bad address "1\.2\.3"/ },
    { line: 'address=/x.test/host.test', code: 'FANDNS_CONFIG_VALUE', message: /bad address/ },
    { line: 'address=/x.test/1.2.3.4#53', code: 'FANDNS_CONFIG_VALUE', message: /bad address/ },
    { line: 'address=192.0.2.1', code: 'FANDNS_CONFIG_VALUE', message: /expected \/domain\/\[address\]/ },
    { line: 'address', code: 'FANDNS_CONFIG_SYNTAX', message: /needs a value/ },
  ]);
});

describe('parseDomainPattern', () => {
  const origin = { file: 'p.conf', line: 1 };
  const rows: [string, string, string][] = [
    ['', '', 'unqualified'],
    ['#', '', 'default'],
    ['Consul', 'consul', 'suffix'],
    ['.consul', 'consul', 'suffix'],
    ['..consul', 'consul', 'suffix'],
    ['consul.', 'consul', 'suffix'],
    ['*wild.test', 'wild.test', 'wildcard'],
    ['*.Star.Test', 'star.test', 'subdomains'],
  ];
  for (const [text, name, match] of rows) {
    it(`"${text}" → ${match}:${name}`, () => assert.deepEqual(parseDomainPattern(text, origin), { name, match }));
  }
});

describe('parseUpstream', () => {
  const origin = { file: 'u.conf', line: 7 };
  it('returns null for the unspecified addresses', () => {
    assert.equal(parseUpstream('0.0.0.0', origin), null);
    assert.equal(parseUpstream('0.0.0.0#5353', origin), null);
  });
  it('reads source, port and device together', () => {
    assert.deepEqual(parseUpstream('127.0.0.1#5300@lo@127.0.0.2#40000', origin), {
      address: '127.0.0.1',
      family: 4,
      port: 5300,
      sourceAddress: '127.0.0.2',
      sourcePort: 40000,
      device: 'lo',
      origin,
    });
  });
});
