/**
 * The local stage with interface-name, dynamic-host and localise-queries, over a fixed reading
 * of the interfaces (no sockets, no host interfaces): what each question gets, as dnsmasq 2.90
 * answers it where fandns follows it (checked with dig against the binary), NODATA at once where
 * dnsmasq forwards a local name's other types, and the PTR of a dynamic-host that follows an
 * interface-name of the same interface (dnsmasq has none).
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { parseConfigText } from '../../../src/config/load.js';
import { createLocal } from '../../../src/handlers/local.js';
import type { Subnet } from '../../../src/listen/interfaces.js';
import { buildZone } from '../../../src/local/build-zone.js';
import { InterfaceHosts } from '../../../src/local/interface-hosts.js';
import { InterfaceSnapshot } from '../../../src/local/interface-snapshot.js';
import { Localiser } from '../../../src/local/localise.js';
import { Query } from '../../../src/pipeline/query.js';
import { Reply, type Outcome } from '../../../src/pipeline/types.js';
import { DomainTable } from '../../../src/routing/domain-table.js';
import type { ServerGroup } from '../../../src/upstream/group.js';
import { makeQuery, outcomeText } from '../../helpers/wire.js';

const sub = (address: string, prefix: number): Subnet => ({ address, family: address.includes(':') ? 6 : 4, prefix });
const READING = new Map([
  ['lo', [sub('127.0.0.1', 8)]],
  ['d0', [sub('10.1.0.5', 24), sub('10.2.0.5', 16), sub('2001:db8:1::5', 64)]],
]);

/** The local stage over `lines`; the returned function asks a question as sent to `local`. */
function stage(lines: string[], hosts: { address: string; names: string[] }[] = []) {
  const entries = hosts.map((h, i) => ({ ...h, file: 'hosts', line: i + 1 }));
  const config = parseConfigText(lines.join('\n'), 'iface.conf');
  const table = new DomainTable<ServerGroup>(config.rules, [], () => ({}) as ServerGroup);
  const snapshot = new InterfaceSnapshot(() => READING);
  const f = config.filters;
  const local = createLocal(
    {
      localTtl: config.localTtl, domainNeeded: f.domainNeeded, bogusPriv: f.bogusPriv, filterWin2k: f.filterWin2k,
      interfaceHosts: InterfaceHosts.of(config.interfaceHosts, snapshot, config.localTtl),
      localiser: config.localiseQueries ? new Localiser(snapshot) : null,
    },
    table, buildZone(config, entries), new Set(),
  );
  const NEXT = new Reply(Buffer.alloc(12), 'upstream', true, -1, -1, null);
  /** `forwarded`, or `RCODE [aa] TYPE data ttl=N…` (answers sorted) */
  return (name: string, type = 'A', localAddress = '127.0.0.1'): string => {
    const base = makeQuery(name, { type });
    const q = new Query(base.msg, base.p, { ...base.client, localAddress }, base.started);
    const o: Outcome = local.handle(q, () => NEXT) as Outcome;
    return outcomeText(o, NEXT, true);
  };
}

describe('local stage with interface-name and dynamic-host', () => {
  const ask = stage([
    'local-ttl=60',
    'interface-name=gw.lan,d0',
    'interface-name=gw4.lan,d0/4',
    'interface-name=second.lan,d0',
    'interface-name=empty.lan,nosuch',
    'interface-name=inhosts.lan,d0/6',
    'dynamic-host=dyn.lan,0.0.0.8,::8,d0',
    'txt-record=gw.lan,hello',
    'ptr-record=5.0.2.10.in-addr.arpa,ptrrec.lan',
  ], [{ address: '192.0.2.1', names: ['inhosts.lan'] }, { address: '10.1.0.5', names: ['hostsgw.lan'] }]);
  const PTR6 = '5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';
  const rows: [string, string, string][] = [
    ['gw.lan', 'A', 'NOERROR aa A 10.1.0.5 ttl=60 A 10.2.0.5 ttl=60'],
    ['GW.Lan', 'AAAA', 'NOERROR aa AAAA 2001:db8:1::5 ttl=60'],
    ['gw.lan', 'ANY', 'NOERROR aa A 10.1.0.5 ttl=60 A 10.2.0.5 ttl=60 AAAA 2001:db8:1::5 ttl=60 TXT hello ttl=60'],
    ['gw.lan', 'TXT', 'NOERROR aa TXT hello ttl=60'],
    // dnsmasq forwards the other types of these names (an upstream NXDOMAIN becomes NODATA).
    ['gw.lan', 'MX', 'NOERROR aa'],
    ['gw4.lan', 'AAAA', 'NOERROR aa'],
    // An interface without addresses: "an empty record".
    ['empty.lan', 'A', 'NOERROR aa'],
    ['empty.lan', 'AAAA', 'NOERROR aa'],
    // A hosts file's address for an interface name is not served (dnsmasq 2.90 the same).
    ['inhosts.lan', 'A', 'NOERROR aa'],
    ['inhosts.lan', 'AAAA', 'NOERROR aa AAAA 2001:db8:1::5 ttl=60'],
    ['dyn.lan', 'A', 'NOERROR aa A 10.1.0.8 ttl=0 A 10.2.0.8 ttl=0'],
    ['dyn.lan', 'AAAA', 'NOERROR aa AAAA 2001:db8:1::8 ttl=0'],
    // PTRs: the first line with the address, ahead of hosts files and ptr-record.
    ['5.0.1.10.in-addr.arpa', 'PTR', 'NOERROR aa PTR gw.lan ttl=60'],
    ['5.0.2.10.in-addr.arpa', 'PTR', 'NOERROR aa PTR gw.lan ttl=60'],
    ['5.0.2.10.in-addr.arpa', 'ANY', 'NOERROR aa PTR gw.lan ttl=60'],
    [PTR6, 'PTR', 'NOERROR aa PTR gw.lan ttl=60'],
    ['8.0.1.10.in-addr.arpa', 'PTR', 'NOERROR aa PTR dyn.lan ttl=0'],
    ['1.2.0.192.in-addr.arpa', 'PTR', 'NOERROR aa PTR inhosts.lan ttl=60'],
    ['9.0.1.10.in-addr.arpa', 'PTR', 'forwarded'],
    [PTR6, 'TXT', 'forwarded'],
    ['example.com', 'A', 'forwarded'],
  ];
  for (const [name, type, want] of rows) it(`${type} ${name}: ${want}`, () => assert.equal(ask(name, type), want));
});

describe('local stage with localise-queries', () => {
  const hosts = [
    { address: '10.1.0.7', names: ['multi.lan'] },
    { address: '10.2.0.7', names: ['multi.lan'] },
    { address: '192.0.2.7', names: ['multi.lan'] },
    { address: '2001:db8::7', names: ['multi.lan'] },
    { address: '192.0.2.9', names: ['far.lan'] },
    { address: '198.51.100.9', names: ['far.lan'] },
  ];
  const lines = ['interface-name=gw.lan,d0', 'dynamic-host=dyn.lan,0.0.0.8,d0', 'host-record=hr.lan,10.1.0.8', 'host-record=hr.lan,192.0.2.8'];
  const ask = stage([...lines, 'localise-queries'], hosts);
  const plain = stage(lines, hosts);
  const rows: [string, string, string, string][] = [
    ['multi.lan', 'A', '10.1.0.5', 'NOERROR aa A 10.1.0.7 ttl=0'],
    ['multi.lan', 'A', '10.2.0.5', 'NOERROR aa A 10.2.0.7 ttl=0'],
    ['multi.lan', 'ANY', '10.1.0.5', 'NOERROR aa A 10.1.0.7 ttl=0 AAAA 2001:db8::7 ttl=0'],
    // No address in the subnet (127.0.0.0/8): all; an address on no interface: all.
    ['multi.lan', 'A', '127.0.0.1', 'NOERROR aa A 10.1.0.7 ttl=0 A 10.2.0.7 ttl=0 A 192.0.2.7 ttl=0'],
    ['multi.lan', 'A', '0.0.0.0', 'NOERROR aa A 10.1.0.7 ttl=0 A 10.2.0.7 ttl=0 A 192.0.2.7 ttl=0'],
    ['multi.lan', 'AAAA', '10.1.0.5', 'NOERROR aa AAAA 2001:db8::7 ttl=0'],
    ['far.lan', 'A', '10.1.0.5', 'NOERROR aa A 192.0.2.9 ttl=0 A 198.51.100.9 ttl=0'],
    ['hr.lan', 'A', '10.1.0.5', 'NOERROR aa A 10.1.0.8 ttl=0'],
    ['gw.lan', 'A', '10.2.0.5', 'NOERROR aa A 10.2.0.5 ttl=0'],
    ['gw.lan', 'AAAA', '10.2.0.5', 'NOERROR aa AAAA 2001:db8:1::5 ttl=0'],
    ['dyn.lan', 'A', '10.1.0.5', 'NOERROR aa A 10.1.0.8 ttl=0'],
  ];
  for (const [name, type, to, want] of rows) it(`${type} ${name} sent to ${to}: ${want}`, () => assert.equal(ask(name, type, to), want));

  it('without the option every address is answered', () => {
    assert.equal(plain('multi.lan', 'A', '10.1.0.5'), 'NOERROR aa A 10.1.0.7 ttl=0 A 10.2.0.7 ttl=0 A 192.0.2.7 ttl=0');
    assert.equal(plain('gw.lan', 'A', '10.1.0.5'), 'NOERROR aa A 10.1.0.5 ttl=0 A 10.2.0.5 ttl=0');
  });
});
