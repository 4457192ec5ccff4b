/**
 * The directive table as seen through parseConfigText: value kinds (flag / value / optional),
 * unknown and unimplemented options, number ranges, repeats, resolv-file and the defaults.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { DEFAULTS } from '../../../src/config/builder.js';
import { DIRECTIVES, findDirective } from '../../../src/config/directives.js';
import { isDnsmasqOption } from '../../../src/config/dnsmasq-options.js';
import { parseConfigText } from '../../../src/config/load.js';
import type { ErrorCode } from '../../../src/errors.js';
import { assertConfigError } from '../../helpers/config.js';

const parse = (text: string) => parseConfigText(text, 'dir.conf');

/** `line` given as line 2 of dir.conf must fail with `code` and a message matching `message`. */
const rejects = (line: string, code: ErrorCode, message: RegExp): void => {
  assertConfigError(() => parse(`no-resolv\n${line}`), code, 'dir.conf:2', message);
};

describe('defaults', () => {
  it('fills every value when the file is empty', () => {
    const c = parse('');
    assert.deepEqual(c.listen, {
      addresses: [DEFAULTS.listenAddress],
      interfaces: [],
      exceptInterfaces: [],
      localService: false,
      port: 53,
      maxTcpConnections: DEFAULTS.maxTcpConnections,
      encrypted: null,
    });
    assert.deepEqual(parse('interface=eth0').listen.addresses, [], 'interface= replaces the loopback default');
    assert.equal(c.forward.policy, 'fastest');
    assert.equal(c.forward.forwardMax, 150);
    assert.equal(c.forward.ednsPacketMax, 1232);
    assert.deepEqual(c.forward.resolvFiles, ['/etc/resolv.conf']);
    assert.equal(c.forward.noResolv, false);
    assert.equal(c.forward.proxyDnssec, false);
    assert.equal(parse('proxy-dnssec').forward.proxyDnssec, true);
    assert.deepEqual(parse('proxy-dnssec').warnings, [], 'implemented: no "does not implement" warning');
    assert.deepEqual(c.rules, []);
    assert.deepEqual(c.warnings, []);
  });
  it('returns a frozen config', () => {
    const c = parse('server=127.0.0.1');
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.forward) && Object.isFrozen(c.rules) && Object.isFrozen(c.rules[0]));
  });
});

describe('value kinds', () => {
  const rows: [string, ErrorCode, RegExp][] = [
    ['no-resolv=yes', 'FANDNS_CONFIG_SYNTAX', /no-resolv takes no value/],
    ['strict-order=1', 'FANDNS_CONFIG_SYNTAX', /extraneous parameter/],
    ['all-servers=', 'FANDNS_CONFIG_SYNTAX', /all-servers takes no value/],
    ['port', 'FANDNS_CONFIG_SYNTAX', /port needs a value/],
    ['port=', 'FANDNS_CONFIG_SYNTAX', /missing parameter/],
    ['listen-address', 'FANDNS_CONFIG_SYNTAX', /listen-address needs a value/],
    ['dns-forward-max', 'FANDNS_CONFIG_SYNTAX', /needs a value/],
    ['conf-file', 'FANDNS_CONFIG_SYNTAX', /needs a value/],
    ['conf-dir', 'FANDNS_CONFIG_SYNTAX', /needs a value/],
  ];
  for (const [line, code, message] of rows) it(`rejects ${line}`, () => rejects(line, code, message));

  it('lets flags repeat freely', () => {
    assert.equal(parse('strict-order\nstrict-order\nno-resolv\nno-resolv').forward.policy, 'strict-order');
  });
});

describe('numbers', () => {
  const rows: [string, RegExp][] = [
    ['port=abc', /whole number/],
    ['port=-5', /whole number/],
    ['port=99999', /out of range/],
    ['port=5 3', /whole number/],
    ['edns-packet-max=foo', /whole number/],
    ['edns-packet-max=511', /out of range/],
    ['dns-forward-max=0', /out of range/],
    ['max-tcp-connections=0', /out of range/],
    ['upstream-timeout=10', /out of range/],
    ['query-timeout=1000000', /out of range/],
    ['server-name-refresh=0', /out of range/],
    ['server-name-refresh=86401', /out of range/],
    ['server-name-refresh=1m', /whole number/],
  ];
  for (const [line, message] of rows) it(`rejects ${line}`, () => rejects(line, 'FANDNS_CONFIG_VALUE', message));

  it('accepts in-range values', () => {
    const c = parse('port=0\nedns-packet-max=4096\ndns-forward-max=1000000\nmax-tcp-connections=5\nupstream-timeout=50\nquery-timeout=100');
    assert.equal(c.listen.port, 0);
    assert.equal(c.listen.maxTcpConnections, 5);
    assert.equal(c.forward.ednsPacketMax, 4096);
    assert.equal(c.forward.forwardMax, 1000000);
    assert.equal(c.forward.upstreamTimeoutMs, 50);
    assert.equal(c.forward.queryTimeoutMs, 100);
    assert.equal(c.forward.serverNameRefreshMs, null, 'looked up at load only by default');
    assert.equal(parse('server-name-refresh=30').forward.serverNameRefreshMs, 30_000, 'seconds');
  });
});

describe('listen-address', () => {
  it('accumulates addresses, comma lists and repeats, without duplicates', () => {
    const c = parse('listen-address=127.0.0.1,127.0.0.2\nlisten-address=::1\nlisten-address=127.0.0.1');
    assert.deepEqual(c.listen.addresses, ['127.0.0.1', '127.0.0.2', '::1']);
  });
  it('rejects a name', () => rejects('listen-address=localhost', 'FANDNS_CONFIG_VALUE', /needs an IP address/));
});

describe('upstream policy flags', () => {
  const rows: [string, string][] = [
    ['', 'fastest'],
    ['strict-order', 'strict-order'],
    ['all-servers', 'all-servers'],
    ['strict-order\nall-servers', 'all-servers'],
  ];
  for (const [text, policy] of rows) it(`${JSON.stringify(text)} → ${policy}`, () => assert.equal(parse(text).forward.policy, policy));
});

describe('resolv-file and no-resolv (reference §1.7)', () => {
  const rows: [string, string[], boolean][] = [
    ['', ['/etc/resolv.conf'], false],
    ['resolv-file=/run/a.conf', ['/run/a.conf'], false],
    ['resolv-file=/run/a.conf\nresolv-file=/run/b.conf', ['/run/a.conf', '/run/b.conf'], false],
    ['resolv-file=', [], false],
    ['resolv-file', [], false],
    ['resolv-file=""', [], false],
    ['resolv-file="/run/with space.conf"', ['/run/with space.conf'], false],
    ['resolv-file=\nresolv-file=/run/b.conf', ['/run/b.conf'], false],
    ['no-resolv', [], true],
    ['resolv-file=/run/a.conf\nno-resolv', [], true],
  ];
  for (const [text, files, noResolv] of rows) {
    it(JSON.stringify(text), () => {
      const f = parse(text).forward;
      assert.deepEqual(f.resolvFiles, files);
      assert.equal(f.noResolv, noResolv);
    });
  }
});

describe('option names', () => {
  const rows: [string, RegExp][] = [
    ['Server=127.0.0.1', /unknown option "Server"; did you mean "server"\?/],
    ['NO-RESOLV', /unknown option "NO-RESOLV"; did you mean "no-resolv"\?/],
    ['servr=127.0.0.1', /did you mean "server"\?/],
    ['strict-ordr', /did you mean "strict-order"\?/],
    ['--server=127.0.0.1', /unknown option "--server"/],
    ['; x', /unknown option "; x"/],
    ['frobnicate-everything=1', /unknown option "frobnicate-everything"$/],
  ];
  for (const [line, message] of rows) it(`rejects ${line}`, () => rejects(line, 'FANDNS_CONFIG_UNKNOWN', message));
});

describe('dnsmasq options fandns does not implement', () => {
  const lines = ['dhcp-range=192.168.0.50,192.168.0.150,12h', 'enable-tftp', 'tftp-root=/srv/tftp', 'dnssec'];
  for (const line of lines) {
    it(`${line} loads with a warning naming file:line`, () => {
      const c = parse(`server=127.0.0.1\n${line}\nport=5353`);
      const name = line.split('=')[0]!;
      assert.equal(c.warnings.length, 1);
      assert.match(c.warnings[0]!, new RegExp(`^dir\\.conf:2: "${name}" `));
      assert.equal(c.listen.port, 5353, 'lines after the unimplemented one still apply');
      assert.equal(c.rules.length, 1);
    });
  }

  it('every implemented directive is a dnsmasq option or documented as fandns-only', () => {
    for (const d of DIRECTIVES) {
      assert.ok(isDnsmasqOption(d.name) || d.describe.startsWith('fandns:'), d.name);
    }
  });
  it('finds directives by exact name only', () => {
    assert.equal(findDirective('server')?.name, 'server');
    assert.equal(findDirective('Server'), undefined);
  });
});

describe('single-valued options repeated in one file', () => {
  const rows = ['port=53\nport=54', 'dns-forward-max=1\ndns-forward-max=1', 'edns-packet-max=1232\n\nedns-packet-max=4096'];
  for (const text of rows) {
    it(JSON.stringify(text), () => {
      const last = text.split('\n').length;
      assertConfigError(() => parse(text), 'FANDNS_CONFIG_REPEATED', `dir.conf:${last}`, /given twice \(first at dir\.conf:1\)/);
    });
  }
  it('lets list options repeat', () => {
    assert.equal(parse('server=127.0.0.1\nserver=127.0.0.2\naddress=/a/192.0.2.1\naddress=/a/192.0.2.2').rules.length, 4);
  });
});

describe('cache options', () => {
  it('has defaults', () => {
    const c = parse('').cache;
    assert.deepEqual([c.size, c.minTtl, c.negTtl, c.noNegcache, c.staleMaxSec, c.rotate], [DEFAULTS.cacheSize, 0, null, false, null, true]);
  });
  const rows: [string, Record<string, unknown>][] = [
    ['cache-size=0', { size: 0 }],
    ['cache-size=1000000', { size: 1000000 }],
    ['min-cache-ttl=99999', { minTtl: 99999 }],
    ['max-cache-ttl=60', { maxTtl: 60 }],
    ['max-ttl=300', { clientMaxTtl: 300 }],
    ['neg-ttl=30', { negTtl: 30 }],
    ['no-negcache', { noNegcache: true }],
    ['use-stale-cache', { staleMaxSec: 86400 }],
    ['use-stale-cache=0', { staleMaxSec: 0 }],
    ['use-stale-cache=600', { staleMaxSec: 600 }],
    ['no-rotate', { rotate: false }],
    ['no-round-robin', { rotate: false }],
  ];
  for (const [line, expected] of rows) {
    it(line, () => {
      const c = parse(line).cache as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(expected)) assert.equal(c[k], v, k);
    });
  }

  const errors: [string, ErrorCode, RegExp][] = [
    ['cache-size=-5', 'FANDNS_CONFIG_VALUE', /whole number/],
    ['cache-size=abc', 'FANDNS_CONFIG_VALUE', /whole number/],
    ['min-cache-ttl=2147483648', 'FANDNS_CONFIG_VALUE', /out of range/],
    ['max-ttl=0', 'FANDNS_CONFIG_VALUE', /out of range/],
    ['cache-rr=BOGUS', 'FANDNS_CONFIG_VALUE', /unknown record type/],
    ['no-negcache=1', 'FANDNS_CONFIG_SYNTAX', /takes no value/],
  ];
  for (const [line, code, message] of errors) it(`rejects ${line}`, () => rejects(line, code, message));

  it('accepts cache-rr with types, numbers and ANY', () => assert.deepEqual(parse('cache-rr=TXT,mx,65,ANY').warnings, []));

  it('rejects min-cache-ttl above max-cache-ttl, naming both lines', () => {
    assertConfigError(() => parse('max-cache-ttl=60\nmin-cache-ttl=120'), 'FANDNS_CONFIG_CONFLICT', 'dir.conf:2', /above max-cache-ttl=60 \(dir\.conf:1\)/);
  });
});

describe('domain rules of block lists', () => {
  it('share one action per address and per kind, keeping each line its own domain and origin', () => {
    const c = parse('address=/a.test/0.0.0.0\naddress=/b.test/0.0.0.0\naddress=/c.test/192.0.2.1\naddress=/d.test/::\nlocal=/e.test/\nserver=/f.test/\n');
    const [a, b, cc, d, e, f] = c.rules;
    assert.equal(a!.action, b!.action);
    assert.notEqual(a!.action, cc!.action);
    assert.deepEqual(d!.action, { kind: 'address', family: 6, address: '::' });
    assert.equal(e!.action, f!.action);
    assert.deepEqual([a, b].map((r) => [r!.domain.name, r!.origin.line]), [['a.test', 1], ['b.test', 2]]);
    assert.deepEqual(cc!.action, { kind: 'address', family: 4, address: '192.0.2.1' });
  });
});

describe('filter-A, filter-AAAA, filter-rr', () => {
  it('collect record types, by name or number, once each, in order', () => {
    assert.deepEqual(parse('').filters.types, []);
    assert.deepEqual(parse('filter-AAAA\nfilter-A').filters.types, [1, 28]);
    assert.deepEqual(parse('filter-rr=txt,HTTPS,TYPE99,64\nfilter-rr=ANY\nfilter-AAAA\nfilter-rr=aaaa').filters.types, [16, 28, 64, 65, 99, 255]);
  });

  it('reject a type that is not one, naming the line', () => {
    rejects('filter-rr=A,BOGUS', 'FANDNS_CONFIG_VALUE', /filter-rr: "BOGUS" is not a record type/);
    rejects('filter-rr=0', 'FANDNS_CONFIG_VALUE', /"0" is not a record type/);
    rejects('filter-rr=OPT', 'FANDNS_CONFIG_VALUE', /"OPT" is not a record type/);
    rejects('filter-AAAA=yes', 'FANDNS_CONFIG_SYNTAX', /filter-AAAA/);
  });
});
