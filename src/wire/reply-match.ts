/**
 * Does a message answer the query we sent (RFC 5452 §9.1, RFC 1035 §4.1.1)? The caller has
 * matched the ID and source already; this checks the rest: QR set, opcode QUERY (the only one
 * fandns forwards, and a response copies it), one question, and that question equal to ours:
 * the name ignoring ASCII case, QTYPE and QCLASS exactly.
 */
import { FLAG2, HEADER_SIZE } from './constants.js';
import { sameWireName } from './name.js';

/** True when `msg` is a response to `query`, whose question ends at `qEnd`. */
export function answersQuery(msg: Uint8Array, query: Uint8Array, qEnd: number): boolean {
  if ((msg[2]! & (FLAG2.QR | FLAG2.OPCODE_MASK)) !== FLAG2.QR || msg[4] !== 0 || msg[5] !== 1 || msg.length < qEnd) return false;
  const nameEnd = qEnd - 4;
  if (!sameWireName(msg, HEADER_SIZE, query, HEADER_SIZE, nameEnd - HEADER_SIZE)) return false;
  for (let i = nameEnd; i < qEnd; i++) if (msg[i] !== query[i]) return false;
  return true;
}
