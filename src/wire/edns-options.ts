/**
 * The options inside an OPT record (RFC 6891 §6.1.2: RDATA is a run of OPTION-CODE,
 * OPTION-LENGTH and OPTION-DATA): finding one, and editing the set when a query is forwarded
 * (add-subnet, strip-mac, add-cpe-id…) or a reply is passed on. Off the hot path: only used when
 * one of those options is configured.
 */
import { Buffer } from 'node:buffer';
import { OPT_SIZE, withOptOptions } from './opt.js';
import { setU16, u16 } from './header.js';

/** Bytes before an option's data: OPTION-CODE and OPTION-LENGTH. */
export const OPTION_HEAD = 4;

/** The option `code` with `data`, as it sits in OPT RDATA. */
export function encodeOption(code: number, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(OPTION_HEAD + data.length);
  setU16(out, 0, code);
  setU16(out, 2, data.length);
  out.set(data, OPTION_HEAD);
  return out;
}

/** Offset just past the OPT record that starts at `optStart` (root owner, RFC 6891 §6.1.2). */
export function optEnd(msg: Uint8Array, optStart: number): number {
  return optStart + OPT_SIZE + u16(msg, optStart + 9);
}

/**
 * Offset of the first option `code` in the OPT record at `optStart` (its OPTION-CODE field), or
 * -1. Options that run past RDATA end the search: a truncated one is never found.
 */
export function findOption(msg: Uint8Array, optStart: number, code: number): number {
  const end = Math.min(optEnd(msg, optStart), msg.length);
  for (let o = optStart + OPT_SIZE; o + OPTION_HEAD <= end;) {
    const next = o + OPTION_HEAD + u16(msg, o + 2);
    if (next > end) return -1;
    if (u16(msg, o) === code) return o;
    o = next;
  }
  return -1;
}

/**
 * A copy of `msg` whose OPT record at `optStart` holds the options `keep` accepts, in their order,
 * then `extra` (options as encodeOption makes them). Without an OPT (`optStart` < 0) and with
 * `extra` not empty, a new OPT record is appended that advertises `udpSize`, with no flags (RFC
 * 6891 §6.1.3); with nothing to add, the copy has none either. Records after the OPT move along
 * with it. An option that runs past RDATA is dropped with whatever follows it.
 */
export function editOptions(msg: Uint8Array, optStart: number, keep: (code: number) => boolean, extra: Uint8Array, udpSize: number): Buffer {
  if (optStart < 0) return extra.length === 0 ? Buffer.from(msg) : withOptOptions(msg, udpSize, false, extra);
  const end = Math.min(optEnd(msg, optStart), msg.length);
  const rdata = optStart + OPT_SIZE;
  const out = Buffer.allocUnsafe(msg.length + extra.length);
  out.set(msg.subarray(0, rdata), 0);
  let w = rdata;
  for (let o = rdata; o + OPTION_HEAD <= end;) {
    const next = o + OPTION_HEAD + u16(msg, o + 2);
    if (next > end) break;
    if (keep(u16(msg, o))) {
      out.set(msg.subarray(o, next), w);
      w += next - o;
    }
    o = next;
  }
  out.set(extra, w);
  w += extra.length;
  setU16(out, optStart + 9, w - rdata);
  out.set(msg.subarray(end), w);
  return out.subarray(0, w + msg.length - end);
}
