/**
 * What a DNS-over-HTTPS request asks (RFC 8484 §4.1): a GET with the query in the `dns` parameter
 * (base64url, RFC 4648 §5, without padding), or a POST with it as the body, typed
 * `application/dns-message`, both on the path `/dns-query`. Pure: the listener (https.ts) reads
 * the request and sends what this decides.
 */
import { Buffer } from 'node:buffer';
import { HEADER_SIZE, MAX_MESSAGE, RRType } from '../wire/constants.js';
import { DNS_MESSAGE, DOH_PATH, mediaType } from '../wire/doh.js';
import { u32 } from '../wire/header.js';
import { scanMessage, Section } from '../wire/layout.js';

/** A request that is not a DNS query: the HTTP status to answer with, and why. */
export interface DohRefusal {
  readonly status: number;
  readonly reason: string;
}

/** The refusal of a message over 65,535 octets. */
export const TOO_BIG: DohRefusal = { status: 413, reason: 'a DNS message is at most 65535 octets' };

/** True for a refusal, false for query bytes. */
export const isRefusal = (x: Buffer | DohRefusal): x is DohRefusal => !Buffer.isBuffer(x);

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** An HTTP request line and the header that matters. */
export interface DohRequestHead {
  readonly method: string;
  /** The request target: path and query string. */
  readonly url: string;
  readonly contentType: string | undefined;
}

/**
 * Checks the request line: the path (404), the method (405), a POST's media type (415). Returns
 * the refusal, or for a GET the query bytes, or for a POST `'body'` (read it, then `checkBody`).
 */
export function dohQuery(head: DohRequestHead): Buffer | 'body' | DohRefusal {
  const q = head.url.indexOf('?');
  const path = q < 0 ? head.url : head.url.slice(0, q);
  if (path !== DOH_PATH) return { status: 404, reason: `not found: DNS over HTTPS is at ${DOH_PATH}` };
  if (head.method === 'POST') {
    return mediaType(head.contentType) === DNS_MESSAGE ? 'body' : { status: 415, reason: `a POST must be ${DNS_MESSAGE}` };
  }
  if (head.method !== 'GET') return { status: 405, reason: 'only GET and POST' };
  const dns = new URLSearchParams(q < 0 ? '' : head.url.slice(q + 1)).get('dns');
  if (dns === null) return { status: 400, reason: 'a GET needs the dns parameter' };
  if (!BASE64URL.test(dns)) return { status: 400, reason: 'the dns parameter is not base64url' };
  return checkBody(Buffer.from(dns, 'base64url'));
}

/** A query's bytes, or a refusal for one too short for a DNS header or too long for a message. */
export function checkBody(msg: Buffer): Buffer | DohRefusal {
  if (msg.length > MAX_MESSAGE) return TOO_BIG;
  if (msg.length < HEADER_SIZE) return { status: 400, reason: 'not a DNS message' };
  return msg;
}

/**
 * The freshness lifetime of a reply (RFC 8484 §5.1): at most the smallest TTL of its answer and
 * authority records, and, for a reply without answers, at most the MINIMUM of an SOA in its
 * authority section (a negative answer's lifetime, RFC 2308 §5); 0 when it has no record or does
 * not scan.
 */
export function replyMaxAge(reply: Uint8Array): number {
  const layout = scanMessage(reply);
  if (layout === null) return 0;
  let min = Infinity;
  for (const r of layout.records) {
    if (r.section === Section.ADDITIONAL) continue;
    min = Math.min(min, u32(reply, r.typeOff + 4));
    // SOA RDATA ends with MINIMUM (RFC 1035 §3.3.13).
    if (layout.ancount === 0 && r.type === RRType.SOA && r.rdlen >= 20) min = Math.min(min, u32(reply, r.end - 4));
  }
  return min === Infinity ? 0 : Math.min(min, 0x7fffffff);
}
