/**
 * dnstap (dnstap.proto, dnstap.info): one query or reply as a protobuf `Dnstap` message, in a Frame
 * Streams data frame (fstrm's framing: a 32-bit big-endian length, then the bytes), and the START
 * control frame a Frame Streams file begins with (content type `protobuf:dnstap.Dnstap`). A file
 * without the STOP frame is read to its end by dnstap-read (checked with BIND 9.18's), so several
 * processes may append to one file. Pure.
 */
import { Buffer } from 'node:buffer';
import { controlFrame, FstrmControl } from './fstrm.js';

/** The content type a dnstap Frame Streams file declares in its START frame. */
export const DNSTAP_CONTENT_TYPE = 'protobuf:dnstap.Dnstap';

/**
 * dnstap.proto Message.Type: the four fandns writes. A client's query and the reply it got
 * (CLIENT_*), and a query fandns sent to an upstream server and the reply that came (FORWARDER_*).
 */
export const DnstapKind = { CLIENT_QUERY: 5, CLIENT_RESPONSE: 6, FORWARDER_QUERY: 7, FORWARDER_RESPONSE: 8 } as const;

/** dnstap.proto SocketProtocol (UDP, TCP, DOT, DOH), by fandns's protocol names. */
export const DNSTAP_PROTOCOL = { udp: 1, tcp: 2, tls: 3, https: 4 } as const;

/** True for the kinds that carry a query (query_message); the others carry a reply (response_message). */
const isQueryKind = (kind: number): boolean => kind === DnstapKind.CLIENT_QUERY || kind === DnstapKind.FORWARDER_QUERY;

/**
 * One event to encode: a query and, for a reply kind, the reply. dnstap's "query" side is who
 * asked (a client, or fandns asking an upstream) and its "response" side who answered (fandns, or
 * the upstream); a side not known is left out (the fields are optional in dnstap.proto).
 */
export interface DnstapEvent {
  readonly kind: number;
  /** 4 or 6: the addresses' family (SocketFamily INET, INET6); null: not known (no address given). */
  readonly family: 4 | 6 | null;
  /** DNSTAP_PROTOCOL's value. */
  readonly protocol: number;
  /** The asker's address (4 or 16 bytes) and port, or null. */
  readonly queryAddress: Uint8Array | null;
  readonly queryPort: number | null;
  /** The answerer's address (4 or 16 bytes) and port, or null. */
  readonly responseAddress: Uint8Array | null;
  readonly responsePort: number | null;
  /** When the query was sent, Unix microseconds. */
  readonly queryMicros: number;
  /** When the reply came or went, Unix microseconds (reply kinds only), or null. */
  readonly responseMicros: number | null;
  /** The query's bytes (a query kind) or the reply's (a reply kind). */
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

/** Bytes of an optional bytes field (null: left out). */
const someBytes = (b: Uint8Array | null): number => (b === null ? 0 : bytesField(b.length));
/** Bytes of an optional varint field (null: left out). */
const someVarint = (n: number | null): number => (n === null ? 0 : varintField(n));

/** Bytes of the `Message` for `e` (dnstap.proto field numbers: see dnstapFrame). */
function messageSize(e: DnstapEvent): number {
  return varintField(e.kind) + (e.family === null ? 0 : 2) + varintField(e.protocol) + someBytes(e.queryAddress) +
    someBytes(e.responseAddress) + someVarint(e.queryPort) + someVarint(e.responsePort) +
    varintField(seconds(e.queryMicros)) + 5 +
    (!isQueryKind(e.kind) && e.responseMicros !== null ? varintField(seconds(e.responseMicros)) + 5 : 0) + bytesField(e.message.length);
}

/**
 * `e` as a Frame Streams data frame holding the `Dnstap` message (type MESSAGE, field 15) from the
 * server `identity` (1) running `version` (2) (each left out when null), whose `message` (14) has:
 * type (1), socket_family (2), socket_protocol (3), query_address (4), response_address (5),
 * query_port (6), response_port (7), query_time_sec/nsec (8, 9), and the query (10), or
 * response_time_sec/nsec (12, 13) and the reply (14). One buffer, sized first: this runs for
 * every query while dnstap-file is on.
 */
export function dnstapFrame(identity: Uint8Array | null, version: Uint8Array | null, e: DnstapEvent): Buffer {
  const inner = messageSize(e);
  const outer = someBytes(identity) + someBytes(version) + bytesField(inner) + varintField(1);
  const out = Buffer.allocUnsafe(4 + outer);
  out.writeUInt32BE(outer, 0);
  let off = 4;
  if (identity !== null) off = putBytesField(out, off, 1, identity);
  if (version !== null) off = putBytesField(out, off, 2, version);
  off = putBytesHead(out, off, 14, inner);
  off = putVarintField(out, off, 1, e.kind);
  if (e.family !== null) off = putVarintField(out, off, 2, e.family === 6 ? 2 : 1);
  off = putVarintField(out, off, 3, e.protocol);
  if (e.queryAddress !== null) off = putBytesField(out, off, 4, e.queryAddress);
  if (e.responseAddress !== null) off = putBytesField(out, off, 5, e.responseAddress);
  if (e.queryPort !== null) off = putVarintField(out, off, 6, e.queryPort);
  if (e.responsePort !== null) off = putVarintField(out, off, 7, e.responsePort);
  off = putVarintField(out, off, 8, seconds(e.queryMicros));
  off = putFixed32Field(out, off, 9, nanos(e.queryMicros));
  if (isQueryKind(e.kind)) off = putBytesField(out, off, 10, e.message);
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

/** The START control frame of a dnstap file or stream: its content type, `protobuf:dnstap.Dnstap` (wire/fstrm.ts). */
export function startFrame(): Buffer {
  return controlFrame(FstrmControl.START, [DNSTAP_CONTENT_TYPE]);
}

/** True when `head` (a file's first bytes, at least as long as startFrame()) is a dnstap file's START frame. */
export function isDnstapStart(head: Uint8Array): boolean {
  const start = startFrame();
  return head.length >= start.length && Buffer.from(head.subarray(0, start.length)).equals(start);
}
