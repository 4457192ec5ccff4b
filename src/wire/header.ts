/**
 * Accessors for the 12-byte DNS header (RFC 1035 §4.1.1). Pure functions over a Buffer;
 * callers guarantee the buffer holds at least HEADER_SIZE bytes.
 */
import { FLAG2, FLAG3 } from './constants.js';

/** The 16-bit message ID. */
export function readId(msg: Uint8Array): number {
  return (msg[0]! << 8) | msg[1]!;
}

/** Overwrites the 16-bit message ID. */
export function writeId(msg: Uint8Array, id: number): void {
  msg[0] = id >>> 8;
  msg[1] = id & 0xff;
}

/** The 4-bit RCODE from the header (without the EDNS extension bits). */
export function readRcode(msg: Uint8Array): number {
  return msg[3]! & FLAG3.RCODE_MASK;
}

/** Sets the 4-bit RCODE in the header. */
export function writeRcode(msg: Uint8Array, rcode: number): void {
  msg[3] = (msg[3]! & ~FLAG3.RCODE_MASK) | (rcode & FLAG3.RCODE_MASK);
}

/** True when QR says this is a response. */
export function isResponse(msg: Uint8Array): boolean {
  return (msg[2]! & FLAG2.QR) !== 0;
}

/** True when TC (truncated) is set. */
export function isTruncated(msg: Uint8Array): boolean {
  return (msg[2]! & FLAG2.TC) !== 0;
}

/** The opcode (RFC 1035 §4.1.1). */
export function readOpcode(msg: Uint8Array): number {
  return (msg[2]! & FLAG2.OPCODE_MASK) >>> 3;
}

/** Reads a 16-bit big-endian count or field at `off`. */
export function u16(msg: Uint8Array, off: number): number {
  return (msg[off]! << 8) | msg[off + 1]!;
}

/** Writes a 16-bit big-endian value at `off`. */
export function setU16(msg: Uint8Array, off: number, v: number): void {
  msg[off] = (v >>> 8) & 0xff;
  msg[off + 1] = v & 0xff;
}

/** Reads a 32-bit big-endian unsigned value at `off`. */
export function u32(msg: Uint8Array, off: number): number {
  return ((msg[off]! << 24) >>> 0) + ((msg[off + 1]! << 16) | (msg[off + 2]! << 8) | msg[off + 3]!);
}

/** Writes a 32-bit big-endian unsigned value at `off`. */
export function setU32(msg: Uint8Array, off: number, v: number): void {
  msg[off] = (v >>> 24) & 0xff;
  msg[off + 1] = (v >>> 16) & 0xff;
  msg[off + 2] = (v >>> 8) & 0xff;
  msg[off + 3] = v & 0xff;
}

/** Offsets of the four section counts. */
export const QDCOUNT = 4;
export const ANCOUNT = 6;
export const NSCOUNT = 8;
export const ARCOUNT = 10;
