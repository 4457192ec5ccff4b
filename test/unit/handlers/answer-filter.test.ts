/**
 * The answer filter's address checks: bogus-nxdomain turns an answer with a listed address into
 * NXDOMAIN (EDE 15 for EDNS clients, any RCODE but NXDOMAIN, CNAME chains included), and
 * stop-dns-rebind blanks answers into private space with the same EDE. Answers without such an
 * address, local answers and NXDOMAIN pass as they are.
 */
import { describe, it } from 'node:test';
import { strict as assert } from 'node:assert';
import { createAnswerFilter, type FilterCounters } from '../../../src/handlers/answer-filter.js';
import { parseConfigText } from '../../../src/config/load.js';
import { LocalZone } from '../../../src/local/zone.js';
import { DomainTable } from '../../../src/routing/domain-table.js';
import { DROP, Reply, type Outcome } from '../../../src/pipeline/types.js';
import { decode, makeQuery, upstreamReply, type ReplySpec } from '../../helpers/wire.js';
import { rr } from '../../helpers/fake-upstream.js';
import type { QueryOptions } from '../../helpers/dns-client.js';

/** A filter built from config lines, over an upstream answering with `spec`. */
function rig(lines: string, spec: ReplySpec) {
  const f = parseConfigText(`no-resolv\n${lines}`).filters;
  const counters: FilterCounters = { blocked: 0, bogus: 0 };
  const table = new DomainTable([], [], () => null as never);
  const stage = createAnswerFilter({ ...f, ednsPacketMax: 1232 }, new LocalZone(), table, counters);
  const ask = (name: string, opts: QueryOptions = {}): Reply => {
    const o = stage.handle(makeQuery(name, opts), (q) => upstreamReply(q, spec)) as Outcome;
    assert.ok(o !== DROP && o instanceof Reply);
    return o;
  };
  return { ask, counters };
}

/** A reply's RCODE mnemonic. */
const rcodeOf = (r: Reply): string => ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN'][r.rcode] ?? String(r.rcode);

/** The EDE info codes in a reply's OPT record. */
function edeCodes(r: Reply): number[] {
  const opt = decode(r.wire).additionals?.find((a) => a.type === 'OPT') as { options?: { code: number; data: Buffer }[] } | undefined;
  return (opt?.options ?? []).filter((x) => x.code === 15).map((x) => x.data.readUInt16BE(0));
}

describe('bogus-nxdomain', () => {
  const hijack = { answers: [rr.a('x.test', '10.9.9.9', 60)] };

  it('turns an answer with an address in the range into NXDOMAIN with no records and no AA', () => {
    const { ask, counters } = rig('bogus-nxdomain=10.9.9.0/24', { ...hijack, flags: 1 << 10 });
    const r = ask('x.test');
    assert.equal(rcodeOf(r), 'NXDOMAIN');
    assert.equal(decode(r.wire).answers?.length, 0);
    assert.equal(r.wire[2]! & 0x04, 0, 'no AA');
    assert.equal(r.source, 'blocked');
    assert.deepEqual(edeCodes(r), [], 'no OPT for a client without EDNS');
    assert.equal(counters.bogus, 1);
  });

  it('adds EDE 15 "Blocked" for an EDNS client', () => {
    const { ask } = rig('bogus-nxdomain=10.9.9.9', hijack);
    assert.deepEqual(edeCodes(ask('x.test', { edns: 1232 })), [15]);
  });

  it('looks at the end of a CNAME chain, and at AAAA records', () => {
    const chain = { answers: [rr.cname('c.test', 'x.test'), rr.a('x.test', '10.9.9.9')] };
    assert.equal(rcodeOf(rig('bogus-nxdomain=10.9.9.9', chain).ask('c.test')), 'NXDOMAIN');
    const v6 = { answers: [rr.aaaa('x.test', '2001:db8::bad')] };
    assert.equal(rcodeOf(rig('bogus-nxdomain=2001:db8::/32', v6).ask('x.test', { type: 'AAAA' })), 'NXDOMAIN');
  });

  it('passes answers outside the ranges, other families, NXDOMAIN, and records outside the answer section', () => {
    const { ask, counters } = rig('bogus-nxdomain=10.9.9.9\nbogus-nxdomain=::a09:909', hijack);
    assert.equal(rcodeOf(rig('bogus-nxdomain=10.9.9.8', hijack).ask('x.test')), 'NOERROR');
    assert.equal(rcodeOf(ask('y.test')), 'NXDOMAIN', 'the rig itself');
    assert.equal(counters.bogus, 1);
    const glue = { answers: [rr.a('x.test', '1.2.3.4')], additionals: [rr.a('ns.test', '10.9.9.9')] };
    assert.equal(rcodeOf(rig('bogus-nxdomain=10.9.9.9', glue).ask('x.test')), 'NOERROR');
    const nx = rig('bogus-nxdomain=10.9.9.9', { rcode: 'NXDOMAIN', ...hijack });
    const r = nx.ask('x.test');
    assert.equal(r.source, 'upstream');
    assert.equal(nx.counters.bogus, 0);
  });

  it('applies to any RCODE but NXDOMAIN, as dnsmasq does', () => {
    const { ask } = rig('bogus-nxdomain=10.9.9.9', { rcode: 'SERVFAIL', ...hijack });
    assert.equal(rcodeOf(ask('x.test')), 'NXDOMAIN');
  });
});

describe('stop-dns-rebind', () => {
  it('blanks an answer into private space: NOERROR, no records, EDE 15 for EDNS clients', () => {
    const { ask, counters } = rig('stop-dns-rebind', { answers: [rr.a('x.test', '192.168.1.1')] });
    const r = ask('x.test', { edns: 1232 });
    assert.equal(rcodeOf(r), 'NOERROR');
    assert.equal(decode(r.wire).answers?.length, 0);
    assert.deepEqual(edeCodes(r), [15]);
    assert.equal(counters.blocked, 1);
  });

  it('is checked after bogus-nxdomain', () => {
    const { ask, counters } = rig('stop-dns-rebind\nbogus-nxdomain=10.0.0.1', { answers: [rr.a('x.test', '10.0.0.1')] });
    assert.equal(rcodeOf(ask('x.test')), 'NXDOMAIN');
    assert.deepEqual(counters, { blocked: 0, bogus: 1 });
  });
});
