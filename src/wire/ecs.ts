/**
 * The EDNS Client Subnet option (RFC 7871): building it for forwarded queries (§6), and reading
 * and checking the one an upstream returns (§7.3). OPTION-DATA is FAMILY (2 octets), SOURCE
 * PREFIX-LENGTH, SCOPE PREFIX-LENGTH, then ADDRESS cut to ceil(SOURCE / 8) octets.
 */
import { Buffer } from 'node:buffer';
import { HEADER_SIZE, RRType } from './constants.js';
import { ARCOUNT, setU16, u16 } from './header.js';
import { encodeOption, findOption, OPTION_HEAD } from './edns-options.js';
import { scanMessage } from './layout.js';
import { findAdditional } from './query-additional.js';
import { prefixByteMask } from '../util/ip.js';

/** OPTION-CODE of ECS (RFC 7871 §6). */
export const ECS_OPTION = 8;

/** ECS FAMILY values (IANA Address Family Numbers, RFC 7871 §6). */
export const EcsFamily = { IPV4: 1, IPV6: 2 } as const;

/** Offset of SCOPE PREFIX-LENGTH within OPTION-DATA. */
const SCOPE = 3;

/**
 * The ECS option (code and length included) for `address` (4 or 16 bytes) cut to `sourcePrefix`
 * bits: ADDRESS holds ceil(sourcePrefix / 8) octets and the bits past the prefix are zero, as RFC
 * 7871 §6 requires; SCOPE PREFIX-LENGTH is 0, as in every query.
 */
export function ecsOption(family: number, sourcePrefix: number, address: Uint8Array): Buffer {
  const n = (sourcePrefix + 7) >>> 3;
  const data = Buffer.alloc(4 + n);
  setU16(data, 0, family);
  data[2] = sourcePrefix;
  data[SCOPE] = 0;
  for (let i = 0; i < n; i++) data[4 + i] = address[i]! & prefixByteMask(sourcePrefix, i);
  return encodeOption(ECS_OPTION, data);
}

/** An ECS option as read from a message. */
export interface Ecs {
  readonly family: number;
  readonly source: number;
  readonly scope: number;
  /** Offset of ADDRESS in the message; its length is ceil(source / 8). */
  readonly address: number;
}

/**
 * The ECS option whose OPTION-CODE field is at `at`, or null when it is malformed (RFC 7871 §6:
 * shorter than 4 octets, or ADDRESS not exactly ceil(SOURCE PREFIX-LENGTH / 8) octets).
 */
export function readEcs(msg: Uint8Array, at: number): Ecs | null {
  const len = u16(msg, at + 2);
  const d = at + OPTION_HEAD;
  if (len < 4 || d + len > msg.length) return null;
  const source = msg[d + 2]!;
  if (len !== 4 + ((source + 7) >>> 3)) return null;
  return { family: u16(msg, d), source, scope: msg[d + SCOPE]!, address: d + 4 };
}

/**
 * True when `reply` carries an ECS option that does not answer the one in `query` (RFC 7871
 * §7.3): a different FAMILY, or, when the query's SOURCE PREFIX-LENGTH is not 0, a different
 * SOURCE PREFIX-LENGTH or ADDRESS. Such a response MUST be dropped (§7.3, §11.3). False when either
 * has no ECS option; a malformed one in the reply counts as a mismatch.
 */
export function ecsMismatch(reply: Buffer, query: Uint8Array, qEnd: number): boolean {
  const qOpt = findAdditional(query, qEnd, RRType.OPT);
  const qAt = qOpt < 0 ? -1 : findOption(query, qOpt, ECS_OPTION);
  if (qAt < 0 || reply.length < HEADER_SIZE || u16(reply, ARCOUNT) === 0) return false;
  const rOpt = scanMessage(reply)?.opt;
  const rAt = rOpt ? findOption(reply, rOpt.start, ECS_OPTION) : -1;
  if (rAt < 0) return false;
  const q = readEcs(query, qAt);
  const r = readEcs(reply, rAt);
  if (q === null || r === null) return r === null;
  if (q.family !== r.family) return true;
  if (q.source === 0) return false;
  if (q.source !== r.source) return true;
  for (let i = 0, n = (q.source + 7) >>> 3; i < n; i++) if (query[q.address + i] !== reply[r.address + i]) return true;
  return false;
}

/**
 * SCOPE PREFIX-LENGTH of the ECS option in the OPT record at `optStart` (-1: no OPT), or 0 when
 * there is none: a response without ECS is to be treated as scope 0, suitable for every client
 * (RFC 7871 §7.3). A malformed option counts as not global (255).
 */
export function ecsScope(msg: Uint8Array, optStart: number): number {
  const at = optStart < 0 ? -1 : findOption(msg, optStart, ECS_OPTION);
  if (at < 0) return 0;
  return readEcs(msg, at)?.scope ?? 255;
}

/** A copy of the ECS option `option` (code and length included) with SCOPE PREFIX-LENGTH `scope`. */
export function withScope(option: Uint8Array, scope: number): Buffer {
  const out = Buffer.from(option);
  out[OPTION_HEAD + SCOPE] = scope;
  return out;
}
