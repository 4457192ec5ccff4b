/**
 * Building blocks for handler-level tests: Query objects from encoded queries, and upstream-style
 * Replies from dns-packet responses, without sockets.
 */
import * as dnsPacket from 'dns-packet';
import { performance } from 'node:perf_hooks';
import { Query, type Protocol } from '../../src/pipeline/query.js';
import { DROP, Reply, type Outcome } from '../../src/pipeline/types.js';
import { scanMessage } from '../../src/wire/layout.js';
import { parseQuery } from '../../src/wire/query-parse.js';
import { buildQuery, type QueryOptions } from './dns-client.js';

/** A pipeline Query for `name` as a UDP client on 127.0.0.1 would send it. */
export function makeQuery(name: string, opts: QueryOptions = {}, protocol: Protocol = 'udp'): Query {
  const msg = buildQuery(name, opts);
  const p = parseQuery(msg);
  if (typeof p === 'number') throw new Error(`test query for ${name} does not parse: fault ${p}`);
  return new Query(msg, p, { address: '127.0.0.1', port: 40000, protocol, localAddress: '127.0.0.1', localPort: 53, reply: () => {} }, performance.now());
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** The header bits for an RCODE mnemonic (dns-packet's encoder ignores its `rcode` field). */
export function rcodeBits(rcode: string | undefined): number {
  const i = RCODES.indexOf(rcode ?? 'NOERROR');
  if (i < 0) throw new Error(`unknown rcode ${rcode}`);
  return i;
}

/** What an upstream reply should contain. */
export interface ReplySpec {
  readonly rcode?: string;
  readonly answers?: dnsPacket.Answer[];
  readonly authorities?: dnsPacket.Answer[];
  readonly additionals?: dnsPacket.Answer[];
  readonly flags?: number;
}

/** An upstream Reply (source 'upstream', with layout) answering `q`. */
export function upstreamReply(q: Query, spec: ReplySpec): Reply {
  const query = dnsPacket.decode(q.msg);
  const wire = dnsPacket.encode({
    type: 'response',
    id: 4242,
    // dns-packet encodes the RCODE only from the low bits of `flags`.
    flags: (spec.flags ?? 0) | dnsPacket.RECURSION_AVAILABLE | dnsPacket.RECURSION_DESIRED | rcodeBits(spec.rcode),
    questions: query.questions,
    answers: spec.answers ?? [],
    authorities: spec.authorities ?? [],
    additionals: spec.additionals ?? [],
  } as never);
  const layout = scanMessage(wire);
  if (!layout) throw new Error('test reply does not scan');
  return new Reply(wire, 'upstream', true, -1, -1, '127.0.0.1#53', layout);
}

/** Decodes a reply's bytes. */
export function decode(wire: Buffer): dnsPacket.Packet {
  return dnsPacket.decode(wire);
}

/**
 * A stage's outcome as text: `forwarded` when it is `next` (what the fake next stage returned),
 * `dropped`, or `RCODE [aa] TYPE data ttl=N…` (answers sorted when `sorted`).
 */
export function outcomeText(o: Outcome, next: Reply, sorted = false): string {
  if (o === next) return 'forwarded';
  if (o === DROP) return 'dropped';
  const p = dnsPacket.decode(o.wire);
  const answers = (p.answers ?? []).map((a) => `${a.type} ${String((a as { data: unknown }).data)} ttl=${(a as { ttl?: number }).ttl}`);
  if (sorted) answers.sort();
  return [(p as unknown as { rcode: string }).rcode, p.flags! & dnsPacket.AUTHORITATIVE_ANSWER ? 'aa' : '', ...answers].filter((s) => s !== '').join(' ');
}
