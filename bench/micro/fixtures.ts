/**
 * Wire messages for the micro-benchmarks, built once with dns-packet (slow path, set-up only): a
 * dig-style query with EDNS and a dnsmasq-style answer with four A records and an OPT record
 * (shared/reference/node-performance.md §3 used the same shapes).
 */
import * as dnsPacket from 'dns-packet';

/** An OPT record advertising 1232 bytes, no options (the typings want fields encode ignores). */
const OPT = { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0, options: [] } as unknown as dnsPacket.Answer;

/** A query for `name` (RD set), with an EDNS OPT record when `edns`. */
export function queryWire(name: string, type: 'A' | 'AAAA', edns: boolean, id = 0x1234): Buffer {
  return dnsPacket.encode({
    type: 'query', id, flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, class: 'IN', name }],
    additionals: edns ? [OPT] : [],
  });
}

/** An answer to `name` A with `count` A records (TTL 300) and an OPT record. */
export function answerWire(name: string, count: number, id = 0x1234): Buffer {
  return dnsPacket.encode({
    type: 'response', id, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: [{ type: 'A', class: 'IN', name }],
    answers: Array.from({ length: count }, (_, i) => ({ type: 'A' as const, class: 'IN' as const, name, ttl: 300, data: `192.0.2.${i + 1}` })),
    additionals: [OPT],
  });
}
