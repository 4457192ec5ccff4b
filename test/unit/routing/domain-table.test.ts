/**
 * The domain-rule table without sockets (reference §1.5): longest suffix, wildcard against exact,
 * address= answering only its own family and falling through otherwise, `/#/`, `server=/d/#`,
 * unqualified names, resolv.conf servers and REFUSED when nothing matches.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { parseResolvConf } from '../../../src/config/resolv.js';
import type { UpstreamSpec } from '../../../src/config/types.js';
import { DomainTable, type Route } from '../../../src/routing/domain-table.js';
import { typeFromName } from '../../../src/wire/constants.js';
import { canonicalName } from '../../../src/wire/name.js';
import { parseQuery } from '../../../src/wire/query-parse.js';
import { describeUpstream } from '../../helpers/config.js';
import { buildQuery } from '../../helpers/dns-client.js';

/** A group is the list of its servers as text, so routes compare as strings. */
type Group = string;

/** Builds a table from config lines (plus optional resolv.conf text); records every group made. */
function table(conf: string, resolv = ''): { t: DomainTable<Group>; groups: Group[] } {
  const groups: Group[] = [];
  const rules = parseConfigText(conf, 'route.conf').rules;
  const t = new DomainTable<Group>(rules, parseResolvConf(resolv, 'resolv.conf'), (servers: readonly UpstreamSpec[]) => {
    const g = servers.map(describeUpstream).join(',');
    groups.push(g);
    return g;
  });
  return { t, groups };
}

/** A route as text: `fwd GROUP`, `A 1.2.3.4,…`, `AAAA …`, `local` / `local+addr`, `refused`. */
function show(r: Route<Group>): string {
  if (r.kind === 'forward') return `fwd ${r.group}`;
  if (r.kind === 'refused') return 'refused';
  if (r.kind === 'local') return r.hasAddress ? 'local+addr' : 'local';
  const family = r.rrtype === 1 ? 'A' : 'AAAA';
  const text = r.rdata.map((b) => (r.rrtype === 1 ? [...b].join('.') : b.toString('hex')));
  return `${family} ${text.join(',')}`;
}

/** Routes `name` for `type` the way the pipeline does: from the query's cache key. */
function route(t: DomainTable<Group>, name: string, type = 'A'): string {
  const p = parseQuery(buildQuery(name, { type }));
  assert.ok(typeof p === 'object');
  const qtype = typeFromName(type);
  assert.ok(qtype !== undefined);
  return show(t.lookup(p.key, p.nameLen, qtype, { name: canonicalName(name) }));
}

/** One lookup and its expected route. */
type Case = [name: string, type: string, expected: string];

/** Runs a table of lookups against one config. */
function cases(conf: string, rows: readonly Case[], resolv = ''): void {
  const { t } = table(conf, resolv);
  for (const [name, type, expected] of rows) {
    it(`${name} ${type} → ${expected}`, () => assert.equal(route(t, name, type), expected));
  }
}

const DEF = 'server=127.0.0.1';

describe('longest suffix wins', () => {
  cases([DEF, 'server=/consul/127.0.0.2', 'server=/service.consul/127.0.0.3#8600'].join('\n'), [
    ['www.example.com', 'A', 'fwd 127.0.0.1#53'],
    ['consul', 'A', 'fwd 127.0.0.2#53'],
    ['x.consul', 'TXT', 'fwd 127.0.0.2#53'],
    ['service.consul', 'A', 'fwd 127.0.0.3#8600'],
    ['web.service.consul', 'SRV', 'fwd 127.0.0.3#8600'],
    ['WEB.Service.CONSUL', 'A', 'fwd 127.0.0.3#8600'],
    ['myservice.consul', 'A', 'fwd 127.0.0.2#53'],
    ['service.consul.evil', 'A', 'fwd 127.0.0.1#53'],
    ['consulx', 'A', 'fwd 127.0.0.1#53'],
  ]);
});

describe('wildcards (reference §1.2)', () => {
  cases([DEF, 'server=/*wild.test/127.0.0.5', 'server=/*.star.test/127.0.0.6'].join('\n'), [
    ['wild.test', 'A', 'fwd 127.0.0.5#53'],
    ['x.wild.test', 'A', 'fwd 127.0.0.5#53'],
    ['superwild.test', 'A', 'fwd 127.0.0.5#53'],
    ['ild.test', 'A', 'fwd 127.0.0.1#53'],
    ['star.test', 'A', 'fwd 127.0.0.1#53'],
    ['x.star.test', 'A', 'fwd 127.0.0.6#53'],
    ['a.b.star.test', 'A', 'fwd 127.0.0.6#53'],
    ['xstar.test', 'A', 'fwd 127.0.0.1#53'],
  ]);
});

describe('wildcard against exact', () => {
  cases(
    [DEF, 'server=/*wild.test/127.0.0.5', 'server=/wild.test/127.0.0.7', 'server=/*.b.test/127.0.0.8', 'server=/a.b.test/127.0.0.9', 'server=/test/127.0.0.10'].join('\n'),
    [
      ['wild.test', 'A', 'fwd 127.0.0.7#53'],
      ['x.wild.test', 'A', 'fwd 127.0.0.7#53'],
      ['superwild.test', 'A', 'fwd 127.0.0.5#53'],
      ['a.b.test', 'A', 'fwd 127.0.0.9#53'],
      ['x.a.b.test', 'A', 'fwd 127.0.0.9#53'],
      ['x.c.b.test', 'A', 'fwd 127.0.0.8#53'],
      ['b.test', 'A', 'fwd 127.0.0.10#53'],
      ['other.test', 'A', 'fwd 127.0.0.10#53'],
    ],
  );
});

describe('address= for A falls through for other types (reference §1.3, §1.5)', () => {
  cases([DEF, 'address=/zz/9.9.9.9', 'server=/a.zz/127.0.0.2'].join('\n'), [
    ['a.zz', 'A', 'fwd 127.0.0.2#53'],
    ['b.zz', 'A', 'A 9.9.9.9'],
    ['zz', 'A', 'A 9.9.9.9'],
    ['b.zz', 'AAAA', 'fwd 127.0.0.1#53'],
    ['b.zz', 'TXT', 'fwd 127.0.0.1#53'],
    ['a.zz', 'AAAA', 'fwd 127.0.0.2#53'],
  ]);
});

describe('server= and address= on one domain', () => {
  cases([DEF, 'server=/both.test/127.0.0.3', 'address=/both.test/192.0.2.8'].join('\n'), [
    ['both.test', 'A', 'A 192.0.2.8'],
    ['x.both.test', 'A', 'A 192.0.2.8'],
    ['both.test', 'TXT', 'fwd 127.0.0.3#53'],
    ['both.test', 'AAAA', 'fwd 127.0.0.3#53'],
  ]);
});

describe('address= families, repeats and #', () => {
  cases(
    [
      DEF,
      'address=/v6.test/2001:db8::8',
      'address=/multi.test/192.0.2.1',
      'address=/multi.test/192.0.2.2',
      'address=/multi.test/::1',
      'address=/zero.test/#',
    ].join('\n'),
    [
      ['v6.test', 'AAAA', `AAAA 20010db8${'0'.repeat(22)}08`],
      ['v6.test', 'A', 'fwd 127.0.0.1#53'],
      ['multi.test', 'A', 'A 192.0.2.1,192.0.2.2'],
      ['multi.test', 'AAAA', `AAAA ${'0'.repeat(31)}1`],
      ['zero.test', 'A', 'A 0.0.0.0'],
      ['zero.test', 'AAAA', `AAAA ${'0'.repeat(32)}`],
      ['zero.test', 'TXT', 'fwd 127.0.0.1#53'],
    ],
  );
});

describe('local-only domains', () => {
  cases([DEF, 'address=/blocked.test/', 'server=/lan/', 'address=/ex.test/192.0.2.7', 'local=/ex.test/'].join('\n'), [
    ['blocked.test', 'A', 'local'],
    ['x.blocked.test', 'AAAA', 'local'],
    ['pc.lan', 'TXT', 'local'],
    ['ex.test', 'A', 'A 192.0.2.7'],
    ['ex.test', 'TXT', 'local+addr'],
    ['nope.ex.test', 'AAAA', 'local+addr'],
  ]);
});

describe('address=/#/ and server=/d/#', () => {
  cases([DEF, 'address=/#/192.0.2.99', 'server=/d.test/#', 'server=/fwd.test/127.0.0.2'].join('\n'), [
    ['anything.test', 'A', 'A 192.0.2.99'],
    ['anything.test', 'AAAA', 'fwd 127.0.0.1#53'],
    ['fwd.test', 'A', 'fwd 127.0.0.2#53'],
    ['d.test', 'A', 'fwd 127.0.0.1#53'],
    ['x.d.test', 'A', 'fwd 127.0.0.1#53'],
  ]);
});

describe('server=/d/# overrides a parent server', () => {
  cases([DEF, 'server=/a.test/127.0.0.2', 'server=/x.a.test/#'].join('\n'), [
    ['a.test', 'A', 'fwd 127.0.0.2#53'],
    ['x.a.test', 'A', 'fwd 127.0.0.1#53'],
    ['y.x.a.test', 'A', 'fwd 127.0.0.1#53'],
  ]);
});

describe('server=/d/# with no default servers', () => {
  cases(['address=/#/192.0.2.99', 'server=/d.test/#'].join('\n'), [
    ['d.test', 'A', 'refused'],
    ['e.test', 'A', 'A 192.0.2.99'],
    ['e.test', 'AAAA', 'refused'],
  ]);
});

describe('unqualified names', () => {
  cases([DEF, 'server=//127.0.0.4', 'server=/named/127.0.0.5'].join('\n'), [
    ['host', 'A', 'fwd 127.0.0.4#53'],
    ['HOST', 'TXT', 'fwd 127.0.0.4#53'],
    ['named', 'A', 'fwd 127.0.0.5#53'],
    ['host.lan', 'A', 'fwd 127.0.0.1#53'],
    ['', 'NS', 'fwd 127.0.0.1#53'],
  ]);
});

describe('reverse zones', () => {
  cases([DEF, 'rev-server=10.0.0.0/8,127.0.0.2', 'rev-server=192.168.0.0/16'].join('\n'), [
    ['4.3.2.10.in-addr.arpa', 'PTR', 'fwd 127.0.0.2#53'],
    ['1.1.168.192.in-addr.arpa', 'PTR', 'local'],
    ['1.1.1.1.in-addr.arpa', 'PTR', 'fwd 127.0.0.1#53'],
  ]);
});

describe('suffixes of the same wire length as a rule domain, but other names', () => {
  // The table probes only suffix lengths some rule has; equal lengths must still compare names.
  cases([DEF, 'server=/abc.test/127.0.0.2', 'server=/a.b.c.d.e/127.0.0.3', 'address=/ads.test/192.0.2.9'].join('\n'), [
    ['x.xyz.test', 'A', 'fwd 127.0.0.1#53'],
    ['x.ABC.test', 'A', 'fwd 127.0.0.2#53'],
    ['abc.test', 'A', 'fwd 127.0.0.2#53'],
    ['abd.test', 'A', 'fwd 127.0.0.1#53'],
    ['ads.test', 'A', 'A 192.0.2.9'],
    ['x.ads.test', 'A', 'A 192.0.2.9'],
    ['x.ads.test', 'AAAA', 'fwd 127.0.0.1#53'],
    ['q.a.b.c.d.e', 'A', 'fwd 127.0.0.3#53'],
    ['q.a.b.c.d.f', 'A', 'fwd 127.0.0.1#53'],
    ['ab.c.d.e', 'A', 'fwd 127.0.0.1#53'],
  ]);
});

describe('REFUSED when no server applies', () => {
  it('refuses everything with no rules at all', () => {
    const { t } = table('');
    assert.equal(route(t, 'a.test'), 'refused');
    assert.equal(t.hasDefaultServers, false);
  });
  cases(['server=/only.test/127.0.0.2', 'address=/addr.test/192.0.2.1'].join('\n'), [
    ['x.only.test', 'A', 'fwd 127.0.0.2#53'],
    ['other.test', 'A', 'refused'],
    ['addr.test', 'AAAA', 'refused'],
    ['single', 'A', 'refused'],
  ]);
});

describe('server groups', () => {
  it('makes one group per domain, servers in config order, resolv.conf servers last in the default group', () => {
    const conf = [
      'server=127.0.0.1',
      'server=/service.consul/127.0.0.84#8600',
      'server=/service.consul/127.0.0.85#8600',
      'server=127.0.0.2',
      'server=/service.consul/127.0.0.86#8600',
    ].join('\n');
    const { t, groups } = table(conf, 'nameserver 127.0.0.53\n');
    assert.equal(route(t, 'web.service.consul'), 'fwd 127.0.0.84#8600,127.0.0.85#8600,127.0.0.86#8600');
    assert.equal(route(t, 'example.com'), 'fwd 127.0.0.1#53,127.0.0.2#53,127.0.0.53#53');
    assert.equal(groups.length, 2);
    assert.equal(t.hasDefaultServers, true);
  });

  it('uses resolv.conf servers alone as the default group', () => {
    const { t } = table('server=/x.test/127.0.0.2', 'nameserver 127.0.0.53');
    assert.equal(route(t, 'y.test'), 'fwd 127.0.0.53#53');
  });

  it('names the matched domain in the route', () => {
    const { t } = table('server=/Service.Consul./127.0.0.2\naddress=/a.test/192.0.2.1\nserver=/lan/');
    const lookup = (name: string, qtype: number) => {
      const p = parseQuery(buildQuery(name));
      assert.ok(typeof p === 'object');
      return t.lookup(p.key, p.nameLen, qtype, { name: canonicalName(name) });
    };
    assert.equal((lookup('web.service.consul', 1) as { domain: string }).domain, 'service.consul');
    assert.equal((lookup('x.a.test', 1) as { domain: string }).domain, 'a.test');
    assert.equal((lookup('pc.lan', 1) as { domain: string }).domain, 'lan');
  });

  it('shares one address buffer among the rules that give it, whatever its spelling (block lists)', () => {
    const { t } = table('address=/ads1.test/0.0.0.0\naddress=/ads2.test/0.0.0.0\naddress=/v6a.test/::1\naddress=/v6b.test/0::1\nlocal=/blk.test/');
    const rdata = (name: string, qtype: number) => {
      const p = parseQuery(buildQuery(name));
      assert.ok(typeof p === 'object');
      const r = t.lookup(p.key, p.nameLen, qtype, { name: canonicalName(name) });
      assert.equal(r.kind, 'address', name);
      return (r as { rdata: readonly Buffer[] }).rdata;
    };
    assert.equal(rdata('ads1.test', 1)[0], rdata('ads2.test', 1)[0]);
    assert.deepEqual([...rdata('x.ads2.test', 1)[0]!], [0, 0, 0, 0]);
    assert.equal(rdata('v6a.test', 28)[0], rdata('v6b.test', 28)[0]);
    // Entries without addresses or servers still decide: NXDOMAIN-only, and A of a v6-only name falls through.
    assert.equal(route(t, 'blk.test'), 'local');
    assert.equal(route(t, 'v6a.test', 'A'), 'refused');
  });
});
