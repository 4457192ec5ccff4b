/**
 * Rule lookup: src/routing/domain-table.ts DomainTable.lookup over the DESIGN.md example rules
 * plus 1,000 more `server=/d/` domains, for a routed name, a name that falls to the default and
 * a deep name.
 */
import { parseConfigText } from '../../src/config/load.js';
import { DomainTable } from '../../src/routing/domain-table.js';
import { parseQuery, type ParsedQuery } from '../../src/wire/query-parse.js';
import { queryWire } from './fixtures.js';
import type { Case } from './harness.js';

/** The rules: default server, three consul servers, 1,000 other domains. */
function rulesText(): string {
  const lines = [
    'no-resolv',
    'server=127.0.0.1#5300',
    'server=/service.consul/127.0.0.2#8600',
    'server=/service.consul/127.0.0.3#8600',
    'server=/service.consul/127.0.0.4#8600',
  ];
  for (let i = 0; i < 1000; i++) lines.push(`server=/zone${i}.example.net/127.0.1.${i % 250}#53${String(i % 100).padStart(2, '0')}`);
  return `${lines.join('\n')}\n`;
}

/** The lookup cases. */
export function lookupCases(): Case[] {
  const config = parseConfigText(rulesText(), 'micro.conf');
  let groups = 0;
  const table = new DomainTable(config.rules, [], () => ++groups);
  const route = (name: string) => {
    const p = parseQuery(queryWire(name, 'A', false)) as ParsedQuery;
    return () => table.lookup(p.key, p.nameLen, p.qtype, () => name);
  };
  const consul = route('web.service.consul');
  const other = route('www.example.com');
  const deep = route('a.b.c.d.e.f.zone999.example.net');
  return [
    { name: 'DomainTable.lookup: web.service.consul (rule)', fn: consul },
    { name: 'DomainTable.lookup: www.example.com (default)', fn: other },
    { name: 'DomainTable.lookup: a.b.c.d.e.f.zone999.example.net (rule, 7 probes)', fn: deep },
  ];
}
