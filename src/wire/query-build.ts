/** Queries fandns makes itself (RFC 1035 §4.1): a header and one question, nothing else. Pure. */
import { Buffer } from 'node:buffer';
import { FLAG2, HEADER_SIZE } from './constants.js';
import { encodeName } from './name.js';

/** A built query and where its question ends. */
export interface BuiltQuery {
  readonly msg: Buffer;
  readonly qEnd: number;
}

/**
 * A standard query (opcode QUERY, ID 0: the transport sets its own) for `name`, `qtype` and
 * `qclass`, with RD set when `rd`. Throws RangeError for a name encodeName refuses.
 */
export function buildQuery(name: string, qtype: number, qclass: number, rd: boolean): BuiltQuery {
  const wireName = encodeName(name);
  const qEnd = HEADER_SIZE + wireName.length + 4;
  const msg = Buffer.alloc(qEnd);
  msg[2] = rd ? FLAG2.RD : 0;
  msg[5] = 1;
  wireName.copy(msg, HEADER_SIZE);
  msg.writeUInt16BE(qtype, qEnd - 4);
  msg.writeUInt16BE(qclass, qEnd - 2);
  return { msg, qEnd };
}
