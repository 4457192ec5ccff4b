/**
 * The query log's filter: listed domains decide by the longest match, sampling writes the first
 * ordinary answer of every N, and failures are always written.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import type { QueryLogFilterConfig } from '../../../src/config/types.js';
import { isOrdinary, QueryLogFilter } from '../../../src/log/query-log-filter.js';
import { Reply, type ReplySource } from '../../../src/pipeline/types.js';
import { RCode } from '../../../src/wire/constants.js';
import { makeQuery } from '../../helpers/wire.js';

/** A reply from `source` with `rcode` in its header. */
function reply(source: ReplySource, rcode: number = RCode.NOERROR): Reply {
  const wire = Buffer.alloc(12);
  wire[3] = rcode;
  return new Reply(wire, source, true, -1, -1, null);
}

const filter = (cfg: Partial<QueryLogFilterConfig>) => QueryLogFilter.from({ sampleEvery: 1, domains: [], ...cfg })!;
const admitted = (f: QueryLogFilter, names: string[], r: Reply | null = reply('cache')) => names.filter((n) => f.admits(makeQuery(n), r));

describe('QueryLogFilter', () => {
  it('is null without a configuration', () => {
    assert.equal(QueryLogFilter.from(null), null);
  });

  it('with exclusions only, logs every name but those at or below an excluded domain', () => {
    const f = filter({ domains: [{ domain: 'health.consul', log: false }] });
    assert.deepEqual(admitted(f, ['a.health.consul', 'HEALTH.consul', 'xhealth.consul', 'web.consul', 'example.com', '']), ['xhealth.consul', 'web.consul', 'example.com', '']);
  });

  it('with domains to log, logs only names under them, the longest listed domain deciding', () => {
    const f = filter({ domains: [{ domain: 'consul', log: true }, { domain: 'health.consul', log: false }, { domain: 'x.health.consul', log: true }] });
    assert.deepEqual(admitted(f, ['web.consul', 'a.health.consul', 'b.x.health.consul', 'example.com', 'consul.example']), ['web.consul', 'b.x.health.consul']);
  });

  it('samples ordinary answers, the first of every N, and counts only those that pass the domains', () => {
    const f = filter({ sampleEvery: 3, domains: [{ domain: 'skip.lan', log: false }] });
    const names = ['a1', 'x.skip.lan', 'a2', 'a3', 'a4', 'x.skip.lan', 'a5', 'a6', 'a7'];
    assert.deepEqual(admitted(f, names), ['a1', 'a4', 'a7']);
  });

  it('never samples away a failure', () => {
    const f = filter({ sampleEvery: 1000 });
    assert.equal(f.admits(makeQuery('first.lan'), reply('upstream')), true, 'the first ordinary answer');
    const failures: (Reply | null)[] = [
      null, reply('error', RCode.SERVFAIL), reply('blocked', RCode.NXDOMAIN), reply('stale'),
      reply('upstream', RCode.SERVFAIL), reply('upstream', RCode.REFUSED), reply('upstream', RCode.FORMERR), reply('local', RCode.NOTIMP),
    ];
    for (const r of failures) assert.equal(f.admits(makeQuery('fail.lan'), r), true, `${r?.source} ${r?.rcode}`);
    assert.equal(f.admits(makeQuery('second.lan'), reply('cache', RCode.NXDOMAIN)), false, 'NXDOMAIN is ordinary');
  });

  it('isOrdinary: local, cache, upstream and coalesced answers with NOERROR or NXDOMAIN', () => {
    for (const s of ['local', 'cache', 'upstream', 'coalesced'] as const) {
      assert.equal(isOrdinary(reply(s)), true, s);
      assert.equal(isOrdinary(reply(s, RCode.NXDOMAIN)), true, s);
      assert.equal(isOrdinary(reply(s, RCode.SERVFAIL)), false, s);
    }
    for (const s of ['stale', 'blocked', 'error'] as const) assert.equal(isOrdinary(reply(s)), false, s);
    assert.equal(isOrdinary(null), false);
  });
});
