/**
 * dnstap (dnstap.proto, dnstap.info): one query or reply as a protobuf `Dnstap` message, in a Frame
 * Streams data frame (fstrm's framing: a 32-bit big-endian length, then the bytes), and the START
 * control frame a Frame Streams file begins with (content type `protobuf:dnstap.Dnstap`). A file
 * without the STOP frame is read to its end by dnstap-read (checked with BIND 9.18's), so several
 * processes may append to one file. Pure.
 */
import { Buffer } from 'node:buffer';

/** The content type a dnstap Frame Streams file declares in its START frame. */
export const DNSTAP_CONTENT_TYPE = 'protobuf:dnstap.Dnstap';

/** dnstap.proto Message.Type: the two fandns writes. */
export const DnstapKind = { CLIENT_QUERY: 5, CLIENT_RESPONSE: 6 } as const;

/** dnstap.proto SocketProtocol, by fandns's client protocols. */
export const DNSTAP_PROTOCOL = { udp: 1, tcp: 2, tls: 3, https: 4 } as const;

/** One event to encode: a query a client sent, or the reply it got. */
export interface DnstapEvent {
  readonly kind: number;
  /** 4 or 6: the client's address family (SocketFamily INET, INET6). */
  readonly family: 4 | 6;
  /** DNSTAP_PROTOCOL's value. */
  readonly protocol: number;
  /** The client's address (4 or 16 bytes) and port. */
  readonly queryAddress: Uint8Array;
  readonly queryPort: number;
  /** fandns's address the query came to (4 or 16 bytes), or null. */
  readonly responseAddress: Uint8Array | null;
  /** When the query came, Unix microseconds. */
  readonly queryMicros: number;
  /** When the reply went, Unix microseconds (CLIENT_RESPONSE only). */
  readonly responseMicros: number | null;
  /** The query's bytes (CLIENT_QUERY) or the reply's (CLIENT_RESPONSE). */
  readonly message: Uint8Array;
}

/** Bytes a varint of `n` takes (n < 2^53). */
function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Writes `n` as a varint at `off` (protobuf encoding; n < 2^53, the division keeps the bits a 32-bit shift would lose); returns the offset after it. */
function putVarint(out: Buffer, off: number, n: number): number {
  while (n >= 0x80) {
    out[off++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[off++] = n;
  return off;
}

/** Bytes of a varint field, key included (field numbers here are below 16: a one-byte key). */
const varintField = (n: number): number => 1 + varintSize(n);
/** Bytes of a length-delimited field of `len` bytes, key included. */
const bytesField = (len: number): number => 1 + varintSize(len) + len;

/** Writes a varint field (wire type 0). */
function putVarintField(out: Buffer, off: number, num: number, n: number): number {
  out[off++] = num << 3;
  return putVarint(out, off, n);
}

/** Writes a length-delimited field's key and length (wire type 2); the caller writes the bytes after. */
function putBytesHead(out: Buffer, off: number, num: number, len: number): number {
  out[off++] = (num << 3) | 2;
  return putVarint(out, off, len);
}

/** Writes a length-delimited field (wire type 2). */
function putBytesField(out: Buffer, off: number, num: number, b: Uint8Array): number {
  off = putBytesHead(out, off, num, b.length);
  out.set(b, off);
  return off + b.length;
}

/** Writes a fixed32 field (wire type 5), little-endian. */
function putFixed32Field(out: Buffer, off: number, num: number, n: number): number {
  out[off++] = (num << 3) | 5;
  out.writeUInt32LE(n, off);
  return off + 4;
}

/** `micros` as dnstap's whole seconds and the nanoseconds after them. */
const seconds = (micros: number): number => Math.floor(micros / 1e6);
const nanos = (micros: number): number => (micros - seconds(micros) * 1e6) * 1000;

/** Bytes of the `Message` for `e` (dnstap.proto field numbers: see dnstapFrame). */
function messageSize(e: DnstapEvent): number {
  const query = e.kind === DnstapKind.CLIENT_QUERY;
  return varintField(e.kind) + varintField(e.family === 6 ? 2 : 1) + varintField(e.protocol) + bytesField(e.queryAddress.length) +
    (e.responseAddress === null ? 0 : bytesField(e.responseAddress.length)) + varintField(e.queryPort) +
    varintField(seconds(e.queryMicros)) + 5 +
    (!query && e.responseMicros !== null ? varintField(seconds(e.responseMicros)) + 5 : 0) + bytesField(e.message.length);
}

/**
 * `e` as a Frame Streams data frame holding the `Dnstap` message (type MESSAGE, field 15) from the
 * server `identity` (1) running `version` (2), whose `message` (14) has: type (1), socket_family
 * (2), socket_protocol (3), query_address (4), response_address (5), query_port (6),
 * query_time_sec/nsec (8, 9), and the query (10), or response_time_sec/nsec (12, 13) and the reply
 * (14). One buffer, sized first: this runs for every query while dnstap-file is on.
 */
export function dnstapFrame(identity: Uint8Array, version: Uint8Array, e: DnstapEvent): Buffer {
  const inner = messageSize(e);
  const outer = bytesField(identity.length) + bytesField(version.length) + bytesField(inner) + varintField(1);
  const out = Buffer.allocUnsafe(4 + outer);
  out.writeUInt32BE(outer, 0);
  let off = putBytesField(out, 4, 1, identity);
  off = putBytesField(out, off, 2, version);
  off = putBytesHead(out, off, 14, inner);
  off = putVarintField(out, off, 1, e.kind);
  off = putVarintField(out, off, 2, e.family === 6 ? 2 : 1);
  off = putVarintField(out, off, 3, e.protocol);
  off = putBytesField(out, off, 4, e.queryAddress);
  if (e.responseAddress !== null) off = putBytesField(out, off, 5, e.responseAddress);
  off = putVarintField(out, off, 6, e.queryPort);
  off = putVarintField(out, off, 8, seconds(e.queryMicros));
  off = putFixed32Field(out, off, 9, nanos(e.queryMicros));
  if (e.kind === DnstapKind.CLIENT_QUERY) off = putBytesField(out, off, 10, e.message);
  else {
    if (e.responseMicros !== null) {
      off = putVarintField(out, off, 12, seconds(e.responseMicros));
      off = putFixed32Field(out, off, 13, nanos(e.responseMicros));
    }
    off = putBytesField(out, off, 14, e.message);
  }
  putVarintField(out, off, 15, 1);
  return out;
}

/** The START control frame of a dnstap file: escape (0), control length, START (2), CONTENT_TYPE (1) field. */
export function startFrame(): Buffer {
  const type = Buffer.from(DNSTAP_CONTENT_TYPE, 'latin1');
  const out = Buffer.alloc(8 + 12 + type.length);
  out.writeUInt32BE(0, 0);
  out.writeUInt32BE(12 + type.length, 4);
  out.writeUInt32BE(2, 8);
  out.writeUInt32BE(1, 12);
  out.writeUInt32BE(type.length, 16);
  type.copy(out, 20);
  return out;
}

/** True when `head` (a file's first bytes, at least as long as startFrame()) is a dnstap file's START frame. */
export function isDnstapStart(head: Uint8Array): boolean {
  const start = startFrame();
  return head.length >= start.length && Buffer.from(head.subarray(0, start.length)).equals(start);
}
