/**
 * Ready-made fake-upstream scripts for the policy tests: a record, an error RCODE, NXDOMAIN with
 * an SOA, or silence, each optionally delayed.
 */
import { rr, type Script } from './fake-upstream.js';

/** Answers every query with one A record `ip`. */
export const answer = (ip: string, delayMs = 0): Script => (q) => ({ answers: [rr.a(q.name, ip, 60)], delayMs });

/** Answers every query with SERVFAIL. */
export const servfail = (delayMs = 0): Script => () => ({ rcode: 'SERVFAIL', delayMs });

/** Answers every query with REFUSED. */
export const refused = (delayMs = 0): Script => () => ({ rcode: 'REFUSED', delayMs });

/** Answers every query with NXDOMAIN and an SOA in the authority section. */
export const nxdomain = (delayMs = 0): Script => () => ({ rcode: 'NXDOMAIN', authorities: [rr.soa('test', 30)], delayMs });

/** Never answers. */
export const dead = (): Script => () => ({ drop: true });

/** A DNS COOKIE option (RFC 7873, code 10) with an 8-byte client cookie, as dig sends. */
export const COOKIE = { code: 10, data: Buffer.from('0123456789abcdef', 'hex') };

/** The two query shapes every policy must treat alike: plain, and EDNS with a COOKIE option. */
export const QUERY_SHAPES = [
  { label: 'without EDNS', opts: {} },
  { label: 'with an EDNS COOKIE option', opts: { edns: 1232, ednsOptions: [COOKIE] } },
] as const;

/** A lossy link: drops the first `n` UDP datagrams it receives, then answers each with one A record `ip`. */
export const dropFirst = (n: number, ip: string): Script => {
  let seen = 0;
  return (q) => (q.proto === 'udp' && ++seen <= n ? { drop: true } : { answers: [rr.a(q.name, ip, 60)] });
};
