/**
 * EDNS(0) OPT pseudo-record helpers (RFC 6891 §6.1). The OPT owner is the root (one zero byte),
 * so the fields sit at fixed distances from the record start: TYPE +1, CLASS (UDP size) +3,
 * extended RCODE +5, VERSION +6, flags +7, RDLENGTH +9.
 */
import { Buffer } from 'node:buffer';
import { OPT_DO, RRType } from './constants.js';
import { ARCOUNT, setU16, u16 } from './header.js';

/** Size of an OPT record without options. */
export const OPT_SIZE = 11;

/**
 * A fresh OPT record with no options, advertising `udpSize`, echoing the DO bit (RFC 3225 §3)
 * and carrying the upper 8 bits of an extended RCODE (RFC 6891 §6.1.3).
 */
export function optRecord(udpSize: number, dnssecOk: boolean, extendedRcode = 0): Buffer {
  const b = Buffer.allocUnsafe(OPT_SIZE);
  writeOpt(b, 0, udpSize, dnssecOk, extendedRcode);
  return b;
}

/** Lowers the UDP size advertised by the OPT record at `optStart` to at most `max`, in place. */
export function clampOptSize(msg: Uint8Array, optStart: number, max: number): void {
  if (u16(msg, optStart + 3) > max) setU16(msg, optStart + 3, max);
}

/** Returns a copy of `msg` without the bytes [start, end) of one additional record. */
export function withoutAdditional(msg: Uint8Array, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(msg.length - (end - start));
  out.set(msg.subarray(0, start), 0);
  out.set(msg.subarray(end), start);
  setU16(out, ARCOUNT, u16(out, ARCOUNT) - 1);
  return out;
}

/** Writes an OPT record's fixed part at `off` (see optRecord); `rdlen` bytes of options follow. */
function writeOpt(out: Uint8Array, off: number, udpSize: number, dnssecOk: boolean, extendedRcode: number, rdlen = 0): void {
  out[off] = 0;
  setU16(out, off + 1, RRType.OPT);
  setU16(out, off + 3, udpSize);
  out[off + 5] = extendedRcode >>> 4;
  out[off + 6] = 0;
  setU16(out, off + 7, dnssecOk ? OPT_DO : 0);
  setU16(out, off + 9, rdlen);
}

/** Returns a copy of `msg` with an option-less OPT record appended to the additional section. */
export function withOpt(msg: Uint8Array, udpSize: number, dnssecOk: boolean): Buffer {
  return appendOpt(msg, udpSize, dnssecOk, 0);
}

/**
 * Returns a copy of `msg` with an OPT record appended to the additional section that carries
 * `options` (encoded OPTION-CODE, OPTION-LENGTH, OPTION-DATA runs), with no flags but DO as given.
 */
export function withOptOptions(msg: Uint8Array, udpSize: number, dnssecOk: boolean, options: Uint8Array): Buffer {
  const out = appendOpt(msg, udpSize, dnssecOk, options.length);
  out.set(options, msg.length + OPT_SIZE);
  return out;
}

/** A copy of `msg` with an OPT record appended whose `rdlen` bytes of options the caller writes. */
function appendOpt(msg: Uint8Array, udpSize: number, dnssecOk: boolean, rdlen: number): Buffer {
  const out = Buffer.allocUnsafe(msg.length + OPT_SIZE + rdlen);
  out.set(msg, 0);
  writeOpt(out, msg.length, udpSize, dnssecOk, 0, rdlen);
  setU16(out, ARCOUNT, u16(out, ARCOUNT) + 1);
  return out;
}

/** EDNS option code of an Extended DNS Error (RFC 8914 §2). */
const EDE_OPTION = 15;

/** Extended DNS Error info codes fandns sends (RFC 8914 §4). */
export const EdeCode = { NOT_READY: 14, BLOCKED: 15, FILTERED: 17 } as const;

/**
 * Returns a copy of `msg` with an OPT record appended that carries one Extended DNS Error option
 * (RFC 8914 §2: INFO-CODE, no EXTRA-TEXT), advertising `udpSize` and echoing DO.
 */
export function withEdeOpt(msg: Uint8Array, udpSize: number, dnssecOk: boolean, infoCode: number): Buffer {
  const out = appendOpt(msg, udpSize, dnssecOk, 6);
  const at = msg.length + OPT_SIZE;
  setU16(out, at, EDE_OPTION);
  setU16(out, at + 2, 2);
  setU16(out, at + 4, infoCode);
  return out;
}
