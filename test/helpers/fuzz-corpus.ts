/**
 * Well-formed seed messages for the fuzz tests, picked by a Prng: queries as real clients send
 * them (plain, RD=0, EDNS with DO, EDNS with cookie/ECS/padding options, odd types, mixed case,
 * long labels) and upstream replies to a given query (address sets, CNAME chains, NXDOMAIN and
 * NODATA with an SOA, SRV with additionals, TXT, and a hand-compressed reply whose owners and
 * RDATA names are pointers), with an OPT record when the query had one.
 */
import * as dnsPacket from 'dns-packet';
import { buildQuery, type QueryOptions } from './dns-client.js';
import { rr } from './fake-upstream.js';
import type { Prng } from './prng.js';
import { bytes, pointer, record, u16 } from './wire-bytes.js';

const COOKIE = { code: 10, data: Buffer.from('0123456789abcdef', 'hex') };
const ECS = { code: 8, data: Buffer.from([0, 1, 24, 0, 192, 0, 2]) };
const PADDING = { code: 12, data: Buffer.alloc(16) };

/** Query shapes: options for buildQuery. */
const QUERY_SHAPES: readonly QueryOptions[] = [
  {},
  { rd: false },
  { type: 'AAAA' },
  { type: 'TXT', cd: true },
  { type: 'MX', ad: true },
  { type: 'SRV' },
  { edns: 1232 },
  { edns: 4096, dnssecOk: true },
  { edns: 1232, ednsOptions: [COOKIE] },
  { edns: 512, ednsOptions: [ECS, PADDING] },
  { edns: 1400, ednsOptions: [COOKIE, ECS] },
];

/** Mixes the letter case of `name` (clients may send any case). */
function mixCase(name: string, r: Prng): string {
  return [...name].map((c) => (r.chance(0.3) ? c.toUpperCase() : c)).join('');
}

/** A well-formed query for a name under `zone`, of a random shape; `tag` keeps names distinct. */
export function sampleQuery(r: Prng, zone: string, tag: string): Buffer {
  const opts = r.pick(QUERY_SHAPES);
  const long = r.chance(0.15) ? `${'x'.repeat(r.range(40, 63))}.` : '';
  const name = mixCase(`${long}${tag}.${zone}`, r);
  return buildQuery(name, { ...opts, id: r.int(65536) });
}

/** Offset just past the question of a well-formed query. */
function questionEnd(q: Uint8Array): number {
  let off = 12;
  while (q[off] !== 0) off += q[off]! + 1;
  return off + 5;
}

/** A reply whose records are written by hand with every owner and RDATA name compressed. */
function compressedReply(query: Buffer, flags3: number): Buffer {
  const qEnd = questionEnd(query);
  const head = bytes(query.subarray(0, 4), u16(1), u16(4), u16(0), u16(0));
  head[2] = 0x81;
  head[3] = flags3;
  const body: number[] = [];
  const cnameAt = qEnd;
  // CNAME question → "web" + question name; then two A records owned by that CNAME target.
  body.push(...record(pointer(12), 5, 60, [3, ...Buffer.from('web'), ...pointer(12)]));
  body.push(...record(pointer(cnameAt + 12), 1, 60, [10, 0, 0, 1]));
  body.push(...record(pointer(cnameAt + 12), 1, 60, [10, 0, 0, 2]));
  body.push(...record(pointer(12), 15, 60, [...u16(10), 4, ...Buffer.from('mail'), ...pointer(12)]));
  return bytes(head, query.subarray(12, qEnd), body);
}

/** A well-formed upstream reply to `query` (its ID and question), of a random shape. */
export function sampleReply(r: Prng, query: Buffer): Buffer {
  const p = dnsPacket.decode(query);
  const q = p.questions![0]!;
  const edns = (p.additionals ?? []).some((a) => a.type === 'OPT');
  const shape = r.int(7);
  if (shape === 6) {
    const out = compressedReply(query, 0x80);
    if (!edns) return out;
    const withOpt = Buffer.concat([out, bytes(0, u16(41), u16(1232), 0, 0, u16(0), u16(0))]);
    withOpt[11] = 1;
    return withOpt;
  }
  const name = q.name;
  let rcode = 0;
  let answers: dnsPacket.Answer[] = [];
  let authorities: dnsPacket.Answer[] = [];
  let additionals: dnsPacket.Answer[] = [];
  if (shape === 0) answers = Array.from({ length: r.range(1, 6) }, (_, i) => rr.a(name, `10.1.${r.int(256)}.${i}`, r.range(0, 600)));
  if (shape === 1) answers = [rr.cname(name, `t.${name}`, 60), rr.cname(`t.${name}`, `u.${name}`, 60), rr.a(`u.${name}`, '10.2.0.1', 60)];
  if (shape === 2) {
    rcode = 3;
    authorities = [rr.soa('fuzz.test', r.range(0, 300))];
  }
  if (shape === 3) authorities = [rr.soa('fuzz.test', 60)];
  if (shape === 4) {
    answers = [rr.srv(name, 'a.node.fuzz.test', 8080, 60), rr.srv(name, 'b.node.fuzz.test', 8081, 60)];
    additionals = [rr.a('a.node.fuzz.test', '10.3.0.1', 60), rr.a('b.node.fuzz.test', '10.3.0.2', 60)];
  }
  if (shape === 5) answers = [rr.txt(name, 'x'.repeat(r.range(0, 200)), 60), rr.txt(name, 'second', 60)];
  if (edns) additionals.push({ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0 } as never);
  return dnsPacket.encode({
    type: 'response',
    id: p.id ?? 0,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
    questions: [q],
    answers,
    authorities,
    additionals,
  } as never);
}
